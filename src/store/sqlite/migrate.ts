// Schema migrations: each pending migration of ./migrations is applied in one IMMEDIATE transaction
// and recorded in schema_migrations with its checksum, so concurrent openers apply it once, a
// half-applied migration never exists, and an edited migration is detected. A database written by a
// newer Tessera (a version this build does not know) is refused before anything is touched.

import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export interface MigrationResult {
  /** Schema version before and after. */
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

export function checksum(m: Migration): string {
  return createHash('sha256').update(m.sql, 'utf8').digest('hex');
}

export function migrate(raw: BetterSqlite3.Database, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): MigrationResult {
  migrations.forEach((m, i) => {
    // INVARIANT: versions are 1, 2, 3, … in order; a gap would silently skip a migration.
    if (m.version !== i + 1) throw new StoreError('ERR_STORE_INTERNAL', `migration list out of order at \`${m.name}\``);
  });
  const latest = migrations.length;
  const run = raw.transaction((): MigrationResult => {
    raw.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version     INTEGER PRIMARY KEY,
      name        TEXT NOT NULL,
      checksum    TEXT NOT NULL,
      applied_at  INTEGER NOT NULL
    ) STRICT`);
    const rows = raw.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as {
      version: number;
      name: string;
      checksum: string;
    }[];
    const current = rows.length === 0 ? 0 : (rows[rows.length - 1] as { version: number }).version;
    if (current > latest) {
      throw new StoreError(
        'ERR_STORE_SCHEMA_TOO_NEW',
        `database schema version ${current} is newer than this tessera supports (${latest}): upgrade tessera or use another data directory`,
        { entity: 'schema', key: String(current) },
      );
    }
    for (const row of rows) {
      const m = migrations[row.version - 1];
      if (m === undefined || m.name !== row.name || checksum(m) !== row.checksum) {
        throw new StoreError(
          'ERR_STORE_MIGRATION_MISMATCH',
          `applied migration ${row.version} \`${row.name}\` differs from this tessera's \`${m?.name ?? '?'}\`: migrations must never be edited once released`,
          { entity: 'schema', key: String(row.version) },
        );
      }
    }
    const insert = raw.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
    const applied: string[] = [];
    for (const m of migrations.slice(current)) {
      raw.exec(m.sql);
      insert.run(m.version, m.name, checksum(m), now());
      applied.push(m.name);
    }
    return { from: current, to: latest, applied };
  });
  return run.immediate();
}

/** The version recorded in the database (0 when none). */
export function schemaVersion(raw: BetterSqlite3.Database): number {
  const row = raw.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null } | undefined;
  return row?.v ?? 0;
}
