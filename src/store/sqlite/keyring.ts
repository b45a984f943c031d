// The keyring: named data keys, wrapped by the services layer under the master key.

import { notFound } from '../errors.js';
import type { KeyringRepository, WrappedKey } from '../port.js';
import { bytes, copyBytes, date, ms, type Db, type Row, type Statement } from './db.js';
import type { Sync } from './sync.js';

function fromRow(r: Row): WrappedKey {
  return { name: r.name as string, wrapped: copyBytes(r.wrapped), createDate: date(r.create_date) };
}

export class SqliteKeyring implements Sync<KeyringRepository> {
  readonly #db: Db;
  readonly #get: Statement;
  readonly #insertIfAbsent: Statement;
  readonly #rewrap: Statement;

  constructor(db: Db) {
    this.#db = db;
    this.#get = db.prepare('SELECT * FROM keyring WHERE name = ?');
    this.#insertIfAbsent = db.prepare('INSERT INTO keyring (name, wrapped, create_date) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING');
    this.#rewrap = db.prepare('UPDATE keyring SET wrapped = ? WHERE name = ?');
  }

  get(name: string): WrappedKey | undefined {
    const r = this.#get.get(name) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  initialize(key: WrappedKey): WrappedKey {
    return this.#db.write(() => {
      this.#insertIfAbsent.run(key.name, bytes(key.wrapped, 'wrapped'), ms(key.createDate, 'createDate'));
      return fromRow(this.#get.get(key.name) as Row);
    });
  }

  rewrap(name: string, wrapped: Uint8Array): WrappedKey {
    return this.#db.write(() => {
      if (this.#rewrap.run(bytes(wrapped, 'wrapped'), name).changes === 0) throw notFound('key', name);
      return fromRow(this.#get.get(name) as Row);
    });
  }
}
