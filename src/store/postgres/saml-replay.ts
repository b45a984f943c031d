// The sign-in endpoint's one-time assertions (P16) on PostgreSQL, shared by every node. claim is one
// INSERT … ON CONFLICT DO UPDATE … WHERE expired: a concurrent claim of the same (issuer, ID) waits
// for the row lock and then re-checks the WHERE on the row the winner wrote, so of concurrent claims
// from any nodes exactly one inserts or takes over a row (and wins); an expired claim of the same
// (issuer, ID) is taken over, as the in-memory guard does.

import { invalidInput } from '../errors.js';
import type { SamlReplayRepository } from '../idp-port.js';
import { id } from '../idp-values.js';
import { ms, type Sql } from './db.js';

function epochMs(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidInput(`\`${field}\` must be epoch milliseconds`);
  return v;
}

export class PgSamlReplay implements SamlReplayRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async claim(issuer: string, assertionId: string, expiresAt: number, now: number): Promise<boolean> {
    const params = [id(issuer, 'issuer'), id(assertionId, 'assertionId'), epochMs(expiresAt, 'expiresAt'), epochMs(now, 'now')];
    // An assertion already expired at `now` is no replay risk but no use either: refuse it (fails closed).
    if (expiresAt <= now) return false;
    const changed = await this.#sql.run(
      `INSERT INTO saml_assertion_claims AS c (issuer, assertion_id, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (issuer, assertion_id) DO UPDATE SET expires_at = excluded.expires_at WHERE c.expires_at <= $4::bigint`,
      params,
    );
    return changed === 1;
  }

  async sweep(now: Date): Promise<number> {
    return this.#sql.run('DELETE FROM saml_assertion_claims WHERE expires_at <= $1', [ms(now, 'now')]);
  }
}
