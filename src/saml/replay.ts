// One-time use of assertions (security.md P16, S33): STS AssumeRoleWithSAML claims each (issuer,
// assertion ID) once when it issues credentials — the API and the browser sign-in endpoint alike,
// so a captured assertion cannot be redeemed again, at this node or another. The guard is a port:
// one process uses the in-memory one, several nodes share one in the store (store.idp.samlReplay).

import type { VerifiedAssertion } from './types.js';

export interface ReplayGuard {
  /** True the first time this assertion is claimed before `expiresAt`; false for a replay. */
  claim(issuer: string, assertionId: string, expiresAt: number, now: number): Promise<boolean>;
}

/** Claims a verified assertion (keyed by issuer and ID, kept until it expires plus the skew). */
export function claimOnce(guard: ReplayGuard, v: VerifiedAssertion, now: number, skewSeconds = 120): Promise<boolean> {
  return guard.claim(v.issuer, v.assertionId, v.expiresAt + skewSeconds * 1000, now);
}

/** In-process guard, bounded: expired entries are swept, and past `limit` live entries it refuses (fails closed). */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly limit = 100_000) {}

  async claim(issuer: string, assertionId: string, expiresAt: number, now: number): Promise<boolean> {
    const key = `${issuer.length}:${issuer}:${assertionId}`;
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    if (this.seen.size >= this.limit) this.sweep(now);
    // Full of live entries: refusing is safe (the user logs in again); forgetting one is not.
    if (this.seen.size >= this.limit) return false;
    this.seen.set(key, expiresAt);
    return true;
  }

  private sweep(now: number): void {
    for (const [k, until] of this.seen) if (until <= now) this.seen.delete(k);
  }
}
