// Account settings: one row (the admin access key id and its sealed secret).

import type { AccountSettings, AccountSettingsRepository } from '../port.js';
import { bytes, copyBytes, date, ms, type Db, type Row, type Statement } from './db.js';
import type { Sync } from './sync.js';

function fromRow(r: Row): AccountSettings {
  return {
    accountId: r.account_id as string,
    adminAccessKeyId: r.admin_access_key_id as string,
    adminSecretSealed: copyBytes(r.admin_secret_sealed),
    updateDate: date(r.update_date),
  };
}

function params(s: AccountSettings): unknown[] {
  return [s.accountId, s.adminAccessKeyId, bytes(s.adminSecretSealed, 'adminSecretSealed'), ms(s.updateDate, 'updateDate')];
}

export class SqliteAccountSettings implements Sync<AccountSettingsRepository> {
  readonly #db: Db;
  readonly #get: Statement;
  readonly #insertIfAbsent: Statement;
  readonly #upsert: Statement;

  constructor(db: Db) {
    this.#db = db;
    this.#get = db.prepare('SELECT * FROM account_settings WHERE singleton = 1');
    const insert = 'INSERT INTO account_settings (singleton, account_id, admin_access_key_id, admin_secret_sealed, update_date) VALUES (1, ?, ?, ?, ?)';
    this.#insertIfAbsent = db.prepare(`${insert} ON CONFLICT (singleton) DO NOTHING`);
    this.#upsert = db.prepare(
      `${insert} ON CONFLICT (singleton) DO UPDATE SET account_id = excluded.account_id, admin_access_key_id = excluded.admin_access_key_id,
       admin_secret_sealed = excluded.admin_secret_sealed, update_date = excluded.update_date`,
    );
  }

  get(): AccountSettings | undefined {
    const r = this.#get.get() as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  initialize(settings: AccountSettings): AccountSettings {
    return this.#db.write(() => {
      this.#insertIfAbsent.run(...params(settings));
      return fromRow(this.#get.get() as Row);
    });
  }

  put(settings: AccountSettings): AccountSettings {
    return this.#db.write(() => {
      this.#upsert.run(...params(settings));
      return fromRow(this.#get.get() as Row);
    });
  }
}
