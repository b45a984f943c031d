// The SAML2 Web App add-on settings (reference/auth0.md §2.1–§2.3): their type with Auth0's
// defaults, the validator for the settings JSON an admin writes, and the effective configuration
// one login starts from. Pure: no I/O, no clock, no randomness. It never decides an override on its
// own — every value, the add-on's included, goes through override-policy.ts.

import { BINDING } from '../../saml/ns.js';
import type { ContentEncryptionName, DigestAlgorithmName, SignatureAlgorithmName } from '../../saml/response.js';
import { IdpSamlError, type SamlConfigDiagnostic, type SettingSource } from './errors.js';
import { applySetting, type SettableField } from './override-policy.js';

// ---------------------------------------------------------------- names and defaults

const WS_CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/';

/** The claim types of the default mappings and probes (reference/auth0.md §3.3, §2.1). */
export const CLAIM_TYPE = {
  nameIdentifier: `${WS_CLAIMS}nameidentifier`,
  emailAddress: `${WS_CLAIMS}emailaddress`,
  name: `${WS_CLAIMS}name`,
  givenName: `${WS_CLAIMS}givenname`,
  surname: `${WS_CLAIMS}surname`,
  upn: `${WS_CLAIMS}upn`,
  group: 'http://schemas.xmlsoap.org/claims/Group',
} as const;

export const SIGNATURE_ALGORITHMS = ['rsa-sha256', 'rsa-sha1'] as const satisfies readonly SignatureAlgorithmName[];
export const DIGEST_ALGORITHMS = ['sha256', 'sha1'] as const satisfies readonly DigestAlgorithmName[];
export const ENCRYPTION_ALGORITHMS = ['aes256-cbc', 'aes256-gcm'] as const satisfies readonly ContentEncryptionName[];
/** `binding` is the binding of logout responses only (S-assert, S-slo). */
export const LOGOUT_BINDINGS = [BINDING.post, BINDING.redirect] as const;

/**
 * The seven default mappings, used only when the add-on has no `mappings` key (§3.3, C-127323), in
 * add-on direction: profile attribute → SAML attribute name.
 */
export const DEFAULT_MAPPINGS: Readonly<Record<string, string>> = {
  user_id: CLAIM_TYPE.nameIdentifier,
  email: CLAIM_TYPE.emailAddress,
  name: CLAIM_TYPE.name,
  given_name: CLAIM_TYPE.givenName,
  family_name: CLAIM_TYPE.surname,
  upn: CLAIM_TYPE.upn,
  groups: CLAIM_TYPE.group,
};

export const DEFAULT_NAME_IDENTIFIER_PROBES: readonly string[] = [CLAIM_TYPE.nameIdentifier, CLAIM_TYPE.emailAddress, CLAIM_TYPE.name];

/**
 * Auth0's defaults for every setting with one (§2.1, S-assert; the algorithms follow the Actions
 * doc, node-samlp and every 2023+ capture: rsa-sha256/sha256, §11 Q6). `nameIdentifierFormat` has
 * none here on purpose: unset means "unspecified" on a probe match and "persistent" on the user_id
 * fallback (§3.9), so the configuration must remember that it was never set.
 */
export const ADDON_DEFAULTS = {
  createUpnClaim: true,
  passthroughClaimsWithNoMapping: true,
  mapUnknownClaimsAsIs: false,
  mapIdentities: true,
  signatureAlgorithm: 'rsa-sha256',
  digestAlgorithm: 'sha256',
  lifetimeInSeconds: 3600,
  signResponse: false,
  nameIdentifierProbes: DEFAULT_NAME_IDENTIFIER_PROBES,
  authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified',
  typedAttributes: true,
  includeAttributeNameFormat: true,
  binding: BINDING.post,
  sloEnabled: true,
  encryptionAlgorithm: 'aes256-cbc',
} as const;

// ---------------------------------------------------------------- the settings an admin writes

/** Add-on direction (§2.4): profile path → SAML attribute name, or several names for one value (S-mapex). */
export type AddonMappings = Readonly<Record<string, string | readonly string[]>>;

export interface LogoutSettings {
  readonly callback?: string;
  readonly slo_enabled?: boolean;
}

/** `client.addons.samlp` (§2.1, §2.3), validated. Absent = Auth0's default. */
export interface AddonSettings {
  readonly audience?: string;
  readonly recipient?: string;
  readonly destination?: string;
  readonly issuer?: string;
  readonly mappings?: AddonMappings;
  readonly createUpnClaim?: boolean;
  readonly passthroughClaimsWithNoMapping?: boolean;
  readonly mapUnknownClaimsAsIs?: boolean;
  readonly mapIdentities?: boolean;
  readonly signatureAlgorithm?: SignatureAlgorithmName;
  readonly digestAlgorithm?: DigestAlgorithmName;
  readonly lifetimeInSeconds?: number;
  readonly signResponse?: boolean;
  readonly nameIdentifierFormat?: string;
  readonly nameIdentifierProbes?: readonly string[];
  readonly authnContextClassRef?: string;
  readonly typedAttributes?: boolean;
  readonly includeAttributeNameFormat?: boolean;
  readonly logout?: LogoutSettings;
  readonly binding?: string;
  readonly signingCert?: string;
  /**
   * Fields the add-on does not define, kept as written under their path (the Management API's
   * `ClientAddonSAML` schema has `additionalProperties: true`) and never interpreted — the
   * rules/actions-only keys (`cert`, `key`, `encryptionCert`, …, `RelayState`) included (§2.1).
   */
  readonly unknownFields?: Readonly<Record<string, unknown>>;
}

export interface SettingsIssue {
  readonly path: string;
  readonly message: string;
}

export type AddonSettingsResult =
  | { readonly ok: true; readonly settings: AddonSettings; readonly warnings: readonly SettingsIssue[] }
  | { readonly ok: false; readonly errors: readonly SettingsIssue[] };

type FieldKind = 'string' | 'boolean' | 'lifetime' | 'probes' | 'mappings' | 'logout' | 'signatureAlgorithm' | 'digestAlgorithm' | 'binding';

/** Every field of §2.1 the add-on JSON may carry, with its type. */
const ADDON_FIELDS: Readonly<Record<string, FieldKind>> = {
  audience: 'string',
  recipient: 'string',
  destination: 'string',
  issuer: 'string',
  mappings: 'mappings',
  createUpnClaim: 'boolean',
  passthroughClaimsWithNoMapping: 'boolean',
  mapUnknownClaimsAsIs: 'boolean',
  mapIdentities: 'boolean',
  signatureAlgorithm: 'signatureAlgorithm',
  digestAlgorithm: 'digestAlgorithm',
  lifetimeInSeconds: 'lifetime',
  signResponse: 'boolean',
  nameIdentifierFormat: 'string',
  nameIdentifierProbes: 'probes',
  authnContextClassRef: 'string',
  typedAttributes: 'boolean',
  includeAttributeNameFormat: 'boolean',
  logout: 'logout',
  binding: 'binding',
  signingCert: 'string',
};

/** Keys §2.1 honours only from rules or actions: kept in the add-on, with a warning that says so. */
const RULES_ONLY_FIELDS = new Set(['cert', 'key', 'encryptionCert', 'encryptionPublicKey', 'encryptionAlgorithm', 'RelayState']);

/**
 * Validates add-on settings as the Management API does (reference/auth0.md §2.3; its
 * `ClientAddonSAML` schema): known fields are type-checked (`null` is a type error, as Auth0's
 * "Expected type array but found type null"), unknown fields are kept with a warning. Tighter than
 * Auth0 where a value could only break every login: algorithm and binding names, a positive
 * lifetime, non-empty attribute names and probes. A string is read as the dashboard's settings text:
 * `//` and `/* *\/` comments allowed (the dashboard's sample is all comments, §2.2), duplicate keys
 * last-wins (C-114451).
 */
export function parseAddonSettings(json: unknown): AddonSettingsResult {
  let value = json;
  if (typeof json === 'string') {
    const parsed = parseSettingsText(json);
    if (!parsed.ok) return { ok: false, errors: [{ path: '', message: parsed.message }] };
    value = parsed.value;
  }
  if (value === undefined) return { ok: true, settings: {}, warnings: [] };
  if (!isPlainObject(value)) return { ok: false, errors: [{ path: '', message: 'settings must be a JSON object' }] };

  const errors: SettingsIssue[] = [];
  const warnings: SettingsIssue[] = [];
  const known: Array<[string, unknown]> = [];
  const unknown: Array<[string, unknown]> = [];
  for (const [key, raw] of Object.entries(value)) {
    const kind = Object.hasOwn(ADDON_FIELDS, key) ? ADDON_FIELDS[key] : undefined;
    if (kind === undefined) {
      unknown.push([key, raw]);
      warnings.push({
        path: key,
        message: RULES_ONLY_FIELDS.has(key)
          ? `\`${key}\` is honoured only from rules and actions: kept, not used`
          : `unknown setting \`${key}\`: kept, not used`,
      });
      continue;
    }
    const checked = checkField(kind, key, raw, errors, warnings, unknown);
    if (checked !== undefined) known.push([key, checked]);
  }
  if (errors.length > 0) return { ok: false, errors };
  const settings: Record<string, unknown> = Object.fromEntries(known);
  if (unknown.length > 0) settings['unknownFields'] = Object.fromEntries(unknown);
  return { ok: true, settings: settings as AddonSettings, warnings };
}

/** The settings back in the Management API's shape: known fields, then the unknown ones as written. */
export function addonSettingsToJson(settings: AddonSettings): Record<string, unknown> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(settings)) if (key !== 'unknownFields' && value !== undefined) out.push([key, value]);
  const logoutExtra: Array<[string, unknown]> = [];
  for (const [path, value] of Object.entries(settings.unknownFields ?? {})) {
    if (path.startsWith('logout.')) logoutExtra.push([path.slice('logout.'.length), value]);
    else out.push([path, value]);
  }
  const json = Object.fromEntries(out);
  if (logoutExtra.length > 0) json['logout'] = { ...(settings.logout ?? {}), ...Object.fromEntries(logoutExtra) };
  return json;
}

function checkField(kind: FieldKind, path: string, raw: unknown, errors: SettingsIssue[], warnings: SettingsIssue[], unknown: Array<[string, unknown]>): unknown {
  const fail = (message: string, at: string = path): undefined => {
    errors.push({ path: at, message });
    return undefined;
  };
  switch (kind) {
    case 'string':
      return typeof raw === 'string' ? raw : fail(`\`${path}\` must be a string`);
    case 'boolean':
      return typeof raw === 'boolean' ? raw : fail(`\`${path}\` must be a boolean`);
    case 'lifetime':
      if (typeof raw !== 'number' || !Number.isInteger(raw)) return fail('`lifetimeInSeconds` must be an integer');
      return raw >= 1 ? raw : fail('`lifetimeInSeconds` must be at least 1');
    case 'signatureAlgorithm':
      return isOneOf(raw, SIGNATURE_ALGORITHMS) ? raw : fail('`signatureAlgorithm` must be `rsa-sha256` or `rsa-sha1`');
    case 'digestAlgorithm':
      return isOneOf(raw, DIGEST_ALGORITHMS) ? raw : fail('`digestAlgorithm` must be `sha256` or `sha1`');
    case 'binding':
      return isOneOf(raw, LOGOUT_BINDINGS) ? raw : fail(`\`binding\` must be \`${BINDING.post}\` or \`${BINDING.redirect}\``);
    case 'probes': {
      if (!Array.isArray(raw)) return fail('`nameIdentifierProbes` must be an array of strings');
      raw.forEach((p, i) => {
        if (typeof p !== 'string' || p.length === 0) fail('a probe must be a non-empty string', `nameIdentifierProbes[${i}]`);
      });
      return [...(raw as string[])];
    }
    case 'mappings': {
      if (!isPlainObject(raw)) return fail('`mappings` must be an object of profile attribute → SAML attribute name(s)');
      const out: Array<[string, string | string[]]> = [];
      for (const [profilePath, target] of Object.entries(raw)) {
        const at = `mappings.${profilePath}`;
        if (profilePath.length === 0) fail('a mapped profile attribute must be a non-empty path', at);
        else if (typeof target === 'string' && target.length > 0) out.push([profilePath, target]);
        else if (Array.isArray(target) && target.every((t): t is string => typeof t === 'string' && t.length > 0)) out.push([profilePath, [...target]]);
        else fail('a mapping must name a SAML attribute (a non-empty string) or several (an array of them)', at);
      }
      return Object.fromEntries(out);
    }
    case 'logout': {
      if (!isPlainObject(raw)) return fail('`logout` must be an object `{callback, slo_enabled}`');
      const out: Array<[string, unknown]> = [];
      for (const [key, v] of Object.entries(raw)) {
        if (key === 'callback') {
          if (typeof v === 'string') out.push([key, v]);
          else fail('`logout.callback` must be a string', 'logout.callback');
        } else if (key === 'slo_enabled') {
          if (typeof v === 'boolean') out.push([key, v]);
          else fail('`logout.slo_enabled` must be a boolean', 'logout.slo_enabled');
        } else {
          unknown.push([`logout.${key}`, v]);
          warnings.push({ path: `logout.${key}`, message: `unknown setting \`logout.${key}\`: kept, not used` });
        }
      }
      return Object.fromEntries(out);
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}

// ---------------------------------------------------------------- the dashboard's settings text

/** JSON with `//` and `/* *\/` comments (outside strings) removed; JSON.parse keeps the last duplicate key. */
function parseSettingsText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return { ok: false, message: 'settings text has an unterminated comment' };
      out += ' ';
      i = end + 2;
    } else {
      out += c;
      i++;
    }
  }
  if (out.trim() === '') return { ok: true, value: undefined }; // empty settings = all defaults (§2.2)
  try {
    return { ok: true, value: JSON.parse(out) as unknown };
  } catch {
    return { ok: false, message: 'settings text is not valid JSON' };
  }
}

// ---------------------------------------------------------------- the effective configuration

/** One mapping pair, direction-free: the profile path read, the SAML attribute written. */
export interface MappingPair {
  readonly profilePath: string;
  readonly samlName: string;
}

/** The mappings in force and where they came from (a rule's replace the add-on's, §2.4). */
export interface MappingSet {
  readonly source: 'default' | 'addon' | 'rule';
  readonly pairs: readonly MappingPair[];
}

/** An Actions `api.samlResponse.setAttribute` call, applied after mapping (§3.10). */
export type AttributeEdit = { readonly name: string; readonly remove: true } | { readonly name: string; readonly remove: false; readonly value: unknown };

/**
 * Everything one login's assertion is built from: Auth0's add-on settings with their defaults
 * resolved against the application and the request, then the rules' and the actions' overrides.
 * Built only by `effectiveSamlConfiguration` and changed only through override-policy.ts.
 */
export interface SamlConfiguration {
  /** Where the response is posted: the SP-initiated ACS (allow-listed) or `callbacks[0]`. */
  readonly acsUrl: string;
  /** The only values Recipient and Destination may take (X16): the callbacks and the add-on's own. */
  readonly allowedDeliveryUrls: readonly string[];
  /** `undefined`: no AudienceRestriction (IdP-initiated, no `audience` set; node-saml, §11 Q3). */
  readonly audience: string | undefined;
  readonly recipient: string;
  readonly destination: string;
  readonly issuer: string;
  readonly mappings: MappingSet;
  readonly createUpnClaim: boolean;
  readonly passthroughClaimsWithNoMapping: boolean;
  readonly mapUnknownClaimsAsIs: boolean;
  readonly mapIdentities: boolean;
  readonly signatureAlgorithm: SignatureAlgorithmName;
  readonly digestAlgorithm: DigestAlgorithmName;
  readonly lifetimeInSeconds: number;
  readonly signResponse: boolean;
  /** `undefined` = never set: unspecified on a probe match, persistent on the fallback (§3.9). */
  readonly nameIdentifierFormat: string | undefined;
  readonly nameIdentifierProbes: readonly string[];
  readonly authnContextClassRef: string;
  readonly typedAttributes: boolean;
  readonly includeAttributeNameFormat: boolean;
  readonly logout: { readonly callback: string | undefined; readonly sloEnabled: boolean };
  readonly binding: string;
  /** The SP's certificate for signed AuthnRequests (checked by the endpoint before login). */
  readonly signingCert: string | undefined;
  /** A replacement signing pair (rules `cert`/`key`, Actions `setCert`/`setKey`): used only when both are set. */
  readonly cert: string | undefined;
  readonly key: string | undefined;
  /** Sign-then-encrypt when both are set (S-api-obj); one without the other refuses the assertion. */
  readonly encryptionCert: string | undefined;
  readonly encryptionPublicKey: string | undefined;
  readonly encryptionAlgorithm: ContentEncryptionName;
  readonly relayState: string | undefined;
  readonly attributeEdits: readonly AttributeEdit[];
  /** What was kept, ignored, clamped or derived, in order: for the tenant's log. */
  readonly diagnostics: readonly SamlConfigDiagnostic[];
}

export interface DeliveryContext {
  /** The tenant's issuer, `urn:<host>` (custom domain: `urn:<custom host>`, S-cd). */
  readonly tenantIssuer: string;
  /** The add-on's Application Callback URL: `client.callbacks[0]` (§2.3). */
  readonly callbackUrl: string;
  /** All of `client.callbacks` (default `[callbackUrl]`): the ACS allow-list (S-idp step 9). */
  readonly callbacks?: readonly string[];
  /** SP-initiated: the AuthnRequest's AssertionConsumerServiceURL. */
  readonly requestAcsUrl?: string;
  /** SP-initiated: the AuthnRequest's Issuer, the default audience (§2.1). */
  readonly requestIssuer?: string;
  /** The RelayState received with the request (§5.1). */
  readonly relayState?: string;
}

/**
 * The configuration a login starts from (§2.1 defaults ← add-on), before rules and actions: what
 * Auth0 calls the application's SAML configuration. Recipient and Destination default to the ACS,
 * the audience to the AuthnRequest's Issuer (none IdP-initiated), the issuer to the tenant's.
 */
export function effectiveSamlConfiguration(addon: AddonSettings, context: DeliveryContext): SamlConfiguration {
  if (context.callbackUrl === '') throw new IdpSamlError('ERR_IDP_SAML_NO_CALLBACK', 'the application has no callback URL');
  const callbacks = unique([context.callbackUrl, ...(context.callbacks ?? [])]);
  // S44: the endpoint matches the ACS against the callbacks; checked again here so that no
  // assertion is ever addressed to an URL the application did not register.
  if (context.requestAcsUrl !== undefined && !callbacks.includes(context.requestAcsUrl)) {
    throw new IdpSamlError('ERR_IDP_SAML_ACS_NOT_ALLOWED', 'the AssertionConsumerServiceURL is not one of the application\'s callbacks');
  }
  const acsUrl = context.requestAcsUrl ?? context.callbackUrl;
  const allowedDeliveryUrls = unique([...callbacks, ...[addon.recipient, addon.destination].filter(isNonEmptyString)]);

  let config: SamlConfiguration = {
    acsUrl,
    allowedDeliveryUrls,
    audience: nonEmpty(context.requestIssuer),
    recipient: acsUrl,
    destination: acsUrl,
    issuer: context.tenantIssuer,
    mappings: { source: 'default', pairs: addonPairs(DEFAULT_MAPPINGS) },
    createUpnClaim: ADDON_DEFAULTS.createUpnClaim,
    passthroughClaimsWithNoMapping: ADDON_DEFAULTS.passthroughClaimsWithNoMapping,
    mapUnknownClaimsAsIs: ADDON_DEFAULTS.mapUnknownClaimsAsIs,
    mapIdentities: ADDON_DEFAULTS.mapIdentities,
    signatureAlgorithm: ADDON_DEFAULTS.signatureAlgorithm,
    digestAlgorithm: ADDON_DEFAULTS.digestAlgorithm,
    lifetimeInSeconds: ADDON_DEFAULTS.lifetimeInSeconds,
    signResponse: ADDON_DEFAULTS.signResponse,
    nameIdentifierFormat: undefined,
    nameIdentifierProbes: ADDON_DEFAULTS.nameIdentifierProbes,
    authnContextClassRef: ADDON_DEFAULTS.authnContextClassRef,
    typedAttributes: ADDON_DEFAULTS.typedAttributes,
    includeAttributeNameFormat: ADDON_DEFAULTS.includeAttributeNameFormat,
    logout: { callback: undefined, sloEnabled: ADDON_DEFAULTS.sloEnabled },
    binding: ADDON_DEFAULTS.binding,
    signingCert: undefined,
    cert: undefined,
    key: undefined,
    encryptionCert: undefined,
    encryptionPublicKey: undefined,
    encryptionAlgorithm: ADDON_DEFAULTS.encryptionAlgorithm,
    relayState: context.relayState,
    attributeEdits: [],
    diagnostics: [],
  };
  for (const field of ADDON_SETTABLE) {
    const value = addon[field];
    // Auth0 defaults with JS `||`: an empty string in the add-on means "not set".
    if (value === undefined || value === '') continue;
    config = applySetting(config, field, value, 'addon', field);
  }
  if (addon.mappings !== undefined) config = { ...config, mappings: { source: 'addon', pairs: addonPairs(addon.mappings) } };
  return config;
}

/** The add-on fields that are plain settings (mappings and unknown fields are handled apart). */
const ADDON_SETTABLE = [
  'audience', 'recipient', 'destination', 'issuer', 'createUpnClaim', 'passthroughClaimsWithNoMapping', 'mapUnknownClaimsAsIs',
  'mapIdentities', 'signatureAlgorithm', 'digestAlgorithm', 'lifetimeInSeconds', 'signResponse', 'nameIdentifierFormat',
  'nameIdentifierProbes', 'authnContextClassRef', 'typedAttributes', 'includeAttributeNameFormat', 'logout', 'binding', 'signingCert',
] as const satisfies readonly (keyof AddonSettings & SettableField)[];

/** Add-on direction → pairs, in the object's order; an array of names emits one value under each (S-mapex). */
export function addonPairs(mappings: AddonMappings): MappingPair[] {
  const pairs: MappingPair[] = [];
  for (const [profilePath, target] of Object.entries(mappings)) {
    for (const samlName of typeof target === 'string' ? [target] : target) pairs.push({ profilePath, samlName });
  }
  return pairs;
}

/** The sources a configuration value may come from, for diagnostics. */
export type OverrideSource = Exclude<SettingSource, 'default' | 'claims' | 'response'>;

// ---------------------------------------------------------------- helpers

/** A JSON object (from any realm: the sandbox's copies included); not an array, Date or Map. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.prototype.toString.call(value) === '[object Object]';
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}

