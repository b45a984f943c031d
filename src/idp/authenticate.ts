// Email + password against the database connection (security.md C5–C7): throttled per account and
// per IP in the shared store BEFORE any hashing (C6), one generic failure for a wrong user or a wrong
// password with a dummy hash for unknown users (uniform timing, C7), the outcome in the tenant log.
// It never says which of email or password was wrong, and never logs a password.

import type { Clock } from '../kernel/index.js';
import type { IdpUser, Store, Tenant } from '../store/index.js';
import { dummyPasswordHash, hashPassword, MAX_PASSWORD_BYTES, verifyPassword } from './password.js';
import type { LoginLimits } from './limits.js';
import { MAX_EMAIL_LENGTH } from './limits.js';
import type { TenantLog } from './log.js';
import { DATABASE_CONNECTION } from './tenant.js';

export type AuthOutcome =
  | { readonly ok: true; readonly user: IdpUser }
  /** Wrong email or wrong password: the same answer for both (C7). */
  | { readonly ok: false; readonly reason: 'credentials' }
  /** The password was right but the account is blocked (said only after a correct password: no enumeration). */
  | { readonly ok: false; readonly reason: 'blocked' }
  /** Too many attempts: answer 429 with `Retry-After: retryAfterSeconds`. */
  | { readonly ok: false; readonly reason: 'throttled'; readonly scope: 'account' | 'ip'; readonly retryAfterSeconds: number };

export interface AuthAttempt {
  readonly email: string;
  readonly password: string;
  readonly ip: string;
  /** For the log line. */
  readonly clientId?: string;
  readonly clientName?: string;
}

/** Throttle keys carry the tenant (idp-port.ts): two tenants never share a counter. */
export function accountThrottleKey(tenantId: string, email: string): string {
  return `user:${tenantId}:${DATABASE_CONNECTION}:${email.toLowerCase()}`;
}

export function ipThrottleKey(tenantId: string, ip: string): string {
  return `ip:${tenantId}:${ip}`;
}

export class Authenticator {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly tenant: Tenant,
    private readonly limits: LoginLimits,
    private readonly log: TenantLog,
  ) {}

  async authenticate(attempt: AuthAttempt): Promise<AuthOutcome> {
    const now = this.clock.now();
    const email = attempt.email.trim();
    const who = { ...(attempt.clientId === undefined ? {} : { clientId: attempt.clientId }), ...(attempt.clientName === undefined ? {} : { clientName: attempt.clientName }), ip: attempt.ip };
    const shownEmail = email.slice(0, MAX_EMAIL_LENGTH);

    // C6/C7: count the attempt before any hashing, so a flood costs two indexed writes, not scrypt.
    const throttle = this.store.idp.loginThrottle;
    const ipHit = await throttle.hit(ipThrottleKey(this.tenant.tenantId, attempt.ip), now, this.limits.ipWindowSeconds);
    const accountKey = accountThrottleKey(this.tenant.tenantId, shownEmail);
    const accountHit = await throttle.hit(accountKey, now, this.limits.accountWindowSeconds);
    const retry = (end: Date): number => Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));
    if (accountHit.count > this.limits.accountAttempts) {
      if (accountHit.count === this.limits.accountAttempts + 1) {
        await this.log.write({ type: 'limit_wc', description: 'Too many failed login attempts for this account', userName: shownEmail, ...who });
      }
      return { ok: false, reason: 'throttled', scope: 'account', retryAfterSeconds: retry(accountHit.windowEnd) };
    }
    if (ipHit.count > this.limits.ipAttempts) {
      if (ipHit.count === this.limits.ipAttempts + 1) {
        await this.log.write({ type: 'limit_mu', description: 'Too many login attempts from this IP address', userName: shownEmail, ...who });
      }
      return { ok: false, reason: 'throttled', scope: 'ip', retryAfterSeconds: retry(ipHit.windowEnd) };
    }

    const user = email.length === 0 || email.length > MAX_EMAIL_LENGTH ? undefined : await this.store.idp.idpUsers.getByEmail(this.tenant.tenantId, DATABASE_CONNECTION, email);
    // C7: an unknown user costs one scrypt too, against a hash no password matches.
    const stored = user?.passwordHash ?? (await dummyPasswordHash());
    const check = Buffer.byteLength(attempt.password, 'utf8') > MAX_PASSWORD_BYTES ? { ok: false, needsRehash: false } : await verifyPassword(attempt.password, stored);
    if (user === undefined || !check.ok) {
      await this.log.write({
        type: user === undefined ? 'fu' : 'fp',
        description: 'Wrong email or password.',
        userName: shownEmail,
        ...(user === undefined ? {} : { userId: user.userId }),
        ...who,
      });
      return { ok: false, reason: 'credentials' };
    }
    if (user.blocked) {
      await this.log.write({ type: 'f', description: 'user is blocked', userId: user.userId, userName: user.email, ...who });
      return { ok: false, reason: 'blocked' };
    }
    await throttle.reset(accountKey);
    let current = user;
    if (check.needsRehash) {
      // C5: parameters rose since this hash was made; the password is known now.
      current = await this.store.idp.idpUsers.update(user.userId, { passwordHash: await hashPassword(attempt.password), updateDate: now });
    }
    current = await this.store.idp.idpUsers.recordLogin(current.userId, { at: now, ip: attempt.ip });
    return { ok: true, user: current };
  }
}
