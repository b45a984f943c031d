// Randomness for identifiers (request, access key, instance, SAML and log ids) from a pooled CSPRNG:
// one randomFillSync of 4 KiB serves many ids, where a randomBytes call per id measured ~7 µs here
// (Node's own randomUUID pools the same way). Identifiers only, never keys, secrets or nonces: the
// pool keeps upcoming bytes in memory. Every byte is handed out once.

import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
/** The most one call takes: more would drain the pool for one id. */
const MAX_DRAW = 256;
/** Outside Node's shared allocation pool, so no other Buffer's memory is ever this pool. */
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let offset = POOL_BYTES;

/** `n` (0..256) cryptographically random bytes, a fresh Buffer the caller owns. */
export function idRandomBytes(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_DRAW) throw new RangeError(`idRandomBytes: ${n} bytes (0..${MAX_DRAW})`);
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.allocUnsafe(n);
  pool.copy(out, 0, offset, offset + n);
  offset += n;
  return out;
}
