// Identifier generation: AWS-shaped unique ids, access keys, instance ids, request ids.
// The only module of the control plane that draws randomness for ids; it never reads the clock.
// Ids come from the pooled CSPRNG of random.ts; the secret access key from its own randomBytes call.

import { randomBytes, randomUUID } from 'node:crypto';
import { idRandomBytes } from './random.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `n` characters of AWS's unique-id alphabet (upper-case base32, as in `AROADBQP57FF2AEXAMPLE`). */
function base32(n: number): string {
  const bytes = idRandomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += BASE32[(bytes[i] as number) & 31];
  return s;
}

function hex(n: number): string {
  return idRandomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}

/** IAM unique-id prefixes (IAM User Guide, reference_identifiers). */
export const ID_PREFIXES = {
  role: 'AROA',
  user: 'AIDA',
  policy: 'ANPA',
  accessKey: 'AKIA',
  temporaryAccessKey: 'ASIA',
} as const;

export interface IdGenerator {
  /** `AROA…` / `AIDA…` / `ANPA…`: prefix + 17 characters (21 in all, as AWS's). */
  uniqueId(prefix: 'AROA' | 'AIDA' | 'ANPA'): string;
  /** `AKIA…` / `ASIA…`: prefix + 16 characters (20 in all). */
  accessKeyId(prefix: 'AKIA' | 'ASIA'): string;
  /** 40 characters of the base64 alphabet, as AWS's secret access keys. */
  secretAccessKey(): string;
  /** `i-` + 17 hex digits. */
  instanceId(): string;
  /** `r-` + 17 hex digits. */
  reservationId(): string;
  requestId(): string;
}

export const randomIds: IdGenerator = {
  uniqueId: (prefix) => prefix + base32(17),
  accessKeyId: (prefix) => prefix + base32(16),
  secretAccessKey: () => randomBytes(30).toString('base64'),
  instanceId: () => 'i-' + hex(17),
  reservationId: () => 'r-' + hex(17),
  requestId: () => randomUUID(),
};
