// The IdP store contract on the SQLite adapter, plus what only this adapter has: its migration
// from a control-plane-only database, and counters, claims and logins written by two processes
// at once on one file (in one process, handles share a gate; only processes really race).

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { migrate } from '../../src/store/sqlite/migrate.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations/index.js';
import { sqliteScratch } from './sqlite-scratch.js';
import { role } from './contract.js';
import { idpStoreContract, idpUser, tenant } from './idp-contract.js';

const root = resolve(import.meta.dirname, '..', '..');
const { freshPath, harness } = sqliteScratch('tessera-idp-store-');

idpStoreContract(harness);

describe('sqlite adapter: IdP state', () => {
  it('migrates a control-plane-only database to the IdP schema, keeping its data', async () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    const first = MIGRATIONS.slice(0, 1);
    expect(migrate(raw, first)).toEqual({ from: 0, to: 1, applied: ['001_initial'] });
    raw.close();
    const s = await openSqliteStore({ path });
    expect(s.migration).toMatchObject({ from: 1, applied: MIGRATIONS.slice(1).map((m) => m.name) });
    expect(s.migration.applied).toContain('002_idp');
    await s.roles.create(role('Kept'));
    await s.idp.tenants.create(tenant());
    await s.close();
    const again = await openSqliteStore({ path });
    expect(again.migration.applied).toEqual([]);
    expect(await again.roles.get('Kept')).toBeDefined();
    expect(await again.idp.tenants.get('tessera')).toBeDefined();
    await again.close();
  });

  describe('two processes on one file', () => {
    let compiledIndex: string;
    let child: string;

    beforeAll(() => {
      // src/store compiled on its own (Node 20 runs no TypeScript), in a cache of its own so that
      // test/store/sqlite.test.ts, which does the same, never races this one.
      const cache = join(root, 'node_modules', '.cache', 'tessera-idp-store-test');
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
      // The child: opens the store, waits for "go" on stdin so both start together, then hammers.
      child = join(cache, 'idp-child.mjs');
      writeFileSync(
        child,
        `import { pathToFileURL } from 'node:url';
const [, , storeIndex, dbPath, mode, count, tag] = process.argv;
const { openSqliteStore } = await import(pathToFileURL(storeIndex).href);
const store = await openSqliteStore({ path: dbPath });
process.stdout.write('ready\\n');
await new Promise((r) => process.stdin.once('data', r));
const n = Number(count);
const out = [];
const T0 = Date.parse('2024-03-04T05:06:07.890Z');
for (let k = 0; k < n; k++) {
  if (mode === 'throttle') out.push((await store.idp.loginThrottle.hit('ip:198.51.100.1', new Date(T0 + k), 3600)).count);
  else if (mode === 'replay') out.push((await store.idp.samlReplay.claim('urn:idp', '_a' + (k % 25), T0 + 3_600_000, T0 + k)) ? 1 : 0);
  else if (mode === 'login') out.push((await store.idp.idpUsers.recordLogin(tag, { at: new Date(T0 + k), ip: '10.0.0.' + (k % 250) })).loginsCount);
  else if (mode === 'merge') out.push(Object.keys((await store.idp.idpUsers.mergeMetadata(tag, { appMetadata: { [process.pid + '_' + k]: k }, updateDate: new Date(T0 + k) })).appMetadata).length);
  else throw new Error('unknown mode ' + mode);
}
await store.close();
process.stdout.write(JSON.stringify(out) + '\\n');
`,
      );
    }, 120_000);

    /** Starts two children, releases them together, and resolves what each reported. */
    async function race(path: string, mode: string, count: number, tag = ''): Promise<[number[], number[]]> {
      const procs = [0, 1].map(() => {
        const p = spawn(process.execPath, [child, compiledIndex, path, mode, String(count), tag], { stdio: ['pipe', 'pipe', 'pipe'] });
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

    it('counts every throttle hit exactly: each hit of either process sees a distinct count', async () => {
      const path = freshPath();
      await (await openSqliteStore({ path })).close();
      const [a, b] = await race(path, 'throttle', 300);
      const all = [...a, ...b].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 600 }, (_, k) => k + 1));
    }, 90_000);

    it('lets exactly one process claim each assertion', async () => {
      const path = freshPath();
      await (await openSqliteStore({ path })).close();
      const [a, b] = await race(path, 'replay', 100);
      // 25 assertions, each claimed 4 times by each process: 25 wins in all.
      expect([...a, ...b].reduce((x, y) => x + y, 0)).toBe(25);
    }, 90_000);

    it('counts every login and keeps every metadata key written by two processes', async () => {
      const path = freshPath();
      const s = await openSqliteStore({ path });
      await s.idp.tenants.create(tenant());
      const u = await s.idp.idpUsers.create(idpUser('jane@example.com'));
      const [a, b] = await race(path, 'login', 200, u.userId);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: 400 }, (_, k) => k + 1));
      expect((await s.idp.idpUsers.get(u.userId))?.loginsCount).toBe(400);
      await race(path, 'merge', 100, u.userId);
      expect(Object.keys((await s.idp.idpUsers.get(u.userId))?.appMetadata ?? {})).toHaveLength(200);
      await s.close();
    }, 90_000);
  });
});
