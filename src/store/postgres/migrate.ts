// Schema migrations on PostgreSQL: in one READ COMMITTED transaction that first takes a transaction
// advisory lock named after the schema, so concurrent openers (any node) apply each migration once
// and the later ones see what the first committed; the schema itself is created there if missing.
// Each migration is recorded in schema_migrations with its checksum, so a half-applied migration
// never exists and an edited one is detected. A schema written by a newer Tessera is refused before
// anything is touched.

import { createHash } from 'node:crypto';
import type pg from 'pg';
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

/** `name` as a quoted SQL identifier (callers validate it first; quoting is the second line). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Migrates `schema` on `client` (a connection whose search_path is that schema). The client must
 * not be inside a transaction; it is left outside one.
 */
export async function migrate(
  client: pg.ClientBase,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
): Promise<MigrationResult> {
  migrations.forEach((m, i) => {
    // INVARIANT: versions are 1, 2, 3, … in order; a gap would silently skip a migration.
    if (m.version !== i + 1) throw new StoreError('ERR_STORE_INTERNAL', `migration list out of order at \`${m.name}\``);
  });
  const latest = migrations.length;
  // READ COMMITTED: each statement sees what was committed before it started, so after waiting for
  // the lock this transaction reads the migrations another opener has just applied (a SERIALIZABLE
  // snapshot taken before the wait would not, and would apply them again).
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tessera.migrate'), hashtext($1))", [schema]);
    // Created only when missing: an existing schema needs no CREATE privilege on the database.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version     INTEGER PRIMARY KEY,
      name        TEXT NOT NULL,
      checksum    TEXT NOT NULL,
      applied_at  BIGINT NOT NULL
    )`);
    const rows = (await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    )).rows;
    const current = rows.length === 0 ? 0 : (rows[rows.length - 1] as { version: number }).version;
    if (current > latest) {
      throw new StoreError(
        'ERR_STORE_SCHEMA_TOO_NEW',
        `database schema version ${current} is newer than this tessera supports (${latest}): upgrade tessera or use another schema`,
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
    const applied: string[] = [];
    for (const m of migrations.slice(current)) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [
        m.version,
        m.name,
        checksum(m),
        now(),
      ]);
      applied.push(m.name);
    }
    await client.query('COMMIT');
    return { from: current, to: latest, applied };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
