// Every number of the IdP's login, session and transaction policy in one place, with the reason for
// each (security.md C4, C6, C7; auth0.md §5). Callers may override them (tests, operators); nothing
// else in src/idp or src/http/idp hard-codes a limit, a timeout or a cookie lifetime.

/** Login throttles (security.md C7): fixed windows in the shared store, 429 + Retry-After past the limit. */
export interface LoginLimits {
  /**
   * Attempts on one account (tenant + connection + email, any case) per window. A success resets the
   * account's count. C7: "5 failures → exponential backoff"; 10 per 15 minutes lets a person mistype
   * a few times while capping an online guesser at ~1,000 guesses a day per account. A window, not a
   * lockout: the account opens again by itself (C7 "prefer backoff over hard lockout").
   */
  readonly accountAttempts: number;
  readonly accountWindowSeconds: number;
  /** Attempts from one client IP per window, across accounts (C7 "20/min/IP": credential stuffing). */
  readonly ipAttempts: number;
  readonly ipWindowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  accountAttempts: 10,
  accountWindowSeconds: 15 * 60,
  ipAttempts: 20,
  ipWindowSeconds: 60,
};

/** SSO sessions (security.md C4 [I]): idle 30 minutes, absolute 12 hours. */
export interface SessionLimits {
  readonly idleSeconds: number;
  readonly absoluteSeconds: number;
  /**
   * A reused session is written back (idle expiry moved) only when it was last seen this long ago or
   * the application is new to it: an SSO login costs no write in the common case, and the idle
   * timeout is exact to within this much.
   */
  readonly touchAfterSeconds: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  idleSeconds: 30 * 60,
  absoluteSeconds: 12 * 60 * 60,
  touchAfterSeconds: 60,
};

/** A login transaction (the sealed `state` of /login) lives this long: a person may take a while to type. */
export const LOGIN_STATE_TTL_SECONDS = 30 * 60;
/** The login form's CSRF token lives as long as the transaction. */
export const CSRF_TOKEN_TTL_SECONDS = LOGIN_STATE_TTL_SECONDS;
/** The pre-session cookie the CSRF token is bound to (security.md C1). */
export const PRE_SESSION_COOKIE_SECONDS = LOGIN_STATE_TTL_SECONDS;

/** Clock skew allowed on incoming AuthnRequests and LogoutRequests (IssueInstant), seconds. */
export const REQUEST_SKEW_SECONDS = 120;
/** Oldest IssueInstant accepted on an incoming request (SAML message freshness), seconds. */
export const REQUEST_MAX_AGE_SECONDS = 300;

/** Form bodies: the SAML POST binding carries up to 100,000 base64 characters (bindings.ts). */
export const MAX_SAMLP_BODY_BYTES = 256 * 1024;
/** The login form: email, password (≤ 1 KB, password.ts), a token and the state. */
export const MAX_LOGIN_BODY_BYTES = 16 * 1024;
/** An email address (RFC 5321: 254 octets on the wire). */
export const MAX_EMAIL_LENGTH = 254;
/** Query parameters of the SSO request copied into `context.request.query` (auth0.md §6.4). */
export const MAX_COPIED_QUERY_PARAMS = 16;
export const MAX_COPIED_QUERY_VALUE_CHARS = 256;

/** The tenant log keeps this many entries (pruned every PRUNE_EVERY appends). */
export const TENANT_LOG_KEEP = 10_000;
export const TENANT_LOG_PRUNE_EVERY = 500;
