// Identifiers of the IdP, in Auth0's shapes: user ids (`auth0|` + 24 hex), client ids (32
// alphanumerics), rule ids (`rul_` + 16), Action ids (UUIDs), signing key ids, log ids, and the
// 256-bit session and pre-session cookie values. The only module of src/idp that draws randomness
// for ids; it never reads the clock.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { idRandomBytes } from '../kernel/random.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` characters of [A-Za-z0-9], uniform (rejection sampling: 62 does not divide 256). */
export function alphanumeric(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 248) out += ALNUM[b % 62] as string;
      if (out.length === n) break;
    }
  }
  return out;
}

export const newUserId = (): string => `auth0|${randomBytes(12).toString('hex')}`;
export const newClientId = (): string => alphanumeric(32);
export const newRuleId = (): string => `rul_${alphanumeric(16)}`;
export const newActionId = (): string => randomUUID();
export const newSigningKeyId = (): string => randomBytes(16).toString('base64url');
/** Log ids are identifiers, not secrets: the pooled CSPRNG (kernel/random.ts). */
export const newLogId = (): string => idRandomBytes(16).toString('hex');

/** A session or pre-session cookie value: 256 random bits, base64url (43 characters). */
export const newCookieSecret = (): string => randomBytes(32).toString('base64url');

/** What the store keeps of a session cookie: its SHA-256, hex (security.md C4; idp-port.ts). */
export function sessionIdHash(cookieValue: string): string {
  return createHash('sha256').update(cookieValue, 'utf8').digest('hex');
}

/** A cookie value we could have issued: 43 base64url characters. Anything else is ignored unread. */
export function isCookieSecret(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** The database connection's id (Auth0 `con_` + 16): stable per tenant and connection name. */
export function connectionId(tenantId: string, connection: string): string {
  const digest = createHash('sha256').update(`${tenantId}\u0000${connection}`, 'utf8').digest();
  let out = '';
  for (let i = 0; out.length < 16; i++) out += ALNUM[(digest[i] as number) % 62] as string;
  return `con_${out}`;
}
