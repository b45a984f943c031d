// IAM users' long-term access keys. The secret arrives sealed; the store keeps the bytes as given.
// The two-keys-per-user limit is checked inside the write transaction.

import { conflict, invalidInput, limitExceeded, notFound } from '../errors.js';
import { accessKeyStatus } from '../iam-values.js';
import { ACCESS_KEYS_PER_USER_LIMIT, type AccessKey, type AccessKeyRepository, type AccessKeyStatus } from '../port.js';
import { bytes, copyBytes, date, isUniqueViolation, ms, type Db, type Row, type Statement } from './db.js';
import type { Sync } from './sync.js';

const SELECT_KEY = `SELECT k.access_key_id, u.user_name, k.secret_sealed, k.status, k.create_date
  FROM access_keys k JOIN users u ON u.user_id = k.user_id`;

function fromRow(r: Row): AccessKey {
  return {
    accessKeyId: r.access_key_id as string,
    userName: r.user_name as string,
    secretSealed: copyBytes(r.secret_sealed),
    status: r.status as AccessKeyStatus,
    createDate: date(r.create_date),
  };
}

export class SqliteAccessKeys implements Sync<AccessKeyRepository> {
  readonly #db: Db;
  readonly #s: Record<'get' | 'user' | 'count' | 'insert' | 'listByUser' | 'setStatus' | 'delete', Statement>;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      get: db.prepare(`${SELECT_KEY} WHERE k.access_key_id = ?`),
      user: db.prepare('SELECT user_id, user_name FROM users WHERE user_name = ?'),
      count: db.prepare('SELECT count(*) AS n FROM access_keys WHERE user_id = ?'),
      insert: db.prepare('INSERT INTO access_keys (access_key_id, user_id, secret_sealed, status, create_date) VALUES (?, ?, ?, ?, ?)'),
      listByUser: db.prepare(`${SELECT_KEY} WHERE k.user_id = ? ORDER BY k.create_date, k.access_key_id`),
      setStatus: db.prepare('UPDATE access_keys SET status = ? WHERE access_key_id = ?'),
      delete: db.prepare('DELETE FROM access_keys WHERE access_key_id = ?'),
    };
  }

  create(key: AccessKey): AccessKey {
    if (typeof key.accessKeyId !== 'string') throw invalidInput('access key needs an accessKeyId', 'accessKey');
    const status = accessKeyStatus(key.status);
    const secret = bytes(key.secretSealed, 'secretSealed');
    const created = ms(key.createDate, 'createDate');
    return this.#db.write(() => {
      const u = this.#user(key.userName);
      if ((this.#s.count.get(u.user_id) as { n: number }).n >= ACCESS_KEYS_PER_USER_LIMIT) {
        throw limitExceeded('user', u.user_name, 'accessKeys', ACCESS_KEYS_PER_USER_LIMIT);
      }
      try {
        this.#s.insert.run(key.accessKeyId, u.user_id, secret, status, created);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('accessKey', key.accessKeyId);
        throw e;
      }
      return fromRow(this.#s.get.get(key.accessKeyId) as Row);
    });
  }

  get(accessKeyId: string): AccessKey | undefined {
    const r = this.#s.get.get(accessKeyId) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  listByUser(userName: string): readonly AccessKey[] {
    return this.#db.read(() => (this.#s.listByUser.all(this.#user(userName).user_id) as Row[]).map(fromRow));
  }

  updateStatus(accessKeyId: string, status: AccessKeyStatus): AccessKey {
    const s = accessKeyStatus(status);
    return this.#db.write(() => {
      if (this.#s.setStatus.run(s, accessKeyId).changes === 0) throw notFound('accessKey', accessKeyId);
      return fromRow(this.#s.get.get(accessKeyId) as Row);
    });
  }

  delete(accessKeyId: string): void {
    if (this.#s.delete.run(accessKeyId).changes === 0) throw notFound('accessKey', accessKeyId);
  }

  #user(userName: string): { user_id: string; user_name: string } {
    const u = this.#s.user.get(userName) as { user_id: string; user_name: string } | undefined;
    if (u === undefined) throw notFound('user', userName);
    return u;
  }
}
