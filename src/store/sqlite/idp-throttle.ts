// Login throttles: fixed windows counted by one UPSERT … RETURNING, a single statement that SQLite
// runs under its write lock, so hits from any number of processes on one file are counted exactly
// (every hit sees a distinct count). The right-hand sides of DO UPDATE read the row as it was.

import type { LoginThrottleRepository, ThrottleHit } from '../idp-port.js';
import { id, positiveInt } from '../idp-values.js';
import { date, ms, type Db, type Row, type Statement } from './db.js';
import type { Sync } from './sync.js';

export class SqliteLoginThrottle implements Sync<LoginThrottleRepository> {
  readonly #s: Record<'hit' | 'reset' | 'sweep', Statement>;

  constructor(db: Db) {
    this.#s = {
      hit: db.prepare(
        `INSERT INTO idp_login_throttle (throttle_key, window_start, window_end, hits) VALUES (@key, @now, @now + @window, 1)
         ON CONFLICT (throttle_key) DO UPDATE SET
           hits = CASE WHEN @now >= window_end THEN 1 ELSE hits + 1 END,
           window_start = CASE WHEN @now >= window_end THEN @now ELSE window_start END,
           window_end = CASE WHEN @now >= window_end THEN @now + @window ELSE window_end END
         RETURNING hits, window_start, window_end`,
      ),
      reset: db.prepare('DELETE FROM idp_login_throttle WHERE throttle_key = ?'),
      sweep: db.prepare('DELETE FROM idp_login_throttle WHERE window_end <= ?'),
    };
  }

  hit(key: string, now: Date, windowSeconds: number): ThrottleHit {
    const r = this.#s.hit.get({ key: id(key, 'key'), now: ms(now, 'now'), window: positiveInt(windowSeconds, 'windowSeconds') * 1000 }) as Row;
    return { count: r.hits as number, windowStart: date(r.window_start), windowEnd: date(r.window_end) };
  }

  reset(key: string): void {
    this.#s.reset.run(key);
  }

  sweep(now: Date): number {
    return this.#s.sweep.run(ms(now, 'now')).changes;
  }
}
