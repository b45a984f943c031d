// IdP tenants: host unique case-insensitively (the column is COLLATE NOCASE; hosts are ASCII).

import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { Tenant, TenantRepository, TenantUpdate } from '../idp-port.js';
import { id, text, type Mutable } from '../idp-values.js';
import { date, isUniqueViolation, ms, type Db, type Row, type Statement } from './db.js';
import type { Sync } from './sync.js';

function fromRow(r: Row): Tenant {
  const t: Mutable<Tenant> = {
    tenantId: r.tenant_id as string,
    host: r.host as string,
    friendlyName: r.friendly_name as string,
    createDate: date(r.create_date),
    updateDate: date(r.update_date),
  };
  if (r.issuer !== null) t.issuer = r.issuer as string;
  return t;
}

export class SqliteTenants implements Sync<TenantRepository> {
  readonly #db: Db;
  readonly #s: Record<'get' | 'getByHost' | 'insert' | 'list' | 'update', Statement>;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      get: db.prepare('SELECT * FROM idp_tenants WHERE tenant_id = ?'),
      getByHost: db.prepare('SELECT * FROM idp_tenants WHERE host = ?'),
      insert: db.prepare(
        'INSERT INTO idp_tenants (tenant_id, host, issuer, friendly_name, create_date, update_date) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      list: db.prepare('SELECT * FROM idp_tenants ORDER BY create_date, tenant_id'),
      update: db.prepare('UPDATE idp_tenants SET host = ?, issuer = ?, friendly_name = ?, update_date = ? WHERE tenant_id = ?'),
    };
  }

  create(t: Tenant): Tenant {
    const params = [
      id(t.tenantId, 'tenantId'),
      id(t.host, 'host'),
      t.issuer === undefined ? null : id(t.issuer, 'issuer'),
      text(t.friendlyName, 'friendlyName'),
      ms(t.createDate, 'createDate'),
      ms(t.updateDate, 'updateDate'),
    ];
    return this.#db.write(() => {
      if (this.#s.get.get(t.tenantId) !== undefined) throw idpConflict('tenant', 'tenantId', t.tenantId);
      try {
        this.#s.insert.run(...params);
      } catch (e) {
        if (isUniqueViolation(e)) throw idpConflict('tenant', 'host', t.host);
        throw e;
      }
      return fromRow(this.#s.get.get(t.tenantId) as Row);
    });
  }

  get(tenantId: string): Tenant | undefined {
    const r = this.#s.get.get(tenantId) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  getByHost(host: string): Tenant | undefined {
    const r = this.#s.getByHost.get(host) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  list(): readonly Tenant[] {
    return (this.#s.list.all() as Row[]).map(fromRow);
  }

  update(tenantId: string, patch: TenantUpdate): Tenant {
    const updated = ms(patch.updateDate, 'updateDate');
    return this.#db.write(() => {
      const cur = this.get(tenantId);
      if (cur === undefined) throw idpNotFound('tenant', tenantId);
      const host = patch.host === undefined ? cur.host : id(patch.host, 'host');
      const issuer = patch.issuer === undefined ? (cur.issuer ?? null) : patch.issuer === null ? null : id(patch.issuer, 'issuer');
      const friendlyName = patch.friendlyName === undefined ? cur.friendlyName : text(patch.friendlyName, 'friendlyName');
      try {
        this.#s.update.run(host, issuer, friendlyName, updated, tenantId);
      } catch (e) {
        if (isUniqueViolation(e)) throw idpConflict('tenant', 'host', host);
        throw e;
      }
      return fromRow(this.#s.get.get(tenantId) as Row);
    });
  }
}
