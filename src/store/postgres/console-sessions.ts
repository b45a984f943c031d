// Console sessions and pending role choices (src/store/console-port.ts) on PostgreSQL, keyed by
// hashes. An expired session reads as absent. Every operation is one statement: takeFlash locks the
// row, returns its message and clears it (a concurrent take waits, re-checks, and finds none);
// takePending is one DELETE … RETURNING, so of concurrent takes from any node exactly one wins.

import type { ConsoleSession, ConsoleSessionRepository, PendingSignIn } from '../console-port.js';
import { exists, json, sessionTags } from '../console-values.js';
import { id, text } from '../idp-values.js';
import type { Tag } from '../port.js';
import { bytes, copyBytes, date, ms, type Row, type Sql } from './db.js';
import { int, parseJson } from './idp-common.js';

function fromRow(r: Row): ConsoleSession {
  return {
    sessionIdHash: r.session_id_hash as string,
    createDate: date(r.create_date),
    expiresAt: date(r.expires_at),
    roleArn: r.role_arn as string,
    sessionName: r.session_name as string,
    sessionTags: parseJson<Tag[]>(r.session_tags),
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
  return JSON.stringify(sessionTags(v).map((t) => ({ key: t.key, value: t.value })));
}

export class PgConsoleSessions implements ConsoleSessionRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(s: ConsoleSession): Promise<ConsoleSession> {
    const params = [
      id(s.sessionIdHash, 'sessionIdHash'),
      ms(s.createDate, 'createDate'),
      ms(s.expiresAt, 'expiresAt'),
      id(s.roleArn, 'roleArn'),
      id(s.sessionName, 'sessionName'),
      tags(s.sessionTags),
      bytes(s.credentialsSealed, 'credentialsSealed'),
      id(s.csrfToken, 'csrfToken'),
      json(s.assertionJson, 'assertionJson'),
    ];
    // DO NOTHING, not an error: a refused insert never aborts the caller's transaction.
    const r = await this.#sql.row(
      `INSERT INTO console_sessions (session_id_hash, create_date, expires_at, role_arn, session_name, session_tags, credentials_sealed, csrf_token, assertion_json, flash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL) ON CONFLICT DO NOTHING RETURNING *`,
      params,
    );
    if (r === undefined) throw exists('console session');
    return fromRow(r);
  }

  async get(sessionIdHash: string, now: Date): Promise<ConsoleSession | undefined> {
    const r = await this.#sql.row('SELECT * FROM console_sessions WHERE session_id_hash = $1 AND expires_at > $2', [sessionIdHash, ms(now, 'now')]);
    return r === undefined ? undefined : fromRow(r);
  }

  async delete(sessionIdHash: string): Promise<boolean> {
    return (await this.#sql.run('DELETE FROM console_sessions WHERE session_id_hash = $1', [sessionIdHash])) > 0;
  }

  async setFlash(sessionIdHash: string, flash: string, now: Date): Promise<boolean> {
    const params = [sessionIdHash, text(flash, 'flash'), ms(now, 'now')];
    return (await this.#sql.run('UPDATE console_sessions SET flash = $2 WHERE session_id_hash = $1 AND expires_at > $3', params)) > 0;
  }

  async takeFlash(sessionIdHash: string, now: Date): Promise<string | undefined> {
    const at = ms(now, 'now');
    // The subquery locks the row and yields the message as it was; a concurrent take waits for the
    // lock, re-checks `flash IS NOT NULL` on the row this one wrote, and takes nothing.
    const r = await this.#sql.row<{ flash: string }>(
      `UPDATE console_sessions AS c SET flash = NULL
       FROM (SELECT session_id_hash, flash FROM console_sessions
             WHERE session_id_hash = $1 AND expires_at > $2 AND flash IS NOT NULL FOR UPDATE) AS old
       WHERE c.session_id_hash = old.session_id_hash
       RETURNING old.flash`,
      [sessionIdHash, at],
    );
    return r?.flash ?? undefined;
  }

  async putPending(p: PendingSignIn): Promise<void> {
    const params = [id(p.refHash, 'refHash'), id(p.browserHash, 'browserHash'), bytes(p.responseSealed, 'responseSealed'), text(p.relayState, 'relayState'), ms(p.expiresAt, 'expiresAt')];
    const n = await this.#sql.run(
      'INSERT INTO console_pending_signins (ref_hash, browser_hash, response_sealed, relay_state, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      params,
    );
    if (n === 0) throw exists('pending sign-in');
  }

  async takePending(refHash: string, now: Date): Promise<PendingSignIn | undefined> {
    const at = ms(now, 'now');
    // One statement: of concurrent takes from any node exactly one deletes (and gets) the row.
    const r = await this.#sql.row('DELETE FROM console_pending_signins WHERE ref_hash = $1 RETURNING *', [refHash]);
    // An expired choice is deleted all the same: it can never be used again.
    return r === undefined || int(r.expires_at) <= at ? undefined : pendingFromRow(r);
  }

  async sweep(now: Date): Promise<number> {
    // Both deletes in one statement, so one snapshot and one atomic step.
    const r = await this.#sql.row<{ n: unknown }>(
      `WITH s AS (DELETE FROM console_sessions WHERE expires_at <= $1 RETURNING 1),
            p AS (DELETE FROM console_pending_signins WHERE expires_at <= $1 RETURNING 1)
       SELECT (SELECT count(*) FROM s) + (SELECT count(*) FROM p) AS n`,
      [ms(now, 'now')],
    );
    return int(r?.n);
  }
}
