// The synchronous core's handle: one better-sqlite3 connection, its statement cache and its
// transaction helpers. Everything here runs to completion without yielding, which is what makes a
// single connection safe to share: no other JavaScript can interleave inside a call.

import type BetterSqlite3 from 'better-sqlite3';
import { invalidInput } from '../errors.js';

export type Statement = BetterSqlite3.Statement<unknown[], unknown>;
export type Row = Record<string, unknown>;

const DYNAMIC_STATEMENT_LIMIT = 256;

export class Db {
  readonly #write: (fn: () => unknown) => unknown;
  readonly #read: (fn: () => unknown) => unknown;
  readonly #dynamic = new Map<string, Statement>();

  constructor(readonly raw: BetterSqlite3.Database) {
    const t = raw.transaction((fn: () => unknown) => fn());
    // Writers take the write lock up front (BEGIN IMMEDIATE): a deferred transaction that later
    // needs to write can fail with SQLITE_BUSY instead of waiting when another process writes.
    // Inside an open transaction better-sqlite3 uses a SAVEPOINT, so a failing step undoes only itself.
    this.#write = t.immediate;
    this.#read = t.deferred;
  }

  /** A statement prepared once, at construction of the repository that owns it. */
  prepare(sql: string): Statement {
    return this.raw.prepare(sql);
  }

  /** A statement whose text is built per query shape (never from values): prepared once per shape. */
  cached(sql: string): Statement {
    let s = this.#dynamic.get(sql);
    if (s === undefined) {
      if (this.#dynamic.size >= DYNAMIC_STATEMENT_LIMIT) this.#dynamic.clear();
      s = this.raw.prepare(sql);
      this.#dynamic.set(sql, s);
    }
    return s;
  }

  /** Runs `fn` atomically: all of its writes or none. */
  write<T>(fn: () => T): T {
    return this.#write(fn) as T;
  }

  /** Runs `fn` on one snapshot: reads that must agree with each other. */
  read<T>(fn: () => T): T {
    return this.#read(fn) as T;
  }
}

/** Epoch milliseconds of a valid Date. */
export function ms(d: Date, field: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw invalidInput(`\`${field}\` must be a valid date`);
  return t;
}

export function date(v: unknown): Date {
  return new Date(v as number);
}

export function bytes(v: Uint8Array, field: string): Buffer {
  if (!(v instanceof Uint8Array)) throw invalidInput(`\`${field}\` must be bytes`);
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** A fresh Uint8Array (not the driver's Buffer), so every adapter returns the same type. */
export function copyBytes(v: unknown): Uint8Array {
  return new Uint8Array(v as Buffer);
}

/** SQLite's error code, e.g. `SQLITE_CONSTRAINT_UNIQUE`, or undefined for other errors. */
export function sqliteCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && e.constructor?.name === 'SqliteError') {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function isUniqueViolation(e: unknown): boolean {
  const c = sqliteCode(e);
  return c === 'SQLITE_CONSTRAINT_UNIQUE' || c === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
