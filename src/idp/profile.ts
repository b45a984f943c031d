// What the tenant's scripts see (JSON copies, never host objects): the normalized `user` of Rules
// (reference/auth0.md §6.3), the Rules `context` (§6.4) and the post-login `event` of Actions (§7.2),
// all built from the stored user, the application, the session and the request. Pure: the clock is
// an input. It never puts a password, a hash, a cookie or a sealed value into what a script sees.

import type { JsonObject, JsonValue } from '../sandbox/index.js';
import type { Application, IdpSession, IdpUser, JsonObject as StoredJson, Tenant } from '../store/index.js';
import { connectionId } from './ids.js';
import { DATABASE_CONNECTION } from './tenant.js';

/** Facts of the HTTP request that started the login (`context.request`, `event.request`). */
export interface RequestFacts {
  readonly ip: string;
  readonly userAgent?: string;
  /** The tenant's host name (Auth0: the domain used). */
  readonly hostname: string;
  readonly method: string;
  readonly query: Readonly<Record<string, string>>;
  readonly language?: string;
}

/** Stored JSON (readonly) as the sandbox's JSON type: the same values, copied on the way in anyway. */
function json(value: StoredJson): JsonObject {
  return value as unknown as JsonObject;
}

/** The user's `identities[0]` (§3.5, §6.3): the database connection's identity. */
function identities(user: IdpUser): JsonValue[] {
  return [{ user_id: user.userId.replace(/^auth0\|/, ''), provider: 'auth0', connection: user.connection, isSocial: false }];
}

/**
 * The Rules `user` (§6.3): Auth0's normalized profile. `app_metadata` is absent when empty (rules
 * guard with `user.app_metadata = user.app_metadata || {}`); dates are ISO strings on the way in
 * (JSON), turned back into Dates for the assertion by `samlProfile`.
 */
export function rulesUser(user: IdpUser): JsonObject {
  const out: Record<string, JsonValue> = {
    user_id: user.userId,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    nickname: user.nickname,
    picture: user.picture,
  };
  if (user.givenName !== undefined) out['given_name'] = user.givenName;
  if (user.familyName !== undefined) out['family_name'] = user.familyName;
  out['identities'] = identities(user);
  out['user_metadata'] = json(user.userMetadata);
  if (Object.keys(user.appMetadata).length > 0) out['app_metadata'] = json(user.appMetadata);
  out['created_at'] = user.createDate.toISOString();
  out['updated_at'] = user.updateDate.toISOString();
  return out;
}

/**
 * The profile the assertion is built from: the rules' output `user`, with `created_at`/`updated_at`
 * turned back into Dates when a rule left them as they went in (Auth0 renders profile dates as JS
 * Dates in passthrough, §3.7; src/idp/saml expects Dates).
 */
export function samlProfile(rulesOutput: JsonObject, sent: JsonObject): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rulesOutput };
  for (const key of ['created_at', 'updated_at'] as const) {
    const value = out[key];
    if (typeof value === 'string' && value === sent[key]) out[key] = new Date(value);
  }
  return out;
}

export interface LoginFacts {
  readonly tenant: Tenant;
  readonly app: Application;
  readonly user: IdpUser;
  readonly session: IdpSession;
  /** `context.sessionID` / `event.session.id`. */
  readonly sessionId: string;
  /** True when an existing SSO session was reused (no password this time). */
  readonly sso: boolean;
  readonly request: RequestFacts;
  /** Where the response goes (the allow-listed ACS). */
  readonly acsUrl: string;
  readonly relayState?: string | undefined;
  readonly inResponseTo?: string | undefined;
}

/** The Rules `context` (§6.4) for a `samlp` login; `samlConfiguration` is what a rule starts from. */
export function rulesContext(facts: LoginFacts, samlConfiguration: Record<string, unknown>): JsonObject {
  const { tenant, app, user, session, request } = facts;
  return {
    tenant: tenant.tenantId,
    clientID: app.clientId,
    clientName: app.name,
    clientMetadata: { ...app.clientMetadata },
    connectionID: connectionId(tenant.tenantId, DATABASE_CONNECTION),
    connection: DATABASE_CONNECTION,
    connectionStrategy: 'auth0',
    connectionOptions: {},
    connectionMetadata: {},
    samlConfiguration: samlConfiguration as JsonObject,
    protocol: 'samlp',
    stats: { loginsCount: user.loginsCount },
    sso: { with_auth0: false, with_dbconn: facts.sso, current_clients: [...session.clients] },
    accessToken: {},
    idToken: {},
    sessionID: facts.sessionId,
    request: {
      userAgent: request.userAgent ?? '',
      ip: request.ip,
      hostname: request.hostname,
      query: { ...request.query },
      // The login form's fields (a password among them) are never handed to scripts.
      body: {},
      geoip: {},
    },
    authentication: { methods: [{ name: 'pwd', timestamp: session.authenticatedAt.getTime() }] },
    authorization: { roles: [] },
  };
}

/** The post-login `event` (§7.2) without `secrets` (the sandbox adds each action's own). */
export function postLoginEvent(facts: LoginFacts): JsonObject {
  const { tenant, app, user, session, request } = facts;
  const eventUser: Record<string, JsonValue> = {
    user_id: user.userId,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    nickname: user.nickname,
    picture: user.picture,
  };
  if (user.givenName !== undefined) eventUser['given_name'] = user.givenName;
  if (user.familyName !== undefined) eventUser['family_name'] = user.familyName;
  Object.assign(eventUser, {
    created_at: user.createDate.toISOString(),
    updated_at: user.updateDate.toISOString(),
    // Never undefined in Actions (§7.2), unlike Rules.
    app_metadata: json(user.appMetadata),
    user_metadata: json(user.userMetadata),
    identities: identities(user),
    multifactor: [],
    enrolledFactors: [],
  });
  const transaction: Record<string, JsonValue> = {
    protocol: 'samlp',
    locale: request.language ?? 'en',
    requested_scopes: [],
    redirect_uri: facts.acsUrl,
    metadata: {},
  };
  if (facts.inResponseTo !== undefined) transaction['id'] = facts.inResponseTo;
  if (facts.relayState !== undefined && facts.relayState !== '') transaction['state'] = facts.relayState;
  const eventRequest: Record<string, JsonValue> = {
    ip: request.ip,
    hostname: request.hostname,
    method: request.method,
    query: { ...request.query },
    body: {},
    geoip: {},
    user_agent: request.userAgent ?? '',
  };
  if (request.language !== undefined) eventRequest['language'] = request.language;
  return {
    user: eventUser,
    client: { client_id: app.clientId, name: app.name, metadata: { ...app.clientMetadata } },
    connection: { id: connectionId(tenant.tenantId, DATABASE_CONNECTION), name: DATABASE_CONNECTION, strategy: 'auth0', metadata: {} },
    transaction,
    request: eventRequest,
    stats: { logins_count: user.loginsCount },
    tenant: { id: tenant.tenantId },
    session: {
      id: facts.sessionId,
      clients: session.clients.map((c) => ({ client_id: c })),
      authenticated_at: session.authenticatedAt.toISOString(),
      created_at: session.createDate.toISOString(),
    },
    authentication: { methods: [{ name: 'pwd', timestamp: session.authenticatedAt.toISOString() }] },
    authorization: { roles: [] },
  };
}
