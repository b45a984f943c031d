// Every value the IdP seals with the server's master key, in one table: rules-configuration values
// and Action secrets at rest, the login transaction (`state`) and the login form's CSRF token. Each has
// its own AAD prefix, so a blob made for one use never opens as another (a CSRF token is not a login
// state, Action A's secret is not Action B's). The values leave this module only as plaintext strings
// handed to the sandbox or the pipeline; they are never logged.
// Values at rest use the `idp-secret` key, values that travel through the browser the `idp-state` key.

import type { Sealer } from '../services/sealer.js';


export const SEAL_AAD = {
  signingKey: (kid: string): string => `idp-signing-key:${kid}`,
  rulesConfig: (tenantId: string, key: string): string => `idp-rules-config:${tenantId}:${key}`,
  actionSecret: (actionId: string, name: string): string => `idp-action-secret:${actionId}:${name}`,
  loginState: (tenantId: string): string => `idp-login-state:${tenantId}`,
  csrf: (preSession: string): string => `idp-csrf:${preSession}`,
} as const;

export function sealValue(sealer: Sealer, aad: string, value: string): Uint8Array {
  return sealer.seal('idp-secret', Buffer.from(value, 'utf8'), aad);
}

/** The plaintext, or undefined when the blob was not sealed for `aad` by this master key. */
export function openValue(sealer: Sealer, aad: string, sealed: Uint8Array): string | undefined {
  return sealer.open('idp-secret', sealed, aad)?.toString('utf8');
}

/** Text form (base64url) for values that travel through the browser: the login state, the CSRF token. */
export function sealToken(sealer: Sealer, aad: string, value: string): string {
  return sealer.sealText('idp-state', value, aad);
}

export function openToken(sealer: Sealer, aad: string, token: string): string | undefined {
  // A token larger than any we issue is refused before any decoding.
  if (token.length > 8192) return undefined;
  return sealer.openText('idp-state', token, aad);
}
