// The tenant log: append-only rows, listed newest first (date descending, then the reverse of
// appending) with a keyset cursor on (date, seq), and pruned to the newest N per tenant.

import { encodeToken, pageSize } from '../paging.js';
import { idpConflict } from '../idp-errors.js';
import type { JsonObject, TenantLogEntry, TenantLogRepository, TenantLogType } from '../idp-port.js';
import { TENANT_LOG_LIST, decodeLogCursor, id, jsonObject, nonNegativeInt, optText, parseJson, tenantLogType, text, type Mutable } from '../idp-values.js';
import type { Page, PageRequest } from '../port.js';
import { date, isUniqueViolation, ms, type Db, type Row, type Statement } from './db.js';
import { tenantCheck } from './idp-common.js';
import type { Sync } from './sync.js';

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

export class SqliteTenantLogs implements Sync<TenantLogRepository> {
  readonly #db: Db;
  readonly #tenant: (tenantId: unknown) => string;
  readonly #s: Record<'get' | 'insert' | 'first' | 'after' | 'cutoff' | 'prune', Statement>;

  constructor(db: Db) {
    this.#db = db;
    this.#tenant = tenantCheck(db);
    this.#s = {
      get: db.prepare('SELECT * FROM idp_tenant_logs WHERE log_id = ?'),
      insert: db.prepare(
        `INSERT INTO idp_tenant_logs (log_id, tenant_id, date, type, description, client_id, client_name, user_id, user_name, ip, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      first: db.prepare('SELECT * FROM idp_tenant_logs WHERE tenant_id = @tenantId ORDER BY date DESC, seq DESC LIMIT @limit'),
      after: db.prepare(
        `SELECT * FROM idp_tenant_logs WHERE tenant_id = @tenantId AND (date < @date OR (date = @date AND seq < @seq))
         ORDER BY date DESC, seq DESC LIMIT @limit`,
      ),
      // The oldest entry to keep: everything after it in list order goes.
      cutoff: db.prepare('SELECT date, seq FROM idp_tenant_logs WHERE tenant_id = ? ORDER BY date DESC, seq DESC LIMIT 1 OFFSET ?'),
      prune: db.prepare('DELETE FROM idp_tenant_logs WHERE tenant_id = @tenantId AND (date < @date OR (date = @date AND seq < @seq))'),
    };
  }

  append(entry: TenantLogEntry): TenantLogEntry {
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
    return this.#db.write(() => {
      this.#tenant(entry.tenantId);
      try {
        this.#s.insert.run(...params);
      } catch (e) {
        if (isUniqueViolation(e)) throw idpConflict('tenantLog', 'id', entry.id);
        throw e;
      }
      return fromRow(this.#s.get.get(entry.id) as Row);
    });
  }

  list(tenantId: string, request?: PageRequest): Page<TenantLogEntry> {
    const size = pageSize(request);
    const limit = size === undefined ? -1 : size + 1;
    const rows = (
      request?.nextToken === undefined
        ? this.#s.first.all({ tenantId, limit })
        : this.#s.after.all({ tenantId, limit, ...decodeLogCursor(request.nextToken) })
    ) as Row[];
    if (size === undefined || rows.length <= size) return { items: rows.map(fromRow) };
    const page = rows.slice(0, size);
    const last = page[page.length - 1] as Row;
    return { items: page.map(fromRow), nextToken: encodeToken(LIST, `${last.date as number}:${last.seq as number}`) };
  }

  prune(tenantId: string, keepLast: number): number {
    const keep = nonNegativeInt(keepLast, 'keepLast');
    return this.#db.write(() => {
      if (keep === 0) {
        return this.#s.prune.run({ tenantId, date: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER }).changes;
      }
      const oldestKept = this.#s.cutoff.get(tenantId, keep - 1) as { date: number; seq: number } | undefined;
      if (oldestKept === undefined) return 0;
      return this.#s.prune.run({ tenantId, ...oldestKept }).changes;
    });
  }
}
