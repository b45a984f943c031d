// The SQLite adapter: the store contract, plus what only this adapter has — the connection's
// settings, schema migrations, a real file reopened, processes killed mid-write or writing side by
// side, and DescribeInstances over 100,000 instances.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type InstanceQuery, type NewInstance, type SqliteStore } from '../../src/store/index.js';
import { checksum, migrate } from '../../src/store/sqlite/migrate.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations/index.js';
import { sqliteScratch } from './sqlite-scratch.js';
import { instance, role, storeContract } from './contract.js';

const root = resolve(import.meta.dirname, '..', '..');
const { dir: scratch, freshPath, harness } = sqliteScratch('tessera-store-');

storeContract(harness);

describe('sqlite adapter', () => {
  it('runs on a durable, checked connection: WAL, synchronous FULL, foreign keys, busy timeout', async () => {
    const s = await openSqliteStore({ path: freshPath() });
    expect(s.settings()).toEqual({ journalMode: 'wal', synchronous: 'FULL', foreignKeys: true, busyTimeoutMs: 5000 });
    await s.close();
    const m = await openSqliteStore({ path: ':memory:', busyTimeoutMs: 100 });
    expect(m.settings()).toMatchObject({ synchronous: 'FULL', foreignKeys: true, busyTimeoutMs: 100 });
    await m.close();
  });

  it('keeps what it wrote across a close and a reopen', async () => {
    const path = freshPath();
    const a = await openSqliteStore({ path });
    await a.roles.create(role('Kept', { tags: [{ key: 'k', value: 'v' }] }));
    const i = instance([{ key: 'CostCenter', value: 'marketing' }]);
    await a.instances.create([i]);
    await a.close();
    const b = await openSqliteStore({ path });
    expect((await b.roles.get('kept'))?.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect((await b.instances.describe({ filters: [{ kind: 'tag', key: 'CostCenter', values: [{ equals: 'marketing' }] }] })).items).toHaveLength(1);
    await b.close();
  });

  it('refuses a path it cannot open and a file that is not a database', async () => {
    await expect(openSqliteStore({ path: join(scratch, 'no', 'such', 'dir', 'db.sqlite') })).rejects.toMatchObject({ code: 'ERR_STORE_OPEN_FAILED' });
    const notDb = join(scratch, 'not-a-database.sqlite');
    writeFileSync(notDb, 'this is not a database, just text that is long enough to look like a header '.repeat(20));
    await expect(openSqliteStore({ path: notDb })).rejects.toMatchObject({ code: 'ERR_STORE_OPEN_FAILED' });
    await expect(openSqliteStore({ path: '' })).rejects.toMatchObject({ code: 'ERR_STORE_INVALID_INPUT' });
  });

  describe('migrations', () => {
    it('applies every migration once, records it, and applies nothing on reopen', async () => {
      const path = freshPath();
      const a = await openSqliteStore({ path });
      expect(a.migration).toEqual({ from: 0, to: MIGRATIONS.length, applied: MIGRATIONS.map((m) => m.name) });
      expect(a.schemaVersion()).toBe(MIGRATIONS.length);
      await a.close();
      const b = await openSqliteStore({ path });
      expect(b.migration).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
      await b.close();
      const raw = new Database(path, { readonly: true });
      const rows = raw.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all();
      raw.close();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, checksum: checksum(m) })));
    });

    it('migrates once when two handles open a new database at the same time', async () => {
      const path = freshPath();
      const [a, b] = await Promise.all([openSqliteStore({ path }), openSqliteStore({ path })]);
      expect([a.migration.applied.length, b.migration.applied.length].sort()).toEqual([0, MIGRATIONS.length]);
      await a.close();
      await b.close();
    });

    it('refuses, untouched, a database written by a newer tessera', async () => {
      const path = freshPath();
      await (await openSqliteStore({ path })).close();
      const raw = new Database(path);
      raw.prepare("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (99, '099_future', 'x', 0)").run();
      raw.close();
      const err = await openSqliteStore({ path }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_STORE_SCHEMA_TOO_NEW', key: '99' });
      expect((err as Error).message).toContain(`schema version 99 is newer than this tessera supports (${MIGRATIONS.length})`);
      const check = new Database(path, { readonly: true });
      expect(check.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length + 1 });
      check.close();
    });

    it('refuses a database whose applied migration differs from the one shipped', async () => {
      const path = freshPath();
      await (await openSqliteStore({ path })).close();
      const raw = new Database(path);
      raw.prepare("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1").run();
      raw.close();
      await expect(openSqliteStore({ path })).rejects.toMatchObject({ code: 'ERR_STORE_MIGRATION_MISMATCH' });
    });

    it('applies pending migrations in order, in one transaction: a failing one leaves nothing behind', () => {
      const raw = new Database(':memory:');
      const one = { version: 1, name: '001_a', sql: 'CREATE TABLE a (x INTEGER) STRICT;' };
      expect(migrate(raw, [one])).toEqual({ from: 0, to: 1, applied: ['001_a'] });
      const two = { version: 2, name: '002_b', sql: 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO a VALUES (1);' };
      const bad = { version: 3, name: '003_bad', sql: 'CREATE TABLE c (x INTEGER); THIS IS NOT SQL;' };
      expect(() => migrate(raw, [one, two, bad])).toThrow();
      const tables = (raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      expect(tables).toEqual(['a', 'schema_migrations']);
      expect(migrate(raw, [one, two])).toEqual({ from: 1, to: 2, applied: ['002_b'] });
      expect(raw.prepare('SELECT count(*) AS n FROM a').get()).toEqual({ n: 1 });
      expect(() => migrate(raw, [one, { ...two, version: 3 }])).toThrow(/out of order/);
      raw.close();
    });

    it('lists every migration file of the folder, numbered from 1 without gaps', () => {
      const dir = join(root, 'src', 'store', 'sqlite', 'migrations');
      const files = readdirSync(dir).filter((f) => /^\d{3}_.+\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
      expect(MIGRATIONS.map((m) => m.name)).toEqual(files);
      MIGRATIONS.forEach((m, i) => {
        expect(m.version).toBe(i + 1);
        expect(m.name.startsWith(String(i + 1).padStart(3, '0'))).toBe(true);
      });
    });
  });

  describe('other processes', () => {
    /** src/store compiled on its own (Node 20 cannot run TypeScript), inside node_modules so it resolves better-sqlite3. */
    let compiledIndex: string;
    const child = join(import.meta.dirname, 'fixtures', 'store-child.mjs');

    beforeAll(() => {
      const cache = join(root, 'node_modules', '.cache', 'tessera-store-test');
      const out = join(cache, 'out');
      rmSync(out, { recursive: true, force: true });
      mkdirSync(cache, { recursive: true });
      writeFileSync(join(cache, 'package.json'), '{ "type": "module", "private": true }\n');
      writeFileSync(
        join(cache, 'tsconfig.json'),
        JSON.stringify({
          extends: join(root, 'tsconfig.json'),
          compilerOptions: { rootDir: join(root, 'src'), outDir: out, sourceMap: false, noEmit: false, incremental: false },
          include: [join(root, 'src', 'store', '**', '*.ts')],
          exclude: [join(root, 'src', 'store', '**', '*.test.ts')],
        }),
      );
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(cache, 'tsconfig.json')], { stdio: 'pipe' });
      compiledIndex = join(out, 'store', 'index.js');
      expect(existsSync(compiledIndex)).toBe(true);
    }, 120_000);

    function run(path: string, mode: string, ...args: string[]): Promise<string> {
      return new Promise((resolveRun, reject) => {
        const p = spawn(process.execPath, [child, compiledIndex, path, mode, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('close', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`child ${mode} exited ${String(code)}: ${err}`))));
      });
    }

    it('loses no acknowledged write when the writing process is killed (SIGKILL)', async () => {
      const path = freshPath();
      const acked: string[] = [];
      const p = spawn(process.execPath, [child, compiledIndex, path, 'durability'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let buffer = '';
      let err = '';
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      // 'close' comes after the process died and its stdout was read to the end: every line the
      // child wrote before the kill, even after we decided to kill it, is an acknowledged write.
      const closed = new Promise<NodeJS.Signals | null>((r) => p.on('close', (_code, signal) => r(signal)));
      p.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line !== 'ready') acked.push(line);
        }
        // Kill it mid-stream, while it keeps writing.
        if (acked.length >= 400 && p.exitCode === null && p.signalCode === null && !p.killed) p.kill('SIGKILL');
      });
      const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
      const signal = await closed;
      clearTimeout(timer);
      expect(signal, `child stderr: ${err}`).toBe('SIGKILL');
      expect(acked.length, `child stderr: ${err}`).toBeGreaterThanOrEqual(400);

      const s = await openSqliteStore({ path });
      let instances = 0;
      let roles = 0;
      for (const line of acked) {
        const [kind, a, b] = line.split(' ') as [string, string, string | undefined];
        if (kind === 'instance') {
          expect(await s.instances.get(a), line).toBeDefined();
          instances++;
        } else {
          expect(kind).toBe('tx');
          expect(await s.roles.get(a), line).toBeDefined();
          expect(await s.instances.get(b as string), line).toBeDefined();
          roles++;
        }
      }
      expect(instances).toBeGreaterThan(200);
      expect(roles).toBeGreaterThan(50);
      // At most the one write in flight at the kill can be there unacknowledged; never half a transaction.
      const all = (await s.instances.describe()).items.length;
      expect(all - (instances + roles)).toBeLessThanOrEqual(1);
      await s.close();
    }, 90_000);

    it('keeps compare-and-set transitions consistent between two processes', async () => {
      const path = freshPath();
      const s = await openSqliteStore({ path });
      const a = instance();
      await s.instances.create([a]);
      const [r1, r2] = await Promise.all([run(path, 'cas', a.instanceId, '300', '1'), run(path, 'cas', a.instanceId, '300', '2')]);
      const c1 = JSON.parse(r1) as { stops: number; starts: number };
      const c2 = JSON.parse(r2) as { stops: number; starts: number };
      const stops = c1.stops + c2.stops;
      const starts = c1.starts + c2.starts;
      expect(stops + starts).toBeGreaterThan(10);
      expect(stops - starts === 0 || stops - starts === 1).toBe(true);
      expect((await s.instances.get(a.instanceId))?.state.name).toBe(stops === starts ? 'running' : 'stopped');
      await s.close();
    }, 90_000);

    it('serializes read-modify-write transactions of two processes', async () => {
      const path = freshPath();
      const s = await openSqliteStore({ path });
      await s.roles.create(role('Counter', { tags: [{ key: 'n', value: '0' }] }));
      await Promise.all([run(path, 'counter', 'Counter', '100'), run(path, 'counter', 'Counter', '100')]);
      expect((await s.roles.get('Counter'))?.tags).toEqual([{ key: 'n', value: '200' }]);
      await s.close();
    }, 90_000);
  });

  describe('100,000 instances', () => {
    let s: SqliteStore;
    const costCenters = ['marketing', 'engineering', 'sales', 'finance'];
    const RARE = 77_777;

    beforeAll(async () => {
      s = await openSqliteStore({ path: freshPath() });
      await s.transaction(async (tx) => {
        for (let batch = 0; batch < 100; batch++) {
          const instances: NewInstance[] = [];
          for (let k = 0; k < 1000; k++) {
            const n = batch * 1000 + k;
            instances.push(
              instance(
                [
                  { key: 'CostCenter', value: n === RARE ? 'rare' : (costCenters[n % 4] as string) },
                  { key: 'Name', value: `web-${n}` },
                  ...(n % 10 === 0 ? [{ key: 'Env', value: 'dev' }] : []),
                ],
                { instanceId: `i-${n.toString(16).padStart(17, '0')}`, amiLaunchIndex: k, state: n % 3 === 0 ? 'stopped' : 'running' },
              ),
            );
          }
          await tx.instances.create(instances);
        }
      });
    }, 120_000);

    afterAll(async () => {
      await s?.close();
    });

    const byTag = (key: string, value: string, more: Partial<InstanceQuery> = {}): InstanceQuery => ({
      filters: [{ kind: 'tag', key, values: [{ equals: value }] }],
      ...more,
    });

    it('answers tag filters from the tag index, in order, without sorting or scanning', () => {
      for (const q of [byTag('CostCenter', 'marketing', { maxItems: 1000 }), { filters: [{ kind: 'tagKey' as const, values: [{ equals: 'Env' }] }] }]) {
        const plan = s.explainDescribeInstances(q).join('\n');
        expect(plan).toMatch(/SEARCH d USING COVERING INDEX instance_tags_key/);
        expect(plan).toMatch(/SEARCH i USING INTEGER PRIMARY KEY/);
        expect(plan).not.toMatch(/TEMP B-TREE|SCAN/);
      }
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

    // The 50 ms budget of DESIGN.md §5 is the benchmark's to measure on a quiet machine; here a
    // loose bound catches a lost index (a scan takes seconds) without flaking on a busy CI runner.
    it('finds one instance among 100,000 by tag, and a 1000-instance page, well within budget', async () => {
      const rare = await median(byTag('CostCenter', 'rare'));
      expect(rare.count).toBe(1);
      expect(rare.ms).toBeLessThan(50);
      const page = await median(byTag('CostCenter', 'marketing', { maxItems: 1000 }));
      expect(page.count).toBe(1000);
      expect(page.ms).toBeLessThan(150);
      const combined = await median({
        maxItems: 1000,
        filters: [
          { kind: 'tag', key: 'CostCenter', values: [{ equals: 'engineering' }] },
          { kind: 'field', field: 'stateName', values: [{ equals: 'running' }] },
        ],
      });
      expect(combined.count).toBe(1000);
      expect(combined.ms).toBeLessThan(150);
      console.info(`100k instances: tag=rare ${rare.ms.toFixed(2)} ms, tag page of 1000 ${page.ms.toFixed(2)} ms, tag+state page ${combined.ms.toFixed(2)} ms`);
    });

    it('pages through a tag filter over 100,000 instances without gaps', async () => {
      let token: string | undefined;
      let seen = 0;
      let last = '';
      do {
        const page = await s.instances.describe(byTag('CostCenter', 'finance', { maxItems: 1000, ...(token === undefined ? {} : { nextToken: token }) }));
        for (const i of page.items) {
          expect(i.instanceId > last).toBe(true);
          last = i.instanceId;
        }
        seen += page.items.length;
        token = page.nextToken;
      } while (token !== undefined);
      expect(seen).toBe(25_000);
    });
  });
});
