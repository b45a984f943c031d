// Console sessions (security.md C2, C4): a random 256-bit id in an `HttpOnly; SameSite=Lax; Path=/`
// cookie (`__Host-` and `Secure` over https); the store keeps only the id's SHA-256, the temporary
// credentials sealed, the role, session name and tags, the expiry (the credentials') and the last
// assertion for display. A new id at every sign-in, the browser's previous session ended with it;
// unknown or expired ids are ignored and their cookie cleared. Credentials never leave the server.

import type { IncomingMessage } from 'node:http';
import type { AssertionView } from '../../console/index.js';
import type { ServiceEnv } from '../../services/types.js';
import type { ConsoleSession } from '../../store/console-port.js';
import type { Tag } from '../../store/port.js';
import { clearCookie, hashSecret, isSecret, newSecret, readCookies, setCookie } from './http.js';

export interface ConsoleOptions {
  readonly env: ServiceEnv;
  /** The origin browsers use (`http://127.0.0.1:4750`); https makes cookies `Secure` and `__Host-`. */
  readonly publicOrigin: string;
}

export interface ConsoleContext {
  readonly env: ServiceEnv;
  readonly origin: string;
  readonly secure: boolean;
  readonly cookies: {
    /** The console session. */
    readonly session: string;
    /** The browser binding of a pending role choice (the sign-in endpoint's pre-session). */
    readonly signin: string;
  };
}

export function consoleContext(options: ConsoleOptions): ConsoleContext {
  const url = new URL(options.publicOrigin);
  const secure = url.protocol === 'https:';
  // `__Host-` requires Secure and Path=/ without Domain (RFC 6265bis): only over https.
  return {
    env: options.env,
    origin: url.origin,
    secure,
    cookies: secure ? { session: '__Host-tessera_console', signin: '__Host-tessera_signin' } : { session: 'tessera_console', signin: 'tessera_signin' },
  };
}

export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/**
 * The sealer's AAD for a session's credentials: `console-session:<hash of the session id>`, under the
 * sealer's own `console-session` key; the hash binds each blob to its row: a blob copied into another
 * row opens to nothing.
 */
export const CREDENTIALS_AAD_PREFIX = 'console-session:';

export function sealCredentials(env: ServiceEnv, sessionIdHash: string, credentials: SessionCredentials): Uint8Array {
  const plain = JSON.stringify({ accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken });
  return env.sealer.seal('console-session', Buffer.from(plain, 'utf8'), `${CREDENTIALS_AAD_PREFIX}${sessionIdHash}`);
}

export function openCredentials(env: ServiceEnv, session: ConsoleSession): SessionCredentials | undefined {
  const plain = env.sealer.open('console-session', session.credentialsSealed, `${CREDENTIALS_AAD_PREFIX}${session.sessionIdHash}`);
  if (plain === undefined) return undefined;
  const c = JSON.parse(plain.toString('utf8')) as Partial<SessionCredentials>;
  return typeof c.accessKeyId === 'string' && typeof c.secretAccessKey === 'string' && typeof c.sessionToken === 'string'
    ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }
    : undefined;
}

export interface NewSession {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly sessionTags: readonly Tag[];
  readonly credentials: SessionCredentials;
  readonly expiresAt: Date;
  readonly assertion: AssertionView;
}

/**
 * Starts a console session for `req`'s browser: a fresh id (C4: never one the browser offered), the
 * browser's previous session, if any, ended. Resolves the `Set-Cookie` header value.
 */
export async function startSession(ctx: ConsoleContext, req: IncomingMessage, s: NewSession): Promise<string> {
  const store = ctx.env.store.consoleSessions;
  const now = ctx.env.clock.now();
  const previous = readCookies(req).get(ctx.cookies.session);
  if (isSecret(previous)) await store.delete(hashSecret(previous));
  // Expired sessions, choices and assertion claims go at each sign-in: the tables stay as small as
  // what is live (the claims' port, src/store/idp-port.ts, leaves sweeping to its users).
  await store.sweep(now);
  await ctx.env.store.idp.samlReplay.sweep(now);
  const id = newSecret();
  const hash = hashSecret(id);
  await store.create({
    sessionIdHash: hash,
    createDate: now,
    expiresAt: s.expiresAt,
    roleArn: s.roleArn,
    sessionName: s.sessionName,
    sessionTags: s.sessionTags.map((t) => ({ key: t.key, value: t.value })),
    credentialsSealed: sealCredentials(ctx.env, hash, s.credentials),
    csrfToken: newSecret(),
    assertionJson: JSON.stringify(s.assertion),
  });
  return setCookie(ctx.cookies.session, id, { secure: ctx.secure, maxAgeSeconds: (s.expiresAt.getTime() - now.getTime()) / 1000 });
}

export interface LiveSession {
  readonly record: ConsoleSession;
  readonly credentials: SessionCredentials;
}

export type SessionLookup =
  | { readonly kind: 'live'; readonly session: LiveSession }
  /** No cookie, an unknown or expired id, or credentials that no longer open: `clear` ends the cookie. */
  | { readonly kind: 'none'; readonly clear: string | undefined };

export async function lookupSession(ctx: ConsoleContext, req: IncomingMessage): Promise<SessionLookup> {
  const id = readCookies(req).get(ctx.cookies.session);
  if (id === undefined) return { kind: 'none', clear: undefined };
  const clear = clearCookie(ctx.cookies.session, ctx.secure);
  if (!isSecret(id)) return { kind: 'none', clear };
  const record = await ctx.env.store.consoleSessions.get(hashSecret(id), ctx.env.clock.now());
  if (record === undefined) return { kind: 'none', clear };
  const credentials = openCredentials(ctx.env, record);
  if (credentials === undefined) return { kind: 'none', clear };
  return { kind: 'live', session: { record, credentials } };
}

/** Ends the browser's session server-side (C4) and resolves the header that clears its cookie. */
export async function endSession(ctx: ConsoleContext, req: IncomingMessage): Promise<string> {
  const id = readCookies(req).get(ctx.cookies.session);
  if (isSecret(id)) await ctx.env.store.consoleSessions.delete(hashSecret(id));
  return clearCookie(ctx.cookies.session, ctx.secure);
}
