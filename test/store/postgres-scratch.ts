// The PostgreSQL adapter's test scaffolding, shared by every suite that runs a store contract on it:
// fresh schemas in the test database (TESSERA_TEST_DATABASE_URL, default the local server), each
// dropped after the file's tests, and the contract harness (a store on a fresh schema, and further
// stores on it with pools of their own, as a second Tessera node would hold). Suites fail, never
// skip, when the database is unreachable.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresStore, type PostgresStore, type Store } from '../../src/store/index.js';
import type { StoreHarness } from './contract.js';

export const TEST_DATABASE_URL = process.env.TESSERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Small pools: vitest runs files in parallel against one server (max_connections 100). */
export const TEST_POOL_SIZE = 4;

export interface PostgresScratch {
  /** The test database's URL. */
  readonly url: string;
  /** A new schema name, not yet existing (opening a store creates it), dropped after the file's tests. */
  freshSchema(): Promise<string>;
  /** The contract harness: each fixture a fresh schema, disposed with every handle on it. */
  readonly harness: StoreHarness;
  /** Opens a store on `schema` with the test pool size (closed by the caller). */
  open(schema: string): Promise<PostgresStore>;
  /** Runs `fn` with a plain client on the test database (for inspecting or tampering). */
  withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T>;
}

/** Call at the top level of a test file: `prefix` (lower case) starts every schema name it makes. */
export function postgresScratch(prefix: string): PostgresScratch {
  if (!/^[a-z_][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`schema prefix \`${prefix}\` must match [a-z_][a-z0-9_]{0,30}`);
  const url = TEST_DATABASE_URL;
  const made = new Set<string>();

  async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  async function dropSchema(schema: string): Promise<void> {
    await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    made.delete(schema);
  }

  afterAll(async () => {
    if (made.size === 0) return;
    await withClient(async (c) => {
      for (const schema of made) await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    });
    made.clear();
  });

  const freshSchema = async (): Promise<string> => {
    const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
    made.add(schema);
    return schema;
  };

  const open = (schema: string): Promise<PostgresStore> =>
    openPostgresStore({ connectionString: url, schema, poolSize: TEST_POOL_SIZE });

  return {
    url,
    freshSchema,
    open,
    withClient,
    harness: {
      name: 'postgres (one schema, a pool per node)',
      async create() {
        const schema = await freshSchema();
        const handles: Store[] = [];
        const store = await open(schema);
        handles.push(store);
        return {
          store,
          async openAnother() {
            const s = await open(schema);
            handles.push(s);
            return s;
          },
          async dispose() {
            for (const h of handles) await h.close();
            await dropSchema(schema);
          },
        };
      },
    },
  };
}
