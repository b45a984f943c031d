// SSO sessions, keyed by the hash of the cookie value. An expired session reads as absent and
// cannot be touched back to life; sweep deletes what expired. touch is one IMMEDIATE transaction,
// so two nodes adding clients to one session at once both land.

import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { IdpSession, IdpSessionRepository, IdpSessionTouch } from '../idp-port.js';
import { id, parseJson, stringList } from '../idp-values.js';
import { date, ms, type Db, type Row, type Statement } from './db.js';
import { tenantCheck } from './idp-common.js';
import type { Sync } from './sync.js';

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

export class SqliteIdpSessions implements Sync<IdpSessionRepository> {
  readonly #db: Db;
  readonly #tenant: (tenantId: unknown) => string;
  readonly #s: Record<'get' | 'getLive' | 'user' | 'insert' | 'touch' | 'delete' | 'deleteByUser' | 'sweep', Statement>;

  constructor(db: Db) {
    this.#db = db;
    this.#tenant = tenantCheck(db);
    this.#s = {
      get: db.prepare('SELECT * FROM idp_sessions WHERE session_id_hash = ?'),
      getLive: db.prepare('SELECT * FROM idp_sessions WHERE session_id_hash = @hash AND expires_at > @now AND idle_expires_at > @now'),
      user: db.prepare('SELECT tenant_id FROM idp_users WHERE user_id = ?').pluck(),
      insert: db.prepare(
        `INSERT INTO idp_sessions (session_id_hash, tenant_id, user_id, create_date, last_seen, expires_at, idle_expires_at, clients, authenticated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // max(): touches from nodes whose clocks or requests disagree never move a session backwards.
      touch: db.prepare(
        'UPDATE idp_sessions SET last_seen = max(last_seen, ?), idle_expires_at = max(idle_expires_at, ?), clients = ? WHERE session_id_hash = ?',
      ),
      delete: db.prepare('DELETE FROM idp_sessions WHERE session_id_hash = ?'),
      deleteByUser: db.prepare('DELETE FROM idp_sessions WHERE user_id = ?'),
      sweep: db.prepare('DELETE FROM idp_sessions WHERE expires_at <= @now OR idle_expires_at <= @now'),
    };
  }

  create(s: IdpSession): IdpSession {
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
    return this.#db.write(() => {
      this.#tenant(s.tenantId);
      // The user must exist in this very tenant: a session never spans tenants.
      if (this.#s.user.get(s.userId) !== s.tenantId) throw idpNotFound('idpUser', s.userId);
      if (this.#s.get.get(hash) !== undefined) throw idpConflict('idpSession', 'sessionIdHash', hash);
      this.#s.insert.run(...params);
      return fromRow(this.#s.get.get(hash) as Row);
    });
  }

  get(sessionIdHash: string, now: Date): IdpSession | undefined {
    const r = this.#s.getLive.get({ hash: sessionIdHash, now: ms(now, 'now') }) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  touch(sessionIdHash: string, touch: IdpSessionTouch): IdpSession {
    const lastSeen = ms(touch.lastSeen, 'lastSeen');
    const idle = ms(touch.idleExpiresAt, 'idleExpiresAt');
    const add = touch.addClient === undefined ? undefined : id(touch.addClient, 'addClient');
    return this.#db.write(() => {
      const r = this.#s.getLive.get({ hash: sessionIdHash, now: lastSeen }) as Row | undefined;
      if (r === undefined) throw idpNotFound('idpSession', sessionIdHash);
      const clients = parseJson<string[]>(r.clients);
      if (add !== undefined && !clients.includes(add)) clients.push(add);
      this.#s.touch.run(lastSeen, idle, JSON.stringify(clients), sessionIdHash);
      return fromRow(this.#s.get.get(sessionIdHash) as Row);
    });
  }

  delete(sessionIdHash: string): boolean {
    return this.#s.delete.run(sessionIdHash).changes > 0;
  }

  deleteByUser(userId: string): number {
    return this.#s.deleteByUser.run(userId).changes;
  }

  sweep(now: Date): number {
    return this.#s.sweep.run({ now: ms(now, 'now') }).changes;
  }
}
