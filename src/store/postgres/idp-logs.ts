// The tenant log on PostgreSQL: append-only rows, listed newest first (date descending, then the
// reverse of appending) with a keyset cursor on (date, seq), and pruned to the newest N per tenant
// by one DELETE over one snapshot.

import { idpConflict, idpNotFound } from '../idp-errors.js';
import type { JsonObject, TenantLogEntry, TenantLogRepository, TenantLogType } from '../idp-port.js';
import { TENANT_LOG_LIST, decodeLogCursor, id, jsonObject, nonNegativeInt, optText, tenantLogType, text, type Mutable } from '../idp-values.js';
import { encodeToken, pageSize } from '../paging.js';
import type { Page, PageRequest } from '../port.js';
import { date, ms, type Row, type Sql } from './db.js';
import { checkTenant, int, isForeignKeyViolation, parseJson } from './idp-common.js';

const LIST = TENANT_LOG_LIST;

function fromRow(r: Row): TenantLogEntry {
  const e: Mutable<TenantLogEntry> = {
    id: r.log_id as string,
    tenantId: r.tenant_id as string,
    date: date(r.date),
    type: r.type as TenantLogType,
    description: r.description as string,
    details: parseJson<JsonObject>(r.details),
  };
  if (r.client_id !== null) e.clientId = r.client_id as string;
  if (r.client_name !== null) e.clientName = r.client_name as string;
  if (r.user_id !== null) e.userId = r.user_id as string;
  if (r.user_name !== null) e.userName = r.user_name as string;
  if (r.ip !== null) e.ip = r.ip as string;
  return e;
}

export class PgTenantLogs implements TenantLogRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async append(entry: TenantLogEntry): Promise<TenantLogEntry> {
    const params = [
      id(entry.id, 'id'),
      id(entry.tenantId, 'tenantId'),
      ms(entry.date, 'date'),
      tenantLogType(entry.type),
      text(entry.description, 'description'),
      optText(entry.clientId, 'clientId'),
      optText(entry.clientName, 'clientName'),
      optText(entry.userId, 'userId'),
      optText(entry.userName, 'userName'),
      optText(entry.ip, 'ip'),
      jsonObject(entry.details, 'details'),
    ];
    await checkTenant(this.#sql, entry.tenantId);
    let r: Row | undefined;
    try {
      r = await this.#sql.row(
        `INSERT INTO idp_tenant_logs (log_id, tenant_id, date, type, description, client_id, client_name, user_id, user_name, ip, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING *`,
        params,
      );
    } catch (e) {
      if (isForeignKeyViolation(e)) throw idpNotFound('tenant', entry.tenantId);
      throw e;
    }
    if (r === undefined) throw idpConflict('tenantLog', 'id', entry.id);
    return fromRow(r);
  }

  async list(tenantId: string, request?: PageRequest): Promise<Page<TenantLogEntry>> {
    const size = pageSize(request);
    // LIMIT NULL is no limit.
    const limit = size === undefined ? null : size + 1;
    let rows: Row[];
    if (request?.nextToken === undefined) {
      rows = await this.#sql.rows('SELECT * FROM idp_tenant_logs WHERE tenant_id = $1 ORDER BY date DESC, seq DESC LIMIT $2', [tenantId, limit]);
    } else {
      const c = decodeLogCursor(request.nextToken);
      rows = await this.#sql.rows(
        `SELECT * FROM idp_tenant_logs WHERE tenant_id = $1 AND (date < $3 OR (date = $3 AND seq < $4))
         ORDER BY date DESC, seq DESC LIMIT $2`,
        [tenantId, limit, c.date, c.seq],
      );
    }
    if (size === undefined || rows.length <= size) return { items: rows.map(fromRow) };
    const page = rows.slice(0, size);
    const last = page[page.length - 1] as Row;
    return { items: page.map(fromRow), nextToken: encodeToken(LIST, `${int(last.date)}:${int(last.seq)}`) };
  }

  async prune(tenantId: string, keepLast: number): Promise<number> {
    const keep = nonNegativeInt(keepLast, 'keepLast');
    // Everything after the newest `keep` entries in list order goes, in one statement.
    return this.#sql.run(
      `DELETE FROM idp_tenant_logs WHERE seq IN (
         SELECT seq FROM idp_tenant_logs WHERE tenant_id = $1 ORDER BY date DESC, seq DESC OFFSET $2)`,
      [tenantId, keep],
    );
  }
}
