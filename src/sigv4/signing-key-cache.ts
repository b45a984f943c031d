// A bounded memo of derived signing keys, owned by the caller (this module keeps no state of its own).
// kSigning depends only on (secret, date, region, service): it serves a key for a whole day, and deriving
// it costs four HMACs — most of a verification's time.

import type { Buffer } from 'node:buffer';
import { getSigningKey } from './canonical-request.js';
import type { CredentialScope } from './types.js';

export interface SigningKeyCache {
  /** The signing key of `secretAccessKey` for `scope`, derived once and then remembered. */
  get(secretAccessKey: string, scope: CredentialScope): Buffer;
  readonly size: number;
}

/**
 * Remembers up to `maxEntries` keys; beyond that the oldest entry goes first. Entries are keyed by the
 * secret itself (not the key id), so a rotated secret never meets a stale key. A cache lives in memory
 * next to the secrets the lookup already holds; give each server one.
 */
export function createSigningKeyCache(maxEntries = 4096): SigningKeyCache {
  const keys = new Map<string, Buffer>();
  return {
    get(secretAccessKey, scope) {
      const id = `${scope.date}\n${scope.region}\n${scope.service}\n${secretAccessKey}`;
      let key = keys.get(id);
      if (key === undefined) {
        key = getSigningKey(secretAccessKey, scope);
        if (keys.size >= maxEntries) keys.delete(keys.keys().next().value as string);
        keys.set(id, key);
      }
      return key;
    },
    get size() {
      return keys.size;
    },
  };
}
