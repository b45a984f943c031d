// Client-side SigV4 on the same canonical functions: the console signs its EC2 calls exactly as the CLI
// would (DESIGN.md §1.6), and tests build requests with it. Time and credentials are inputs.

import { getCanonicalHeaders, indexHeaders } from './canonical-headers.js';
import { getCanonicalQuery, splitRawQuery } from './canonical-query.js';
import { ALGORITHM, computeSignature, createCanonicalRequest, createStringToSign, formatScope, getSigningKey } from './canonical-request.js';
import { getCanonicalPath } from './canonical-uri.js';
import { formatAmzDate } from './date.js';
import { uriEscape } from './encoding.js';
import { MAX_EXPIRES_SECONDS, QUERY_PARAMS } from './parse-presigned.js';
import { getPayloadHash } from './payload.js';
import type { CredentialScope, SigV4Request } from './types.js';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SigningOptions {
  readonly region: string;
  readonly service: string;
  readonly now: Date;
}

// Headers a proxy may add, drop or rewrite: never signed (the SDKs' lists: smithy ALWAYS_UNSIGNABLE_HEADERS).
const UNSIGNABLE = new Set([
  'authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma',
  'referer', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id',
]);

function scopeOf(options: SigningOptions): { readonly amzDate: string; readonly scope: CredentialScope } {
  const amzDate = formatAmzDate(options.now.getTime());
  return { amzDate, scope: { date: amzDate.slice(0, 8), region: options.region, service: options.service } };
}

function sortedSignable(headers: SigV4Request['headers']): string[] {
  const names = new Set<string>();
  for (const [name] of headers) {
    const lower = name.toLowerCase();
    if (!UNSIGNABLE.has(lower)) names.add(lower);
  }
  return [...names].sort();
}

function signatureOf(request: SigV4Request, signedHeaders: readonly string[], amzDate: string, scope: CredentialScope, secret: string, excludeQuery?: string): string {
  const q = request.path.indexOf('?');
  const payload = getPayloadHash(request.body, undefined);
  // INVARIANT: without a claimed hash getPayloadHash cannot fail.
  const payloadHash = payload.ok ? payload.hash : '';
  const canonical = getCanonicalHeaders(indexHeaders(request.headers), signedHeaders);
  const canonicalRequest = createCanonicalRequest({
    method: request.method,
    canonicalUri: getCanonicalPath(q < 0 ? request.path : request.path.slice(0, q)),
    canonicalQuery: getCanonicalQuery(splitRawQuery(q < 0 ? '' : request.path.slice(q + 1)), excludeQuery),
    canonicalHeaders: canonical.ok ? canonical.text : '',
    signedHeaders,
    payloadHash,
  });
  return computeSignature(getSigningKey(secret, scope), createStringToSign(amzDate, scope, canonicalRequest)).toString('hex');
}

/**
 * Signs with the Authorization header: adds `X-Amz-Date`, `X-Amz-Security-Token` (signed, as every SDK
 * does) and `Authorization`, and signs every header present but the unsignable ones. The request must
 * already carry its `Host` header.
 */
export function signRequest(request: SigV4Request, credentials: SigningCredentials, options: SigningOptions): SigV4Request {
  const { amzDate, scope } = scopeOf(options);
  const headers: [string, string][] = [];
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    if (lower !== 'authorization' && lower !== 'x-amz-date' && lower !== 'x-amz-security-token') headers.push([name, value]);
  }
  headers.push(['X-Amz-Date', amzDate]);
  if (credentials.sessionToken !== undefined) headers.push(['X-Amz-Security-Token', credentials.sessionToken]);
  const unsigned: SigV4Request = { ...request, headers };
  const signedHeaders = sortedSignable(headers);
  const signature = signatureOf(unsigned, signedHeaders, amzDate, scope, credentials.secretAccessKey);
  headers.push([
    'Authorization',
    `${ALGORITHM} Credential=${credentials.accessKeyId}/${formatScope(scope)}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  ]);
  return unsigned;
}

/**
 * Presigns with query parameters (query-string authentication): appends `X-Amz-Algorithm`,
 * `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, the session token if any,
 * and `X-Amz-Signature` to the path. Headers are signed as by `signRequest`.
 */
export function presignRequest(
  request: SigV4Request,
  credentials: SigningCredentials,
  options: SigningOptions & { readonly expiresIn: number },
): SigV4Request {
  if (!(Number.isInteger(options.expiresIn) && options.expiresIn >= 1 && options.expiresIn <= MAX_EXPIRES_SECONDS)) {
    throw new RangeError(`presign: expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS}`);
  }
  const { amzDate, scope } = scopeOf(options);
  const signedHeaders = sortedSignable(request.headers);
  let added =
    `${QUERY_PARAMS.algorithm}=${ALGORITHM}` +
    `&${QUERY_PARAMS.credential}=${uriEscape(`${credentials.accessKeyId}/${formatScope(scope)}`)}` +
    `&${QUERY_PARAMS.date}=${amzDate}` +
    `&${QUERY_PARAMS.expires}=${options.expiresIn}` +
    `&${QUERY_PARAMS.signedHeaders}=${uriEscape(signedHeaders.join(';'))}`;
  if (credentials.sessionToken !== undefined) added += `&${QUERY_PARAMS.securityToken}=${uriEscape(credentials.sessionToken)}`;
  const path = request.path.includes('?') ? `${request.path}&${added}` : `${request.path}?${added}`;
  const unsigned: SigV4Request = { ...request, path };
  const signature = signatureOf(unsigned, signedHeaders, amzDate, scope, credentials.secretAccessKey, QUERY_PARAMS.signature);
  return { ...unsigned, path: `${path}&${QUERY_PARAMS.signature}=${signature}` };
}
