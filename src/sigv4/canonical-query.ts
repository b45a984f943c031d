// CanonicalQueryString from the raw query as received, and strict decoding of the few parameters SigV4
// itself reads (X-Amz-*). The POST form body is never part of it (aws.md §8.4.6).

import { normalizeQueryComponent } from './encoding.js';

/** One `name=value` of the raw query, both still encoded exactly as on the wire. */
export interface RawQueryParam {
  readonly rawName: string;
  readonly rawValue: string;
}

/** Splits a raw query string (no leading `?`) on `&`, then each part on its first `=`. Empty parts vanish. */
export function splitRawQuery(rawQuery: string): RawQueryParam[] {
  const out: RawQueryParam[] = [];
  if (rawQuery === '') return out;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) out.push({ rawName: part, rawValue: '' });
    else out.push({ rawName: part.slice(0, eq), rawValue: part.slice(eq + 1) });
  }
  return out;
}

/**
 * [DOC UG:create-signed-request] "URI-encode each parameter name and value", "sort the parameters by
 * name … parameters with duplicate names … by value", a parameter without a value is `name=`.
 * Sorting is by code unit of the encoded strings, which are ASCII, i.e. by byte as AWS sorts.
 * `exclude` names a parameter (raw spelling) left out: `X-Amz-Signature` of a presigned URL.
 */
export function getCanonicalQuery(params: readonly RawQueryParam[], exclude?: string): string {
  const pairs: [string, string][] = [];
  for (const p of params) {
    if (exclude !== undefined && p.rawName === exclude) continue;
    pairs.push([normalizeQueryComponent(p.rawName), normalizeQueryComponent(p.rawValue)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let out = '';
  for (let i = 0; i < pairs.length; i++) {
    const [k, v] = pairs[i] as [string, string];
    out += i === 0 ? `${k}=${v}` : `&${k}=${v}`;
  }
  return out;
}

/**
 * Percent-decodes one raw query component strictly: `%XX` must be well formed and the bytes valid UTF-8;
 * `+` stays a plus. `undefined` when it is not decodable.
 */
export function decodeQueryComponent(raw: string): string | undefined {
  if (raw.indexOf('%') < 0) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
