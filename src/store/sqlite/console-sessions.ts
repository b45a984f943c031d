// Console sessions and pending role choices (src/store/console-port.ts) on SQLite, keyed by hashes.
// An expired session reads as absent; takeFlash and takePending read and clear in one write
// transaction (a single statement for takePending), so of two concurrent takes exactly one wins.

import type { ConsoleSession, ConsoleSessionRepository, PendingSignIn } from '../console-port.js';
import { exists, json, sessionTags } from '../console-values.js';
import { id, text } from '../idp-values.js';
import { bytes, copyBytes, date, isUniqueViolation, ms, type Db, type Row, type Statement } from './db.js';
import { parseTags, tagsJson, type Sync } from './sync.js';

function fromRow(r: Row): ConsoleSession {
  return {
    sessionIdHash: r.session_id_hash as string,
    createDate: date(r.create_date),
    expiresAt: date(r.expires_at),
    roleArn: r.role_arn as string,
    sessionName: r.session_name as string,
    sessionTags: parseTags(r.session_tags),
    credentialsSealed: copyBytes(r.credentials_sealed),
    csrfToken: r.csrf_token as string,
    assertionJson: r.assertion_json as string,
  };
}

function pendingFromRow(r: Row): PendingSignIn {
  return {
    refHash: r.ref_hash as string,
    browserHash: r.browser_hash as string,
    responseSealed: copyBytes(r.response_sealed),
    relayState: r.relay_state as string,
    expiresAt: date(r.expires_at),
  };
}

function tags(v: unknown): string {
  return tagsJson(sessionTags(v));
}

export class SqliteConsoleSessions implements Sync<ConsoleSessionRepository> {
  readonly #db: Db;
  readonly #s: Record<
    'insert' | 'get' | 'delete' | 'setFlash' | 'flashOf' | 'clearFlash' | 'insertPending' | 'takePending' | 'sweepSessions' | 'sweepPending',
    Statement
  >;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      insert: db.prepare(
        `INSERT INTO console_sessions (session_id_hash, create_date, expires_at, role_arn, session_name, session_tags, credentials_sealed, csrf_token, assertion_json, flash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
      ),
      get: db.prepare('SELECT * FROM console_sessions WHERE session_id_hash = @hash AND expires_at > @now'),
      delete: db.prepare('DELETE FROM console_sessions WHERE session_id_hash = ?'),
      setFlash: db.prepare('UPDATE console_sessions SET flash = @flash WHERE session_id_hash = @hash AND expires_at > @now'),
      flashOf: db.prepare('SELECT flash FROM console_sessions WHERE session_id_hash = @hash AND expires_at > @now').pluck(),
      clearFlash: db.prepare('UPDATE console_sessions SET flash = NULL WHERE session_id_hash = ?'),
      insertPending: db.prepare('INSERT INTO console_pending_signins (ref_hash, browser_hash, response_sealed, relay_state, expires_at) VALUES (?, ?, ?, ?, ?)'),
      // One statement: of concurrent takes from any process exactly one deletes (and gets) the row.
      takePending: db.prepare('DELETE FROM console_pending_signins WHERE ref_hash = ? RETURNING *'),
      sweepSessions: db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?'),
      sweepPending: db.prepare('DELETE FROM console_pending_signins WHERE expires_at <= ?'),
    };
  }

  create(s: ConsoleSession): ConsoleSession {
    const hash = id(s.sessionIdHash, 'sessionIdHash');
    const params = [
      hash,
      ms(s.createDate, 'createDate'),
      ms(s.expiresAt, 'expiresAt'),
      id(s.roleArn, 'roleArn'),
      id(s.sessionName, 'sessionName'),
      tags(s.sessionTags),
      bytes(s.credentialsSealed, 'credentialsSealed'),
      id(s.csrfToken, 'csrfToken'),
      json(s.assertionJson, 'assertionJson'),
    ];
    try {
      this.#s.insert.run(...params);
    } catch (e) {
      if (isUniqueViolation(e)) throw exists('console session');
      throw e;
    }
    return fromRow(this.#s.get.get({ hash, now: -1 }) as Row);
  }

  get(sessionIdHash: string, now: Date): ConsoleSession | undefined {
    const r = this.#s.get.get({ hash: sessionIdHash, now: ms(now, 'now') }) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  delete(sessionIdHash: string): boolean {
    return this.#s.delete.run(sessionIdHash).changes > 0;
  }

  setFlash(sessionIdHash: string, flash: string, now: Date): boolean {
    return this.#s.setFlash.run({ hash: sessionIdHash, flash: text(flash, 'flash'), now: ms(now, 'now') }).changes > 0;
  }

  takeFlash(sessionIdHash: string, now: Date): string | undefined {
    const at = ms(now, 'now');
    return this.#db.write(() => {
      const flash = this.#s.flashOf.get({ hash: sessionIdHash, now: at }) as string | null | undefined;
      if (flash === undefined || flash === null) return undefined;
      this.#s.clearFlash.run(sessionIdHash);
      return flash;
    });
  }

  putPending(p: PendingSignIn): void {
    const params = [id(p.refHash, 'refHash'), id(p.browserHash, 'browserHash'), bytes(p.responseSealed, 'responseSealed'), text(p.relayState, 'relayState'), ms(p.expiresAt, 'expiresAt')];
    try {
      this.#s.insertPending.run(...params);
    } catch (e) {
      if (isUniqueViolation(e)) throw exists('pending sign-in');
      throw e;
    }
  }

  takePending(refHash: string, now: Date): PendingSignIn | undefined {
    const at = ms(now, 'now');
    const r = this.#s.takePending.get(refHash) as Row | undefined;
    // An expired choice is deleted all the same: it can never be used again.
    return r === undefined || (r.expires_at as number) <= at ? undefined : pendingFromRow(r);
  }

  sweep(now: Date): number {
    const at = ms(now, 'now');
    return this.#db.write(() => this.#s.sweepSessions.run(at).changes + this.#s.sweepPending.run(at).changes);
  }
}
