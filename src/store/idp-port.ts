// The store port of the identity provider (issue #5): tenants, signing keys, database-connection
// users, applications, Rules and their configuration, post-login Actions, SSO sessions, login
// throttles, the tenant log, and the sign-in endpoint's assertion replay cache — everything several
// Tessera nodes must share (issue #8). Same conventions as port.ts (read its header): async, ids and
// timestamps made by the caller, `get…` resolves undefined, other operations on a missing entity
// reject with ERR_STORE_NOT_FOUND, every acknowledged write durable, values returned as new objects.
// Errors are StoreErrors; those about an IdP entity are IdpStoreErrors (idp-errors.ts), which add
// `idpEntity` and, for a conflict, the unique `field` that was taken.
// test/store/idp-contract.ts is the executable form of this file.
//
// Every entity carries a `tenantId`: one tenant per Tessera today, several can coexist. Secrets
// (private keys, rules configuration values, Action secrets) arrive sealed (AEAD) by the caller and
// are stored as the bytes given; the store never sees them in clear.

import type { Page, PageRequest } from './port.js';

// ---------------------------------------------------------------------------------------------
// JSON values (metadata, add-on settings, log details): stored and returned as JSON, so what comes
// back is what `JSON.parse(JSON.stringify(value))` gives.

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// Tenants (host unique, compared case-insensitively, as DNS names are)

export interface Tenant {
  readonly tenantId: string;
  /** `127.0.0.1:4750`, `login.example.com`: what the IdP's URLs are built on. */
  readonly host: string;
  /** Absent = Auth0's default, `urn:<host>` (reference/auth0.md §2.1 `issuer`). */
  readonly issuer?: string;
  readonly friendlyName: string;
  readonly createDate: Date;
  readonly updateDate: Date;
}

export interface TenantUpdate {
  readonly host?: string;
  /** `null` returns to the default issuer. */
  readonly issuer?: string | null;
  readonly friendlyName?: string;
  readonly updateDate: Date;
}

export interface TenantRepository {
  /** ERR_STORE_CONFLICT (field `tenantId` or `host`). */
  create(tenant: Tenant): Promise<Tenant>;
  get(tenantId: string): Promise<Tenant | undefined>;
  /** The tenant serving this host (any case). */
  getByHost(host: string): Promise<Tenant | undefined>;
  /** Ordered by createDate, then tenantId. */
  list(): Promise<readonly Tenant[]>;
  update(tenantId: string, patch: TenantUpdate): Promise<Tenant>;
}

// ---------------------------------------------------------------------------------------------
// Signing keys (Auth0's application signing keys: `current` signs; `next` is published ahead of a
// rotation; `previous` keys stay published until revoked; `revoked` keys are kept, never used)

export const SIGNING_KEY_STATUSES = ['current', 'next', 'previous', 'revoked'] as const;
export type SigningKeyStatus = (typeof SIGNING_KEY_STATUSES)[number];

export interface SigningKey {
  readonly tenantId: string;
  /** Unique across tenants. */
  readonly kid: string;
  /** The PKCS#8 private key as sealed by the caller. */
  readonly privateKeySealed: Uint8Array;
  readonly certificatePem: string;
  /** Hex, as `/fingerprint` shows it. */
  readonly thumbprintSha1: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly status: SigningKeyStatus;
  readonly createDate: Date;
  /** Present once revoked. */
  readonly revokedAt?: Date;
}

export interface SigningKeyRepository {
  /**
   * ERR_STORE_CONFLICT (field `kid`, or `status` when the tenant already has a `current` — or a
   * `next` — key: at most one of each per tenant); ERR_STORE_NOT_FOUND for an unknown tenant.
   */
  create(key: SigningKey): Promise<SigningKey>;
  get(tenantId: string, kid: string): Promise<SigningKey | undefined>;
  /** The key that signs (the issuance path: one indexed read). */
  getCurrent(tenantId: string): Promise<SigningKey | undefined>;
  /** Newest first (createDate descending, then kid descending); revoked keys included. */
  list(tenantId: string): Promise<readonly SigningKey[]>;
  /**
   * Atomically: the `current` key becomes `previous` and `nextKid` becomes `current` (Auth0's
   * rotate; earlier `previous` keys stay `previous`). Resolves the new current key.
   * ERR_STORE_NOT_FOUND when `nextKid` is not a key of the tenant; ERR_STORE_CAS_FAILED
   * (`currentState` = its status) when it is not `next`.
   */
  rotate(tenantId: string, nextKid: string): Promise<SigningKey>;
  /** Only a `previous` key can be revoked (ERR_STORE_CAS_FAILED with `currentState` otherwise). */
  revoke(tenantId: string, kid: string, revokedAt: Date): Promise<SigningKey>;
}

// ---------------------------------------------------------------------------------------------
// Users of database connections (reference/auth0.md §6.3). Email unique per tenant and connection,
// compared case-insensitively (after String.prototype.toLowerCase), stored as given.

export interface IdpUser {
  /** `auth0|` + 24 hex digits; unique across tenants. */
  readonly userId: string;
  readonly tenantId: string;
  /** The database connection's name, e.g. `Username-Password-Authentication`. */
  readonly connection: string;
  readonly email: string;
  readonly emailVerified: boolean;
  /** A PHC string made by the caller (src/idp/password.ts); opaque to the store. */
  readonly passwordHash: string;
  readonly name: string;
  readonly nickname: string;
  readonly picture: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly appMetadata: JsonObject;
  readonly userMetadata: JsonObject;
  readonly blocked: boolean;
  readonly loginsCount: number;
  readonly lastLogin?: Date;
  readonly lastIp?: string;
  readonly createDate: Date;
  readonly updateDate: Date;
}

/** What creating a user takes: no login yet. */
export type NewIdpUser = Omit<IdpUser, 'loginsCount' | 'lastLogin' | 'lastIp'>;

export interface IdpUserUpdate {
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly passwordHash?: string;
  readonly name?: string;
  readonly nickname?: string;
  readonly picture?: string;
  /** `null` removes it. */
  readonly givenName?: string | null;
  /** `null` removes it. */
  readonly familyName?: string | null;
  /** Replaces the whole object (use mergeMetadata for Auth0's PATCH semantics). */
  readonly appMetadata?: JsonObject;
  /** Replaces the whole object. */
  readonly userMetadata?: JsonObject;
  readonly blocked?: boolean;
  readonly updateDate: Date;
}

/**
 * Auth0's metadata PATCH (reference/auth0.md §7.4, §8.1): each root key of the patch replaces the
 * stored key (nested objects are replaced, not merged); a `null` value deletes the key.
 */
export interface IdpMetadataMerge {
  readonly appMetadata?: JsonObject;
  readonly userMetadata?: JsonObject;
  readonly updateDate: Date;
}

export interface IdpUserListRequest extends PageRequest {
  /** Only users of this connection. */
  readonly connection?: string;
}

export interface IdpUserRepository {
  /** ERR_STORE_CONFLICT (field `userId`, or `email` within the tenant and connection); ERR_STORE_NOT_FOUND (tenant). */
  create(user: NewIdpUser): Promise<IdpUser>;
  get(userId: string): Promise<IdpUser | undefined>;
  /** The login path: one indexed read; `email` in any case. */
  getByEmail(tenantId: string, connection: string, email: string): Promise<IdpUser | undefined>;
  /** Creation order, keyset-paged. */
  list(tenantId: string, request?: IdpUserListRequest): Promise<Page<IdpUser>>;
  /** ERR_STORE_CONFLICT (field `email`) when the new email is another user's. */
  update(userId: string, patch: IdpUserUpdate): Promise<IdpUser>;
  mergeMetadata(userId: string, merge: IdpMetadataMerge): Promise<IdpUser>;
  /** Atomically: loginsCount + 1, lastLogin = updateDate = `at`, lastIp = `ip` (Auth0 counts a login as an update). */
  recordLogin(userId: string, login: { readonly at: Date; readonly ip?: string }): Promise<IdpUser>;
  /** Also ends the user's SSO sessions. */
  delete(userId: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Applications (Auth0 clients; reference/auth0.md §2.3, §8.1)

export interface ApplicationAddons {
  /** The SAML2 Web App add-on's settings, stored as given (JSON). */
  readonly samlp?: JsonObject;
}

export interface Application {
  /** 32 alphanumerics; unique across tenants. */
  readonly clientId: string;
  readonly tenantId: string;
  readonly name: string;
  /** `callbacks[0]` is the add-on's Application Callback URL; every ACS must be listed. */
  readonly callbacks: readonly string[];
  readonly allowedLogoutUrls: readonly string[];
  readonly addons: ApplicationAddons;
  readonly clientMetadata: Readonly<Record<string, string>>;
  readonly createDate: Date;
  readonly updateDate: Date;
}

export interface ApplicationUpdate {
  readonly name?: string;
  readonly callbacks?: readonly string[];
  readonly allowedLogoutUrls?: readonly string[];
  /** Replaces every add-on (`{}` removes them all). */
  readonly addons?: ApplicationAddons;
  readonly clientMetadata?: Readonly<Record<string, string>>;
  readonly updateDate: Date;
}

export interface ApplicationRepository {
  /** ERR_STORE_CONFLICT (field `clientId`); ERR_STORE_NOT_FOUND (tenant). */
  create(app: Application): Promise<Application>;
  get(clientId: string): Promise<Application | undefined>;
  /** Ordered by createDate, then clientId. */
  list(tenantId: string): Promise<readonly Application[]>;
  update(clientId: string, patch: ApplicationUpdate): Promise<Application>;
  delete(clientId: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Rules (reference/auth0.md §6, §8.1): name and order unique per tenant, as Auth0's Management API
// answers 409 "A rule with the same name already exists" / "A rule with the same order already exists".

export interface Rule {
  /** `rul_` + 16 alphanumerics; unique across tenants. */
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** Non-negative integer; lower runs first. */
  readonly order: number;
  readonly enabled: boolean;
  /** The rule's source, stored byte for byte (untrusted: it runs only in the sandbox). */
  readonly script: string;
  readonly createDate: Date;
  readonly updateDate: Date;
}

/** Without `order` the rule goes last (Auth0: "no order ⇒ last"): the store assigns the tenant's highest order + 1 (or 1), atomically. */
export type NewRule = Omit<Rule, 'order'> & { readonly order?: number };

export interface RuleUpdate {
  readonly name?: string;
  readonly order?: number;
  readonly enabled?: boolean;
  readonly script?: string;
  readonly updateDate: Date;
}

export interface RuleRepository {
  /** ERR_STORE_CONFLICT (field `id`, `name` or `order`); ERR_STORE_NOT_FOUND (tenant). */
  create(rule: NewRule): Promise<Rule>;
  get(id: string): Promise<Rule | undefined>;
  /** Every rule, by order. */
  list(tenantId: string): Promise<readonly Rule[]>;
  /** The login pipeline's read: the enabled rules by order, in one query. */
  listEnabledInOrder(tenantId: string): Promise<readonly Rule[]>;
  /** ERR_STORE_CONFLICT (field `name` or `order`). To swap two orders, move one aside inside a transaction. */
  update(id: string, patch: RuleUpdate): Promise<Rule>;
  delete(id: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Rules configuration (Auth0's rules-configs: the `configuration` global; values are secrets)

export interface RulesConfigEntry {
  readonly key: string;
  /** The value as sealed by the caller. */
  readonly valueSealed: Uint8Array;
}

export interface RulesConfigRepository {
  /** Keys only (what Auth0's `GET /rules-configs` shows), in key order. */
  listKeys(tenantId: string): Promise<readonly string[]>;
  /** Every entry, in key order: the pipeline's read. */
  getAll(tenantId: string): Promise<readonly RulesConfigEntry[]>;
  /** Creates or replaces (Auth0's `PUT /rules-configs/{key}`); ERR_STORE_NOT_FOUND (tenant). */
  set(tenantId: string, entry: RulesConfigEntry): Promise<RulesConfigEntry>;
  /** ERR_STORE_NOT_FOUND (field `key`) when absent. */
  delete(tenantId: string, key: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Post-login Actions (reference/auth0.md §7, §8.1): name unique per tenant; the bound ones run in
// `order` (Auth0's trigger bindings: the position in the post-login flow, unique among bound Actions).

export const ACTION_RUNTIMES = ['node18', 'node22'] as const;
export type ActionRuntime = (typeof ACTION_RUNTIMES)[number];

export interface ActionSecret {
  readonly name: string;
  /** The value as sealed by the caller. */
  readonly valueSealed: Uint8Array;
}

export interface Action {
  /** A UUID; unique across tenants. */
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** Stored byte for byte (untrusted: it runs only in the sandbox). */
  readonly code: string;
  readonly runtime: ActionRuntime;
  /** Names unique within the Action; kept in the order given. */
  readonly secrets: readonly ActionSecret[];
  readonly bound: boolean;
  /** Present exactly when bound: the position in the post-login flow. */
  readonly order?: number;
  readonly createDate: Date;
  readonly updateDate: Date;
}

/**
 * `bound` defaults to false. A bound Action without `order` goes last (highest bound order + 1, or
 * 1), atomically; `order` without `bound: true` is invalid input.
 */
export type NewAction = Omit<Action, 'bound' | 'order'> & { readonly bound?: boolean; readonly order?: number };

export interface ActionUpdate {
  readonly name?: string;
  readonly code?: string;
  readonly runtime?: ActionRuntime;
  /** Replaces every secret. */
  readonly secrets?: readonly ActionSecret[];
  readonly updateDate: Date;
}

export interface ActionRepository {
  /** ERR_STORE_CONFLICT (field `id`, `name`, or `order` among bound Actions); ERR_STORE_NOT_FOUND (tenant). */
  create(action: NewAction): Promise<Action>;
  get(id: string): Promise<Action | undefined>;
  /** Every Action: bound ones by order first, then the unbound ones by name. */
  list(tenantId: string): Promise<readonly Action[]>;
  /** The login pipeline's read: the bound Actions by order, in one query. */
  listBoundInOrder(tenantId: string): Promise<readonly Action[]>;
  /** ERR_STORE_CONFLICT (field `name`). */
  update(id: string, patch: ActionUpdate): Promise<Action>;
  /**
   * Auth0's `PATCH /actions/triggers/post-login/bindings`: atomically binds exactly `actionIds`, in
   * this order (orders 1…n), and unbinds every other Action of the tenant. ERR_STORE_NOT_FOUND when
   * an id is not an Action of the tenant; a repeated id is invalid input. Resolves the bound Actions.
   */
  setBindings(tenantId: string, actionIds: readonly string[], updateDate: Date): Promise<readonly Action[]>;
  delete(id: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// SSO sessions (security.md C4), shared by every node. The cookie value never reaches the store:
// the caller hashes it (e.g. SHA-256) and the store keys the session by that hash, so a copy of the
// database cannot be replayed as cookies.

export interface IdpSession {
  readonly sessionIdHash: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly createDate: Date;
  readonly lastSeen: Date;
  /** Absolute expiry (e.g. 12 h after login). */
  readonly expiresAt: Date;
  /** Idle expiry (e.g. 30 min after lastSeen), moved by `touch`. */
  readonly idleExpiresAt: Date;
  /** Client ids used in this session, in order of first use, each once. */
  readonly clients: readonly string[];
  readonly authenticatedAt: Date;
}

export interface IdpSessionTouch {
  /** Also the instant the session must still be live at. */
  readonly lastSeen: Date;
  readonly idleExpiresAt: Date;
  /** Appended to `clients` unless already there. */
  readonly addClient?: string;
}

export interface IdpSessionRepository {
  /** ERR_STORE_CONFLICT (field `sessionIdHash`); ERR_STORE_NOT_FOUND (tenant or user). */
  create(session: IdpSession): Promise<IdpSession>;
  /** Undefined when absent or expired at `now` (now ≥ expiresAt or now ≥ idleExpiresAt). */
  get(sessionIdHash: string, now: Date): Promise<IdpSession | undefined>;
  /**
   * Moves lastSeen and idleExpiresAt forward (never backwards: the later of stored and given wins,
   * whatever order nodes' touches arrive in) and adds the client. ERR_STORE_NOT_FOUND when absent
   * or already expired at `lastSeen`: an expired session is never revived.
   */
  touch(sessionIdHash: string, touch: IdpSessionTouch): Promise<IdpSession>;
  /** Logout; deleting an absent session is not an error (resolves false). */
  delete(sessionIdHash: string): Promise<boolean>;
  /** Ends every session of the user (password change, block); resolves how many. */
  deleteByUser(userId: string): Promise<number>;
  /** Deletes the sessions expired at `now`; resolves how many. */
  sweep(now: Date): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Login throttles (security.md C7), shared by every node: FIXED windows. The first hit of a key
// opens a window at `now` lasting `windowSeconds`; hits inside it count up; the first hit at or
// after its end opens a new window with count 1. `hit` is one atomic read-modify-write, exact under
// any concurrency across processes and nodes. (A fixed window lets a burst straddle a boundary: up
// to twice the limit in one window's length. Callers that back off exponentially do not care.)

export interface ThrottleHit {
  /** Hits in the current window, this one included (1 for the first). */
  readonly count: number;
  readonly windowStart: Date;
  /** windowStart + windowSeconds: the caller's `Retry-After` is `windowEnd - now`. */
  readonly windowEnd: Date;
}

export interface LoginThrottleRepository {
  /**
   * Counts a hit on `key` (e.g. `ip:203.0.113.7`, `user:<tenantId>:<connection>:<email>`: the caller
   * puts the tenant in the key). One window length per key: a hit with another length applies from
   * the next window on. `windowSeconds` is a positive integer.
   */
  hit(key: string, now: Date, windowSeconds: number): Promise<ThrottleHit>;
  /** Forgets the key (e.g. after a successful login); absent keys are ignored. */
  reset(key: string): Promise<void>;
  /** Deletes windows that ended at or before `now`; resolves how many. */
  sweep(now: Date): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// The tenant log (Auth0's log events), append-only, newest first, bounded by `prune`

/**
 * The Auth0 log event type codes Tessera writes (Auth0's "Log Event Type Codes" list), with Auth0's
 * descriptions. The store refuses any other code (ERR_STORE_INVALID_INPUT).
 */
export const TENANT_LOG_TYPES = {
  s: 'Success Login',
  f: 'Failed Login',
  fp: 'Failed Login (Incorrect Password)',
  fu: 'Failed Login (Invalid Email/Username)',
  w: 'Warnings During Login',
  limit_wc: 'Blocked Account',
  limit_mu: 'Blocked IP Address',
  slo: 'Success Logout',
  flo: 'Failed Logout',
  sapi: 'Success API Operation',
  fapi: 'Failed API Operation',
  scp: 'Success Change Password',
  fcp: 'Failed Change Password',
  du: 'Deleted User',
} as const;
export type TenantLogType = keyof typeof TENANT_LOG_TYPES;

export interface TenantLogEntry {
  /** Unique across tenants. */
  readonly id: string;
  readonly tenantId: string;
  readonly date: Date;
  readonly type: TenantLogType;
  readonly description: string;
  readonly clientId?: string;
  readonly clientName?: string;
  readonly userId?: string;
  readonly userName?: string;
  readonly ip?: string;
  readonly details: JsonObject;
}

export interface TenantLogRepository {
  /** ERR_STORE_CONFLICT (field `id`); ERR_STORE_NOT_FOUND (tenant). */
  append(entry: TenantLogEntry): Promise<TenantLogEntry>;
  /** Newest first: date descending, then the reverse of appending; keyset-paged. */
  list(tenantId: string, request?: PageRequest): Promise<Page<TenantLogEntry>>;
  /** Keeps the newest `keepLast` entries of the tenant (in list order), deletes the rest; resolves how many went. */
  prune(tenantId: string, keepLast: number): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// One-time use of assertions at the sign-in endpoint (P16; src/saml/replay.ts), shared by nodes.
// Structurally a `ReplayGuard` (its `claim` takes epoch milliseconds, as that port does).

export interface SamlReplayRepository {
  /**
   * True the first time (issuer, assertionId) is claimed while no earlier claim of it is live at
   * `now`; false for a replay. Atomic across processes: of concurrent claims exactly one wins. A
   * claim is kept until `expiresAt` (epoch ms); an `expiresAt` at or before `now` resolves false
   * (fails closed: nothing live to protect, and nothing to remember).
   */
  claim(issuer: string, assertionId: string, expiresAt: number, now: number): Promise<boolean>;
  /** Deletes claims that expired at or before `now`; resolves how many. */
  sweep(now: Date): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// The IdP's part of the store (`store.idp`, and `tx.idp` inside a transaction)

export interface IdpRepositories {
  readonly tenants: TenantRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly idpUsers: IdpUserRepository;
  readonly applications: ApplicationRepository;
  readonly rules: RuleRepository;
  readonly rulesConfig: RulesConfigRepository;
  readonly actions: ActionRepository;
  readonly idpSessions: IdpSessionRepository;
  readonly loginThrottle: LoginThrottleRepository;
  readonly tenantLogs: TenantLogRepository;
  readonly samlReplay: SamlReplayRepository;
}
