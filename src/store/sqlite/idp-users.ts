// Database-connection users. Email is unique per tenant and connection after lower-casing (the
// email_key column, computed here); recordLogin and mergeMetadata are single atomic writes, so
// concurrent logins on several nodes never lose a count or a metadata key.

import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { IdpMetadataMerge, IdpUser, IdpUserListRequest, IdpUserRepository, IdpUserUpdate, JsonObject, NewIdpUser } from '../idp-port.js';
import { applyIdpUserUpdate, bool, emailKey, id, jsonObject, mergeMetadata, optText, parseJson, text, type Mutable } from '../idp-values.js';
import { decodeToken, encodeToken, pageSize } from '../paging.js';
import type { Page } from '../port.js';
import { date, isUniqueViolation, ms, type Db, type Row, type Statement } from './db.js';
import { tenantCheck } from './idp-common.js';
import type { Sync } from './sync.js';

const LIST = 'idpUsers';

function fromRow(r: Row): IdpUser {
  const u: Mutable<IdpUser> = {
    userId: r.user_id as string,
    tenantId: r.tenant_id as string,
    connection: r.connection as string,
    email: r.email as string,
    emailVerified: r.email_verified === 1,
    passwordHash: r.password_hash as string,
    name: r.name as string,
    nickname: r.nickname as string,
    picture: r.picture as string,
    appMetadata: parseJson<JsonObject>(r.app_metadata),
    userMetadata: parseJson<JsonObject>(r.user_metadata),
    blocked: r.blocked === 1,
    loginsCount: r.logins_count as number,
    createDate: date(r.create_date),
    updateDate: date(r.update_date),
  };
  if (r.given_name !== null) u.givenName = r.given_name as string;
  if (r.family_name !== null) u.familyName = r.family_name as string;
  if (r.last_login !== null) u.lastLogin = date(r.last_login);
  if (r.last_ip !== null) u.lastIp = r.last_ip as string;
  return u;
}

/** The mutable columns of a user, checked, as named parameters. */
function columns(u: Omit<IdpUser, 'userId' | 'tenantId' | 'connection' | 'createDate' | 'loginsCount' | 'lastLogin' | 'lastIp'>): Record<string, unknown> & { readonly emailKey: string } {
  const email = text(u.email, 'email');
  return {
    email,
    emailKey: emailKey(email),
    emailVerified: bool(u.emailVerified, 'emailVerified') ? 1 : 0,
    passwordHash: text(u.passwordHash, 'passwordHash'),
    name: text(u.name, 'name'),
    nickname: text(u.nickname, 'nickname'),
    picture: text(u.picture, 'picture'),
    givenName: optText(u.givenName, 'givenName'),
    familyName: optText(u.familyName, 'familyName'),
    appMetadata: jsonObject(u.appMetadata, 'appMetadata'),
    userMetadata: jsonObject(u.userMetadata, 'userMetadata'),
    blocked: bool(u.blocked, 'blocked') ? 1 : 0,
    updateDate: ms(u.updateDate, 'updateDate'),
  };
}

export class SqliteIdpUsers implements Sync<IdpUserRepository> {
  readonly #db: Db;
  readonly #tenant: (tenantId: unknown) => string;
  readonly #s: Record<'get' | 'getByEmail' | 'insert' | 'list' | 'listByConnection' | 'update' | 'setMetadata' | 'recordLogin' | 'delete', Statement>;

  constructor(db: Db) {
    this.#db = db;
    this.#tenant = tenantCheck(db);
    this.#s = {
      get: db.prepare('SELECT * FROM idp_users WHERE user_id = ?'),
      getByEmail: db.prepare('SELECT * FROM idp_users WHERE tenant_id = ? AND connection = ? AND email_key = ?'),
      insert: db.prepare(
        `INSERT INTO idp_users (user_id, tenant_id, connection, email, email_key, email_verified, password_hash, name, nickname, picture,
          given_name, family_name, app_metadata, user_metadata, blocked, logins_count, create_date, update_date)
         VALUES (@userId, @tenantId, @connection, @email, @emailKey, @emailVerified, @passwordHash, @name, @nickname, @picture,
          @givenName, @familyName, @appMetadata, @userMetadata, @blocked, 0, @createDate, @updateDate)`,
      ),
      list: db.prepare('SELECT * FROM idp_users WHERE tenant_id = @tenantId AND seq > @after ORDER BY seq LIMIT @limit'),
      listByConnection: db.prepare(
        'SELECT * FROM idp_users WHERE tenant_id = @tenantId AND connection = @connection AND seq > @after ORDER BY seq LIMIT @limit',
      ),
      update: db.prepare(
        `UPDATE idp_users SET email = @email, email_key = @emailKey, email_verified = @emailVerified, password_hash = @passwordHash,
          name = @name, nickname = @nickname, picture = @picture, given_name = @givenName, family_name = @familyName,
          app_metadata = @appMetadata, user_metadata = @userMetadata, blocked = @blocked, update_date = @updateDate
         WHERE user_id = @userId`,
      ),
      setMetadata: db.prepare('UPDATE idp_users SET app_metadata = ?, user_metadata = ?, update_date = ? WHERE user_id = ?'),
      recordLogin: db.prepare(
        `UPDATE idp_users SET logins_count = logins_count + 1, last_login = ?, last_ip = ?, update_date = ?
         WHERE user_id = ? RETURNING *`,
      ),
      delete: db.prepare('DELETE FROM idp_users WHERE user_id = ?'),
    };
  }

  create(user: NewIdpUser): IdpUser {
    const params = {
      ...columns(user),
      userId: id(user.userId, 'userId'),
      tenantId: id(user.tenantId, 'tenantId'),
      connection: id(user.connection, 'connection'),
      createDate: ms(user.createDate, 'createDate'),
    };
    return this.#db.write(() => {
      this.#tenant(user.tenantId);
      if (this.#s.get.get(user.userId) !== undefined) throw idpConflict('idpUser', 'userId', user.userId);
      if (this.#s.getByEmail.get(user.tenantId, user.connection, params.emailKey) !== undefined) throw idpConflict('idpUser', 'email', user.email);
      this.#s.insert.run(params);
      return fromRow(this.#s.get.get(user.userId) as Row);
    });
  }

  get(userId: string): IdpUser | undefined {
    const r = this.#s.get.get(userId) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  getByEmail(tenantId: string, connection: string, email: string): IdpUser | undefined {
    const r = this.#s.getByEmail.get(tenantId, connection, emailKey(text(email, 'email'))) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  list(tenantId: string, request?: IdpUserListRequest): Page<IdpUser> {
    const size = pageSize(request);
    const after = request?.nextToken === undefined ? 0 : decodeToken(LIST, request.nextToken, 'number');
    const params = { tenantId, after, limit: size === undefined ? -1 : size + 1 };
    const rows = (
      request?.connection === undefined ? this.#s.list.all(params) : this.#s.listByConnection.all({ ...params, connection: request.connection })
    ) as Row[];
    if (size === undefined || rows.length <= size) return { items: rows.map(fromRow) };
    const page = rows.slice(0, size);
    return { items: page.map(fromRow), nextToken: encodeToken(LIST, (page[page.length - 1] as Row).seq as number) };
  }

  update(userId: string, patch: IdpUserUpdate): IdpUser {
    return this.#db.write(() => {
      const cur = this.#mustGet(userId);
      const next = applyIdpUserUpdate(cur, patch);
      const params = { ...columns(next), userId };
      try {
        this.#s.update.run(params);
      } catch (e) {
        if (isUniqueViolation(e)) throw idpConflict('idpUser', 'email', next.email);
        throw e;
      }
      return fromRow(this.#s.get.get(userId) as Row);
    });
  }

  mergeMetadata(userId: string, merge: IdpMetadataMerge): IdpUser {
    const updated = ms(merge.updateDate, 'updateDate');
    if (merge.appMetadata !== undefined) jsonObject(merge.appMetadata, 'appMetadata');
    if (merge.userMetadata !== undefined) jsonObject(merge.userMetadata, 'userMetadata');
    // INVARIANT: read and write in one IMMEDIATE transaction: no other writer, in any process, between them.
    return this.#db.write(() => {
      const cur = this.#mustGet(userId);
      const app = merge.appMetadata === undefined ? cur.appMetadata : mergeMetadata(cur.appMetadata, merge.appMetadata);
      const user = merge.userMetadata === undefined ? cur.userMetadata : mergeMetadata(cur.userMetadata, merge.userMetadata);
      this.#s.setMetadata.run(JSON.stringify(app), JSON.stringify(user), updated, userId);
      return fromRow(this.#s.get.get(userId) as Row);
    });
  }

  recordLogin(userId: string, login: { readonly at: Date; readonly ip?: string }): IdpUser {
    const at = ms(login.at, 'at');
    const r = this.#s.recordLogin.get(at, optText(login.ip, 'ip'), at, userId) as Row | undefined;
    if (r === undefined) throw idpNotFound('idpUser', userId);
    return fromRow(r);
  }

  delete(userId: string): void {
    // The user's sessions go with it (ON DELETE CASCADE).
    if (this.#s.delete.run(userId).changes === 0) throw idpNotFound('idpUser', userId);
  }

  #mustGet(userId: string): IdpUser {
    const u = this.get(userId);
    if (u === undefined) throw idpNotFound('idpUser', userId);
    return u;
  }
}
