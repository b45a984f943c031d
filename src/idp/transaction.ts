// A login transaction: what `/samlp/{clientId}` accepted (the allow-listed ACS, InResponseTo, the SP's
// Issuer, RelayState, ForceAuthn, the request's query) carried through the login page as ONE opaque,
// sealed `state` value (AES-256-GCM under the master key, bound to the tenant, with an expiry). The
// browser can hold it but neither read nor alter it, every node can open it (no sticky sessions),
// and it is never a URL: /login redirects nowhere but to the ACS the transaction names (C8).

import type { Sealer } from '../services/sealer.js';
import { LOGIN_STATE_TTL_SECONDS } from './limits.js';
import { openToken, SEAL_AAD, sealToken } from './secrets.js';

export interface LoginTransaction {
  readonly clientId: string;
  /** SP-initiated: the AuthnRequest's ACS, already found in the application's callbacks. */
  readonly acsUrl?: string;
  /** SP-initiated: the AuthnRequest ID (an NCName). */
  readonly inResponseTo?: string;
  /** SP-initiated: the AuthnRequest's Issuer (the default audience). */
  readonly requestIssuer?: string;
  /** ≤ 80 bytes, checked when accepted. */
  readonly relayState?: string;
  readonly forceAuthn: boolean;
  /** The SSO request's query minus the SAML parameters (`context.request.query`). */
  readonly query: Readonly<Record<string, string>>;
  /** Epoch ms after which the state is refused. */
  readonly expiresAt: number;
}

export function sealTransaction(sealer: Sealer, tenantId: string, tx: Omit<LoginTransaction, 'expiresAt'>, now: Date): string {
  const body: LoginTransaction = { ...tx, expiresAt: now.getTime() + LOGIN_STATE_TTL_SECONDS * 1000 };
  return sealToken(sealer, SEAL_AAD.loginState(tenantId), JSON.stringify(body));
}

/** The transaction, or undefined when the state is not ours, was altered, or has expired. */
export function openTransaction(sealer: Sealer, tenantId: string, state: string | undefined, now: Date): LoginTransaction | undefined {
  if (state === undefined || state === '') return undefined;
  const text = openToken(sealer, SEAL_AAD.loginState(tenantId), state);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // INVARIANT: only sealTransaction made this text (AEAD); the shape check guards against our own older formats.
  const tx = value as Partial<LoginTransaction> | null;
  if (tx === null || typeof tx !== 'object' || typeof tx.clientId !== 'string' || typeof tx.expiresAt !== 'number' || typeof tx.forceAuthn !== 'boolean') return undefined;
  if (tx.expiresAt <= now.getTime()) return undefined;
  return tx as LoginTransaction;
}
