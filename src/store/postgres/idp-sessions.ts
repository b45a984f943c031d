// SSO sessions on PostgreSQL, keyed by the hash of the cookie value. An expired session reads as
// absent and cannot be touched back to life; sweep deletes what expired. touch is one UPDATE whose
// WHERE is the liveness check and whose SET only moves forward (greatest) and appends the client
// once: the row lock orders concurrent touches from any node, and each re-checks the row it waited
// for, so every client lands and nothing moves backwards.

import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { IdpSession, IdpSessionRepository, IdpSessionTouch } from '../idp-port.js';
import { id, stringList } from '../idp-values.js';
import { date, ms, type Row, type Sql } from './db.js';
import { checkTenant, parseJson } from './idp-common.js';

function fromRow(r: Row): IdpSession {
  return {
    sessionIdHash: r.session_id_hash as string,
    tenantId: r.tenant_id as string,
    userId: r.user_id as string,
    createDate: date(r.create_date),
    lastSeen: date(r.last_seen),
    expiresAt: date(r.expires_at),
    idleExpiresAt: date(r.idle_expires_at),
    clients: parseJson<string[]>(r.clients),
    authenticatedAt: date(r.authenticated_at),
  };
}

export class PgIdpSessions implements IdpSessionRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(s: IdpSession): Promise<IdpSession> {
    const hash = id(s.sessionIdHash, 'sessionIdHash');
    const params = [
      hash,
      id(s.tenantId, 'tenantId'),
      id(s.userId, 'userId'),
      ms(s.createDate, 'createDate'),
      ms(s.lastSeen, 'lastSeen'),
      ms(s.expiresAt, 'expiresAt'),
      ms(s.idleExpiresAt, 'idleExpiresAt'),
      stringList(s.clients, 'clients'),
      ms(s.authenticatedAt, 'authenticatedAt'),
    ];
    return this.#sql.atomic(async (q) => {
      await checkTenant(q, s.tenantId);
      // The user must exist in this very tenant: a session never spans tenants. KEY SHARE: the user
      // cannot be deleted under the insert.
      const user = await q.row<{ tenant_id: string }>('SELECT tenant_id FROM idp_users WHERE user_id = $1 FOR KEY SHARE', [s.userId]);
      if (user?.tenant_id !== s.tenantId) throw idpNotFound('idpUser', s.userId);
      const r = await q.row(
        `INSERT INTO idp_sessions (session_id_hash, tenant_id, user_id, create_date, last_seen, expires_at, idle_expires_at, clients, authenticated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING *`,
        params,
      );
      if (r === undefined) throw idpConflict('idpSession', 'sessionIdHash', hash);
      return fromRow(r);
    });
  }

  async get(sessionIdHash: string, now: Date): Promise<IdpSession | undefined> {
    const r = await this.#sql.row('SELECT * FROM idp_sessions WHERE session_id_hash = $1 AND expires_at > $2 AND idle_expires_at > $2', [
      sessionIdHash,
      ms(now, 'now'),
    ]);
    return r === undefined ? undefined : fromRow(r);
  }

  async touch(sessionIdHash: string, touch: IdpSessionTouch): Promise<IdpSession> {
    const lastSeen = ms(touch.lastSeen, 'lastSeen');
    const idle = ms(touch.idleExpiresAt, 'idleExpiresAt');
    const add = touch.addClient === undefined ? null : id(touch.addClient, 'addClient');
    // greatest(): touches from nodes whose clocks or requests disagree never move a session backwards.
    // jsonb keeps an array's order: the client is appended unless it is already there.
    const r = await this.#sql.row(
      `UPDATE idp_sessions SET
         last_seen = greatest(last_seen, $2),
         idle_expires_at = greatest(idle_expires_at, $3),
         clients = CASE WHEN $4::text IS NULL OR clients::jsonb @> jsonb_build_array($4::text) THEN clients
                        ELSE (clients::jsonb || jsonb_build_array($4::text))::text END
       WHERE session_id_hash = $1 AND expires_at > $2 AND idle_expires_at > $2
       RETURNING *`,
      [sessionIdHash, lastSeen, idle, add],
    );
    if (r === undefined) throw idpNotFound('idpSession', sessionIdHash);
    return fromRow(r);
  }

  async delete(sessionIdHash: string): Promise<boolean> {
    return (await this.#sql.run('DELETE FROM idp_sessions WHERE session_id_hash = $1', [sessionIdHash])) > 0;
  }

  async deleteByUser(userId: string): Promise<number> {
    return this.#sql.run('DELETE FROM idp_sessions WHERE user_id = $1', [userId]);
  }

  async sweep(now: Date): Promise<number> {
    return this.#sql.run('DELETE FROM idp_sessions WHERE expires_at <= $1 OR idle_expires_at <= $1', [ms(now, 'now')]);
  }
}
