// Opaque keyset page tokens shared by the adapters: base64url JSON naming the list they belong to
// and the last position returned. Not a secret and not signed: a forged token only moves the
// caller's own cursor. A token for another list, or garbage, is ERR_STORE_INVALID_TOKEN.

import { StoreError, invalidInput } from './errors.js';
import type { PageRequest } from './port.js';

export type Position = string | number;

export function encodeToken(list: string, position: Position): string {
  return Buffer.from(JSON.stringify({ l: list, p: position }), 'utf8').toString('base64url');
}

function bad(list: string): StoreError {
  return new StoreError('ERR_STORE_INVALID_TOKEN', `invalid page token for \`${list}\``);
}

export function decodeToken(list: string, token: string, kind: 'string'): string;
export function decodeToken(list: string, token: string, kind: 'number'): number;
export function decodeToken(list: string, token: string, kind: 'string' | 'number'): Position {
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(token)) throw bad(list);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad(list);
  }
  if (typeof parsed !== 'object' || parsed === null) throw bad(list);
  const { l, p } = parsed as { l?: unknown; p?: unknown };
  if (l !== list || typeof p !== kind) throw bad(list);
  if (kind === 'number' && !Number.isSafeInteger(p)) throw bad(list);
  return p as Position;
}

/** The page size asked for (`undefined` = everything); a non-positive or fractional size is invalid input. */
export function pageSize(request: PageRequest | undefined): number | undefined {
  const n = request?.maxItems;
  if (n === undefined) return undefined;
  if (!Number.isSafeInteger(n) || n < 1) throw invalidInput(`page size must be a positive integer, got \`${String(n)}\``);
  return n;
}
