// The PostgreSQL adapter's handle: one pg pool, and the `Sql` executor every repository is written
// against. An executor is either the pool (each statement on any connection, each `atomic` block a
// SERIALIZABLE transaction of its own, retried on a serialization failure) or one transaction's
// client (statements in that transaction, each `atomic` block a SAVEPOINT, so a failing step undoes
// only itself — the same contract as the SQLite core's Db.write inside a transaction).

import pg from 'pg';
import { StoreError, invalidInput } from '../errors.js';
import type { Tag } from '../port.js';

export type Row = Record<string, unknown>;

/** What repositories run statements on. Parameters are always bound ($1, $2, …), never spliced. */
export interface Sql {
  /** All rows of one statement. */
  rows<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  row<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R | undefined>;
  /** The number of rows a statement changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Runs `fn` atomically — all of its statements or none — on one connection and one snapshot.
   * On the pool: BEGIN ISOLATION LEVEL SERIALIZABLE … COMMIT, and `fn` is run again (from the
   * start) when PostgreSQL reports a serialization failure or deadlock, so `fn` must have no side
   * effects outside the database. In a transaction: a SAVEPOINT.
   */
  atomic<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
}

/** The driver's error under `e`: `e` itself, or the cause of a StoreError mapped from it. */
function driverError(e: unknown): Error | undefined {
  const d = e instanceof StoreError ? e.cause : e;
  return d instanceof Error && !(d instanceof StoreError) ? d : undefined;
}

/**
 * PostgreSQL's SQLSTATE of a driver error, e.g. `23505` (also through a StoreError that mapError
 * made of one, so a repository can tell which constraint a failed statement hit), or undefined.
 */
export function pgCode(e: unknown): string | undefined {
  const d = driverError(e);
  if (d !== undefined && 'code' in d) {
    const code = (d as { code?: unknown }).code;
    return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  }
  return undefined;
}

/** The name of the constraint a driver error (or the StoreError made of it) reports, if any. */
export function pgConstraint(e: unknown): string | undefined {
  const d = driverError(e);
  const c = d === undefined ? undefined : (d as { constraint?: unknown }).constraint;
  return typeof c === 'string' ? c : undefined;
}

/** Node's system error codes and pg-pool's own messages that mean the server cannot be reached. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** True when `e` says the server is unreachable or the connection was lost (not a statement's fault). */
export function isConnectionError(e: unknown): boolean {
  const d = driverError(e);
  if (d === undefined) return false;
  const code = (d as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_ERRNOS.has(code)) return true;
  const sqlstate = pgCode(d);
  if (sqlstate !== undefined) return sqlstate.startsWith('08') || sqlstate === '57P01' || sqlstate === '57P02' || sqlstate === '57P03';
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(d.message);
}

export function isUniqueViolation(e: unknown): boolean {
  return pgCode(e) === '23505';
}

/** Serialization failure or deadlock: the transaction can be run again from the start. */
export function isRetryable(e: unknown): boolean {
  const c = pgCode(e);
  return c === '40001' || c === '40P01';
}

/**
 * Turns what escapes a statement into a StoreError: our own pass through, the driver's are
 * classified by SQLSTATE, the rest become ERR_STORE_INTERNAL with the cause attached for the log
 * (the message never carries the driver's text or any value).
 */
export function mapError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const code = pgCode(e);
  if (code !== undefined) {
    if (code === '23505') return new StoreError('ERR_STORE_CONFLICT', 'entity already exists', { cause: e });
    if (code === '23503') return new StoreError('ERR_STORE_DELETE_CONFLICT', 'entity is still referenced', { cause: e });
    // PostgreSQL text cannot hold NUL (U+0000); the driver sends everything else as UTF-8.
    if (code === '22021' || code === '22P05') {
      return new StoreError('ERR_STORE_INVALID_INPUT', 'a value holds a character the database cannot store (NUL)', { cause: e });
    }
    if (code === '40001' || code === '40P01' || code === '55P03' || code === '57014') {
      return new StoreError('ERR_STORE_BUSY', 'database is busy: the operation kept conflicting with concurrent writers', { cause: e });
    }
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') {
      return new StoreError('ERR_STORE_BUSY', 'database connection lost or unavailable', { cause: e });
    }
    return new StoreError('ERR_STORE_INTERNAL', `store operation failed: SQLSTATE ${code}`, { cause: e });
  }
  if (isConnectionError(e)) return new StoreError('ERR_STORE_BUSY', 'database connection lost or unavailable', { cause: e });
  return new StoreError('ERR_STORE_INTERNAL', 'store operation failed', { cause: e });
}

/** How many times a serialization failure is retried before ERR_STORE_BUSY. */
export const SERIALIZATION_RETRIES = 30;

/** A short, growing, jittered pause between retries so two conflicting writers stop colliding. */
export function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 1 + attempt * 2) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

abstract class Executor implements Sql {
  protected abstract query(text: string, params: readonly unknown[] | undefined): Promise<pg.QueryResult>;

  async rows<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return (await this.query(text, params)).rows as R[];
  }

  async row<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R | undefined> {
    return (await this.query(text, params)).rows[0] as R | undefined;
  }

  async run(text: string, params?: readonly unknown[]): Promise<number> {
    return (await this.query(text, params)).rowCount ?? 0;
  }

  abstract atomic<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
}

/** Statements inside one open transaction on one client. */
export class TxSql extends Executor {
  #savepoints = 0;
  /** Set false when the transaction ends: later calls reject with ERR_STORE_TX_CLOSED. */
  active = true;

  constructor(readonly client: pg.PoolClient) {
    super();
  }

  protected async query(text: string, params: readonly unknown[] | undefined): Promise<pg.QueryResult> {
    if (!this.active) throw new StoreError('ERR_STORE_TX_CLOSED', 'transaction has already ended');
    try {
      return await this.client.query(text, params as unknown[] | undefined);
    } catch (e) {
      throw mapError(e);
    }
  }

  async atomic<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    const name = `sp${++this.#savepoints}`;
    await this.query(`SAVEPOINT ${name}`, undefined);
    try {
      const out = await fn(this);
      await this.query(`RELEASE SAVEPOINT ${name}`, undefined);
      return out;
    } catch (e) {
      if (this.active) {
        try {
          await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
          await this.client.query(`RELEASE SAVEPOINT ${name}`);
        } catch {
          // The transaction itself is broken (connection lost): the outer COMMIT will fail.
        }
      }
      throw mapError(e);
    }
  }
}

/**
 * Runs `fn` in one SERIALIZABLE transaction on a client of `pool`, again from the start on a
 * serialization failure or deadlock (up to SERIALIZATION_RETRIES times), and commits when it
 * resolves. What `fn` throws is rethrown as it is (the store's `transaction` hands the caller's own
 * error back); what connecting, BEGIN and COMMIT throw is mapped to a StoreError.
 */
export async function serializable<T>(pool: pg.Pool, fn: (tx: TxSql) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw mapError(e);
    }
    const tx = new TxSql(client);
    let inFn = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      inFn = true;
      const out = await fn(tx);
      inFn = false;
      tx.active = false;
      const done = await client.query('COMMIT');
      // PostgreSQL answers COMMIT of a transaction that a failed statement aborted with ROLLBACK, not
      // with an error: without this check a lost transaction would be acknowledged as durable.
      if (done.command !== 'COMMIT') {
        throw new StoreError('ERR_STORE_INTERNAL', 'transaction was rolled back by the database before it could commit');
      }
      client.release();
      return out;
    } catch (e) {
      tx.active = false;
      let broken = false;
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: drop it from the pool
      }
      client.release(broken);
      if (isRetryable(e) && attempt < SERIALIZATION_RETRIES) {
        await backoff(attempt);
        continue;
      }
      throw inFn ? e : mapError(e);
    }
  }
}

/** Statements on the pool, each on whatever connection is free. */
export class PoolSql extends Executor {
  constructor(readonly pool: pg.Pool) {
    super();
  }

  protected async query(text: string, params: readonly unknown[] | undefined): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(text, params as unknown[] | undefined);
    } catch (e) {
      throw mapError(e);
    }
  }

  atomic<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return serializable(this.pool, fn);
  }
}

// ---------------------------------------------------------------------------------------------
// Value conversions shared by the repositories. Timestamps are BIGINT epoch milliseconds (as in the
// SQLite schema); the pool parses INT8 to a JS number (they are all below 2^53).

/** Epoch milliseconds of a valid Date. */
export function ms(d: Date, field: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw invalidInput(`\`${field}\` must be a valid date`);
  return t;
}

export function date(v: unknown): Date {
  return new Date(Number(v));
}

export function bytes(v: Uint8Array, field: string): Buffer {
  if (!(v instanceof Uint8Array)) throw invalidInput(`\`${field}\` must be bytes`);
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** A fresh Uint8Array (not the driver's Buffer), so every adapter returns the same type. */
export function copyBytes(v: unknown): Uint8Array {
  return new Uint8Array(v as Buffer);
}

/** Tags as stored in a `tags` TEXT column: a JSON array of {key, value}, in order. */
export function tagsJson(tags: readonly Tag[]): string {
  return JSON.stringify(tags.map((t) => ({ key: t.key, value: t.value })));
}

export function parseTags(json: unknown): Tag[] {
  return JSON.parse(json as string) as Tag[];
}
