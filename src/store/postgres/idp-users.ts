// Database-connection users on PostgreSQL. Email is unique per tenant and connection after
// lower-casing (the email_key column, computed here by the same emailKey as on SQLite, never by the
// server's locale). recordLogin is one UPDATE … RETURNING; mergeMetadata reads, merges (Auth0's
// PATCH, idp-values.ts) and writes in one atomic block with the row locked, so concurrent logins and
// merges on several nodes never lose a count or a metadata key.

import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { IdpMetadataMerge, IdpUser, IdpUserListRequest, IdpUserRepository, IdpUserUpdate, JsonObject, NewIdpUser } from '../idp-port.js';
import { applyIdpUserUpdate, bool, emailKey, id, jsonObject, mergeMetadata, optText, text, type Mutable } from '../idp-values.js';
import { decodeToken, encodeToken, pageSize } from '../paging.js';
import type { Page } from '../port.js';
import { date, ms, type Row, type Sql } from './db.js';
import { checkTenant, int, parseJson, uniqueViolation } from './idp-common.js';

const LIST = 'idpUsers';

function fromRow(r: Row): IdpUser {
  const u: Mutable<IdpUser> = {
    userId: r.user_id as string,
    tenantId: r.tenant_id as string,
    connection: r.connection as string,
    email: r.email as string,
    emailVerified: r.email_verified === true,
    passwordHash: r.password_hash as string,
    name: r.name as string,
    nickname: r.nickname as string,
    picture: r.picture as string,
    appMetadata: parseJson<JsonObject>(r.app_metadata),
    userMetadata: parseJson<JsonObject>(r.user_metadata),
    blocked: r.blocked === true,
    loginsCount: int(r.logins_count),
    createDate: date(r.create_date),
    updateDate: date(r.update_date),
  };
  if (r.given_name !== null) u.givenName = r.given_name as string;
  if (r.family_name !== null) u.familyName = r.family_name as string;
  if (r.last_login !== null) u.lastLogin = date(r.last_login);
  if (r.last_ip !== null) u.lastIp = r.last_ip as string;
  return u;
}

type Columns = Omit<IdpUser, 'userId' | 'tenantId' | 'connection' | 'createDate' | 'loginsCount' | 'lastLogin' | 'lastIp'>;

/** The mutable columns of a user, checked, in the order of the SET list and the INSERT below. */
function columns(u: Columns): { readonly emailKey: string; readonly values: unknown[] } {
  const email = text(u.email, 'email');
  const key = emailKey(email);
  return {
    emailKey: key,
    values: [
      email,
      key,
      bool(u.emailVerified, 'emailVerified'),
      text(u.passwordHash, 'passwordHash'),
      text(u.name, 'name'),
      text(u.nickname, 'nickname'),
      text(u.picture, 'picture'),
      optText(u.givenName, 'givenName'),
      optText(u.familyName, 'familyName'),
      jsonObject(u.appMetadata, 'appMetadata'),
      jsonObject(u.userMetadata, 'userMetadata'),
      bool(u.blocked, 'blocked'),
      ms(u.updateDate, 'updateDate'),
    ],
  };
}

const GET = 'SELECT * FROM idp_users WHERE user_id = $1';
const BY_EMAIL = 'SELECT * FROM idp_users WHERE tenant_id = $1 AND connection = $2 AND email_key = $3';

export class PgIdpUsers implements IdpUserRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(user: NewIdpUser): Promise<IdpUser> {
    const cols = columns(user);
    const params = [id(user.userId, 'userId'), id(user.tenantId, 'tenantId'), id(user.connection, 'connection'), ...cols.values, ms(user.createDate, 'createDate')];
    return this.#sql.atomic(async (q) => {
      await checkTenant(q, user.tenantId);
      if ((await q.row(GET, [user.userId])) !== undefined) throw idpConflict('idpUser', 'userId', user.userId);
      if ((await q.row(BY_EMAIL, [user.tenantId, user.connection, cols.emailKey])) !== undefined) throw idpConflict('idpUser', 'email', user.email);
      try {
        const r = await q.row(
          `INSERT INTO idp_users (user_id, tenant_id, connection, email, email_key, email_verified, password_hash, name, nickname, picture,
            given_name, family_name, app_metadata, user_metadata, blocked, update_date, create_date, logins_count)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 0) RETURNING *`,
          params,
        );
        return fromRow(r as Row);
      } catch (e) {
        const index = uniqueViolation(e);
        if (index === 'idp_users_email') throw idpConflict('idpUser', 'email', user.email);
        if (index !== undefined) throw idpConflict('idpUser', 'userId', user.userId);
        throw e;
      }
    });
  }

  async get(userId: string): Promise<IdpUser | undefined> {
    const r = await this.#sql.row(GET, [userId]);
    return r === undefined ? undefined : fromRow(r);
  }

  async getByEmail(tenantId: string, connection: string, email: string): Promise<IdpUser | undefined> {
    const r = await this.#sql.row(BY_EMAIL, [tenantId, connection, emailKey(text(email, 'email'))]);
    return r === undefined ? undefined : fromRow(r);
  }

  async list(tenantId: string, request?: IdpUserListRequest): Promise<Page<IdpUser>> {
    const size = pageSize(request);
    const after = request?.nextToken === undefined ? 0 : decodeToken(LIST, request.nextToken, 'number');
    // LIMIT NULL is no limit.
    const limit = size === undefined ? null : size + 1;
    const rows =
      request?.connection === undefined
        ? await this.#sql.rows('SELECT * FROM idp_users WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [tenantId, after, limit])
        : await this.#sql.rows('SELECT * FROM idp_users WHERE tenant_id = $1 AND connection = $4 AND seq > $2 ORDER BY seq LIMIT $3', [
            tenantId,
            after,
            limit,
            request.connection,
          ]);
    if (size === undefined || rows.length <= size) return { items: rows.map(fromRow) };
    const page = rows.slice(0, size);
    return { items: page.map(fromRow), nextToken: encodeToken(LIST, int((page[page.length - 1] as Row).seq)) };
  }

  async update(userId: string, patch: IdpUserUpdate): Promise<IdpUser> {
    return this.#sql.atomic(async (q) => {
      const cur = await this.#mustGet(q, userId);
      const next = applyIdpUserUpdate(cur, patch);
      const cols = columns(next);
      const holder = await q.row<{ user_id: string }>('SELECT user_id FROM idp_users WHERE tenant_id = $1 AND connection = $2 AND email_key = $3', [
        cur.tenantId,
        cur.connection,
        cols.emailKey,
      ]);
      if (holder !== undefined && holder.user_id !== userId) throw idpConflict('idpUser', 'email', next.email);
      try {
        const r = await q.row(
          `UPDATE idp_users SET email = $1, email_key = $2, email_verified = $3, password_hash = $4, name = $5, nickname = $6, picture = $7,
            given_name = $8, family_name = $9, app_metadata = $10, user_metadata = $11, blocked = $12, update_date = $13
           WHERE user_id = $14 RETURNING *`,
          [...cols.values, userId],
        );
        return fromRow(r as Row);
      } catch (e) {
        if (uniqueViolation(e) !== undefined) throw idpConflict('idpUser', 'email', next.email);
        throw e;
      }
    });
  }

  async mergeMetadata(userId: string, merge: IdpMetadataMerge): Promise<IdpUser> {
    const updated = ms(merge.updateDate, 'updateDate');
    if (merge.appMetadata !== undefined) jsonObject(merge.appMetadata, 'appMetadata');
    if (merge.userMetadata !== undefined) jsonObject(merge.userMetadata, 'userMetadata');
    // INVARIANT: read and write in one atomic block on the locked row: a concurrent merge either
    // waits for this one or is run again from the start on what this one wrote.
    return this.#sql.atomic(async (q) => {
      const cur = await this.#mustGet(q, userId, ' FOR UPDATE');
      const app = merge.appMetadata === undefined ? cur.appMetadata : mergeMetadata(cur.appMetadata, merge.appMetadata);
      const user = merge.userMetadata === undefined ? cur.userMetadata : mergeMetadata(cur.userMetadata, merge.userMetadata);
      const r = await q.row('UPDATE idp_users SET app_metadata = $1, user_metadata = $2, update_date = $3 WHERE user_id = $4 RETURNING *', [
        JSON.stringify(app),
        JSON.stringify(user),
        updated,
        userId,
      ]);
      return fromRow(r as Row);
    });
  }

  async recordLogin(userId: string, login: { readonly at: Date; readonly ip?: string }): Promise<IdpUser> {
    const at = ms(login.at, 'at');
    // One statement: the row lock orders concurrent logins, each adds 1 to what the last one wrote.
    const r = await this.#sql.row(
      'UPDATE idp_users SET logins_count = logins_count + 1, last_login = $1, last_ip = $2, update_date = $1 WHERE user_id = $3 RETURNING *',
      [at, optText(login.ip, 'ip'), userId],
    );
    if (r === undefined) throw idpNotFound('idpUser', userId);
    return fromRow(r);
  }

  async delete(userId: string): Promise<void> {
    // The user's sessions go with it (ON DELETE CASCADE).
    if ((await this.#sql.run('DELETE FROM idp_users WHERE user_id = $1', [userId])) === 0) throw idpNotFound('idpUser', userId);
  }

  async #mustGet(q: Sql, userId: string, lock = ''): Promise<IdpUser> {
    const r = await q.row(GET + lock, [userId]);
    if (r === undefined) throw idpNotFound('idpUser', userId);
    return fromRow(r);
  }
}
