// Tenant signing keys and their rollover on PostgreSQL. At most one `current` and one `next` key per
// tenant: two partial unique indexes hold that invariant whoever writes; create, rotate and revoke
// are compare-and-sets inside one atomic block (SERIALIZABLE on the pool, so of two nodes rotating at
// once one commits and the other, run again, finds the key already `current`).

import { idpCasFailed, idpConflict, idpNotFound } from '../idp-errors.js';
import type { SigningKey, SigningKeyRepository, SigningKeyStatus } from '../idp-port.js';
import { id, signingKeyStatus, text, type Mutable } from '../idp-values.js';
import { bytes, copyBytes, date, ms, type Row, type Sql } from './db.js';
import { checkTenant, uniqueViolation } from './idp-common.js';

function fromRow(r: Row): SigningKey {
  const k: Mutable<SigningKey> = {
    tenantId: r.tenant_id as string,
    kid: r.kid as string,
    privateKeySealed: copyBytes(r.private_key_sealed),
    certificatePem: r.certificate_pem as string,
    thumbprintSha1: r.thumbprint_sha1 as string,
    notBefore: date(r.not_before),
    notAfter: date(r.not_after),
    status: r.status as SigningKeyStatus,
    createDate: date(r.create_date),
  };
  if (r.revoked_at !== null) k.revokedAt = date(r.revoked_at);
  return k;
}

const GET = 'SELECT * FROM idp_signing_keys WHERE tenant_id = $1 AND kid = $2';
const BY_STATUS = 'SELECT kid FROM idp_signing_keys WHERE tenant_id = $1 AND status = $2';
const SET_STATUS = 'UPDATE idp_signing_keys SET status = $1 WHERE tenant_id = $2 AND kid = $3';

export class PgSigningKeys implements SigningKeyRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(key: SigningKey): Promise<SigningKey> {
    const status = signingKeyStatus(key.status);
    const params = [
      id(key.kid, 'kid'),
      id(key.tenantId, 'tenantId'),
      bytes(key.privateKeySealed, 'privateKeySealed'),
      text(key.certificatePem, 'certificatePem'),
      text(key.thumbprintSha1, 'thumbprintSha1'),
      ms(key.notBefore, 'notBefore'),
      ms(key.notAfter, 'notAfter'),
      status,
      ms(key.createDate, 'createDate'),
      key.revokedAt === undefined ? null : ms(key.revokedAt, 'revokedAt'),
    ];
    return this.#sql.atomic(async (q) => {
      await checkTenant(q, key.tenantId);
      if ((await q.row('SELECT 1 FROM idp_signing_keys WHERE kid = $1', [key.kid])) !== undefined) throw idpConflict('signingKey', 'kid', key.kid);
      if ((status === 'current' || status === 'next') && (await q.row(BY_STATUS, [key.tenantId, status])) !== undefined) {
        throw idpConflict('signingKey', 'status', status);
      }
      try {
        const r = await q.row(
          `INSERT INTO idp_signing_keys (kid, tenant_id, private_key_sealed, certificate_pem, thumbprint_sha1, not_before, not_after,
            status, create_date, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
          params,
        );
        return fromRow(r as Row);
      } catch (e) {
        const index = uniqueViolation(e);
        if (index === 'idp_signing_keys_current' || index === 'idp_signing_keys_next') throw idpConflict('signingKey', 'status', status);
        if (index !== undefined) throw idpConflict('signingKey', 'kid', key.kid);
        throw e;
      }
    });
  }

  async get(tenantId: string, kid: string): Promise<SigningKey | undefined> {
    const r = await this.#sql.row(GET, [tenantId, kid]);
    return r === undefined ? undefined : fromRow(r);
  }

  async getCurrent(tenantId: string): Promise<SigningKey | undefined> {
    const r = await this.#sql.row("SELECT * FROM idp_signing_keys WHERE tenant_id = $1 AND status = 'current'", [tenantId]);
    return r === undefined ? undefined : fromRow(r);
  }

  async list(tenantId: string): Promise<readonly SigningKey[]> {
    return (await this.#sql.rows('SELECT * FROM idp_signing_keys WHERE tenant_id = $1 ORDER BY create_date DESC, kid DESC', [tenantId])).map(fromRow);
  }

  async rotate(tenantId: string, nextKid: string): Promise<SigningKey> {
    return this.#sql.atomic(async (q) => {
      const next = await q.row(`${GET} FOR UPDATE`, [tenantId, nextKid]);
      if (next === undefined) throw idpNotFound('signingKey', nextKid);
      if (next.status !== 'next') throw idpCasFailed('signingKey', nextKid, next.status as string, 'next');
      const current = await q.row<{ kid: string }>(`${BY_STATUS} FOR UPDATE`, [tenantId, 'current']);
      // Demote first: PostgreSQL checks a unique index row by row.
      if (current !== undefined) await q.run(SET_STATUS, ['previous', tenantId, current.kid]);
      const r = await q.row(`${SET_STATUS} RETURNING *`, ['current', tenantId, nextKid]);
      return fromRow(r as Row);
    });
  }

  async revoke(tenantId: string, kid: string, revokedAt: Date): Promise<SigningKey> {
    const at = ms(revokedAt, 'revokedAt');
    return this.#sql.atomic(async (q) => {
      const cur = await q.row(`${GET} FOR UPDATE`, [tenantId, kid]);
      if (cur === undefined) throw idpNotFound('signingKey', kid);
      if (cur.status !== 'previous') throw idpCasFailed('signingKey', kid, cur.status as string, 'previous');
      const r = await q.row("UPDATE idp_signing_keys SET status = 'revoked', revoked_at = $1 WHERE tenant_id = $2 AND kid = $3 RETURNING *", [at, tenantId, kid]);
      return fromRow(r as Row);
    });
  }
}
