// The IdP store contract on the PostgreSQL adapter (a fresh schema per fixture; "two nodes" are two
// stores, each with its own pool, on one schema), plus what the SQLite suite checks that is not
// SQLite's own: the migration from a control-plane-only schema, and counters, claims, logins and
// metadata merges written at once by two OS processes on one schema, each process with its own pool
// and several operations in flight. Needs PostgreSQL (test/store/postgres-scratch.ts): fails, never skips.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/postgres/migrate.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations/index.js';
import { role } from './contract.js';
import { idpStoreContract, idpUser, tenant } from './idp-contract.js';
import { postgresScratch } from './postgres-scratch.js';

const root = resolve(import.meta.dirname, '..', '..');
const { url, freshSchema, harness, open, withClient } = postgresScratch('tessera_idp');

idpStoreContract(harness);

describe('postgres adapter: IdP state', () => {
  it('migrates a control-plane-only schema to the IdP schema, keeping its data', async () => {
    const schema = await freshSchema();
    expect(await withClient((c) => migrate(c, schema, MIGRATIONS.slice(0, 1)))).toMatchObject({ from: 0, to: 1, applied: ['001_initial'] });
    const s = await open(schema);
    expect(s.migration).toMatchObject({ from: 1, applied: MIGRATIONS.slice(1).map((m) => m.name) });
    expect(s.migration.applied).toContain('002_idp');
    await s.roles.create(role('Kept'));
    await s.idp.tenants.create(tenant());
    await s.close();
    const again = await open(schema);
    try {
      expect(again.migration.applied).toEqual([]);
      expect(await again.roles.get('Kept')).toBeDefined();
      expect(await again.idp.tenants.get('tessera')).toBeDefined();
    } finally {
      await again.close();
    }
  });

  describe('two processes on one schema', () => {
    let compiledIndex: string;
    let child: string;

    beforeAll(() => {
      // src/store compiled on its own (Node 20 runs no TypeScript), in a cache of its own so that no
      // other suite compiling the store races this one.
      const cache = join(root, 'node_modules', '.cache', 'tessera-pg-idp-store-test');
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
      try {
        execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(cache, 'tsconfig.json')], { stdio: 'pipe' });
      } catch (e) {
        // tsc reports on stdout: say what failed to compile, not only that it did.
        throw new Error(`compiling src/store for the child processes failed:\n${String((e as { stdout?: Buffer }).stdout ?? e)}`);
      }
      compiledIndex = join(out, 'store', 'index.js');
      expect(existsSync(compiledIndex)).toBe(true);
      // The child: opens a store (a pool of its own), waits for "go" on stdin so both start together,
      // then runs `count` operations, `lanes` of them in flight at once.
      child = join(cache, 'pg-idp-child.mjs');
      writeFileSync(
        child,
        `import { pathToFileURL } from 'node:url';
const [, , storeIndex, url, schema, mode, count, lanes, tag] = process.argv;
const { openPostgresStore } = await import(pathToFileURL(storeIndex).href);
const store = await openPostgresStore({ connectionString: url, schema, poolSize: 4 });
process.stdout.write('ready\\n');
await new Promise((r) => process.stdin.once('data', r));
const n = Number(count);
const out = [];
const T0 = Date.parse('2024-03-04T05:06:07.890Z');
async function op(k) {
  if (mode === 'throttle') return (await store.idp.loginThrottle.hit('ip:198.51.100.1', new Date(T0 + k), 3600)).count;
  if (mode === 'replay') return (await store.idp.samlReplay.claim('urn:idp', '_a' + (k % 25), T0 + 3_600_000, T0 + k)) ? 1 : 0;
  if (mode === 'login') return (await store.idp.idpUsers.recordLogin(tag, { at: new Date(T0 + k), ip: '10.0.0.' + (k % 250) })).loginsCount;
  if (mode === 'merge') return Object.keys((await store.idp.idpUsers.mergeMetadata(tag, { appMetadata: { [process.pid + '_' + k]: k }, updateDate: new Date(T0 + k) })).appMetadata).length;
  throw new Error('unknown mode ' + mode);
}
let next = 0;
async function lane() {
  for (let k = next++; k < n; k = next++) out.push(await op(k));
}
await Promise.all(Array.from({ length: Number(lanes) }, lane));
await store.close();
process.stdout.write(JSON.stringify(out) + '\\n');
`,
      );
    }, 120_000);

    /** Starts two children on `schema`, releases them together, and resolves what each reported. */
    async function race(schema: string, mode: string, count: number, lanes: number, tag = ''): Promise<[number[], number[]]> {
      const procs = [0, 1].map(() => {
        const p = spawn(process.execPath, [child, compiledIndex, url, schema, mode, String(count), String(lanes), tag], { stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        const ready = new Promise<void>((r) => {
          p.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes('ready\n')) r();
          });
        });
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const done = new Promise<number[]>((res, rej) =>
          p.on('close', (code) => {
            if (code !== 0) return rej(new Error(`child ${mode} exited ${String(code)}: ${err}`));
            const last = out.trim().split('\n').pop() ?? '[]';
            res(JSON.parse(last) as number[]);
          }),
        );
        return { p, ready, done };
      });
      await Promise.all(procs.map((x) => x.ready));
      for (const x of procs) x.p.stdin.end('go\n');
      const [a, b] = await Promise.all(procs.map((x) => x.done));
      return [a as number[], b as number[]];
    }

    /** A migrated schema of its own, dropped with the others after the file's tests. */
    async function migratedSchema(): Promise<string> {
      const schema = await freshSchema();
      await (await open(schema)).close();
      return schema;
    }

    it('counts every throttle hit exactly: each hit of either process sees a distinct count', async () => {
      const schema = await migratedSchema();
      const [a, b] = await race(schema, 'throttle', 300, 4);
      const all = [...a, ...b].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 600 }, (_, k) => k + 1));
    }, 90_000);

    it('lets exactly one process claim each assertion', async () => {
      const schema = await migratedSchema();
      const [a, b] = await race(schema, 'replay', 100, 4);
      // 25 assertions, each claimed 4 times by each process: 25 wins in all.
      expect([...a, ...b].reduce((x, y) => x + y, 0)).toBe(25);
    }, 90_000);

    it('counts every login and keeps every metadata key written by two processes', async () => {
      const schema = await freshSchema();
      const s = await open(schema);
      try {
        await s.idp.tenants.create(tenant());
        const u = await s.idp.idpUsers.create(idpUser('jane@example.com'));
        const [a, b] = await race(schema, 'login', 200, 4, u.userId);
        expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: 400 }, (_, k) => k + 1));
        expect((await s.idp.idpUsers.get(u.userId))?.loginsCount).toBe(400);
        // One merge in flight per process, as on SQLite: a merge is a read-modify-write that a
        // conflicting writer sends back to the start, so each sees the other's keys.
        await race(schema, 'merge', 100, 1, u.userId);
        expect(Object.keys((await s.idp.idpUsers.get(u.userId))?.appMetadata ?? {})).toHaveLength(200);
      } finally {
        await s.close();
      }
    }, 90_000);
  });
});
