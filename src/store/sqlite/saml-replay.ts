// The sign-in endpoint's one-time assertions (P16), shared by every node on the database. claim is
// one INSERT … ON CONFLICT DO UPDATE … WHERE: a single statement under SQLite's write lock, so of
// concurrent claims from any processes exactly one changes a row (and wins); an expired claim of
// the same (issuer, ID) is taken over, as the in-memory guard does.

import type { SamlReplayRepository } from '../idp-port.js';
import { invalidInput } from '../errors.js';
import { id } from '../idp-values.js';
import { ms, type Db, type Statement } from './db.js';
import type { Sync } from './sync.js';

function epochMs(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidInput(`\`${field}\` must be epoch milliseconds`);
  return v;
}

export class SqliteSamlReplay implements Sync<SamlReplayRepository> {
  readonly #s: Record<'claim' | 'sweep', Statement>;

  constructor(db: Db) {
    this.#s = {
      claim: db.prepare(
        `INSERT INTO saml_assertion_claims (issuer, assertion_id, expires_at) VALUES (@issuer, @assertionId, @expiresAt)
         ON CONFLICT (issuer, assertion_id) DO UPDATE SET expires_at = excluded.expires_at WHERE expires_at <= @now`,
      ),
      sweep: db.prepare('DELETE FROM saml_assertion_claims WHERE expires_at <= ?'),
    };
  }

  claim(issuer: string, assertionId: string, expiresAt: number, now: number): boolean {
    const params = {
      issuer: id(issuer, 'issuer'),
      assertionId: id(assertionId, 'assertionId'),
      expiresAt: epochMs(expiresAt, 'expiresAt'),
      now: epochMs(now, 'now'),
    };
    // An assertion already expired at `now` is no replay risk but no use either: refuse it (fails closed).
    if (params.expiresAt <= params.now) return false;
    return this.#s.claim.run(params).changes === 1;
  }

  sweep(now: Date): number {
    return this.#s.sweep.run(ms(now, 'now')).changes;
  }
}
