// Authenticated encryption for everything Tessera keeps secret or hands out sealed: access-key
// secrets at rest, session tokens, encoded authorization messages. AES-256-GCM under per-purpose
// keys derived (HKDF-SHA256) from one root key — the keyring's `sealing` key, itself stored wrapped
// under the master key (below); never a MAC-less cipher, never caller-chosen algorithms.

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * One key per use, so a blob sealed for one never opens as another: IAM access-key secrets, STS
 * session tokens, EC2 authorization messages, the IdP's secrets at rest (signing keys, rules
 * configuration, Action secrets), the IdP's browser-carried state (login state, CSRF tokens), and
 * console sessions (credentials, pending role choices).
 */
export const SEAL_PURPOSES = ['access-key-secret', 'session-token', 'authorization-message', 'idp-secret', 'idp-state', 'console-session'] as const;
export type SealPurpose = (typeof SEAL_PURPOSES)[number];

const NONCE = 12;
const TAG = 16;
/** The version byte every sealed blob starts with; a later format gets another. */
const VERSION = 1;

export class Sealer {
  private readonly keys: ReadonlyMap<SealPurpose, Buffer>;

  constructor(rootKey: Uint8Array) {
    if (rootKey.length !== 32) throw new Error('the root key must be 32 bytes');
    const keys = new Map<SealPurpose, Buffer>();
    for (const purpose of SEAL_PURPOSES) {
      keys.set(purpose, Buffer.from(hkdfSync('sha256', rootKey, 'tessera', `tessera ${purpose} v1`, 32)));
    }
    this.keys = keys;
  }

  /** `version ‖ nonce ‖ ciphertext ‖ tag`; `aad` binds the blob to its context (an access key id, …). */
  seal(purpose: SealPurpose, plaintext: Uint8Array, aad: string): Buffer {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', this.key(purpose), nonce);
    cipher.setAAD(Buffer.from(`${VERSION}|${purpose}|${aad}`));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]);
  }

  /**
   * The plaintext, or undefined when the blob was not sealed by this key for this purpose and
   * `aad`: a forged, truncated, bit-flipped or swapped blob (security.md V12) opens to nothing.
   */
  open(purpose: SealPurpose, sealed: Uint8Array, aad: string): Buffer | undefined {
    if (sealed.length < 1 + NONCE + TAG || sealed[0] !== VERSION) return undefined;
    const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key(purpose), buf.subarray(1, 1 + NONCE));
      decipher.setAAD(Buffer.from(`${VERSION}|${purpose}|${aad}`));
      decipher.setAuthTag(buf.subarray(buf.length - TAG));
      return Buffer.concat([decipher.update(buf.subarray(1 + NONCE, buf.length - TAG)), decipher.final()]);
    } catch {
      return undefined;
    }
  }

  sealText(purpose: SealPurpose, text: string, aad: string): string {
    return this.seal(purpose, Buffer.from(text, 'utf8'), aad).toString('base64url');
  }

  openText(purpose: SealPurpose, sealed: string, aad: string): string | undefined {
    // base64url only: anything else cannot be ours.
    if (!/^[A-Za-z0-9_-]+$/.test(sealed)) return undefined;
    return this.open(purpose, Buffer.from(sealed, 'base64url'), aad)?.toString('utf8');
  }

  private key(purpose: SealPurpose): Buffer {
    const k = this.keys.get(purpose);
    if (k === undefined) throw new Error(`unknown seal purpose ${purpose}`);
    return k;
  }
}

// ---------------------------------------------------------------------------------------------
// The keyring (issue #8): the sealing key every node must share lives in the store, wrapped under
// the master key each node has from its environment — so the store alone (a stolen backup, a
// read-only database role) opens nothing, and rotating the master key rewraps one row instead of
// re-sealing every secret.

/** The keyring entry every Sealer purpose key derives from. */
export const SEALING_KEY_NAME = 'sealing';

function wrappingKey(masterKey: Uint8Array): Buffer {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  return Buffer.from(hkdfSync('sha256', masterKey, 'tessera', 'tessera keyring wrap v1', 32));
}

/** `version ‖ nonce ‖ ciphertext ‖ tag` of a 32-byte data key, bound to its keyring name. */
export function wrapKey(masterKey: Uint8Array, name: string, dataKey: Uint8Array): Buffer {
  if (dataKey.length !== 32) throw new Error('a data key must be 32 bytes');
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(masterKey), nonce);
  cipher.setAAD(Buffer.from(`${VERSION}|keyring|${name}`));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]);
}

/**
 * The data key, or undefined when `wrapped` was not wrapped by this master key under `name`: a
 * wrong master key, or a keyring row altered or copied to another name, opens to nothing.
 */
export function unwrapKey(masterKey: Uint8Array, name: string, wrapped: Uint8Array): Buffer | undefined {
  if (wrapped.length !== 1 + NONCE + 32 + TAG || wrapped[0] !== VERSION) return undefined;
  const buf = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.length);
  try {
    const decipher = createDecipheriv('aes-256-gcm', wrappingKey(masterKey), buf.subarray(1, 1 + NONCE));
    decipher.setAAD(Buffer.from(`${VERSION}|keyring|${name}`));
    decipher.setAuthTag(buf.subarray(buf.length - TAG));
    return Buffer.concat([decipher.update(buf.subarray(1 + NONCE, buf.length - TAG)), decipher.final()]);
  } catch {
    return undefined;
  }
}
