// What Auth0's SAML2 add-on puts in the assertion (reference/auth0.md §3): the claim set from the
// profile, mappings with dot paths and arrays, UPN and identities claims, passthrough, Actions'
// attribute edits, and NameID selection with its probes and fallback. Pure: the profile and the
// configuration in, the NameID and the ordered attribute map out — typing and NameFormat are
// buildResponse's (§3.7, src/saml/response.ts). It never reads a prototype property of the profile.

import { NAMEID_FORMAT } from '../../saml/ns.js';
import { IdpSamlError, type SamlConfigDiagnostic } from './errors.js';
import { diagnostic } from './override-policy.js';
import { CLAIM_TYPE, type SamlConfiguration } from './settings.js';

/** The (rule-mutated) `user` object (§3.1, §6.3): JSON values, Dates for the profile's date-times. */
export type SamlProfile = Readonly<Record<string, unknown>>;

export interface ClaimsInput {
  /** The requesting client, injected into the claim set as `clientID` (§3.1; O-2020, O-2023). */
  readonly clientId?: string;
  /**
   * Actions `api.idToken.setCustomClaim` claims: mappable by name in the add-on (C-141501), with
   * `.` in a name turned into `;` (C-104459).
   */
  readonly idTokenClaims?: Readonly<Record<string, unknown>>;
}

export interface Claims {
  readonly nameId: { readonly value: string; readonly format: string };
  /** Output attributes in Auth0's order; every value defined, arrays non-empty. */
  readonly attributes: ReadonlyMap<string, unknown>;
  readonly typedAttributes: boolean;
  readonly includeAttributeNameFormat: boolean;
  readonly diagnostics: readonly SamlConfigDiagnostic[];
}

/** Passthrough names: `http://schemas.auth0.com/<key>` (the real prefix, not the docs' `schema.auth0.com`, §2.1). */
export const AUTH0_CLAIM_PREFIX = 'http://schemas.auth0.com/';
export const IDENTITY_CLAIM_PREFIX = `${AUTH0_CLAIM_PREFIX}identities/default/`;
/** Identity fields `mapIdentities` emits, in order (§3.5). */
export const IDENTITY_FIELDS = ['user_id', 'provider', 'connection', 'isSocial', 'access_token'] as const;
/** Root fields never passed through (§3.6, S-mapex). */
export const PASSTHROUGH_EXCLUDED: ReadonlySet<string> = new Set(['user_metadata', 'app_metadata', 'identities']);

/**
 * The assertion's content for `user` under `config` (§3). Order (§3.6): mapped attributes in
 * mapping order → upn → identities → passthrough (alphabetical) → identifier → Actions' additions.
 */
export function buildClaims(user: SamlProfile, config: SamlConfiguration, input: ClaimsInput = {}): Claims {
  const source = claimSource(user, input);
  const attributes = new Map<string, unknown>();
  const diagnostics: SamlConfigDiagnostic[] = [];

  // §3.2 / §2.4: every pair writes its attribute (a later pair for the same name overwrites it in
  // place, as assignments into Auth0's claims object do); an undefined value emits nothing.
  const consumed = new Set<string>();
  for (const { profilePath, samlName } of config.mappings.pairs) {
    consumed.add(profilePath);
    attributes.set(samlName, resolvePath(source, profilePath));
  }

  // §3.4: only when no mapping produced it; user.upn, else the email [O-2020].
  if (config.createUpnClaim && attributes.get(CLAIM_TYPE.upn) === undefined) {
    const upn = ownValue(source, 'upn') ?? ownValue(source, 'email');
    if (upn !== undefined) attributes.set(CLAIM_TYPE.upn, upn);
  }

  // §3.5: the first ("default") identity.
  if (config.mapIdentities) {
    const identities = ownValue(source, 'identities');
    const first: unknown = Array.isArray(identities) ? identities[0] : undefined;
    if (isRecord(first)) {
      for (const field of IDENTITY_FIELDS) {
        const value = ownValue(first, field);
        if (value !== undefined) attributes.set(`${IDENTITY_CLAIM_PREFIX}${field}`, value);
      }
    }
  }

  // §3.6: unmapped root fields, alphabetically, then `identifier` when user_id is not mapped.
  // Passthrough never overwrites an attribute the steps above produced.
  if (config.passthroughClaimsWithNoMapping) {
    const name = (key: string): string => (config.mapUnknownClaimsAsIs ? key : `${AUTH0_CLAIM_PREFIX}${key}`);
    const keys = Object.keys(source).filter((k) => !PASSTHROUGH_EXCLUDED.has(k) && !consumed.has(k)).sort();
    for (const key of keys) {
      const value = source[key];
      if (value !== undefined && attributes.get(name(key)) === undefined) attributes.set(name(key), value);
    }
    const userId = ownValue(source, 'user_id');
    if (!consumed.has('user_id') && userId !== undefined && attributes.get(name('identifier')) === undefined) attributes.set(name('identifier'), userId);
  }

  // §3.10: Actions' edits, in call order, after mapping: replace in place, add at the end, remove.
  for (const edit of config.attributeEdits) {
    if (edit.remove) attributes.delete(edit.name);
    else attributes.set(edit.name, edit.value);
  }

  const output = new Map<string, unknown>();
  for (const [name, raw] of attributes) {
    const value = renderable(raw);
    if (value !== undefined) output.set(name, value);
  }

  return {
    nameId: selectNameId(output, source, config, diagnostics),
    attributes: output,
    typedAttributes: config.typedAttributes,
    includeAttributeNameFormat: config.includeAttributeNameFormat,
    diagnostics,
  };
}

/**
 * §3.2: a dot path into the claim set — `email`, `user_metadata.color`, `groups.0`. Only own
 * properties of objects and arrays are followed (a path like `constructor` or `__proto__.x` finds
 * nothing). Metadata keys can never contain `.` (S-meta), so splitting on `.` is unambiguous.
 */
export function resolvePath(source: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = source;
  for (const segment of path.split('.')) {
    if (segment === '' || !isContainer(current)) return undefined;
    current = ownValue(current, segment);
  }
  return current;
}

/**
 * §3.9: the first probe naming a non-empty output attribute gives NameID (its first value), with
 * the configured format or unspecified. No match: Auth0 falls back to `user_id`, with the
 * configured format or persistent ([O-2020]; §1.3 finding 3 — the seed's rule replaces the mappings,
 * so the `[emailaddress]` probe finds nothing). Never an empty NameID (AWS-TS).
 */
function selectNameId(attributes: ReadonlyMap<string, unknown>, source: SamlProfile, config: SamlConfiguration, diagnostics: SamlConfigDiagnostic[]): Claims['nameId'] {
  for (const probe of config.nameIdentifierProbes) {
    const value = attributes.get(probe);
    const text = nameIdText(Array.isArray(value) ? value[0] : value);
    if (text !== undefined) return { value: text, format: config.nameIdentifierFormat ?? NAMEID_FORMAT.unspecified };
  }
  const userId = nameIdText(renderable(ownValue(source, 'user_id')));
  if (userId === undefined) throw new IdpSamlError('ERR_IDP_SAML_NAMEID_MISSING', 'no probe matched and the user has no user_id: no NameID to send');
  const format = config.nameIdentifierFormat ?? NAMEID_FORMAT.persistent;
  diagnostics.push(
    diagnostic('NAMEID_FALLBACK', 'claims', 'nameIdentifierProbes', `no probe found an attribute (tried ${config.nameIdentifierProbes.length}): NameID is the user_id, format \`${format}\``),
  );
  return { value: userId, format };
}

function nameIdText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

/** The profile, `clientID`, and the Actions' ID-token claims, as one flat source. */
function claimSource(user: SamlProfile, input: ClaimsInput): Record<string, unknown> {
  const entries: Array<[string, unknown]> = Object.entries(user);
  if (input.clientId !== undefined && !Object.hasOwn(user, 'clientID')) entries.push(['clientID', input.clientId]);
  for (const [name, value] of Object.entries(input.idTokenClaims ?? {})) entries.push([name.replaceAll('.', ';'), value]);
  // fromEntries defines own data properties: a `__proto__` key stays data, never a prototype.
  return Object.fromEntries(entries);
}

/**
 * A value as the serializer will see it: undefined items dropped, empty arrays and undefined
 * removed (node-saml skips them, §3.2), Dates as Auth0 renders them (§3.7).
 */
function renderable(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== undefined).map(dateAware);
    return items.length === 0 ? undefined : items;
  }
  return dateAware(value);
}

function dateAware(value: unknown): unknown {
  return value instanceof Date ? new Auth0DateValue(value) : value;
}

/**
 * A Date claim: xs:anyType (it is an object, §3.7) whose text is JavaScript's `Date#toString()` in
 * UTC, Auth0's servers' zone — `Wed Aug 12 2020 17:56:57 GMT+0000 (Coordinated Universal Time)`
 * [O-2020] — whatever the zone Tessera runs in.
 */
export class Auth0DateValue {
  readonly text: string;
  constructor(date: Date) {
    this.text = auth0DateText(date);
  }
  toString(): string {
    return this.text;
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export function auth0DateText(date: Date): string {
  if (!Number.isFinite(date.getTime())) return 'Invalid Date';
  const two = (n: number): string => String(n).padStart(2, '0');
  const year = date.getUTCFullYear();
  const yyyy = year < 0 ? `-${String(-year).padStart(6, '0')}` : String(year).padStart(4, '0');
  return (
    `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ${yyyy} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} GMT+0000 (Coordinated Universal Time)`
  );
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}

function ownValue(container: object, key: string): unknown {
  return Object.hasOwn(container, key) ? (container as Record<string, unknown>)[key] : undefined;
}
