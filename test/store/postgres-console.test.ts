// The console store contract on the PostgreSQL adapter (a fresh schema per fixture; "two nodes" are
// two stores, each with its own pool, on one schema), plus its migration: a schema at version 2 gains
// the console tables and keeps its data. Needs PostgreSQL (test/store/postgres-scratch.ts): fails,
// never skips.

import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/postgres/migrate.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations/index.js';
import { consoleSession, consoleStoreContract } from './console-contract.js';
import { role } from './contract.js';
import { postgresScratch } from './postgres-scratch.js';

const { freshSchema, harness, open, withClient } = postgresScratch('tessera_console');

consoleStoreContract(harness);

describe('postgres adapter: console state', () => {
  it('migrates a schema-2 database to the console schema, keeping its data', async () => {
    const schema = await freshSchema();
    expect((await withClient((c) => migrate(c, schema, MIGRATIONS.slice(0, 2)))).applied).toEqual(['001_initial', '002_idp']);
    const s = await open(schema);
    expect(s.migration).toMatchObject({ from: 2, applied: MIGRATIONS.slice(2).map((m) => m.name) });
    expect(s.migration.applied).toContain('003_console_sessions');
    await s.roles.create(role('Kept'));
    const session = consoleSession();
    await s.consoleSessions.create(session);
    await s.close();
    const again = await open(schema);
    try {
      expect(again.migration.applied).toEqual([]);
      expect(await again.roles.get('Kept')).toBeDefined();
      expect(await again.consoleSessions.get(session.sessionIdHash, session.createDate)).toEqual(session);
    } finally {
      await again.close();
    }
  });
});
