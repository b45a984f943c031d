// Tenant signing keys and their rollover. At most one `current` and one `next` key per tenant: two
// partial unique indexes hold that invariant whoever writes; rotate and revoke are compare-and-set.

import { idpCasFailed, idpConflict, idpNotFound } from '../idp-errors.js';
import type { SigningKey, SigningKeyRepository, SigningKeyStatus } from '../idp-port.js';
import { id, signingKeyStatus, text, type Mutable } from '../idp-values.js';
import { bytes, copyBytes, date, isUniqueViolation, ms, type Db, type Row, type Statement } from './db.js';
import { tenantCheck } from './idp-common.js';
import type { Sync } from './sync.js';

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

export class SqliteSigningKeys implements Sync<SigningKeyRepository> {
  readonly #db: Db;
  readonly #tenant: (tenantId: unknown) => string;
  readonly #s: Record<'get' | 'getAny' | 'getCurrent' | 'byStatus' | 'insert' | 'list' | 'setStatus' | 'revoke', Statement>;

  constructor(db: Db) {
    this.#db = db;
    this.#tenant = tenantCheck(db);
    this.#s = {
      get: db.prepare('SELECT * FROM idp_signing_keys WHERE tenant_id = ? AND kid = ?'),
      getAny: db.prepare('SELECT kid FROM idp_signing_keys WHERE kid = ?'),
      getCurrent: db.prepare("SELECT * FROM idp_signing_keys WHERE tenant_id = ? AND status = 'current'"),
      byStatus: db.prepare('SELECT kid FROM idp_signing_keys WHERE tenant_id = ? AND status = ?'),
      insert: db.prepare(
        `INSERT INTO idp_signing_keys (kid, tenant_id, private_key_sealed, certificate_pem, thumbprint_sha1, not_before, not_after,
          status, create_date, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      list: db.prepare('SELECT * FROM idp_signing_keys WHERE tenant_id = ? ORDER BY create_date DESC, kid DESC'),
      setStatus: db.prepare('UPDATE idp_signing_keys SET status = ? WHERE tenant_id = ? AND kid = ?'),
      revoke: db.prepare("UPDATE idp_signing_keys SET status = 'revoked', revoked_at = ? WHERE tenant_id = ? AND kid = ?"),
    };
  }

  create(key: SigningKey): SigningKey {
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
    return this.#db.write(() => {
      this.#tenant(key.tenantId);
      if (this.#s.getAny.get(key.kid) !== undefined) throw idpConflict('signingKey', 'kid', key.kid);
      if ((status === 'current' || status === 'next') && this.#s.byStatus.get(key.tenantId, status) !== undefined) {
        throw idpConflict('signingKey', 'status', status);
      }
      try {
        this.#s.insert.run(...params);
      } catch (e) {
        if (isUniqueViolation(e)) throw idpConflict('signingKey', 'kid', key.kid);
        throw e;
      }
      return fromRow(this.#s.get.get(key.tenantId, key.kid) as Row);
    });
  }

  get(tenantId: string, kid: string): SigningKey | undefined {
    const r = this.#s.get.get(tenantId, kid) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  getCurrent(tenantId: string): SigningKey | undefined {
    const r = this.#s.getCurrent.get(tenantId) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  list(tenantId: string): readonly SigningKey[] {
    return (this.#s.list.all(tenantId) as Row[]).map(fromRow);
  }

  rotate(tenantId: string, nextKid: string): SigningKey {
    return this.#db.write(() => {
      const next = this.#s.get.get(tenantId, nextKid) as Row | undefined;
      if (next === undefined) throw idpNotFound('signingKey', nextKid);
      if (next.status !== 'next') throw idpCasFailed('signingKey', nextKid, next.status as string, 'next');
      const current = this.#s.byStatus.get(tenantId, 'current') as { kid: string } | undefined;
      // Demote first: the one-current index is checked per statement.
      if (current !== undefined) this.#s.setStatus.run('previous', tenantId, current.kid);
      this.#s.setStatus.run('current', tenantId, nextKid);
      return fromRow(this.#s.get.get(tenantId, nextKid) as Row);
    });
  }

  revoke(tenantId: string, kid: string, revokedAt: Date): SigningKey {
    const at = ms(revokedAt, 'revokedAt');
    return this.#db.write(() => {
      const cur = this.#s.get.get(tenantId, kid) as Row | undefined;
      if (cur === undefined) throw idpNotFound('signingKey', kid);
      if (cur.status !== 'previous') throw idpCasFailed('signingKey', kid, cur.status as string, 'previous');
      this.#s.revoke.run(at, tenantId, kid);
      return fromRow(this.#s.get.get(tenantId, kid) as Row);
    });
  }
}
