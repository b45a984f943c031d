// Add-on < Rules < Actions (reference/auth0.md §2.4): what a rule sees in
// `context.samlConfiguration`, how its result overrides the add-on (its `mappings` REPLACE the
// add-on's, in the reversed rule direction), and how Actions' `api.samlResponse.*` calls apply on
// top (they keep the mappings; `setAttribute` edits the output after mapping, §3.10). Pure. Every
// value goes through override-policy.ts; inputs from the sandbox are untrusted JSON.

import type { SamlConfigDiagnostic } from './errors.js';
import { ACTION_LIMITS, applySetting, diagnostic, utf8Length, type SettableField } from './override-policy.js';
import { isPlainObject, type AttributeEdit, type MappingPair, type SamlConfiguration } from './settings.js';

// ---------------------------------------------------------------- rules

/**
 * What a rule finds in `context.samlConfiguration`.
 * - `'empty'` (default): `{}`, as Auth0's own rules harness builds it (R-tpl `contextBuilder.js`)
 *   and as §2.4 recommends; rules guard with `context.samlConfiguration || {}` and assign keys.
 * - `'settings'`: the effective scalar settings under their Auth0 names (no `mappings`: the add-on's
 *   are in the opposite direction, so a rule that edits them in place would mix directions).
 *   Whether Auth0 pre-populates the object is open (§11 Q7); this keeps the switch.
 */
export type RuleConfigurationView = 'empty' | 'settings';

/** Rule key → setting. Rules may set every add-on key (§2.4), plus `RelayState`, `cert`/`key`, encryption (§2.1). */
const RULE_KEYS: Readonly<Record<string, SettableField>> = {
  audience: 'audience',
  recipient: 'recipient',
  destination: 'destination',
  issuer: 'issuer',
  createUpnClaim: 'createUpnClaim',
  passthroughClaimsWithNoMapping: 'passthroughClaimsWithNoMapping',
  mapUnknownClaimsAsIs: 'mapUnknownClaimsAsIs',
  mapIdentities: 'mapIdentities',
  signatureAlgorithm: 'signatureAlgorithm',
  digestAlgorithm: 'digestAlgorithm',
  lifetimeInSeconds: 'lifetimeInSeconds',
  signResponse: 'signResponse',
  nameIdentifierFormat: 'nameIdentifierFormat',
  nameIdentifierProbes: 'nameIdentifierProbes',
  authnContextClassRef: 'authnContextClassRef',
  typedAttributes: 'typedAttributes',
  includeAttributeNameFormat: 'includeAttributeNameFormat',
  logout: 'logout',
  binding: 'binding',
  signingCert: 'signingCert',
  cert: 'cert',
  key: 'key',
  encryptionCert: 'encryptionCert',
  encryptionPublicKey: 'encryptionPublicKey',
  encryptionAlgorithm: 'encryptionAlgorithm',
  RelayState: 'relayState',
};

/** The JSON object to place in `context.samlConfiguration` before the first rule runs. */
export function samlConfigurationForRules(config: SamlConfiguration, view: RuleConfigurationView = 'empty'): Record<string, unknown> {
  if (view === 'empty') return {};
  const out: Array<[string, unknown]> = [];
  for (const [key, field] of Object.entries(RULE_KEYS)) {
    // Key material stays on the host: a rule can set a pair, never read the tenant's.
    if (field === 'cert' || field === 'key' || field === 'encryptionPublicKey') continue;
    const value =
      field === 'logout'
        ? { ...(config.logout.callback === undefined ? {} : { callback: config.logout.callback }), slo_enabled: config.logout.sloEnabled }
        : config[field];
    if (value !== undefined) out.push([key, Array.isArray(value) ? [...(value as unknown[])] : value]);
  }
  return Object.fromEntries(out);
}

/**
 * The configuration after the rules pipeline. `ruleResult` is the final `context.samlConfiguration`
 * (untrusted JSON). Each known key overrides the same setting; `mappings`
 * (`{samlAttributeName: profilePath}`) replaces the add-on's or the default mappings entirely;
 * anything else is ignored with a diagnostic.
 */
export function applyRuleConfiguration(base: SamlConfiguration, ruleResult: unknown): SamlConfiguration {
  if (ruleResult === undefined || ruleResult === null) return base;
  if (!isPlainObject(ruleResult)) {
    return withNotes(base, [diagnostic('INVALID_VALUE', 'rule', 'samlConfiguration', '`context.samlConfiguration` is not an object: ignored')]);
  }
  let config = base;
  for (const [key, value] of Object.entries(ruleResult)) {
    if (value === undefined) continue;
    if (key === 'mappings') {
      config = replaceMappings(config, value);
      continue;
    }
    const field = Object.hasOwn(RULE_KEYS, key) ? RULE_KEYS[key] : undefined;
    if (field === undefined) {
      config = withNotes(config, [diagnostic('UNKNOWN_FIELD', 'rule', key, `\`${truncate(key)}\` is not a SAML setting: ignored`)]);
      continue;
    }
    config = applySetting(config, field, value, 'rule', key);
  }
  return config;
}

/** Rule direction (§2.4): the left side names the attribute, the right side is the profile path. */
function replaceMappings(config: SamlConfiguration, value: unknown): SamlConfiguration {
  if (!isPlainObject(value)) {
    return withNotes(config, [diagnostic('INVALID_VALUE', 'rule', 'mappings', '`mappings` must be an object of SAML attribute name → profile path: ignored')]);
  }
  const pairs: MappingPair[] = [];
  const notes: SamlConfigDiagnostic[] = [];
  for (const [samlName, profilePath] of Object.entries(value)) {
    if (samlName !== '' && typeof profilePath === 'string' && profilePath !== '') pairs.push({ profilePath, samlName });
    else notes.push(diagnostic('INVALID_VALUE', 'rule', `mappings.${truncate(samlName)}`, 'a rule mapping must map a non-empty attribute name to a profile path (a string): ignored'));
  }
  return withNotes({ ...config, mappings: { source: 'rule', pairs } }, notes);
}

// ---------------------------------------------------------------- actions

/** `api.samlResponse` setters (reference/auth0.md §7.3) and the setting each writes. */
export const SAML_RESPONSE_SETTERS = {
  setAudience: 'audience',
  setRecipient: 'recipient',
  setDestination: 'destination',
  setIssuer: 'issuer',
  setLifetimeInSeconds: 'lifetimeInSeconds',
  setSignResponse: 'signResponse',
  setSignatureAlgorithm: 'signatureAlgorithm',
  setDigestAlgorithm: 'digestAlgorithm',
  setNameIdentifierFormat: 'nameIdentifierFormat',
  setNameIdentifierProbes: 'nameIdentifierProbes',
  setAuthnContextClassRef: 'authnContextClassRef',
  setCreateUpnClaim: 'createUpnClaim',
  setPassthroughClaimsWithNoMapping: 'passthroughClaimsWithNoMapping',
  setMapUnknownClaimsAsIs: 'mapUnknownClaimsAsIs',
  setMapIdentities: 'mapIdentities',
  setTypedAttributes: 'typedAttributes',
  setIncludeAttributeNameFormat: 'includeAttributeNameFormat',
  setSigningCert: 'signingCert',
  setCert: 'cert',
  setKey: 'key',
  setEncryptionCert: 'encryptionCert',
  setEncryptionPublicKey: 'encryptionPublicKey',
  setEncryptionAlgorithm: 'encryptionAlgorithm',
  setRelayState: 'relayState',
} as const satisfies Readonly<Record<string, SettableField>>;
export type SamlResponseSetter = keyof typeof SAML_RESPONSE_SETTERS;

/** One recorded `api.samlResponse.*` call, in call order (the sandbox's output). */
export type ActionCommand =
  | { readonly kind: 'samlResponse.set'; readonly method: SamlResponseSetter; readonly value: unknown }
  | { readonly kind: 'samlResponse.setAttribute'; readonly name: string; readonly value?: unknown };

/**
 * The configuration after the post-login Actions, in call order. The mappings stay (C-127323);
 * setters override settings; `setAttribute` records an edit of the output attributes, applied
 * after mapping (`null`/absent value removes, §3.10). Malformed commands are ignored with a
 * diagnostic; Auth0's limits apply (S-lim: ≤ 100 attributes changed, names ≤ 1 kB, values ≤ 2 kB).
 */
export function applyActionCommands(config: SamlConfiguration, commands: readonly unknown[]): SamlConfiguration {
  let out = config;
  const changed = new Set<string>();
  commands.forEach((command, i) => {
    const path = `commands[${i}]`;
    if (!isPlainObject(command)) {
      out = withNotes(out, [diagnostic('INVALID_VALUE', 'action', path, 'a command must be an object: ignored')]);
      return;
    }
    if (command['kind'] === 'samlResponse.set') {
      const method = command['method'];
      if (typeof method !== 'string' || !Object.hasOwn(SAML_RESPONSE_SETTERS, method)) {
        out = withNotes(out, [diagnostic('INVALID_VALUE', 'action', path, 'unknown `api.samlResponse` method: ignored')]);
        return;
      }
      out = applySetting(out, SAML_RESPONSE_SETTERS[method as SamlResponseSetter], command['value'], 'action', `${path}.${method}`);
      return;
    }
    if (command['kind'] === 'samlResponse.setAttribute') {
      const edit = attributeEdit(command['name'], command['value'], changed, path);
      out = 'note' in edit ? withNotes(out, [edit.note]) : { ...out, attributeEdits: [...out.attributeEdits, edit.edit] };
      return;
    }
    out = withNotes(out, [diagnostic('INVALID_VALUE', 'action', path, 'unknown command kind: ignored')]);
  });
  return out;
}

function attributeEdit(name: unknown, value: unknown, changed: Set<string>, path: string): { edit: AttributeEdit } | { note: SamlConfigDiagnostic } {
  const limit = (message: string) => ({ note: diagnostic('ACTION_LIMIT_EXCEEDED', 'action', path, message) });
  if (typeof name !== 'string' || name === '') return { note: diagnostic('INVALID_VALUE', 'action', path, '`setAttribute` needs a non-empty attribute name: ignored') };
  if (utf8Length(name) > ACTION_LIMITS.attributeNameBytes) return limit('attribute name exceeds 1 kB: ignored');
  if (value === undefined || value === null) return { edit: { name, remove: true } };
  const size = utf8Length(typeof value === 'string' ? value : JSON.stringify(value) ?? '');
  if (size > ACTION_LIMITS.attributeValueBytes) return limit(`value of \`${truncate(name)}\` exceeds 2 kB: ignored`);
  if (!changed.has(name) && changed.size >= ACTION_LIMITS.attributesChanged) return limit('more than 100 attributes changed or added: ignored');
  changed.add(name);
  return { edit: { name, remove: false, value } };
}

// ---------------------------------------------------------------- helpers

function withNotes(config: SamlConfiguration, notes: readonly SamlConfigDiagnostic[]): SamlConfiguration {
  return notes.length === 0 ? config : { ...config, diagnostics: [...config.diagnostics, ...notes] };
}

/** Keys in diagnostics come from rule code: shown short. */
function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}
