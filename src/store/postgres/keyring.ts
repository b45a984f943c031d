// The keyring on PostgreSQL: named data keys, wrapped by the services layer under the master key.

import { notFound } from '../errors.js';
import type { KeyringRepository, WrappedKey } from '../port.js';
import { bytes, copyBytes, date, ms, type Row, type Sql } from './db.js';

function fromRow(r: Row): WrappedKey {
  return { name: r.name as string, wrapped: copyBytes(r.wrapped), createDate: date(r.create_date) };
}

export class PgKeyring implements KeyringRepository {
  constructor(private readonly sql: Sql) {}

  async get(name: string): Promise<WrappedKey | undefined> {
    const r = await this.sql.row('SELECT * FROM keyring WHERE name = $1', [name]);
    return r === undefined ? undefined : fromRow(r);
  }

  async initialize(key: WrappedKey): Promise<WrappedKey> {
    const values = [key.name, bytes(key.wrapped, 'wrapped'), ms(key.createDate, 'createDate')];
    // The first node's key wins: the read after the insert returns it to every node.
    return this.sql.atomic(async (sql) => {
      await sql.run('INSERT INTO keyring (name, wrapped, create_date) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', values);
      return fromRow((await sql.row('SELECT * FROM keyring WHERE name = $1', [key.name])) as Row);
    });
  }

  async rewrap(name: string, wrapped: Uint8Array): Promise<WrappedKey> {
    const r = await this.sql.row('UPDATE keyring SET wrapped = $1 WHERE name = $2 RETURNING *', [bytes(wrapped, 'wrapped'), name]);
    if (r === undefined) throw notFound('key', name);
    return fromRow(r);
  }
}
