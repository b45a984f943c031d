// Input checks and value rules of the IdP repositories, shared by every adapter so they agree on
// what is invalid input, how emails fold, and how Auth0's metadata merge works. The services layer
// validates first (Auth0's wording); these checks keep anything malformed out of the database.

import { StoreError, invalidInput } from './errors.js';
import {
  ACTION_RUNTIMES,
  SIGNING_KEY_STATUSES,
  TENANT_LOG_TYPES,
  type ActionRuntime,
  type ActionSecret,
  type IdpUser,
  type IdpUserUpdate,
  type JsonObject,
  type SigningKeyStatus,
  type TenantLogType,
} from './idp-port.js';
import { decodeToken } from './paging.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A non-empty string (ids, names, keys). */
export function id(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0) throw invalidInput(`\`${field}\` must be a non-empty string`);
  return v;
}

/** Any string, the empty one included. */
export function text(v: unknown, field: string): string {
  if (typeof v !== 'string') throw invalidInput(`\`${field}\` must be a string`);
  return v;
}

export function optText(v: unknown, field: string): string | null {
  return v === undefined ? null : text(v, field);
}

export function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw invalidInput(`\`${field}\` must be a boolean`);
  return v;
}

export function nonNegativeInt(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalidInput(`\`${field}\` must be a non-negative integer`);
  return v;
}

export function positiveInt(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw invalidInput(`\`${field}\` must be a positive integer`);
  return v;
}

/** A plain JSON object, as stored text. Values JSON cannot hold (BigInt, cycles) are invalid input. */
export function jsonObject(v: unknown, field: string): string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidInput(`\`${field}\` must be a JSON object`);
  try {
    return JSON.stringify(v);
  } catch {
    throw invalidInput(`\`${field}\` must be a JSON object`);
  }
}

export function stringList(v: unknown, field: string): string {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalidInput(`\`${field}\` must be a list of strings`);
  return JSON.stringify(v);
}

export function stringRecord(v: unknown, field: string): string {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw invalidInput(`\`${field}\` must map strings to strings`);
  }
  return JSON.stringify(v);
}

export function parseJson<T>(v: unknown): T {
  return JSON.parse(v as string) as T;
}

/** The uniqueness and lookup key of an email: full-Unicode lower case, locale-independent. */
export function emailKey(email: string): string {
  return email.toLowerCase();
}

/** Auth0's metadata merge: root keys of the patch replace the stored ones; `null` deletes the key. */
export function mergeMetadata(current: JsonObject, patch: JsonObject): JsonObject {
  const out: Record<string, JsonObject[string]> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

export function signingKeyStatus(v: unknown): SigningKeyStatus {
  if (!(SIGNING_KEY_STATUSES as readonly unknown[]).includes(v)) throw invalidInput(`unknown signing key status \`${String(v)}\``);
  return v as SigningKeyStatus;
}

export function actionRuntime(v: unknown): ActionRuntime {
  if (!(ACTION_RUNTIMES as readonly unknown[]).includes(v)) throw invalidInput(`unknown action runtime \`${String(v)}\``);
  return v as ActionRuntime;
}

export function tenantLogType(v: unknown): TenantLogType {
  if (typeof v !== 'string' || !Object.hasOwn(TENANT_LOG_TYPES, v)) throw invalidInput(`unknown log type \`${String(v)}\``);
  return v as TenantLogType;
}

/** Action secrets: names non-empty and distinct, values bytes. */
export function actionSecrets(v: unknown): readonly ActionSecret[] {
  if (!Array.isArray(v)) throw invalidInput('`secrets` must be a list');
  const seen = new Set<string>();
  for (const s of v as unknown[]) {
    const secret = s as Partial<ActionSecret> | null;
    const name = id(secret?.name, 'secrets[].name');
    if (!(secret?.valueSealed instanceof Uint8Array)) throw invalidInput('`secrets[].valueSealed` must be bytes');
    if (seen.has(name)) throw invalidInput(`duplicate secret name \`${name}\``);
    seen.add(name);
  }
  return v as readonly ActionSecret[];
}

/** `cur` with an update patch applied: `null` removes the optional name fields; `updateDate` is the patch's. */
export function applyIdpUserUpdate(cur: IdpUser, patch: IdpUserUpdate): IdpUser {
  const next: Mutable<IdpUser> = { ...cur, updateDate: patch.updateDate };
  if (patch.email !== undefined) next.email = patch.email;
  if (patch.emailVerified !== undefined) next.emailVerified = patch.emailVerified;
  if (patch.passwordHash !== undefined) next.passwordHash = patch.passwordHash;
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.nickname !== undefined) next.nickname = patch.nickname;
  if (patch.picture !== undefined) next.picture = patch.picture;
  if (patch.givenName === null) delete next.givenName;
  else if (patch.givenName !== undefined) next.givenName = patch.givenName;
  if (patch.familyName === null) delete next.familyName;
  else if (patch.familyName !== undefined) next.familyName = patch.familyName;
  if (patch.appMetadata !== undefined) next.appMetadata = patch.appMetadata;
  if (patch.userMetadata !== undefined) next.userMetadata = patch.userMetadata;
  if (patch.blocked !== undefined) next.blocked = patch.blocked;
  return next;
}

/** How an Action's secrets are stored: JSON of the names and the base64 of the sealed bytes. */
export interface StoredSecret {
  readonly name: string;
  /** base64 of the sealed bytes. */
  readonly valueSealed: string;
}

export function secretsJson(secrets: readonly ActionSecret[]): string {
  const stored: StoredSecret[] = actionSecrets(secrets).map((s) => ({
    name: s.name,
    valueSealed: Buffer.from(s.valueSealed.buffer, s.valueSealed.byteOffset, s.valueSealed.byteLength).toString('base64'),
  }));
  return JSON.stringify(stored);
}

/** The tenant log's page tokens (the same on every adapter). */
export const TENANT_LOG_LIST = 'tenantLogs';

/** The tenant log's cursor: `<date ms>:<seq>` of the last entry returned. */
export function decodeLogCursor(token: string): { date: number; seq: number } {
  const p = decodeToken(TENANT_LOG_LIST, token, 'string');
  const m = /^(-?\d{1,16}):(\d{1,16})$/.exec(p);
  if (m === null) throw new StoreError('ERR_STORE_INVALID_TOKEN', `invalid page token for \`${TENANT_LOG_LIST}\``);
  return { date: Number(m[1]), seq: Number(m[2]) };
}
