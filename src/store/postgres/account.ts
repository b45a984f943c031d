// Account settings on PostgreSQL: one row (the admin access key id and its sealed secret).

import type { AccountSettings, AccountSettingsRepository } from '../port.js';
import { bytes, copyBytes, date, ms, type Row, type Sql } from './db.js';

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

const GET = 'SELECT * FROM account_settings WHERE singleton = 1';
const INSERT = 'INSERT INTO account_settings (singleton, account_id, admin_access_key_id, admin_secret_sealed, update_date) VALUES (1, $1, $2, $3, $4)';

export class PgAccountSettings implements AccountSettingsRepository {
  constructor(private readonly sql: Sql) {}

  async get(): Promise<AccountSettings | undefined> {
    const r = await this.sql.row(GET);
    return r === undefined ? undefined : fromRow(r);
  }

  async initialize(settings: AccountSettings): Promise<AccountSettings> {
    const values = params(settings);
    // Two statements in one transaction: the read after the insert sees the winner's row, whichever
    // node inserted it (a single INSERT … RETURNING returns nothing to the losers).
    return this.sql.atomic(async (sql) => {
      await sql.run(`${INSERT} ON CONFLICT (singleton) DO NOTHING`, values);
      return fromRow((await sql.row(GET)) as Row);
    });
  }

  async put(settings: AccountSettings): Promise<AccountSettings> {
    const r = await this.sql.row(
      `${INSERT} ON CONFLICT (singleton) DO UPDATE SET account_id = excluded.account_id, admin_access_key_id = excluded.admin_access_key_id,
       admin_secret_sealed = excluded.admin_secret_sealed, update_date = excluded.update_date RETURNING *`,
      params(settings),
    );
    return fromRow(r as Row);
  }
}
