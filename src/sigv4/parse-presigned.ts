// Reads the SigV4 parameters of a presigned URL (query-string authentication) strictly: each at most
// once, percent-decoding that must succeed, the required ones present (aws.md §8.4.1, security.md V9, V14).

import { decodeQueryComponent, type RawQueryParam } from './canonical-query.js';
import { reject } from './errors.js';
import type { SigV4Failure } from './types.js';

export const QUERY_PARAMS = {
  algorithm: 'X-Amz-Algorithm',
  credential: 'X-Amz-Credential',
  date: 'X-Amz-Date',
  expires: 'X-Amz-Expires',
  signedHeaders: 'X-Amz-SignedHeaders',
  signature: 'X-Amz-Signature',
  securityToken: 'X-Amz-Security-Token',
} as const;

type Field = keyof typeof QUERY_PARAMS;
const FIELDS = Object.keys(QUERY_PARAMS) as Field[];
const BY_NAME: ReadonlyMap<string, Field> = new Map(FIELDS.map((f) => [QUERY_PARAMS[f], f]));

/** Any of these in the query means the client chose query-string authentication. */
export const QUERY_AUTH_MARKERS: readonly string[] = [
  QUERY_PARAMS.algorithm,
  QUERY_PARAMS.credential,
  QUERY_PARAMS.signedHeaders,
  QUERY_PARAMS.signature,
];

export type QueryAuthParams = { readonly ok: true } & { readonly [F in Field]?: string };

/**
 * Decodes the SigV4 parameters of the query (names are case-sensitive, as AWS documents them). Any of them
 * given twice is refused: two X-Amz-Security-Token or X-Amz-Signature values leave the choice to whichever
 * reader looks first (parameter pollution, CWE-235).
 */
export function readQueryAuthParams(params: readonly RawQueryParam[]): QueryAuthParams | SigV4Failure {
  const out: { [F in Field]?: string } = {};
  for (const p of params) {
    const field = BY_NAME.get(p.rawName);
    if (field === undefined) continue;
    if (out[field] !== undefined) {
      return reject('ERR_SIGV4_PARAM_DUPLICATE', `Query-string authentication parameter '${p.rawName}' appears more than once.`);
    }
    const value = decodeQueryComponent(p.rawValue);
    if (value === undefined) {
      return reject('ERR_SIGV4_QUERY_ENCODING', `Query-string authentication parameter '${p.rawName}' is not valid percent-encoded UTF-8.`);
    }
    out[field] = value;
  }
  return { ok: true, ...out };
}

export function hasQueryAuth(params: readonly RawQueryParam[]): boolean {
  for (const p of params) if (QUERY_AUTH_MARKERS.includes(p.rawName)) return true;
  return false;
}

/** Presigned URLs live at most 7 days [DOC S3 sigv4-query-string-auth; security.md V14]. */
export const MAX_EXPIRES_SECONDS = 604800;

/** `X-Amz-Expires`: decimal digits only, 1..604800 (no sign, exponent or fraction: `1e3`, `-1`, `0` refused). */
export function parseExpires(text: string): number | SigV4Failure {
  const n = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= MAX_EXPIRES_SECONDS)) {
    return reject('ERR_SIGV4_EXPIRES_MALFORMED', `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS} (7 days), not '${text.slice(0, 64)}'.`);
  }
  return n;
}
