// Temporary credentials: the session an `ASIA…` key stands for, carried whole in its AEAD-sealed
// session token so any Tessera node authenticates it without a store read (issue #4, security.md V12).

import type { Tag } from '../store/port.js';
import type { Sealer } from './sealer.js';

/** Everything a role session is, as sealed into its token. Times are epoch seconds. */
export interface SessionClaims {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
  readonly roleArn: string;
  readonly roleId: string;
  readonly roleName: string;
  readonly sessionName: string;
  /** Session tags in the order given; keys unique case-insensitively. */
  readonly tags: readonly Tag[];
  readonly transitiveTagKeys: readonly string[];
  /** The inline session policy (`Policy`), as given. */
  readonly sessionPolicy?: string;
  /** Managed session policies (`PolicyArns`), resolved to their default version at each request. */
  readonly sessionPolicyArns: readonly string[];
  readonly sourceIdentity?: string;
  /** How the session was obtained: the SAML provider ARN and the assertion's facts. */
  readonly federatedProvider?: string;
  readonly issuer?: string;
  readonly subject?: string;
  readonly subjectType?: string;
  readonly nameQualifier?: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

const TOKEN_PREFIX = 'TSRA1';

export function sealSessionToken(sealer: Sealer, claims: SessionClaims): string {
  // The access key id is the AAD: a token presented with another session's key id does not open
  // (token swapping, security.md V12).
  return TOKEN_PREFIX + sealer.sealText('session-token', JSON.stringify(claims), claims.accessKeyId);
}

/** The claims, or undefined for a token that is not ours, was altered, or belongs to another key id. */
export function openSessionToken(sealer: Sealer, token: string, accessKeyId: string): SessionClaims | undefined {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 16384) return undefined;
  const text = sealer.openText('session-token', token.slice(TOKEN_PREFIX.length), accessKeyId);
  if (text === undefined) return undefined;
  const claims = JSON.parse(text) as SessionClaims;
  // INVARIANT: only this module seals tokens, so a token that opens carries claims of this shape.
  return claims.accessKeyId === accessKeyId ? claims : undefined;
}
