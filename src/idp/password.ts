// Password hashing for the database connection: scrypt at OWASP's parameters (N=2^17, r=8, p=1),
// a 16-byte random salt, PHC-style strings that carry their parameters, constant-time verification,
// a length cap and bounded concurrency so hashing cannot be turned into a denial of service.

import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

/** OWASP Password Storage Cheat Sheet: scrypt N=2^17 (cost), r=8 (block size), p=1 (parallelism). */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Node's scrypt refuses more than 32 MiB by default; N=2^17, r=8 needs 128·N·r = 128 MiB. */
const MAX_MEM = 256 * 1024 * 1024;
/** security.md C6: a megabyte password must not cost more than a short one to refuse. */
export const MAX_PASSWORD_BYTES = 1024;
/** security.md C6: hashes running at once (each holds 128 MiB). */
const MAX_CONCURRENT = 2;

let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function scrypt(password: Buffer, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return withSlot(
    () =>
      new Promise((resolve, reject) =>
        scryptCb(password, salt, KEY_LENGTH, { N, r, p, maxmem: MAX_MEM }, (e, key) => (e ? reject(e) : resolve(key))),
      ),
  );
}

export class PasswordPolicyError extends Error {
  readonly code = 'ERR_PASSWORD_POLICY';
}

/** `$scrypt$ln=17,r=8,p=1$<salt b64>$<hash b64>` (PHC string format, unpadded base64). */
export async function hashPassword(password: string): Promise<string> {
  const bytes = Buffer.from(password, 'utf8');
  if (bytes.length === 0) throw new PasswordPolicyError('the password is empty');
  if (bytes.length > MAX_PASSWORD_BYTES) throw new PasswordPolicyError(`the password is longer than ${MAX_PASSWORD_BYTES} bytes`);
  const salt = randomBytes(SALT_LENGTH);
  const { N, r, p } = SCRYPT_PARAMS;
  const key = await scrypt(bytes, salt, N, r, p);
  return `$scrypt$ln=${Math.log2(N)},r=${r},p=${p}$${salt.toString('base64').replace(/=+$/, '')}$${key.toString('base64').replace(/=+$/, '')}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,64})\$([A-Za-z0-9+/]{16,128})$/;

/** A hash made for unknown users, so a wrong email costs what a wrong password costs (C7: uniform timing). */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  return (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));
}

export interface PasswordCheck {
  readonly ok: boolean;
  /** The stored hash uses weaker parameters than today's: rehash it now that the password is known. */
  readonly needsRehash: boolean;
}

/** Compares in constant time; a malformed stored hash never verifies. */
export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  const bytes = Buffer.from(password, 'utf8');
  const m = PHC.exec(stored);
  if (m === null || bytes.length === 0 || bytes.length > MAX_PASSWORD_BYTES) return { ok: false, needsRehash: false };
  const ln = Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  // Refuse parameters an attacker-written hash could use to exhaust memory or time.
  if (ln < 10 || ln > 20 || r < 1 || r > 16 || p < 1 || p > 4) return { ok: false, needsRehash: false };
  const salt = Buffer.from(m[4] as string, 'base64');
  const expected = Buffer.from(m[5] as string, 'base64');
  if (expected.length !== KEY_LENGTH) return { ok: false, needsRehash: false };
  const key = await scrypt(bytes, salt, 2 ** ln, r, p);
  const ok = timingSafeEqual(key, expected);
  return { ok, needsRehash: ok && (2 ** ln < SCRYPT_PARAMS.N || r < SCRYPT_PARAMS.r) };
}
