// IdP tenants on PostgreSQL: host unique case-insensitively through a unique index on lower(host)
// (ASCII folding under COLLATE "C", as SQLite's NOCASE). create is one INSERT … ON CONFLICT DO
// NOTHING; only a refused insert looks again to say which field was taken.

import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { Tenant, TenantRepository, TenantUpdate } from '../idp-port.js';
import { id, text, type Mutable } from '../idp-values.js';
import { date, ms, type Row, type Sql } from './db.js';
import { uniqueViolation } from './idp-common.js';

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

const GET = 'SELECT * FROM idp_tenants WHERE tenant_id = $1';

export class PgTenants implements TenantRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(t: Tenant): Promise<Tenant> {
    const params = [
      id(t.tenantId, 'tenantId'),
      id(t.host, 'host'),
      t.issuer === undefined ? null : id(t.issuer, 'issuer'),
      text(t.friendlyName, 'friendlyName'),
      ms(t.createDate, 'createDate'),
      ms(t.updateDate, 'updateDate'),
    ];
    const r = await this.#sql.row(
      `INSERT INTO idp_tenants (tenant_id, host, issuer, friendly_name, create_date, update_date) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING *`,
      params,
    );
    if (r !== undefined) return fromRow(r);
    // Tenants are never deleted: what refused the insert is still there.
    if ((await this.#sql.row(GET, [t.tenantId])) !== undefined) throw idpConflict('tenant', 'tenantId', t.tenantId);
    throw idpConflict('tenant', 'host', t.host);
  }

  async get(tenantId: string): Promise<Tenant | undefined> {
    const r = await this.#sql.row(GET, [tenantId]);
    return r === undefined ? undefined : fromRow(r);
  }

  async getByHost(host: string): Promise<Tenant | undefined> {
    const r = await this.#sql.row('SELECT * FROM idp_tenants WHERE lower(host) = lower($1::text COLLATE "C")', [host]);
    return r === undefined ? undefined : fromRow(r);
  }

  async list(): Promise<readonly Tenant[]> {
    return (await this.#sql.rows('SELECT * FROM idp_tenants ORDER BY create_date, tenant_id')).map(fromRow);
  }

  async update(tenantId: string, patch: TenantUpdate): Promise<Tenant> {
    const updated = ms(patch.updateDate, 'updateDate');
    return this.#sql.atomic(async (q) => {
      const r = await q.row(`${GET} FOR UPDATE`, [tenantId]);
      if (r === undefined) throw idpNotFound('tenant', tenantId);
      const cur = fromRow(r);
      const host = patch.host === undefined ? cur.host : id(patch.host, 'host');
      const issuer = patch.issuer === undefined ? (cur.issuer ?? null) : patch.issuer === null ? null : id(patch.issuer, 'issuer');
      const friendlyName = patch.friendlyName === undefined ? cur.friendlyName : text(patch.friendlyName, 'friendlyName');
      try {
        const out = await q.row(
          'UPDATE idp_tenants SET host = $1, issuer = $2, friendly_name = $3, update_date = $4 WHERE tenant_id = $5 RETURNING *',
          [host, issuer, friendlyName, updated, tenantId],
        );
        return fromRow(out as Row);
      } catch (e) {
        if (uniqueViolation(e) !== undefined) throw idpConflict('tenant', 'host', host);
        throw e;
      }
    });
  }
}
