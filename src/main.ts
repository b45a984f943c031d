// The composition root: config → keys → store → services → HTTP. The only module that knows how
// the parts are wired; everything below it takes what it needs as arguments.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomIds, systemClock } from './kernel/index.js';
import type { Clock, IdGenerator } from './kernel/index.js';
import { createConsoleRouter } from './http/console/router.js';
import { createIdpRouter } from './http/idp/router.js';
import { parseTrustedProxies } from './http/client-address.js';
import { startHttpServer } from './http/server.js';
import { createIdp, parsePublicUrl } from './idp/index.js';
import type { Idp, LoginLimits } from './idp/index.js';
import { createSandbox } from './sandbox/index.js';
import type { SandboxOptions } from './sandbox/index.js';
import { fileAuditSink } from './services/audit.js';
import type { AuditSink } from './services/audit.js';
import { DEFAULT_TRANSITION_SECONDS } from './services/ec2/lifecycle.js';
import { createPolicyCache } from './services/policy-cache.js';
import { SEALING_KEY_NAME, Sealer, unwrapKey, wrapKey } from './services/sealer.js';
import type { AdminCredentials, ServiceEnv } from './services/types.js';
import { createSigningKeyCache } from './sigv4/index.js';
import { openPostgresStore } from './store/index.js';
import type { Store } from './store/port.js';
import { open as openSqliteStore } from './store/sqlite/index.js';

export const DEFAULT_ACCOUNT_ID = '013823792818';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_PORT = 4750;
export const DEFAULT_HOST = '127.0.0.1';

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
}

export type AdminSource = 'environment' | 'scenario' | 'stored' | 'generated';

export interface TesseraOptions {
  /** This node's own state: the SQLite store (unless `store` is given), master.key, audit.log. */
  readonly dataDir: string;
  /**
   * A shared store for several nodes: `postgres://…` (issue #8). Default: TESSERA_DATABASE_URL, else
   * SQLite in `dataDir`.
   */
  readonly store?: string;
  /** Names this node in its audit records (default: TESSERA_NODE_ID, else `hostname/pid`). */
  readonly nodeId?: string;
  readonly host?: string;
  readonly port?: number;
  readonly accountId?: string;
  readonly region?: string;
  /** Admin credentials a scenario gives (used when the environment gives none). */
  readonly scenarioAdmin?: AdminCredentials;
  /** Where TESSERA_* settings are read (process.env by default). */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly log?: (record: Record<string, unknown>) => void;
  /** The identity provider (issue #5); TESSERA_PUBLIC_URL also sets `publicUrl`. */
  readonly idp?: {
    /** The origin the IdP's URLs and issuer are built on (default: the server's own URL). */
    readonly publicUrl?: string;
    /** Overrides `urn:<host>`. */
    readonly issuer?: string;
    readonly sandbox?: SandboxOptions;
    readonly loginLimits?: Partial<LoginLimits>;
  };
}

export interface Tessera {
  readonly url: string;
  readonly env: ServiceEnv;
  readonly idp: Idp;
  readonly admin: AdminCredentials & { readonly source: AdminSource };
  readonly dataDir: string;
  /** Where the state lives: `sqlite:PATH` or the PostgreSQL URL without its password. */
  readonly storeLocation: string;
  readonly nodeId: string;
  close(): Promise<void>;
}

/** AWS's access key id shape (16–128 word characters; Tessera's own are 20). */
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/**
 * The master key every sealed value derives from: TESSERA_MASTER_KEY (base64 of 32 bytes) when set,
 * else `master.key` in the data directory, created on first start readable by the owner only.
 */
export function loadMasterKey(dataDir: string, environment: Readonly<Record<string, string | undefined>>): Buffer {
  const fromEnv = environment['TESSERA_MASTER_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new ConfigError('TESSERA_MASTER_KEY must be the base64 of 32 bytes');
    return key;
  }
  const path = join(dataDir, 'master.key');
  try {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError(`${path} does not hold a 32-byte base64 key`);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = randomBytes(32);
  try {
    // `wx`: never overwrite a key another process wrote first.
    writeFileSync(path, key.toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    throw e;
  }
}

function adminFromEnvironment(environment: Readonly<Record<string, string | undefined>>): AdminCredentials | undefined {
  const id = environment['TESSERA_ADMIN_ACCESS_KEY_ID'];
  const secret = environment['TESSERA_ADMIN_SECRET_ACCESS_KEY'];
  if ((id === undefined || id === '') && (secret === undefined || secret === '')) return undefined;
  if (id === undefined || id === '' || secret === undefined || secret === '') {
    throw new ConfigError('set both TESSERA_ADMIN_ACCESS_KEY_ID and TESSERA_ADMIN_SECRET_ACCESS_KEY, or neither');
  }
  return { accessKeyId: id, secretAccessKey: secret };
}

function checkAdmin(admin: AdminCredentials, from: string): void {
  if (!ACCESS_KEY_ID.test(admin.accessKeyId)) throw new ConfigError(`${from}: the admin access key id must be 16–128 upper-case letters and digits`);
  if (admin.accessKeyId.startsWith('ASIA')) throw new ConfigError(`${from}: \`ASIA…\` ids are temporary credentials; use an \`AKIA…\` id`);
  if (admin.secretAccessKey.length < 16) throw new ConfigError(`${from}: the admin secret access key must be at least 16 characters`);
}

/**
 * The account's admin key (DESIGN.md §2): the environment's, else the scenario's, else the one
 * stored at an earlier start, else a new one — stored (sealed) so every later start and every node
 * uses the same.
 */
export async function bootstrapAdmin(
  store: Store,
  sealer: Sealer,
  accountId: string,
  ids: IdGenerator,
  now: Date,
  environment: Readonly<Record<string, string | undefined>>,
  scenarioAdmin: AdminCredentials | undefined,
): Promise<AdminCredentials & { source: AdminSource }> {
  const given = adminFromEnvironment(environment);
  const chosen: [AdminCredentials, AdminSource] | undefined =
    given !== undefined ? [given, 'environment'] : scenarioAdmin !== undefined ? [scenarioAdmin, 'scenario'] : undefined;
  if (chosen !== undefined) {
    const [admin, source] = chosen;
    checkAdmin(admin, source === 'environment' ? 'TESSERA_ADMIN_ACCESS_KEY_ID' : 'the scenario');
    await store.account.put({
      accountId,
      adminAccessKeyId: admin.accessKeyId,
      adminSecretSealed: sealer.seal('access-key-secret', Buffer.from(admin.secretAccessKey), admin.accessKeyId),
      updateDate: now,
    });
    return { ...admin, source };
  }
  const stored = await store.account.get();
  if (stored !== undefined) {
    const secret = sealer.open('access-key-secret', stored.adminSecretSealed, stored.adminAccessKeyId);
    if (secret === undefined) throw new ConfigError('the stored admin key does not open with this master key (was TESSERA_MASTER_KEY or master.key changed?)');
    return { accessKeyId: stored.adminAccessKeyId, secretAccessKey: secret.toString('utf8'), source: 'stored' };
  }
  const fresh: AdminCredentials = { accessKeyId: ids.accessKeyId('AKIA'), secretAccessKey: ids.secretAccessKey() };
  const winner = await store.account.initialize({
    accountId,
    adminAccessKeyId: fresh.accessKeyId,
    adminSecretSealed: sealer.seal('access-key-secret', Buffer.from(fresh.secretAccessKey), fresh.accessKeyId),
    updateDate: now,
  });
  if (winner.adminAccessKeyId !== fresh.accessKeyId) {
    const secret = sealer.open('access-key-secret', winner.adminSecretSealed, winner.adminAccessKeyId);
    if (secret === undefined) throw new ConfigError('the stored admin key does not open with this master key');
    return { accessKeyId: winner.adminAccessKeyId, secretAccessKey: secret.toString('utf8'), source: 'stored' };
  }
  return { ...fresh, source: 'generated' };
}

/** Environment settings and options that choose the store: a PostgreSQL URL, or undefined for SQLite. */
export function sharedStoreUrl(option: string | undefined, environment: Readonly<Record<string, string | undefined>>): string | undefined {
  const url = option ?? (environment['TESSERA_DATABASE_URL'] || undefined);
  if (url === undefined) return undefined;
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new ConfigError('the store must be a `postgres://` (or `postgresql://`) URL; without one Tessera uses SQLite in the data directory');
  try {
    new URL(url);
  } catch {
    throw new ConfigError('the store URL is not a valid URL');
  }
  return url;
}

/** A URL fit for logs and banners: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/**
 * The Sealer of this store: its keyring's `sealing` key, unwrapped with the master key. The first
 * node to start on an empty store makes the key (random) and every other node uses the winner's;
 * a store written before the keyring existed (account settings but no keyring) keeps the master
 * key itself as its sealing key, so everything it already sealed still opens.
 */
export async function loadSealer(store: Store, masterKey: Buffer, now: Date): Promise<Sealer> {
  let entry = await store.keyring.get(SEALING_KEY_NAME);
  if (entry === undefined) {
    const account = await store.account.get();
    const legacy = account !== undefined;
    // A store sealed before the keyring: its sealing key IS the master key that sealed it. Prove
    // this node has that key before recording it — a wrong master key (a new TESSERA_MASTER_KEY
    // on an old data directory) written to the keyring would make everything sealed unopenable.
    if (legacy && new Sealer(masterKey).open('access-key-secret', account.adminSecretSealed, account.adminAccessKeyId) === undefined) {
      throw new ConfigError(
        "the store's sealed data does not open with this master key: use the TESSERA_MASTER_KEY (or master.key) the store was created with",
      );
    }
    const dataKey = legacy ? masterKey : randomBytes(32);
    entry = await store.keyring.initialize({ name: SEALING_KEY_NAME, wrapped: wrapKey(masterKey, SEALING_KEY_NAME, dataKey), createDate: now });
  }
  const dataKey = unwrapKey(masterKey, SEALING_KEY_NAME, entry.wrapped);
  if (dataKey === undefined) {
    throw new ConfigError(
      "the store's sealing key does not open with this master key: every node must have the same TESSERA_MASTER_KEY (or master.key) as the node that created the store",
    );
  }
  return new Sealer(dataKey);
}

/** Wires the services over an open store (tests use it with their own store and audit sink). */
export async function createServiceEnv(options: {
  store: Store;
  sealer: Sealer;
  audit: AuditSink;
  accountId?: string;
  region?: string;
  admin: AdminCredentials;
  clock?: Clock;
  ids?: IdGenerator;
  log?: (record: Record<string, unknown>) => void;
  ec2TransitionSeconds?: number;
  nodeId?: string;
}): Promise<ServiceEnv> {
  return {
    ...(options.nodeId === undefined ? {} : { nodeId: options.nodeId }),
    store: options.store,
    accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    defaultRegion: options.region ?? DEFAULT_REGION,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? randomIds,
    sealer: options.sealer,
    admin: options.admin,
    audit: options.audit,
    policies: createPolicyCache(),
    signingKeys: createSigningKeyCache(),
    ec2: { transitionSeconds: options.ec2TransitionSeconds ?? DEFAULT_TRANSITION_SECONDS },
    log: options.log ?? ((r) => process.stderr.write(JSON.stringify(r) + '\n')),
  };
}

/**
 * Sandbox children are replaced after this many runs (and after any fault, whatever the count). The
 * sandbox's default, 500, spends ~0.3 ms of every run on respawning (a ~150 ms start per 500 runs) —
 * measured, it halves SSO logins/s; at 5,000 the respawn costs ~0.03 ms per run, and the child's
 * hygiene bound (heap fragmentation, long-lived per-tenant state) is still a few seconds of full load.
 */
export const IDP_SANDBOX_RECYCLE_AFTER_RUNS = 5_000;

/** The store of a node: the shared PostgreSQL store at `sharedUrl`, else SQLite in `dataDir`. */
export async function openStore(dataDir: string, sharedUrl: string | undefined): Promise<{ store: Store; location: string }> {
  if (sharedUrl === undefined) {
    const path = join(dataDir, 'tessera.db');
    return { store: await openSqliteStore({ path }), location: `sqlite:${path}` };
  }
  return { store: await openShared(sharedUrl), location: redactUrl(sharedUrl) };
}

/**
 * Master-key rotation: rewraps the store's sealing key under `newMasterKey`. Nothing else changes
 * (every sealed value stays as it is); running nodes keep serving with the sealing key they hold and
 * must be restarted with the new master key. Refused when `oldMasterKey` does not open the keyring.
 */
export async function rekeyStore(store: Store, oldMasterKey: Buffer, newMasterKey: Buffer, now: Date): Promise<void> {
  // A typo in --store or --data would otherwise create an empty store with a fresh keyring and report success.
  if ((await store.keyring.get(SEALING_KEY_NAME)) === undefined && (await store.account.get()) === undefined) {
    throw new ConfigError('the store holds no Tessera state (no keyring, no account): check --store / --data');
  }
  // Through loadSealer: a store from before the keyring gets its entry first.
  await loadSealer(store, oldMasterKey, now);
  const entry = await store.keyring.get(SEALING_KEY_NAME);
  const dataKey = entry === undefined ? undefined : unwrapKey(oldMasterKey, SEALING_KEY_NAME, entry.wrapped);
  if (dataKey === undefined) throw new ConfigError("the store's sealing key does not open with the current master key");
  await store.keyring.rewrap(SEALING_KEY_NAME, wrapKey(newMasterKey, SEALING_KEY_NAME, dataKey));
  if (unwrapKey(newMasterKey, SEALING_KEY_NAME, ((await store.keyring.get(SEALING_KEY_NAME)) as { wrapped: Uint8Array }).wrapped)?.equals(dataKey) !== true) {
    throw new ConfigError('the rewrapped sealing key did not read back: the store is unchanged or inconsistent; keep both master keys');
  }
}

async function openShared(url: string): Promise<Store> {
  try {
    return await openPostgresStore({ connectionString: url });
  } catch (e) {
    throw new ConfigError(`cannot open the store ${redactUrl(url)}: ${(e as Error).message}`);
  }
}

/** Starts Tessera: opens (or creates) the data directory's store and serves HTTP. */
export async function startTessera(options: TesseraOptions): Promise<Tessera> {
  const environment = options.environment ?? process.env;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const sharedUrl = sharedStoreUrl(options.store, environment);
  if (sharedUrl !== undefined && !(environment['TESSERA_MASTER_KEY'] ?? '')) {
    // A master.key made per data directory would differ per node: the second node could open
    // nothing the first sealed. A shared store takes the key from the environment only.
    throw new ConfigError('a shared store needs TESSERA_MASTER_KEY (base64 of 32 bytes), the same on every node');
  }
  const masterKey = loadMasterKey(options.dataDir, environment);
  const { store, location: storeLocation } = await openStore(options.dataDir, sharedUrl);
  try {
    const sealer = await loadSealer(store, masterKey, clock.now());
    const admin = await bootstrapAdmin(store, sealer, accountId, ids, clock.now(), environment, options.scenarioAdmin);
    const env = await createServiceEnv({
      store,
      sealer,
      audit: fileAuditSink(join(options.dataDir, 'audit.log')),
      accountId,
      ...(options.region === undefined ? {} : { region: options.region }),
      admin,
      clock,
      ids,
      ...(options.log === undefined ? {} : { log: options.log }),
      nodeId: options.nodeId ?? (environment['TESSERA_NODE_ID'] || undefined) ?? `${hostname()}/${process.pid}`,
    });
    let trustedProxies;
    try {
      trustedProxies = parseTrustedProxies(environment['TESSERA_TRUSTED_PROXIES'] ?? '');
    } catch (e) {
      throw new ConfigError(`TESSERA_TRUSTED_PROXIES: ${(e as Error).message}`);
    }
    const http = await startHttpServer(env, { host: options.host ?? DEFAULT_HOST, port: options.port ?? DEFAULT_PORT, trustedProxies });
    // The IdP after listening: its tenant host and issuer come from the bound URL (port 0 included).
    const sandbox = createSandbox({ recycleAfterRuns: IDP_SANDBOX_RECYCLE_AFTER_RUNS, ...options.idp?.sandbox });
    let idp: Idp;
    try {
      const publicUrl = options.idp?.publicUrl ?? (environment['TESSERA_PUBLIC_URL'] || undefined) ?? http.url;
      try {
        parsePublicUrl(publicUrl);
      } catch (e) {
        throw new ConfigError(`TESSERA_PUBLIC_URL: ${(e as Error).message}`);
      }
      idp = await createIdp({
        store,
        sealer,
        sandbox,
        clock,
        publicUrl,
        ...(options.idp?.issuer === undefined ? {} : { issuer: options.idp.issuer }),
        ...(options.idp?.loginLimits === undefined ? {} : { loginLimits: options.idp.loginLimits }),
        log: env.log,
      });
    } catch (e) {
      await http.close();
      await sandbox.close();
      throw e;
    }
    // AWS's sign-in endpoint (/saml) and the console (/console…) on the same origin as the IdP (issue #6).
    const consoleRouter = createConsoleRouter({ env, publicOrigin: idp.urls.origin });
    const idpRouter = createIdpRouter(idp);
    http.mount(async (req, res) => (await consoleRouter(req, res)) || idpRouter(req, res));
    return {
      url: http.url,
      env,
      idp,
      admin,
      dataDir: options.dataDir,
      storeLocation,
      nodeId: env.nodeId ?? '',
      async close() {
        await http.close();
        await idp.close();
        await sandbox.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
