import { describe, expect, it } from 'vitest';
import { checkSetterValue, SAML_RESPONSE_SETTER_NAMES, SAML_RESPONSE_SETTERS, validateActionCommand, validateMetadataCommand } from './commands.js';

/** One valid argument per setter kind of auth0.md §7.3. */
function goodValue(method: keyof typeof SAML_RESPONSE_SETTERS): unknown {
  const spec = SAML_RESPONSE_SETTERS[method];
  if (spec === 'string') return 'x';
  if (spec === 'boolean') return true;
  if (spec === 'positive-number') return 3600;
  if (spec === 'string[]') return ['a', 'b'];
  return spec[0];
}

describe('api.samlResponse setters', () => {
  it('covers every method of auth0.md §7.3 but setAttribute', () => {
    expect([...SAML_RESPONSE_SETTER_NAMES].sort()).toEqual(
      [
        'setAudience', 'setRecipient', 'setDestination', 'setIssuer', 'setLifetimeInSeconds', 'setSignResponse',
        'setSignatureAlgorithm', 'setDigestAlgorithm', 'setNameIdentifierFormat', 'setNameIdentifierProbes',
        'setAuthnContextClassRef', 'setCreateUpnClaim', 'setPassthroughClaimsWithNoMapping', 'setMapUnknownClaimsAsIs',
        'setMapIdentities', 'setTypedAttributes', 'setIncludeAttributeNameFormat', 'setSigningCert', 'setCert', 'setKey',
        'setEncryptionCert', 'setEncryptionPublicKey', 'setEncryptionAlgorithm', 'setRelayState',
      ].sort(),
    );
  });

  for (const method of SAML_RESPONSE_SETTER_NAMES) {
    it(`${method}: accepts its documented type and refuses others`, () => {
      expect(checkSetterValue(method, goodValue(method))).toBeNull();
      expect(validateActionCommand({ kind: 'samlResponse.set', method, value: goodValue(method) })).toMatchObject({ ok: true });
      for (const bad of [undefined, null, {}, 'not-an-algorithm', 0, -1, false, [1]]) {
        if (JSON.stringify(bad) === JSON.stringify(goodValue(method))) continue;
        const spec = SAML_RESPONSE_SETTERS[method];
        if (spec === 'string' && typeof bad === 'string') continue;
        if (spec === 'boolean' && typeof bad === 'boolean') continue;
        expect(validateActionCommand({ kind: 'samlResponse.set', method, value: bad }), `${method}(${JSON.stringify(bad)})`).toMatchObject({ ok: false });
      }
    });
  }

  it('refuses the algorithms §7.3 does not list', () => {
    expect(checkSetterValue('setSignatureAlgorithm', 'none')).toMatch(/rsa-sha256/);
    expect(checkSetterValue('setDigestAlgorithm', 'md5')).not.toBeNull();
    expect(checkSetterValue('setEncryptionAlgorithm', 'aes128-cbc')).not.toBeNull();
  });
});

describe('validateActionCommand', () => {
  it('accepts each kind in its exact shape', () => {
    for (const c of [
      { kind: 'access.deny', reason: 'no' },
      { kind: 'samlResponse.setAttribute', name: 'https://aws.amazon.com/SAML/Attributes/Role', value: ['a', 'b'] },
      { kind: 'samlResponse.setAttribute', name: 'gone', value: null },
      { kind: 'user.setAppMetadata', key: 'k', value: { a: 1 } },
      { kind: 'user.setUserMetadata', key: 'k', value: null },
      { kind: 'idToken.setCustomClaim', name: 'https://x/claim', value: 1 },
      { kind: 'accessToken.setCustomClaim', name: 'https://x/claim', value: 'v' },
    ]) {
      expect(validateActionCommand(c), JSON.stringify(c)).toEqual({ ok: true, command: c });
    }
  });

  it('refuses unknown kinds, extra fields, prototype keys and empty names', () => {
    expect(validateActionCommand({ kind: 'shell.exec', cmd: 'id' })).toMatchObject({ ok: false });
    expect(validateActionCommand({ kind: 'access.deny', reason: 'x', extra: 1 })).toMatchObject({ ok: false });
    expect(validateActionCommand({ kind: 'user.setAppMetadata', key: '__proto__', value: {} })).toMatchObject({ ok: false });
    expect(validateActionCommand({ kind: 'idToken.setCustomClaim', name: 'constructor', value: 1 })).toMatchObject({ ok: false });
    expect(validateActionCommand({ kind: 'samlResponse.setAttribute', name: '', value: 1 })).toMatchObject({ ok: false });
    expect(validateActionCommand({ kind: 'samlResponse.setAttribute', name: 'x', value: () => 1 })).toMatchObject({ ok: false });
    expect(validateActionCommand({ kind: 'samlResponse.set', method: 'toString', value: 'x' })).toMatchObject({ ok: false });
    expect(validateActionCommand(null)).toMatchObject({ ok: false });
    expect(validateMetadataCommand({ kind: 'access.deny', reason: 'x' })).toMatchObject({ ok: false });
  });
});
