// What the PostgreSQL IdP and console repositories share: the tenant existence check every write of
// a tenant-owned entity makes first (a foreign-key failure would be reported as the wrong error), the
// name of the unique index a statement ran into (how a conflict's field is told), JSON columns, and
// integer columns whatever the pool's INT8 parser does.

import { StoreError } from '../errors.js';
import { idpNotFound } from '../idp-errors.js';
import { id } from '../idp-values.js';
import { pgCode, type Sql } from './db.js';

/** ERR_STORE_NOT_FOUND (tenant) unless the tenant exists. Tenants are never deleted, so the answer stays true. */
export async function checkTenant(sql: Sql, tenantId: unknown): Promise<string> {
  const t = id(tenantId, 'tenantId');
  if ((await sql.row('SELECT 1 FROM idp_tenants WHERE tenant_id = $1', [t])) === undefined) throw idpNotFound('tenant', t);
  return t;
}

/** The driver's error behind what the executor threw (it maps every driver error to a StoreError with the cause). */
function driverError(e: unknown): unknown {
  return e instanceof StoreError && e.cause !== undefined ? e.cause : e;
}

/**
 * The unique index or constraint a statement was refused by (`idp_rules_order`, …), or undefined
 * when `e` is no unique violation. The executor has already rolled back what it must: the caller
 * only rethrows a better error.
 */
export function uniqueViolation(e: unknown): string | undefined {
  const d = driverError(e);
  if (pgCode(d) !== '23505') return undefined;
  const c = (d as { constraint?: unknown }).constraint;
  return typeof c === 'string' ? c : '';
}

export function isForeignKeyViolation(e: unknown): boolean {
  return pgCode(driverError(e)) === '23503';
}

/** A JSON column (TEXT): a new value on every read. */
export function parseJson<T>(v: unknown): T {
  return JSON.parse(v as string) as T;
}

/** A BIGINT column as a JS number (they all stay below 2^53), parsed by the pool or not. */
export function int(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}
