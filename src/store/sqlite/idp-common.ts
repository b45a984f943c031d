// What the SQLite IdP repositories share: the tenant existence check every write of a tenant-owned
// entity makes first (a foreign-key failure would be reported as the wrong error).

import { idpNotFound } from '../idp-errors.js';
import { id } from '../idp-values.js';
import type { Db } from './db.js';

/** A check, prepared once, that the tenant exists: ERR_STORE_NOT_FOUND (tenant) otherwise. */
export function tenantCheck(db: Db): (tenantId: unknown) => string {
  const s = db.prepare('SELECT 1 FROM idp_tenants WHERE tenant_id = ?').pluck();
  return (tenantId) => {
    const t = id(tenantId, 'tenantId');
    if (s.get(t) === undefined) throw idpNotFound('tenant', t);
    return t;
  };
}
