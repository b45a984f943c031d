// IAM users' long-term access keys on PostgreSQL. The secret arrives sealed; the store keeps the
// bytes as given. The two-keys-per-user limit is a count and an insert in one serializable `atomic`
// block, so two nodes adding keys at once cannot end with three.

import { conflict, invalidInput, limitExceeded, notFound } from '../errors.js';
import { accessKeyStatus } from '../iam-values.js';
import { ACCESS_KEYS_PER_USER_LIMIT, type AccessKey, type AccessKeyRepository, type AccessKeyStatus } from '../port.js';
import { bytes, copyBytes, date, isUniqueViolation, ms, type Row, type Sql } from './db.js';

const COLUMNS = 'k.access_key_id, u.user_name, k.secret_sealed, k.status, k.create_date';
const GET = `SELECT ${COLUMNS} FROM access_keys k JOIN users u ON u.user_id = k.user_id WHERE k.access_key_id = $1`;

function fromRow(r: Row): AccessKey {
  return {
    accessKeyId: r.access_key_id as string,
    userName: r.user_name as string,
    secretSealed: copyBytes(r.secret_sealed),
    status: r.status as AccessKeyStatus,
    createDate: date(r.create_date),
  };
}

export class PgAccessKeys implements AccessKeyRepository {
  constructor(private readonly sql: Sql) {}

  async create(key: AccessKey): Promise<AccessKey> {
    if (typeof key.accessKeyId !== 'string') throw invalidInput('access key needs an accessKeyId', 'accessKey');
    const status = accessKeyStatus(key.status);
    const secret = bytes(key.secretSealed, 'secretSealed');
    const created = ms(key.createDate, 'createDate');
    return this.sql.atomic(async (sql) => {
      const u = await sql.row<{ user_id: string; user_name: string; n: number }>(
        `SELECT u.user_id, u.user_name, (SELECT count(*) FROM access_keys k WHERE k.user_id = u.user_id) AS n
         FROM users u WHERE lower(u.user_name) = lower($1::text COLLATE "C")`,
        [key.userName],
      );
      if (u === undefined) throw notFound('user', key.userName);
      if (u.n >= ACCESS_KEYS_PER_USER_LIMIT) throw limitExceeded('user', u.user_name, 'accessKeys', ACCESS_KEYS_PER_USER_LIMIT);
      try {
        await sql.run('INSERT INTO access_keys (access_key_id, user_id, secret_sealed, status, create_date) VALUES ($1, $2, $3, $4, $5)', [
          key.accessKeyId,
          u.user_id,
          secret,
          status,
          created,
        ]);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('accessKey', key.accessKeyId);
        throw e;
      }
      return { accessKeyId: key.accessKeyId, userName: u.user_name, secretSealed: new Uint8Array(secret), status, createDate: new Date(created) };
    });
  }

  async get(accessKeyId: string): Promise<AccessKey | undefined> {
    const r = await this.sql.row(GET, [accessKeyId]);
    return r === undefined ? undefined : fromRow(r);
  }

  async listByUser(userName: string): Promise<readonly AccessKey[]> {
    // One statement, one snapshot: the user row (absent = not found) with its keys, oldest first.
    const rows = await this.sql.rows(
      `SELECT ${COLUMNS} FROM users u LEFT JOIN access_keys k ON k.user_id = u.user_id
       WHERE lower(u.user_name) = lower($1::text COLLATE "C") ORDER BY k.create_date, k.access_key_id`,
      [userName],
    );
    if (rows.length === 0) throw notFound('user', userName);
    return rows.filter((r) => r.access_key_id !== null).map(fromRow);
  }

  async updateStatus(accessKeyId: string, status: AccessKeyStatus): Promise<AccessKey> {
    const s = accessKeyStatus(status);
    const r = await this.sql.row(
      `UPDATE access_keys k SET status = $1 FROM users u WHERE k.access_key_id = $2 AND u.user_id = k.user_id RETURNING ${COLUMNS}`,
      [s, accessKeyId],
    );
    if (r === undefined) throw notFound('accessKey', accessKeyId);
    return fromRow(r);
  }

  async delete(accessKeyId: string): Promise<void> {
    if ((await this.sql.run('DELETE FROM access_keys WHERE access_key_id = $1', [accessKeyId])) === 0) throw notFound('accessKey', accessKeyId);
  }
}
