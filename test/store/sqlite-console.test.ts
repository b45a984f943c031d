// The console store contract on the SQLite adapter (a WAL file, two handles for "two nodes"), plus
// its migration: a database of schema 2 gains the console tables and keeps its data.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { migrate } from '../../src/store/sqlite/migrate.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations/index.js';
import { sqliteScratch } from './sqlite-scratch.js';
import { consoleSession, consoleStoreContract } from './console-contract.js';
import { role } from './contract.js';

const { freshPath, harness } = sqliteScratch('tessera-console-store-');

consoleStoreContract(harness);

describe('sqlite adapter: console state', () => {
  it('migrates a schema-2 database to the console schema, keeping its data', async () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    expect(migrate(raw, MIGRATIONS.slice(0, 2)).applied).toEqual(['001_initial', '002_idp']);
    raw.close();
    const s = await openSqliteStore({ path });
    expect(s.migration).toMatchObject({ from: 2, applied: ['003_console_sessions', '004_keyring'] });
    await s.roles.create(role('Kept'));
    const session = consoleSession();
    await s.consoleSessions.create(session);
    await s.close();
    const again = await openSqliteStore({ path });
    expect(again.migration.applied).toEqual([]);
    expect(await again.roles.get('Kept')).toBeDefined();
    expect(await again.consoleSessions.get(session.sessionIdHash, session.createDate)).toEqual(session);
    await again.close();
  });
});
