// SSO sessions (security.md C4): a NEW random 256-bit id at every login, only its SHA-256 in the
// shared store, idle and absolute expiry, the applications it served, logout. The cookie value is
// the only bearer of a session; this module never logs it and never accepts one it could not have
// issued (wrong shape → ignored unread: an attacker cannot plant a chosen session id, C4).

import type { Clock } from '../kernel/index.js';
import { isStoreError, type IdpSession, type IdpUser, type Store } from '../store/index.js';
import { isCookieSecret, newCookieSecret, sessionIdHash } from './ids.js';
import type { SessionLimits } from './limits.js';

export interface LiveSession {
  readonly session: IdpSession;
  readonly user: IdpUser;
  /** The session's public id (`context.sessionID`, `event.session.id`): never the cookie, never its hash. */
  readonly publicId: string;
}

/** `context.sessionID`: derived from the stored hash, so it identifies the session without being usable as it. */
export function publicSessionId(hash: string): string {
  return hash.slice(0, 32);
}

export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    readonly limits: SessionLimits,
  ) {}

  /**
   * A new session for `user` (after a password check). `previousCookie`, the session cookie the
   * browser sent, is ended first: a login never keeps or revives an earlier id (C4 fixation).
   */
  async create(user: IdpUser, previousCookie: string | undefined, clientId?: string): Promise<{ readonly cookie: string; readonly live: LiveSession }> {
    if (isCookieSecret(previousCookie)) await this.store.idp.idpSessions.delete(sessionIdHash(previousCookie));
    const now = this.clock.now();
    const cookie = newCookieSecret();
    const hash = sessionIdHash(cookie);
    const session = await this.store.idp.idpSessions.create({
      sessionIdHash: hash,
      tenantId: user.tenantId,
      userId: user.userId,
      createDate: now,
      lastSeen: now,
      expiresAt: new Date(now.getTime() + this.limits.absoluteSeconds * 1000),
      idleExpiresAt: new Date(now.getTime() + this.limits.idleSeconds * 1000),
      clients: clientId === undefined ? [] : [clientId],
      authenticatedAt: now,
    });
    return { cookie, live: { session, user, publicId: publicSessionId(hash) } };
  }

  /** The live session a cookie names in this tenant, with its user; undefined when absent, expired, foreign or the user is blocked. */
  async resolve(cookie: string | undefined, tenantId: string): Promise<LiveSession | undefined> {
    if (!isCookieSecret(cookie)) return undefined;
    const hash = sessionIdHash(cookie);
    const session = await this.store.idp.idpSessions.get(hash, this.clock.now());
    if (session === undefined || session.tenantId !== tenantId) return undefined;
    const user = await this.store.idp.idpUsers.get(session.userId);
    if (user === undefined || user.blocked || user.tenantId !== tenantId) return undefined;
    return { session, user, publicId: publicSessionId(hash) };
  }

  /**
   * Records a use by `clientId`: moves the idle expiry and adds the client — written only when the
   * client is new to the session or the last write is older than `touchAfterSeconds`.
   */
  async use(live: LiveSession, clientId: string): Promise<LiveSession> {
    const now = this.clock.now();
    const known = live.session.clients.includes(clientId);
    if (known && now.getTime() - live.session.lastSeen.getTime() < this.limits.touchAfterSeconds * 1000) return live;
    try {
      const session = await this.store.idp.idpSessions.touch(live.session.sessionIdHash, {
        lastSeen: now,
        idleExpiresAt: new Date(Math.min(now.getTime() + this.limits.idleSeconds * 1000, live.session.expiresAt.getTime())),
        ...(known ? {} : { addClient: clientId }),
      });
      return { ...live, session };
    } catch (e) {
      // Expired or logged out between the read and the write: the login proceeds on what was live.
      if (isStoreError(e) && e.code === 'ERR_STORE_NOT_FOUND') return live;
      throw e;
    }
  }

  /** Logout: the session is deleted server-side (a copied cookie is worthless afterwards). */
  async end(cookie: string | undefined): Promise<boolean> {
    if (!isCookieSecret(cookie)) return false;
    return this.store.idp.idpSessions.delete(sessionIdHash(cookie));
  }
}
