// The SQLite adapter's test scaffolding, shared by every suite that runs a store contract on it: a
// scratch directory removed after the file's tests, fresh database paths, and the contract harness
// (a WAL file and further handles on it, as a second Tessera node would hold).

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import type { StoreHarness } from './contract.js';

export interface SqliteScratch {
  /** The scratch directory itself. */
  readonly dir: string;
  /** A new, not yet existing database path in its own directory. */
  freshPath(): string;
  /** The contract harness: each fixture a fresh database file, disposed with every handle on it. */
  readonly harness: StoreHarness;
}

/** Call at the top level of a test file: the directory is removed after the file's tests. */
export function sqliteScratch(prefix: string): SqliteScratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let counter = 0;
  const freshPath = (): string => {
    const sub = join(dir, `db${++counter}`);
    mkdirSync(sub);
    return join(sub, 'tessera.sqlite');
  };
  return {
    dir,
    freshPath,
    harness: {
      name: 'sqlite (file, WAL)',
      async create() {
        const path = freshPath();
        const handles: Store[] = [];
        const store = await openSqliteStore({ path });
        handles.push(store);
        return {
          store,
          async openAnother() {
            const s = await openSqliteStore({ path });
            handles.push(s);
            return s;
          },
          async dispose() {
            for (const h of handles) await h.close();
            rmSync(resolve(path, '..'), { recursive: true, force: true });
          },
        };
      },
    },
  };
}
