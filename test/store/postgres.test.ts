// The PostgreSQL adapter: the store contract, plus what only this adapter has — the schema option
// and the session it sets, migrations raced by several openers, serialization conflicts retried,
// counted limits held between nodes, failing fast on a bad server, and exact round trips of values.
// Runs against TESSERA_TEST_DATABASE_URL (default the local test server) and fails when it is unreachable.

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type InstanceQuery, type NewInstance, type PostgresStore, type Store } from '../../src/store/index.js';
import { checksum, migrate } from '../../src/store/postgres/migrate.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations/index.js';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations/index.js';
import { wildcardRegex } from '../../src/store/postgres/instances.js';
import { compileWildcard } from '../../src/store/wildcard.js';
import { instance, policy, role, samlProvider, storeContract, user } from './contract.js';
import { postgresScratch } from './postgres-scratch.js';

const root = resolve(import.meta.dirname, '..', '..');
const scratch = postgresScratch('tessera_store');
const { harness, freshSchema, url, withClient } = scratch;

storeContract(harness);

/** A fresh schema with a store (and optionally more nodes on it), all closed after `body`. */
async function withNodes(count: number, body: (...nodes: PostgresStore[]) => Promise<void>): Promise<void> {
  const schema = await freshSchema();
  const nodes: PostgresStore[] = [];
  try {
    for (let k = 0; k < count; k++) nodes.push(await scratch.open(schema));
    await body(...nodes);
  } finally {
    for (const n of nodes) await n.close();
  }
}

/** Runs `fn` on a client whose search_path is `schema`. */
function inSchema<T>(schema: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  return withClient(async (c) => {
    await c.query(`SET search_path TO "${schema}"`);
    return fn(c);
  });
}

describe('postgres adapter', () => {
  describe('opening', () => {
    it('creates the schema it is given, works only there, and keeps schemas apart', async () => {
      const [a, b] = [await freshSchema(), await freshSchema()];
      const sa = await scratch.open(a);
      const sb = await scratch.open(b);
      try {
        expect(sa.schema).toBe(a);
        await sa.roles.create(role('OnlyInA'));
        expect(await sb.roles.get('OnlyInA')).toBeUndefined();
        const tables = await withClient(async (c) =>
          (await c.query('SELECT table_schema, count(*)::int AS n FROM information_schema.tables WHERE table_schema = ANY($1) GROUP BY 1', [[a, b]])).rows,
        );
        expect(tables).toHaveLength(2);
        expect(await withClient(async (c) => (await c.query("SELECT to_regclass('public.roles') AS r")).rows[0].r)).toBeNull();
      } finally {
        await sa.close();
        await sb.close();
      }
    });

    it('refuses a schema name that is not a plain lower-case identifier, and a missing connection string', async () => {
      for (const schema of ['Tessera', 'a-b', 'x"; DROP SCHEMA public; --', '', '1abc', 'a'.repeat(64)]) {
        await expect(openPostgresStore({ connectionString: url, schema })).rejects.toMatchObject({ code: 'ERR_STORE_INVALID_INPUT' });
      }
      await expect(openPostgresStore({ connectionString: '' })).rejects.toMatchObject({ code: 'ERR_STORE_INVALID_INPUT' });
      await expect(openPostgresStore({ connectionString: url, schema: await freshSchema(), poolSize: 0 })).rejects.toMatchObject({
        code: 'ERR_STORE_INVALID_INPUT',
      });
    });

    it('fails fast with ERR_STORE_OPEN_FAILED on an unreachable server, a bad connection string or a missing database', async () => {
      const schema = await freshSchema();
      const missingDb = new URL(url);
      missingDb.pathname = '/tessera_no_such_database';
      const cases = [
        'postgres://postgres@127.0.0.1:1/test', // nothing listens: refused at once
        'postgres://postgres@10.255.255.1:5432/test', // unroutable: the connect timeout ends it
        'not a connection string',
        missingDb.toString(),
      ];
      for (const connectionString of cases) {
        const started = performance.now();
        const err = await openPostgresStore({ connectionString, schema, connectTimeoutMs: 500 }).catch((e: unknown) => e);
        expect(err, connectionString).toMatchObject({ name: 'StoreError', code: 'ERR_STORE_OPEN_FAILED' });
        expect(performance.now() - started, connectionString).toBeLessThan(3000);
        // The message never repeats the connection string (it may hold a password).
        expect((err as Error).message).not.toContain(connectionString);
      }
    });

    it('refuses a connection that would acknowledge commits before they are durable (synchronous_commit off)', async () => {
      const off = new URL(url);
      off.searchParams.set('options', '-c synchronous_commit=off');
      await expect(openPostgresStore({ connectionString: off.toString(), schema: await freshSchema() })).rejects.toMatchObject({
        code: 'ERR_STORE_OPEN_FAILED',
        message: expect.stringContaining('synchronous_commit'),
      });
    });

    it('reads INT8 as numbers on its own pools only, leaving pg.types untouched', async () => {
      await withNodes(1, async (s) => {
        await s.instances.create([instance()]);
        expect(await s.schemaVersion()).toBe(MIGRATIONS.length);
        expect(typeof (await s.instances.describe({ maxItems: 1 })).items[0]?.amiLaunchIndex).toBe('number');
      });
      expect(await withClient(async (c) => (await c.query('SELECT 1::int8 AS n')).rows[0].n)).toBe('1');
      expect(pg.types.getTypeParser(20, 'text')('5')).toBe('5');
    });
  });

  describe('migrations', () => {
    it('applies every migration once, records it, and applies nothing on reopen', async () => {
      const schema = await freshSchema();
      const a = await scratch.open(schema);
      expect(a.migration).toEqual({ from: 0, to: MIGRATIONS.length, applied: MIGRATIONS.map((m) => m.name) });
      await a.close();
      const b = await scratch.open(schema);
      expect(b.migration).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
      expect(await b.schemaVersion()).toBe(MIGRATIONS.length);
      await b.close();
      const rows = await inSchema(schema, async (c) => (await c.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version')).rows);
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, checksum: checksum(m) })));
    });

    it('migrates once when several nodes open a new schema at the same time', async () => {
      const schema = await freshSchema();
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ connectionString: url, schema, poolSize: 2 })));
      try {
        expect(stores.map((s) => s.migration.applied.length).sort()).toEqual([0, 0, 0, MIGRATIONS.length]);
        const n = await inSchema(schema, async (c) => (await c.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n);
        expect(n).toBe(MIGRATIONS.length);
      } finally {
        for (const s of stores) await s.close();
      }
    });

    it('refuses, untouched, a schema written by a newer tessera', async () => {
      const schema = await freshSchema();
      await (await scratch.open(schema)).close();
      await inSchema(schema, (c) => c.query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (99, '099_future', 'x', 0)"));
      const err = await scratch.open(schema).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_STORE_SCHEMA_TOO_NEW', key: '99' });
      expect((err as Error).message).toContain(`schema version 99 is newer than this tessera supports (${MIGRATIONS.length})`);
      const n = await inSchema(schema, async (c) => (await c.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n);
      expect(n).toBe(MIGRATIONS.length + 1);
    });

    it('refuses a schema whose applied migration differs from the one shipped', async () => {
      const schema = await freshSchema();
      await (await scratch.open(schema)).close();
      await inSchema(schema, (c) => c.query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1"));
      await expect(scratch.open(schema)).rejects.toMatchObject({ code: 'ERR_STORE_MIGRATION_MISMATCH', key: '1' });
    });

    it('applies pending migrations in order, in one transaction: a failing one leaves nothing behind', async () => {
      const schema = await freshSchema();
      await withClient(async (c) => {
        const tables = async (): Promise<string[]> =>
          (await c.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])).rows.map(
            (r: { table_name: string }) => r.table_name,
          );
        await c.query(`SET search_path TO "${schema}"`);
        const one = { version: 1, name: '001_a', sql: 'CREATE TABLE a (x INTEGER);' };
        expect(await migrate(c, schema, [one])).toEqual({ from: 0, to: 1, applied: ['001_a'] });
        const two = { version: 2, name: '002_b', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1);' };
        const bad = { version: 3, name: '003_bad', sql: 'CREATE TABLE c (x INTEGER); THIS IS NOT SQL;' };
        await expect(migrate(c, schema, [one, two, bad])).rejects.toThrow();
        expect(await tables()).toEqual(['a', 'schema_migrations']);
        expect(await migrate(c, schema, [one, two])).toEqual({ from: 1, to: 2, applied: ['002_b'] });
        expect((await c.query('SELECT count(*)::int AS n FROM a')).rows[0].n).toBe(1);
        await expect(migrate(c, schema, [one, { ...two, version: 3 }])).rejects.toThrow(/out of order/);
      });
    });

    it('lists every migration file of the folder, with the names and versions of the SQLite adapter', () => {
      const dir = join(root, 'src', 'store', 'postgres', 'migrations');
      const files = readdirSync(dir).filter((f) => /^\d{3}_.+\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
      expect(MIGRATIONS.map((m) => m.name)).toEqual(files);
      expect(MIGRATIONS.map((m) => [m.version, m.name])).toEqual(SQLITE_MIGRATIONS.map((m) => [m.version, m.name]));
    });
  });

  describe('concurrency between nodes', () => {
    it('retries a transaction that lost a serialization conflict: both commit, one after the other', async () => {
      await withNodes(2, async (a, b) => {
        await a.roles.create(role('Counter', { tags: [{ key: 'n', value: '0' }] }));
        let attempts = 0;
        let bothRead!: () => void;
        let reads = 0;
        const barrier = new Promise<void>((r) => (bothRead = r));
        const increment = (s: Store) =>
          s.transaction(async (tx) => {
            attempts++;
            const n = Number((await tx.roles.get('Counter'))?.tags[0]?.value);
            if (++reads === 2) bothRead();
            // Both transactions have read before either writes: SERIALIZABLE must refuse one of them.
            await barrier;
            await tx.roles.tag('Counter', [{ key: 'n', value: String(n + 1) }]);
            return n;
          });
        const seen = await Promise.all([increment(a), increment(b)]);
        expect(seen.sort()).toEqual([0, 1]);
        expect(attempts).toBeGreaterThanOrEqual(3);
        expect((await b.roles.get('Counter'))?.tags).toEqual([{ key: 'n', value: '2' }]);
      });
    });

    it('holds the counted limits between nodes: two access keys, five policy versions, fifty tags', async () => {
      await withNodes(2, async (a, b) => {
        const nodes = [a, b];
        await a.users.create(user('Jane'));
        const keys = await Promise.allSettled(
          Array.from({ length: 6 }, (_, k) =>
            (nodes[k % 2] as Store).accessKeys.create({
              accessKeyId: `AKIAJANE00000000000${k}`,
              userName: 'Jane',
              secretSealed: new Uint8Array([k]),
              status: 'Active',
              createDate: new Date(1_700_000_000_000 + k),
            }),
          ),
        );
        expect(keys.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
        for (const r of keys) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'ERR_STORE_LIMIT_EXCEEDED', reason: 'accessKeys' });
        expect(await b.accessKeys.listByUser('jane')).toHaveLength(2);

        const p = await a.policies.create(policy('P'));
        const versions = await Promise.allSettled(
          Array.from({ length: 8 }, (_, k) =>
            (nodes[k % 2] as Store).policies.createVersion(p.arn, { document: `{"v":${k}}`, createDate: new Date(0), setAsDefault: k % 3 === 0 }),
          ),
        );
        expect(versions.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
        const listed = await b.policies.listVersions(p.arn);
        expect(listed.map((v) => v.versionId)).toEqual(['v5', 'v4', 'v3', 'v2', 'v1']);
        expect(listed.filter((v) => v.isDefaultVersion)).toHaveLength(1);

        await a.roles.create(role('R', { tags: Array.from({ length: 40 }, (_, k) => ({ key: `base${k}`, value: '' })) }));
        const tagging = await Promise.allSettled(
          Array.from({ length: 6 }, (_, k) =>
            (nodes[k % 2] as Store).roles.tag('R', [1, 2, 3].map((j) => ({ key: `add${k}-${j}`, value: '' }))),
          ),
        );
        expect(tagging.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
        expect((await b.roles.get('R'))?.tags).toHaveLength(49);
      });
    });

    it('keeps a name unique between nodes creating it at once, in any case', async () => {
      await withNodes(2, async (a, b) => {
        const results = await Promise.allSettled([
          a.roles.create(role('Admin')),
          b.roles.create(role('ADMIN', { roleId: 'AROAOTHEROTHEROTHER' })),
          a.instances.create([instance([], { instanceId: 'i-0000000000000beef' })]),
          b.instances.create([instance([], { instanceId: 'i-0000000000000beef' })]),
        ]);
        expect(results.slice(0, 2).filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.slice(2).filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'ERR_STORE_CONFLICT' });
      });
    });
  });

  describe('review findings (issue #8)', () => {
    it('answers a filter of many `?` at once, as wildcard.ts (the regex compiler was the cost)', async () => {
      await withNodes(1, async (s) => {
        await s.instances.create([instance([{ key: 'Name', value: 'web' }], { instanceId: 'i-0000000000000wild' })]);
        // 1,200 `?` took 68 s to compile as `.?` × 1,200; as `.{0,255}` pieces it is milliseconds.
        for (const wildcard of ['?'.repeat(1200), '?a'.repeat(600), '?*?'.repeat(400), `w${'?'.repeat(300)}`, 'we?*', '??', '?']) {
          const got = await s.instances.describe({ filters: [{ kind: 'tag', key: 'Name', values: [{ wildcard }] }] });
          expect(got.items.length, wildcard.slice(0, 20)).toBe(compileWildcard(wildcard)('web') ? 1 : 0);
        }
        expect(wildcardRegex('a??b*?c\\?')).toBe('^a.{0,2}b.*c\\?$');
        expect(wildcardRegex('?'.repeat(300))).toBe('^.{0,255}.{0,45}$');
      });
    });

    it('folds IAM names as SQLite does: ASCII only, whatever the database locale', async () => {
      await withNodes(1, async (s) => {
        await s.roles.create(role('key'));
        await s.users.create(user('admin'));
        expect(await s.roles.get('KEY')).toBeDefined();
        // U+212A KELVIN SIGN and U+0130 (İ) lower-case to `k` and `i` in Unicode, not in ASCII.
        expect(await s.roles.get('\u212Aey')).toBeUndefined();
        expect(await s.users.get('adm\u0130n')).toBeUndefined();
        await expect(s.users.getPolicySet('adm\u0130n')).rejects.toMatchObject({ code: 'ERR_STORE_NOT_FOUND' });
        await s.users.create(user('adm\u0130n'));
        expect((await s.users.get('adm\u0130n'))?.userName).toBe('adm\u0130n');
      });
    });
  });

  describe('values', () => {
    it('round-trips bytes, documents byte for byte and dates to the millisecond', async () => {
      await withNodes(2, async (a, b) => {
        const all = new Uint8Array(256).map((_, k) => k);
        await a.account.put({ accountId: '013823792818', adminAccessKeyId: 'AKIAAAAAAAAAAAAAAAAA', adminSecretSealed: all, updateDate: new Date(1) });
        const settings = await b.account.get();
        expect(settings?.adminSecretSealed).toBeInstanceOf(Uint8Array);
        expect(Buffer.isBuffer(settings?.adminSecretSealed)).toBe(false);
        expect([...(settings?.adminSecretSealed ?? [])]).toEqual([...all]);
        expect(settings?.updateDate.toISOString()).toBe('1970-01-01T00:00:00.001Z');
        await a.keyring.initialize({ name: 'empty', wrapped: new Uint8Array(0), createDate: new Date(0) });
        expect((await b.keyring.get('empty'))?.wrapped).toEqual(new Uint8Array(0));

        // What a metadata document or a policy may hold: CRLF, tabs, non-BMP characters, combining
        // marks (not normalized), right-to-left text, a BOM, escapes that must stay escapes, trailing space.
        const doc = '\uFEFF<md:EntityDescriptor entityID="urn:é">\r\n\t<x a="e\u0301 Ω 𝔘𝔫𝔦 😀 \u202Eאבג">\\u0041 \\n</x>  \n</md:EntityDescriptor>  ';
        const validUntil = new Date('2999-12-31T23:59:59.999Z');
        await a.samlProviders.create(samlProvider('Unicode', { samlMetadataDocument: doc, validUntil, createDate: new Date('1969-07-20T20:17:40.123Z') }));
        const got = await b.samlProviders.get(samlProvider('Unicode').arn);
        expect(got?.samlMetadataDocument).toBe(doc);
        expect(Buffer.from(got?.samlMetadataDocument ?? '', 'utf8').equals(Buffer.from(doc, 'utf8'))).toBe(true);
        expect(got?.validUntil?.getTime()).toBe(validUntil.getTime());
        expect(got?.createDate.toISOString()).toBe('1969-07-20T20:17:40.123Z');

        const policyDoc = '{ "Version" : "2012-10-17",\n  "Statement": [ {"Sid": "ünï", "Effect":"Allow", "Action":"*", "Resource":"*"} ] }\n';
        const p = await a.policies.create(policy('Doc', { policyDocument: policyDoc }));
        expect((await b.policies.getVersion(p.arn, 'v1')).document).toBe(policyDoc);
        const tags = [{ key: 'Ключ', value: '值 😀' }, { key: 'k', value: '' }];
        await a.instances.create([instance(tags, { instanceId: 'i-00000000000000abc', launchTime: new Date(1_700_000_000_999) })]);
        const i = await b.instances.get('i-00000000000000abc');
        expect(i?.tags).toEqual(tags);
        expect(i?.launchTime.getTime()).toBe(1_700_000_000_999);
        expect((await b.instances.describe({ filters: [{ kind: 'tag', key: 'Ключ', values: [{ wildcard: '值 ?' }] }] })).items).toHaveLength(1);
      });
    });

    it('refuses a NUL character, which PostgreSQL text cannot hold, as invalid input', async () => {
      await withNodes(1, async (s) => {
        await expect(s.roles.create(role('Nul', { description: 'a\u0000b' }))).rejects.toMatchObject({ code: 'ERR_STORE_INVALID_INPUT' });
        expect(await s.roles.get('Nul')).toBeUndefined();
      });
    });

    it('matches EC2 wildcards in SQL exactly as wildcard.ts does, regex syntax in values included', async () => {
      const alphabet = ['a', 'b', '.', '*', '?', '\\', '(', ')', '[', ']', '{', '}', '^', '$', '|', '+', '-', ' ', '\n', 'é', '😀', 'A', '0'];
      let seed = 42;
      const rnd = (n: number): number => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed % n;
      };
      const word = (max: number): string => Array.from({ length: rnd(max + 1) }, () => alphabet[rnd(alphabet.length)] as string).join('');
      const patterns: string[] = [];
      const values: string[] = [];
      for (let k = 0; k < 3000; k++) {
        const pattern = word(6);
        patterns.push(pattern);
        // Half the values are built to match often: the pattern with its wildcards filled in.
        values.push(k % 2 === 0 ? word(6) : pattern.replace(/\\(.)/g, '$1').replace(/[*?]/g, () => word(2)));
      }
      const sqlSays = await withClient(async (c) =>
        (await c.query('SELECT v ~ p AS m FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(v, p, o) ORDER BY o', [values, patterns.map(wildcardRegex)]))
          .rows.map((r: { m: boolean }) => r.m),
      );
      const jsSays = patterns.map((p, k) => compileWildcard(p)(values[k] as string));
      expect(sqlSays).toEqual(jsSays);
      expect(jsSays.filter(Boolean).length).toBeGreaterThan(300);
    });
  });

  describe('20,000 instances', () => {
    let s: PostgresStore;
    const costCenters = ['marketing', 'engineering', 'sales', 'finance'];
    const RARE = 17_777;

    beforeAll(async () => {
      s = await scratch.open(await freshSchema());
      await s.transaction(async (tx) => {
        for (let batch = 0; batch < 20; batch++) {
          const instances: NewInstance[] = [];
          for (let k = 0; k < 1000; k++) {
            const n = batch * 1000 + k;
            instances.push(
              instance(
                [
                  { key: 'CostCenter', value: n === RARE ? 'rare' : (costCenters[n % 4] as string) },
                  { key: 'Name', value: `web-${n}` },
                ],
                { instanceId: `i-${n.toString(16).padStart(17, '0')}`, amiLaunchIndex: k, state: n % 3 === 0 ? 'stopped' : 'running' },
              ),
            );
          }
          await tx.instances.create(instances);
        }
      });
    }, 180_000);

    afterAll(async () => {
      await s?.close();
    });

    async function median(q: InstanceQuery): Promise<{ ms: number; count: number }> {
      let count = 0;
      const times: number[] = [];
      for (let k = 0; k < 7; k++) {
        const t = performance.now();
        count = (await s.instances.describe(q)).items.length;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      return { ms: times[3] as number, count };
    }

    // Speed is the benchmark's (DESIGN.md §5, `npm run bench -- --only scale,scale-out`): this test
    // checks the answers over a fleet large enough for the index-driven plans to matter, not timings.
    it('finds one instance by tag, a 1000-instance page, a tag+state page, and a wildcard', async () => {
      const byTag = (key: string, value: string, more: Partial<InstanceQuery> = {}): InstanceQuery => ({
        filters: [{ kind: 'tag', key, values: [{ equals: value }] }],
        ...more,
      });
      const rare = await median(byTag('CostCenter', 'rare'));
      expect(rare.count).toBe(1);
      const page = await median(byTag('CostCenter', 'marketing', { maxItems: 1000 }));
      expect(page.count).toBe(1000);
      const combined = await median({
        maxItems: 1000,
        filters: [
          { kind: 'tag', key: 'CostCenter', values: [{ equals: 'engineering' }] },
          { kind: 'field', field: 'stateName', values: [{ equals: 'running' }] },
        ],
      });
      expect(combined.count).toBe(1000);
      const wild = await median({ filters: [{ kind: 'tag', key: 'Name', values: [{ wildcard: 'web-1777?' }] }] });
      expect(wild.count).toBe(11);
      console.info(
        `postgres, 20k instances: tag=rare ${rare.ms.toFixed(2)} ms, tag page of 1000 ${page.ms.toFixed(2)} ms, ` +
          `tag+state page ${combined.ms.toFixed(2)} ms, wildcard ${wild.ms.toFixed(2)} ms`,
      );
    });

    it('pages through a tag filter over 20,000 instances without gaps', async () => {
      let token: string | undefined;
      let seen = 0;
      let last = '';
      do {
        const page = await s.instances.describe({
          maxItems: 1000,
          filters: [{ kind: 'tag', key: 'CostCenter', values: [{ equals: 'finance' }] }],
          ...(token === undefined ? {} : { nextToken: token }),
        });
        for (const i of page.items) {
          expect(i.instanceId > last).toBe(true);
          last = i.instanceId;
        }
        seen += page.items.length;
        token = page.nextToken;
      } while (token !== undefined);
      expect(seen).toBe(5_000);
    });
  });

  describe('closing', () => {
    it('waits for running statements, then ends its pool', async () => {
      const schema = await freshSchema();
      const s = await scratch.open(schema);
      const slow = s.instances.describe({ filters: [{ kind: 'tagKey', values: [{ wildcard: '*' }] }] });
      await s.close();
      await expect(slow).resolves.toEqual({ items: [] });
      await expect(s.instances.get('i-1')).rejects.toMatchObject({ code: 'ERR_STORE_CLOSED' });
      const other = await scratch.open(schema);
      expect(other.migration.applied).toEqual([]);
      await other.close();
    });
  });
});
