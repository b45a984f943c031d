// The PostgreSQL adapter (issue #8): the shared state of several stateless Tessera nodes. Opens one
// pg pool on one schema (created and migrated if needed), and serves the async port with repositories
// written against the `Sql` executor (db.ts). Outside a transaction each statement autocommits and each
// multi-statement operation is one SERIALIZABLE transaction of its own; `transaction(fn)` is one
// SERIALIZABLE transaction, run again from the start on a serialization failure. Durability is
// PostgreSQL's: a commit returns after its WAL record is flushed (synchronous_commit on).

import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { StoreError } from '../errors.js';
import type { ConsoleSessionRepository } from '../console-port.js';
import type { IdpRepositories } from '../idp-port.js';
import type {
  AccessKeyRepository,
  AccountSettingsRepository,
  InstanceRepository,
  KeyringRepository,
  ManagedPolicyRepository,
  Role,
  RoleRepository,
  RoleUpdate,
  SamlProviderRepository,
  Store,
  StoreRepositories,
  StoreTx,
  User,
  UserRepository,
  UserUpdate,
} from '../port.js';
import { PgAccessKeys } from './access-keys.js';
import { PgAccountSettings } from './account.js';
import { PgConsoleSessions } from './console-sessions.js';
import { PoolSql, isConnectionError, mapError, serializable, type Sql } from './db.js';
import { pgIdpRepositories } from './idp.js';
import { PgInstances } from './instances.js';
import { PgKeyring } from './keyring.js';
import { migrate, quoteIdent, type MigrationResult } from './migrate.js';
import { PgManagedPolicies } from './policies.js';
import { PgPrincipals, ROLE_SPEC, USER_SPEC } from './principals.js';
import { PgSamlProviders } from './saml-providers.js';

export interface PostgresStoreOptions {
  /** A libpq-style URL, e.g. `postgres://tessera@db.internal:5432/tessera` (credentials may be in it). */
  readonly connectionString: string;
  /**
   * The schema that holds Tessera's tables, created if missing; every connection's search_path is
   * set to it, so one database can hold several Tessera deployments. `[a-z_][a-z0-9_]{0,62}`.
   * Default `public`.
   */
  readonly schema?: string;
  /** Connections in the pool (per node). Default 10. */
  readonly poolSize?: number;
  /** How long connecting (or waiting for a free connection) may take. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
}

export interface PostgresStore extends Store {
  /** The schema this store works in. */
  readonly schema: string;
  /** The schema version before and after opening, and the migrations opening applied. */
  readonly migration: MigrationResult;
  schemaVersion(): Promise<number>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The transaction an async context is running in, to refuse using the store from inside it. */
interface TxContext {
  readonly owner: object;
  active: boolean;
}
const currentTx = new AsyncLocalStorage<TxContext>();

type Runner = <R>(op: () => Promise<R>) => Promise<R>;

/** Every method of `repo` (own, and along its prototype chain), each run through `run`. */
function guard<P>(repo: object, run: Runner): P {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (let o: object | null = repo; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor' || seen.has(name)) continue;
      seen.add(name);
      const fn = (repo as Record<string, unknown>)[name];
      if (typeof fn !== 'function') continue;
      out[name] = (...args: unknown[]) => run(() => (fn as (...a: unknown[]) => Promise<unknown>).apply(repo, args));
    }
  }
  return Object.freeze(out) as P;
}

/** The repositories of the port, each built on `sql` (the pool, or one transaction's client). */
function repositories(sql: Sql): StoreRepositories {
  return {
    idp: pgIdpRepositories(sql),
    consoleSessions: new PgConsoleSessions(sql),
    account: new PgAccountSettings(sql),
    samlProviders: new PgSamlProviders(sql),
    roles: new PgPrincipals<Role, RoleUpdate>(sql, ROLE_SPEC),
    users: new PgPrincipals<User, UserUpdate>(sql, USER_SPEC),
    policies: new PgManagedPolicies(sql),
    accessKeys: new PgAccessKeys(sql),
    instances: new PgInstances(sql),
    keyring: new PgKeyring(sql),
  };
}

/** `repos` with every method of every repository run through `run`. */
function guardAll(repos: StoreRepositories, run: Runner): StoreRepositories {
  const idp: Record<string, unknown> = {};
  for (const [name, repo] of Object.entries(repos.idp)) idp[name] = guard(repo as object, run);
  return {
    idp: Object.freeze(idp) as unknown as IdpRepositories,
    consoleSessions: guard<ConsoleSessionRepository>(repos.consoleSessions, run),
    account: guard<AccountSettingsRepository>(repos.account, run),
    samlProviders: guard<SamlProviderRepository>(repos.samlProviders, run),
    roles: guard<RoleRepository>(repos.roles, run),
    users: guard<UserRepository>(repos.users, run),
    policies: guard<ManagedPolicyRepository>(repos.policies, run),
    accessKeys: guard<AccessKeyRepository>(repos.accessKeys, run),
    instances: guard<InstanceRepository>(repos.instances, run),
    keyring: guard<KeyringRepository>(repos.keyring, run),
  };
}

function closedError(): StoreError {
  return new StoreError('ERR_STORE_CLOSED', 'store is closed');
}

function deadlockError(): StoreError {
  return new StoreError(
    'ERR_STORE_TX_DEADLOCK',
    'store used directly inside one of its own transactions: use the `tx` argument (the call would run outside the transaction, and could wait for it)',
  );
}

class PostgresStoreImpl implements PostgresStore {
  readonly idp: IdpRepositories;
  readonly account: AccountSettingsRepository;
  readonly samlProviders: SamlProviderRepository;
  readonly roles: RoleRepository;
  readonly users: UserRepository;
  readonly policies: ManagedPolicyRepository;
  readonly accessKeys: AccessKeyRepository;
  readonly instances: InstanceRepository;
  readonly consoleSessions: ConsoleSessionRepository;
  readonly keyring: KeyringRepository;
  readonly #pool: pg.Pool;
  readonly #sql: PoolSql;
  #running = 0;
  #idle: (() => void) | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(
    pool: pg.Pool,
    readonly schema: string,
    readonly migration: MigrationResult,
  ) {
    this.#pool = pool;
    this.#sql = new PoolSql(pool);
    const repos = guardAll(repositories(this.#sql), <R>(op: () => Promise<R>) => this.#run(op));
    this.idp = repos.idp;
    this.account = repos.account;
    this.samlProviders = repos.samlProviders;
    this.roles = repos.roles;
    this.users = repos.users;
    this.policies = repos.policies;
    this.accessKeys = repos.accessKeys;
    this.instances = repos.instances;
    this.consoleSessions = repos.consoleSessions;
    this.keyring = repos.keyring;
  }

  schemaVersion(): Promise<number> {
    return this.#run(async () => {
      const r = await this.#sql.row<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
      return r?.v ?? 0;
    });
  }

  /** Admits one operation: refused once closing, and inside this store's own transaction. */
  #admit(): void {
    if (this.#closed) throw closedError();
    const ctx = currentTx.getStore();
    if (ctx !== undefined && ctx.active && ctx.owner === this) throw deadlockError();
  }

  async #run<R>(op: () => Promise<R>): Promise<R> {
    this.#admit();
    this.#running++;
    try {
      return await op();
    } catch (e) {
      throw mapError(e);
    } finally {
      if (--this.#running === 0) this.#idle?.();
    }
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.#admit();
    this.#running++;
    try {
      return await serializable(this.#pool, async (client) => {
        const ctx: TxContext = { owner: this, active: true };
        const tx = guardAll(repositories(client), async <R>(op: () => Promise<R>): Promise<R> => {
          if (!ctx.active || !client.active) throw new StoreError('ERR_STORE_TX_CLOSED', 'transaction has already ended');
          try {
            return await op();
          } catch (e) {
            throw mapError(e);
          }
        });
        try {
          return await currentTx.run(ctx, () => fn(tx));
        } finally {
          ctx.active = false;
        }
      });
    } finally {
      if (--this.#running === 0) this.#idle?.();
    }
  }

  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    this.#closing = (async () => {
      if (this.#running > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
      await this.#pool.end();
    })();
    return this.#closing;
  }
}

function positiveInt(v: unknown, field: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new StoreError('ERR_STORE_INVALID_INPUT', `\`${field}\` must be a positive integer`);
  return v;
}

/** INT8 (oid 20) as a JS number: counts, sequence numbers and epoch milliseconds, all below 2^53. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The startup `options` that put every connection in `schema` and make plain statements read
 * committed (what the compare-and-set statements are written for), whatever the server's defaults.
 * A connection string's own `options` would replace a config's, so they are merged into the string.
 */
/** The longest one statement may run (milliseconds). */
export const STATEMENT_TIMEOUT_MS = 30_000;

function withSessionOptions(connectionString: string, schema: string): { connectionString: string; options?: string } {
  // statement_timeout: no single statement may hold a connection of the shared database longer
  // than this (a pathological filter, a lock wait behind a stuck node); it ends as ERR_STORE_BUSY.
  const ours = `-c search_path=${quoteIdent(schema)} -c default_transaction_isolation=read\\ committed -c statement_timeout=${STATEMENT_TIMEOUT_MS}`;
  let url: URL | undefined;
  try {
    url = new URL(connectionString);
  } catch {
    url = undefined;
  }
  const theirs = url?.searchParams.get('options');
  if (url === undefined || theirs === null || theirs === undefined) return { connectionString, options: ours };
  url.searchParams.set('options', `${theirs} ${ours}`);
  return { connectionString: url.toString() };
}

function openFailed(message: string, cause: unknown): StoreError {
  return new StoreError('ERR_STORE_OPEN_FAILED', message, { cause });
}

/** Opens a pool on `options.connectionString`, creates and migrates the schema if needed. */
export async function open(options: PostgresStoreOptions): Promise<PostgresStore> {
  const cs = options?.connectionString;
  if (typeof cs !== 'string' || cs === '') throw new StoreError('ERR_STORE_INVALID_INPUT', 'a PostgreSQL connection string is required');
  const schema = options.schema ?? 'public';
  // The schema name is spliced into DDL and the startup options (identifiers cannot be bound): a
  // strict allow-list first, quoting second (SQL injection, CWE-89).
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new StoreError('ERR_STORE_INVALID_INPUT', `schema \`${String(schema)}\` must match [a-z_][a-z0-9_]{0,62}`);
  }
  const poolSize = positiveInt(options.poolSize, 'poolSize', 10);
  const connectTimeoutMs = positiveInt(options.connectTimeoutMs, 'connectTimeoutMs', 5000);
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({
      ...withSessionOptions(cs, schema),
      max: poolSize,
      connectionTimeoutMillis: connectTimeoutMs,
      types: TYPES,
      application_name: 'tessera',
    });
  } catch (e) {
    // The message never repeats the connection string: it may hold a password.
    throw openFailed('cannot open database: invalid connection string', e);
  }
  // An idle connection the server drops (restart, failover) is an event on the pool: without a
  // listener it would crash the process. The pool discards it; the next query reconnects.
  pool.on('error', () => undefined);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw openFailed(`cannot connect to the database${describeCause(e)}`, e);
  }
  try {
    const settings = await client.query<{ encoding: string; schema: string | null; synchronous_commit: string }>(
      `SELECT current_setting('server_encoding') AS encoding, current_setting('search_path') AS schema,
        current_setting('synchronous_commit') AS synchronous_commit`,
    );
    const s = settings.rows[0];
    if (s === undefined) throw new StoreError('ERR_STORE_OPEN_FAILED', 'cannot read the connection settings');
    // The port promises that a resolved write survives a crash: with synchronous_commit off, COMMIT
    // returns before its WAL record is flushed and a crash loses acknowledged writes (as SQLite
    // refuses a database that cannot use WAL, this one refuses to start).
    if (s.synchronous_commit === 'off') {
      throw new StoreError('ERR_STORE_OPEN_FAILED', 'synchronous_commit is `off` for this connection: acknowledged writes could be lost in a crash; set it to `on`');
    }
    if (s.encoding !== 'UTF8') {
      throw new StoreError('ERR_STORE_OPEN_FAILED', `database encoding is \`${s.encoding}\`: tessera needs UTF8 to keep documents byte for byte`);
    }
    if (s.schema !== quoteIdent(schema) && s.schema !== schema) {
      throw new StoreError('ERR_STORE_OPEN_FAILED', `connection's search_path is not \`${schema}\`: the connection string's options override it`);
    }
    const migration = await migrate(client, schema);
    client.release();
    return new PostgresStoreImpl(pool, schema, migration);
  } catch (e) {
    client.release(true);
    await pool.end().catch(() => undefined);
    if (e instanceof StoreError) throw e;
    if (isConnectionError(e)) throw openFailed(`cannot open database${describeCause(e)}`, e);
    throw mapError(e);
  }
}

/** A short, secret-free reason for a failed connection: the SQLSTATE or system error code only. */
function describeCause(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code) ? ` (${code})` : '';
}
