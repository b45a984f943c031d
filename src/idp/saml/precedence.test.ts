import { describe, expect, it } from 'vitest';
import { applyActionCommands, applyRuleConfiguration, SAML_RESPONSE_SETTERS } from './precedence.js';
import { SETTABLE_FIELDS } from './override-policy.js';
import { effectiveSamlConfiguration, type SamlConfiguration } from './settings.js';

const base = (): SamlConfiguration => effectiveSamlConfiguration({ audience: 'urn:sp' }, { tenantIssuer: 'urn:t', callbackUrl: 'https://sp.example/acs' });

describe('precedence (reference/auth0.md §2.4, §7.3)', () => {
  it('maps every api.samlResponse setter of §7.3 to a setting, and every setting but logout/binding has a setter (S-api-obj)', () => {
    expect(Object.keys(SAML_RESPONSE_SETTERS).sort()).toEqual(
      [
        'setAudience', 'setRecipient', 'setDestination', 'setIssuer', 'setLifetimeInSeconds', 'setSignResponse', 'setSignatureAlgorithm',
        'setDigestAlgorithm', 'setNameIdentifierFormat', 'setNameIdentifierProbes', 'setAuthnContextClassRef', 'setCreateUpnClaim',
        'setPassthroughClaimsWithNoMapping', 'setMapUnknownClaimsAsIs', 'setMapIdentities', 'setTypedAttributes', 'setIncludeAttributeNameFormat',
        'setSigningCert', 'setCert', 'setKey', 'setEncryptionCert', 'setEncryptionPublicKey', 'setEncryptionAlgorithm', 'setRelayState',
      ].sort(),
    );
    const withSetter = new Set<string>(Object.values(SAML_RESPONSE_SETTERS));
    expect(SETTABLE_FIELDS.filter((f) => !withSetter.has(f))).toEqual(['logout', 'binding']);
  });

  it('never mutates the configuration it is given', () => {
    const config = base();
    const before = JSON.stringify(config);
    applyRuleConfiguration(config, { audience: 'urn:other', mappings: { A: 'email' }, destination: 'https://evil.example' });
    applyActionCommands(config, [{ kind: 'samlResponse.setAttribute', name: 'A', value: 1 }, { kind: 'samlResponse.set', method: 'setLifetimeInSeconds', value: 60 }]);
    expect(JSON.stringify(config)).toBe(before);
  });

  it('honours at most 100 changed or added attributes per login; changing one again does not count twice (S-lim)', () => {
    const commands = Array.from({ length: 101 }, (_, i) => ({ kind: 'samlResponse.setAttribute', name: `a${i}`, value: i }));
    commands.push({ kind: 'samlResponse.setAttribute', name: 'a0', value: -1 });
    const config = applyActionCommands(base(), commands);
    expect(config.attributeEdits).toHaveLength(101);
    expect(config.attributeEdits.map((e) => e.name)).not.toContain('a100');
    expect(config.diagnostics.map((d) => `${d.code}:${d.path}`)).toEqual(['ACTION_LIMIT_EXCEEDED:commands[100]']);
  });

  it('removals are always honoured, whatever the count', () => {
    const commands = Array.from({ length: 100 }, (_, i) => ({ kind: 'samlResponse.setAttribute', name: `a${i}`, value: i }));
    commands.push({ kind: 'samlResponse.setAttribute', name: 'x', value: null as unknown as number });
    const config = applyActionCommands(base(), commands);
    expect(config.attributeEdits.at(-1)).toEqual({ name: 'x', remove: true });
    expect(config.diagnostics).toEqual([]);
  });
});
