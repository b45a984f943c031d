// What a rule or action may ask of the login, as data: the closed command union, the table of
// `api.samlResponse` setters (reference/auth0.md §7.3) and the host-side validator every command passes
// before anyone reads it. The sandbox records commands; it never applies them (the IdP does, and clamps).

import { isJsonValue, type JsonValue } from './json.js';

/** Argument types of the `api.samlResponse` setters, one entry per method of auth0.md §7.3 (setAttribute apart). */
export const SAML_RESPONSE_SETTERS = {
  setAudience: 'string',
  setRecipient: 'string',
  setDestination: 'string',
  setIssuer: 'string',
  setLifetimeInSeconds: 'positive-number',
  setSignResponse: 'boolean',
  setSignatureAlgorithm: ['rsa-sha256', 'rsa-sha1'],
  setDigestAlgorithm: ['sha256', 'sha1'],
  setNameIdentifierFormat: 'string',
  setNameIdentifierProbes: 'string[]',
  setAuthnContextClassRef: 'string',
  setCreateUpnClaim: 'boolean',
  setPassthroughClaimsWithNoMapping: 'boolean',
  setMapUnknownClaimsAsIs: 'boolean',
  setMapIdentities: 'boolean',
  setTypedAttributes: 'boolean',
  setIncludeAttributeNameFormat: 'boolean',
  setSigningCert: 'string',
  setCert: 'string',
  setKey: 'string',
  setEncryptionCert: 'string',
  setEncryptionPublicKey: 'string',
  setEncryptionAlgorithm: ['aes256-gcm', 'aes256-cbc'],
  setRelayState: 'string',
} as const;

export type SamlResponseSetter = keyof typeof SAML_RESPONSE_SETTERS;
export const SAML_RESPONSE_SETTER_NAMES = Object.keys(SAML_RESPONSE_SETTERS) as readonly SamlResponseSetter[];

type ArgOf<T> = T extends 'string'
  ? string
  : T extends 'positive-number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'string[]'
        ? readonly string[]
        : T extends readonly (infer E)[]
          ? E
          : never;

export type SamlResponseSetterValue<M extends SamlResponseSetter> = ArgOf<(typeof SAML_RESPONSE_SETTERS)[M]>;

/** One recorded `api.samlResponse.setX(value)`; `method` narrows `value`. */
export type SamlResponseSetCommand = {
  [M in SamlResponseSetter]: { readonly kind: 'samlResponse.set'; readonly method: M; readonly value: SamlResponseSetterValue<M> };
}[SamlResponseSetter];

export type MetadataCommand = {
  readonly kind: 'user.setAppMetadata' | 'user.setUserMetadata';
  readonly key: string;
  /** `null` deletes the key (Auth0: "setting a property to null removes it"). */
  readonly value: JsonValue;
};

export type ActionCommand =
  | { readonly kind: 'access.deny'; readonly reason: string }
  | SamlResponseSetCommand
  /** `value: null` removes the attribute (auth0.md §7.3). */
  | { readonly kind: 'samlResponse.setAttribute'; readonly name: string; readonly value: JsonValue }
  | MetadataCommand
  | { readonly kind: 'idToken.setCustomClaim' | 'accessToken.setCustomClaim'; readonly name: string; readonly value: JsonValue };

/** What Rules can record: `auth0.users.updateAppMetadata/updateUserMetadata`, one command per top-level key. */
export type RulesCommand = MetadataCommand;

export const ACTION_COMMAND_KINDS = [
  'access.deny',
  'samlResponse.set',
  'samlResponse.setAttribute',
  'user.setAppMetadata',
  'user.setUserMetadata',
  'idToken.setCustomClaim',
  'accessToken.setCustomClaim',
] as const satisfies readonly ActionCommand['kind'][];

/** Longest name, key or reason a command may carry; values are bounded by the whole output's cap. */
export const MAX_COMMAND_TEXT = 2048;

function isSetter(name: unknown): name is SamlResponseSetter {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(SAML_RESPONSE_SETTERS, name);
}

/** Checks a setter argument against §7.3's table; returns an error message or null. */
export function checkSetterValue(method: SamlResponseSetter, value: unknown): string | null {
  const spec = SAML_RESPONSE_SETTERS[method];
  switch (spec) {
    case 'string':
      return typeof value === 'string' ? null : `api.samlResponse.${method} expects a string`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `api.samlResponse.${method} expects a boolean`;
    case 'positive-number':
      return typeof value === 'number' && Number.isFinite(value) && value > 0 ? null : `api.samlResponse.${method} expects a positive number`;
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? null : `api.samlResponse.${method} expects an array of strings`;
    default:
      return (spec as readonly string[]).includes(value as string)
        ? null
        : `api.samlResponse.${method} expects one of ${(spec as readonly string[]).map((s) => `\`${s}\``).join(', ')}`;
  }
}

const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** `free` text (a reason) may be empty; a `key` (metadata key, claim or attribute name) may not, nor be a prototype key. */
function text(value: unknown, what: string, kind: 'key' | 'free' = 'key'): string | null {
  if (typeof value !== 'string') return `${what} is not a string`;
  if (kind === 'key' && value.length === 0) return `${what} is empty`;
  if (value.length > MAX_COMMAND_TEXT) return `${what} is longer than ${MAX_COMMAND_TEXT} characters`;
  // The IdP merges keys and names into objects: one of these would rewire a prototype there (CWE-1321).
  if (kind === 'key' && FORBIDDEN_NAMES.has(value)) return `${what} may not be \`${value}\``;
  return null;
}

export type CommandCheck<C> = { readonly ok: true; readonly command: C } | { readonly ok: false; readonly reason: string };

/** Host-side validation of one command that came out of a sandbox: the exact shape, nothing more. */
export function validateActionCommand(raw: unknown): CommandCheck<ActionCommand> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'command is not an object' };
  const c = raw as Record<string, unknown>;
  const kind = c['kind'];
  const keys = Object.keys(c).sort().join(',');
  const bad = (reason: string): CommandCheck<ActionCommand> => ({ ok: false, reason: `command \`${String(kind).slice(0, 64)}\`: ${reason}` });
  switch (kind) {
    case 'access.deny': {
      if (keys !== 'kind,reason') return bad('unexpected fields');
      const e = text(c['reason'], 'reason', 'free');
      return e ? bad(e) : { ok: true, command: { kind, reason: c['reason'] as string } };
    }
    case 'samlResponse.set': {
      if (keys !== 'kind,method,value') return bad('unexpected fields');
      const method = c['method'];
      if (!isSetter(method)) return bad('unknown method');
      const e = checkSetterValue(method, c['value']);
      if (e) return bad(e);
      return { ok: true, command: { kind, method, value: c['value'] } as SamlResponseSetCommand };
    }
    case 'samlResponse.setAttribute':
    case 'idToken.setCustomClaim':
    case 'accessToken.setCustomClaim': {
      if (keys !== 'kind,name,value') return bad('unexpected fields');
      const e = text(c['name'], 'name');
      if (e) return bad(e);
      if (!isJsonValue(c['value'])) return bad('value is not JSON');
      return { ok: true, command: { kind, name: c['name'] as string, value: c['value'] } };
    }
    case 'user.setAppMetadata':
    case 'user.setUserMetadata': {
      const m = validateMetadataCommand(raw);
      return m.ok ? m : bad(m.reason);
    }
    default:
      return { ok: false, reason: 'unknown command kind' };
  }
}

/** Host-side validation of the metadata commands Rules may record. */
export function validateMetadataCommand(raw: unknown): CommandCheck<MetadataCommand> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'command is not an object' };
  const c = raw as Record<string, unknown>;
  const kind = c['kind'];
  if (kind !== 'user.setAppMetadata' && kind !== 'user.setUserMetadata') return { ok: false, reason: 'unknown command kind' };
  if (Object.keys(c).sort().join(',') !== 'key,kind,value') return { ok: false, reason: 'unexpected fields' };
  const e = text(c['key'], 'key');
  if (e) return { ok: false, reason: e };
  if (!isJsonValue(c['value'])) return { ok: false, reason: 'value is not JSON' };
  return { ok: true, command: { kind, key: c['key'] as string, value: c['value'] } };
}
