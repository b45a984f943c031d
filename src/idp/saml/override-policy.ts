// The one place that decides whether a value for a SAML setting is honoured, clamped or ignored —
// for the add-on, rules (`context.samlConfiguration`) and actions (`api.samlResponse.*`) alike
// (reference/auth0.md §2.4; security.md §5.3 X16). Pure. Nothing else in src/idp/saml writes a
// setting of a SamlConfiguration: a new exception to Auth0's behaviour goes in this file or nowhere.
//
// | setting | rule |
// | --- | --- |
// | `recipient`, `destination` | honoured only when the URL is one the application registered: its callbacks or the add-on's own `recipient`/`destination` (X16, S44: a rule must not address the assertion to someone else); otherwise ignored |
// | `lifetimeInSeconds` | a positive integer; above MAX_LIFETIME_SECONDS clamped to it (X16: "lifetime 10 years") |
// | `signatureAlgorithm`, `digestAlgorithm` | `rsa-sha256`/`sha256` or `rsa-sha1`/`sha1` — SHA-1 is honoured because Auth0 allows it and AWS accepts it (security.md P7a); the response plan warns, and so does the verifier |
// | `audience`, `issuer` | honoured (Auth0 documents both as customisations; neither changes where the response goes, and the tenant's key still signs) |
// | `cert` + `key`, `encryptionCert` + `encryptionPublicKey` | honoured as pairs (S-sign-old, S-api-obj); checked when the response is planned |
// | everything else | honoured when of the documented type |
// | Actions only | Auth0's limits (S-lim): audience ≤ 2 kB, NameID format ≤ 0.5 kB, ≤ 10 probes |
//
// A value of the wrong type is ignored (the setting keeps its previous value) rather than failing
// the login: each decision is a diagnostic for the tenant's log.

import type { SamlConfigDiagnostic, SamlConfigDiagnosticCode } from './errors.js';
import {
  DIGEST_ALGORITHMS,
  ENCRYPTION_ALGORITHMS,
  LOGOUT_BINDINGS,
  SIGNATURE_ALGORITHMS,
  type OverrideSource,
  type SamlConfiguration,
} from './settings.js';

/** The longest assertion lifetime Tessera issues: a day. Auth0's default is 3600 s (§2.1). */
export const MAX_LIFETIME_SECONDS = 86_400;

/** Auth0's Actions limits (reference/auth0.md §3.10, §2.1 notes; S-lim). */
export const ACTION_LIMITS = {
  audienceBytes: 2048,
  nameIdentifierFormatBytes: 512,
  probes: 10,
  attributeNameBytes: 1024,
  attributeValueBytes: 2048,
  attributesChanged: 100,
} as const;

export const SETTABLE_FIELDS = [
  'audience', 'recipient', 'destination', 'issuer', 'lifetimeInSeconds', 'signResponse', 'signatureAlgorithm', 'digestAlgorithm',
  'nameIdentifierFormat', 'nameIdentifierProbes', 'authnContextClassRef', 'createUpnClaim', 'passthroughClaimsWithNoMapping',
  'mapUnknownClaimsAsIs', 'mapIdentities', 'typedAttributes', 'includeAttributeNameFormat', 'signingCert', 'cert', 'key',
  'encryptionCert', 'encryptionPublicKey', 'encryptionAlgorithm', 'relayState', 'logout', 'binding',
] as const;
export type SettableField = (typeof SETTABLE_FIELDS)[number];

type Verdict = { readonly ok: true; readonly value: unknown; readonly note?: SamlConfigDiagnostic } | { readonly ok: false; readonly note: SamlConfigDiagnostic };

/**
 * Sets `field` to `value` from `source` if the policy admits it (possibly clamped); otherwise keeps
 * the previous value. Either way, a decision other than "honoured as given" is recorded.
 */
export function applySetting(config: SamlConfiguration, field: SettableField, value: unknown, source: OverrideSource, path: string): SamlConfiguration {
  const verdict = admit(config, field, value, source, path);
  const diagnostics = verdict.note === undefined ? config.diagnostics : [...config.diagnostics, verdict.note];
  if (!verdict.ok) return { ...config, diagnostics };
  return { ...config, [field]: verdict.value, diagnostics } as SamlConfiguration;
}

/** A diagnostic for a decision taken outside applySetting (mappings, commands, claims). */
export function diagnostic(code: SamlConfigDiagnosticCode, source: SamlConfigDiagnostic['source'], path: string, message: string): SamlConfigDiagnostic {
  return { code, source, path, message };
}

export function utf8Length(value: string): number {
  return new TextEncoder().encode(value).length;
}

function admit(config: SamlConfiguration, field: SettableField, value: unknown, source: OverrideSource, path: string): Verdict {
  const refuse = (code: SamlConfigDiagnosticCode, message: string): Verdict => ({ ok: false, note: diagnostic(code, source, path, message) });
  const invalid = (expected: string): Verdict => refuse('INVALID_VALUE', `\`${field}\` must be ${expected}: ignored`);
  const accept = (v: unknown): Verdict => ({ ok: true, value: v });

  switch (field) {
    case 'recipient':
    case 'destination':
      if (!isNonEmptyString(value)) return invalid('a non-empty string');
      // X16 / S44: the assertion may only name an endpoint the application registered.
      if (!config.allowedDeliveryUrls.includes(value)) {
        return refuse('DELIVERY_URL_NOT_ALLOWED', `\`${field}\` must be one of the application's callback URLs: ignored, kept \`${config[field]}\``);
      }
      return accept(value);
    case 'audience':
      if (!isNonEmptyString(value)) return invalid('a non-empty string');
      if (source === 'action' && utf8Length(value) > ACTION_LIMITS.audienceBytes) return refuse('ACTION_LIMIT_EXCEEDED', '`audience` exceeds 2 kB: ignored');
      return accept(value);
    case 'nameIdentifierFormat':
      if (!isNonEmptyString(value)) return invalid('a non-empty string');
      if (source === 'action' && utf8Length(value) > ACTION_LIMITS.nameIdentifierFormatBytes) {
        return refuse('ACTION_LIMIT_EXCEEDED', '`nameIdentifierFormat` exceeds 0.5 kB: ignored');
      }
      return accept(value);
    case 'issuer':
    case 'authnContextClassRef':
    case 'signingCert':
    case 'cert':
    case 'key':
    case 'encryptionCert':
    case 'encryptionPublicKey':
      return isNonEmptyString(value) ? accept(value) : invalid('a non-empty string');
    case 'relayState':
      return typeof value === 'string' ? accept(value) : invalid('a string');
    case 'signResponse':
    case 'createUpnClaim':
    case 'passthroughClaimsWithNoMapping':
    case 'mapUnknownClaimsAsIs':
    case 'mapIdentities':
    case 'typedAttributes':
    case 'includeAttributeNameFormat':
      return typeof value === 'boolean' ? accept(value) : invalid('a boolean');
    case 'lifetimeInSeconds':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return invalid('a positive integer');
      if (value > MAX_LIFETIME_SECONDS) {
        return { ok: true, value: MAX_LIFETIME_SECONDS, note: diagnostic('LIFETIME_CLAMPED', source, path, `\`lifetimeInSeconds\` ${value} clamped to ${MAX_LIFETIME_SECONDS}`) };
      }
      return accept(value);
    case 'signatureAlgorithm':
      return isOneOf(value, SIGNATURE_ALGORITHMS) ? accept(value) : invalid('`rsa-sha256` or `rsa-sha1`');
    case 'digestAlgorithm':
      return isOneOf(value, DIGEST_ALGORITHMS) ? accept(value) : invalid('`sha256` or `sha1`');
    case 'encryptionAlgorithm':
      return isOneOf(value, ENCRYPTION_ALGORITHMS) ? accept(value) : invalid('`aes256-gcm` or `aes256-cbc`');
    case 'binding':
      return isOneOf(value, LOGOUT_BINDINGS) ? accept(value) : invalid('the HTTP-POST or HTTP-Redirect binding URI');
    case 'nameIdentifierProbes':
      if (!Array.isArray(value) || !value.every(isNonEmptyString)) return invalid('an array of non-empty strings');
      if (source === 'action' && value.length > ACTION_LIMITS.probes) return refuse('ACTION_LIMIT_EXCEEDED', '`nameIdentifierProbes` has more than 10 probes: ignored');
      return accept([...(value as string[])]);
    case 'logout': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('an object `{callback, slo_enabled}`');
      const callback = (value as { callback?: unknown }).callback;
      const sloEnabled = (value as { slo_enabled?: unknown }).slo_enabled;
      if ((callback !== undefined && typeof callback !== 'string') || (sloEnabled !== undefined && typeof sloEnabled !== 'boolean')) {
        return invalid('an object `{callback: string, slo_enabled: boolean}`');
      }
      return accept({ callback, sloEnabled: sloEnabled ?? true });
    }
    default: {
      const never: never = field;
      return never;
    }
  }
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}
