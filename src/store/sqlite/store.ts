// The SQLite adapter: opens (and migrates) one database file and serves the async port from the
// synchronous better-sqlite3 core. Each operation runs to completion on the event loop; a
// transaction holds the database's Gate across its awaits so nothing else runs inside it.
// Durability: WAL with synchronous=FULL, so a resolved write survives SIGKILL and power loss.

import { AsyncLocalStorage } from 'node:async_hooks';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import type { ConsoleSessionRepository } from '../console-port.js';
import type { IdpRepositories } from '../idp-port.js';
import type {
  AccessKeyRepository,
  AccountSettingsRepository,
  InstanceQuery,
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
import { wildcardMatcher } from '../wildcard.js';
import { SqliteAccessKeys } from './access-keys.js';
import { SqliteAccountSettings } from './account.js';
import { SqliteConsoleSessions } from './console-sessions.js';
import { Db } from './db.js';
import { acquireGate, type Gate } from './gate.js';
import { SqliteIdpCore } from './idp.js';
import { SqliteInstances } from './instances.js';
import { SqliteKeyring } from './keyring.js';
import { mapError } from './map-error.js';
import { migrate, schemaVersion, type MigrationResult } from './migrate.js';
import { SqliteManagedPolicies } from './policies.js';
import { ROLE_SPEC, SqlitePrincipals, USER_SPEC } from './principals.js';
import { SqliteSamlProviders } from './saml-providers.js';

export interface SqliteStoreOptions {
  /** A file path, or `:memory:` for a private in-memory database (tests). */
  readonly path: string;
  /** How long a write waits for another process's write lock before ERR_STORE_BUSY. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

export interface SqliteStore extends Store {
  readonly path: string;
  /** The schema version of the database, and what opening it applied. */
  readonly migration: MigrationResult;
  schemaVersion(): number;
  /** Diagnostics: the connection's settings that durability and integrity rest on. */
  settings(): { journalMode: string; synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA'; foreignKeys: boolean; busyTimeoutMs: number };
  /** Diagnostics: SQLite's plan for a DescribeInstances query (what the benchmark's budget rests on). */
  explainDescribeInstances(query: InstanceQuery): string[];
}

/** The transaction an async context is running in, to refuse using the store from inside it. */
interface TxContext {
  readonly gate: Gate;
  active: boolean;
}
const currentTx = new AsyncLocalStorage<TxContext>();

type Runner = <R>(op: () => R) => Promise<R>;

const methodNames = new WeakMap<object, readonly string[]>();

/** The async face of a synchronous repository: same methods, each run through `run`. */
function bindAsync<P>(sync: object, run: Runner): P {
  const proto = Object.getPrototypeOf(sync) as object;
  let names = methodNames.get(proto);
  if (names === undefined) {
    names = Object.getOwnPropertyNames(proto).filter(
      (n) => n !== 'constructor' && typeof (proto as Record<string, unknown>)[n] === 'function',
    );
    methodNames.set(proto, names);
  }
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const fn = (sync as Record<string, (...a: unknown[]) => unknown>)[name] as (...a: unknown[]) => unknown;
    out[name] = (...args: unknown[]) => run(() => fn.apply(sync, args));
  }
  return Object.freeze(out) as P;
}

class Core {
  readonly account: SqliteAccountSettings;
  readonly samlProviders: SqliteSamlProviders;
  readonly roles: SqlitePrincipals<Role, RoleUpdate>;
  readonly users: SqlitePrincipals<User, UserUpdate>;
  readonly policies: SqliteManagedPolicies;
  readonly accessKeys: SqliteAccessKeys;
  readonly instances: SqliteInstances;
  readonly idp: SqliteIdpCore;
  readonly consoleSessions: SqliteConsoleSessions;
  readonly keyring: SqliteKeyring;

  constructor(db: Db) {
    this.account = new SqliteAccountSettings(db);
    this.samlProviders = new SqliteSamlProviders(db);
    this.roles = new SqlitePrincipals(db, ROLE_SPEC);
    this.users = new SqlitePrincipals(db, USER_SPEC);
    this.policies = new SqliteManagedPolicies(db);
    this.accessKeys = new SqliteAccessKeys(db);
    this.instances = new SqliteInstances(db);
    this.idp = new SqliteIdpCore(db);
    this.consoleSessions = new SqliteConsoleSessions(db);
    this.keyring = new SqliteKeyring(db);
  }

  bind(run: Runner): StoreRepositories {
    return {
      idp: this.idp.bind(<P,>(sync: object): P => bindAsync<P>(sync, run)),
      account: bindAsync<AccountSettingsRepository>(this.account, run),
      samlProviders: bindAsync<SamlProviderRepository>(this.samlProviders, run),
      roles: bindAsync<RoleRepository>(this.roles, run),
      users: bindAsync<UserRepository>(this.users, run),
      policies: bindAsync<ManagedPolicyRepository>(this.policies, run),
      accessKeys: bindAsync<AccessKeyRepository>(this.accessKeys, run),
      instances: bindAsync<InstanceRepository>(this.instances, run),
      consoleSessions: bindAsync<ConsoleSessionRepository>(this.consoleSessions, run),
      keyring: bindAsync<KeyringRepository>(this.keyring, run),
    };
  }
}

function closedError(): StoreError {
  return new StoreError('ERR_STORE_CLOSED', 'store is closed');
}

function deadlockError(): StoreError {
  return new StoreError(
    'ERR_STORE_TX_DEADLOCK',
    'store used directly inside one of its own transactions: use the `tx` argument (the store waits for the transaction, which waits for this call)',
  );
}

class SqliteStoreImpl implements SqliteStore {
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
  readonly #raw: Database.Database;
  readonly #core: Core;
  readonly #gate: Gate;
  readonly #releaseGate: () => void;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(
    raw: Database.Database,
    readonly path: string,
    readonly migration: MigrationResult,
    gate: { gate: Gate; release: () => void },
  ) {
    this.#raw = raw;
    this.#core = new Core(new Db(raw));
    this.#gate = gate.gate;
    this.#releaseGate = gate.release;
    const repos = this.#core.bind(<R>(op: () => R) => this.#run(op));
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

  schemaVersion(): number {
    return schemaVersion(this.#raw);
  }

  settings(): ReturnType<SqliteStore['settings']> {
    const levels = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
    return {
      journalMode: String(this.#raw.pragma('journal_mode', { simple: true })),
      synchronous: levels[this.#raw.pragma('synchronous', { simple: true }) as number] ?? 'OFF',
      foreignKeys: this.#raw.pragma('foreign_keys', { simple: true }) === 1,
      busyTimeoutMs: this.#raw.pragma('busy_timeout', { simple: true }) as number,
    };
  }

  explainDescribeInstances(query: InstanceQuery): string[] {
    const plan: string[] = [];
    this.#core.instances.describe(query, plan);
    return plan;
  }

  #run<R>(op: () => R): Promise<R> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#gate.busy) {
      const ctx = currentTx.getStore();
      if (ctx !== undefined && ctx.active && ctx.gate === this.#gate) return Promise.reject(deadlockError());
    }
    return this.#gate.run(() => {
      try {
        return op();
      } catch (e) {
        throw mapError(e);
      }
    });
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.#closed) throw closedError();
    const outer = currentTx.getStore();
    if (outer !== undefined && outer.active && outer.gate === this.#gate) throw deadlockError();
    return this.#gate.exclusive(async () => {
      if (!this.#raw.open) throw closedError();
      try {
        // IMMEDIATE: take the write lock now, so the transaction cannot fail half-way on a lock
        // upgrade, and other processes' writers queue behind it (serializable by construction).
        this.#raw.exec('BEGIN IMMEDIATE');
      } catch (e) {
        throw mapError(e);
      }
      const ctx: TxContext = { gate: this.#gate, active: true };
      const tx = this.#core.bind(<R>(op: () => R): Promise<R> => {
        if (!ctx.active) return Promise.reject(new StoreError('ERR_STORE_TX_CLOSED', 'transaction has already ended'));
        try {
          return Promise.resolve(op());
        } catch (e) {
          return Promise.reject(mapError(e));
        }
      });
      let result: T;
      try {
        result = await currentTx.run(ctx, () => fn(tx));
      } catch (e) {
        ctx.active = false;
        if (this.#raw.inTransaction) this.#raw.exec('ROLLBACK');
        throw e;
      }
      ctx.active = false;
      if (!this.#raw.inTransaction) {
        throw new StoreError('ERR_STORE_INTERNAL', 'transaction was rolled back by the database before it could commit');
      }
      try {
        this.#raw.exec('COMMIT');
      } catch (e) {
        if (this.#raw.inTransaction) this.#raw.exec('ROLLBACK');
        throw mapError(e);
      }
      return result;
    });
  }

  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    this.#closing = this.#gate.exclusive(async () => {
      try {
        if (this.#raw.open) this.#raw.close();
      } finally {
        this.#releaseGate();
      }
    });
    return this.#closing;
  }
}

function configure(raw: Database.Database, options: SqliteStoreOptions): void {
  const busy = options.busyTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(busy) || busy < 0) throw new StoreError('ERR_STORE_INVALID_INPUT', '`busyTimeoutMs` must be a non-negative integer');
  raw.pragma(`busy_timeout = ${busy}`);
  if (!raw.memory) {
    const mode = raw.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new StoreError('ERR_STORE_OPEN_FAILED', `database \`${options.path}\` cannot use write-ahead logging (journal mode \`${String(mode)}\`)`);
    }
  }
  // FULL: in WAL mode every commit syncs the log before it returns, so an acknowledged write
  // survives power loss, not only a killed process (NORMAL would only promise the latter).
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  // Schema objects never run SQL functions from the database file itself.
  raw.pragma('trusted_schema = OFF');
  raw.function('tessera_match', { deterministic: true }, (pattern: unknown, value: unknown) =>
    typeof pattern === 'string' && typeof value === 'string' && wildcardMatcher(pattern)(value) ? 1 : 0,
  );
}

/** Opens (creating if needed) and migrates the database at `options.path`. */
export async function open(options: SqliteStoreOptions): Promise<SqliteStore> {
  const path = options.path;
  if (typeof path !== 'string' || path === '') throw new StoreError('ERR_STORE_INVALID_INPUT', 'a database path (or `:memory:`) is required');
  let raw: Database.Database;
  try {
    raw = new Database(path);
  } catch (e) {
    throw new StoreError('ERR_STORE_OPEN_FAILED', `cannot open database \`${path}\``, { cause: e });
  }
  try {
    configure(raw, options);
  } catch (e) {
    raw.close();
    // e.g. SQLITE_NOTADB: the file exists but is not a database.
    throw e instanceof StoreError ? e : new StoreError('ERR_STORE_OPEN_FAILED', `cannot open database \`${path}\``, { cause: e });
  }
  try {
    const migration = migrate(raw);
    return new SqliteStoreImpl(raw, path, migration, acquireGate(path));
  } catch (e) {
    raw.close();
    throw mapError(e);
  }
}
