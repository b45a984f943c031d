// Login throttles on PostgreSQL: fixed windows counted by one INSERT … ON CONFLICT DO UPDATE …
// RETURNING. PostgreSQL runs it as one atomic insert-or-update under the row lock, so hits from any
// number of nodes are counted exactly (every hit sees a distinct count). The right-hand sides of
// DO UPDATE read the row as it was (`t.`), as on SQLite.

import type { LoginThrottleRepository, ThrottleHit } from '../idp-port.js';
import { id, positiveInt } from '../idp-values.js';
import { date, ms, type Row, type Sql } from './db.js';
import { int } from './idp-common.js';

export class PgLoginThrottle implements LoginThrottleRepository {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async hit(key: string, now: Date, windowSeconds: number): Promise<ThrottleHit> {
    const params = [id(key, 'key'), ms(now, 'now'), positiveInt(windowSeconds, 'windowSeconds') * 1000];
    const r = (await this.#sql.row(
      `INSERT INTO idp_login_throttle AS t (throttle_key, window_start, window_end, hits) VALUES ($1, $2::bigint, $2::bigint + $3::bigint, 1)
       ON CONFLICT (throttle_key) DO UPDATE SET
         hits = CASE WHEN $2::bigint >= t.window_end THEN 1 ELSE t.hits + 1 END,
         window_start = CASE WHEN $2::bigint >= t.window_end THEN $2::bigint ELSE t.window_start END,
         window_end = CASE WHEN $2::bigint >= t.window_end THEN $2::bigint + $3::bigint ELSE t.window_end END
       RETURNING hits, window_start, window_end`,
      params,
    )) as Row;
    return { count: int(r.hits), windowStart: date(r.window_start), windowEnd: date(r.window_end) };
  }

  async reset(key: string): Promise<void> {
    await this.#sql.run('DELETE FROM idp_login_throttle WHERE throttle_key = $1', [key]);
  }

  async sweep(now: Date): Promise<number> {
    return this.#sql.run('DELETE FROM idp_login_throttle WHERE window_end <= $1', [ms(now, 'now')]);
  }
}
