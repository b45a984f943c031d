// Server-side SigV4 verification, header and presigned-query forms (aws.md §8.4, security.md §4).
// A pure fold over the request: the time and the key lookup are inputs; it never reads the clock.
// Two phases so an async key store fits between them: parseSigV4Request → lookup → checkSigV4Signature.

import { Buffer } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';
import { getCanonicalHeaders, indexHeaders } from './canonical-headers.js';
import { getCanonicalQuery, splitRawQuery } from './canonical-query.js';
import { ALGORITHM, computeSignature, createCanonicalRequest, createStringToSign, getSigningKey } from './canonical-request.js';
import { getCanonicalPath } from './canonical-uri.js';
import { parseCredential } from './credential.js';
import { formatAmzDate, parseAmzDate, parseHttpDate } from './date.js';
import { MESSAGES, reject } from './errors.js';
import { echo, parseAuthorizationHeader } from './parse-authorization.js';
import { hasQueryAuth, parseExpires, QUERY_PARAMS, readQueryAuthParams } from './parse-presigned.js';
import { getPayloadHash } from './payload.js';
import type { SigningKeyCache } from './signing-key-cache.js';
import type {
  PendingSigV4,
  SecretRecord,
  SigV4AsyncVerifyOptions,
  SigV4AuthLocation,
  SigV4CheckOptions,
  SigV4Failure,
  SigV4Request,
  SigV4Result,
  SigV4VerifyOptions,
} from './types.js';

/** STS, IAM and EC2 allow 15 minutes each way (aws.md §8.4.4). */
export const DEFAULT_MAX_SKEW_SECONDS = 900;

const SIGNATURE_RE = /^[0-9a-f]{64}$/;
// A header name (RFC 7230 token), lowercase.
const HEADER_NAME_RE = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
// AWS access key ids: `[\w]+`, 16..128 in the IAM model; shorter ones exist in AWS's own test suites.
const ACCESS_KEY_ID_RE = /^\w{1,128}$/;

/** `host;x-amz-date` → names, only if lowercase header names, strictly ascending (so sorted and unique). */
export function parseSignedHeaders(text: string): string[] | undefined {
  if (text === '') return undefined;
  const names = text.split(';');
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (!HEADER_NAME_RE.test(name)) return undefined;
    if (i > 0 && !((names[i - 1] as string) < name)) return undefined;
  }
  return names;
}

function windowText(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min.` : `${seconds} sec.`;
}

interface AuthInput {
  readonly location: SigV4AuthLocation;
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
  /** Exactly the timestamp string that goes into the string to sign. */
  readonly amzDate: string;
  readonly requestMs: number;
  /** The request time came from the `Date` header, which must then be signed. */
  readonly fromDateHeader: boolean;
  readonly expiresSeconds?: number;
  readonly securityToken?: string;
}

/**
 * Phase 1: everything that needs no secret. Finds the one authentication mechanism, parses it strictly,
 * checks the signed headers, scope and time, and computes the canonical request and string to sign.
 */
export function parseSigV4Request(request: SigV4Request, options: SigV4CheckOptions): PendingSigV4 | SigV4Failure {
  const q = request.path.indexOf('?');
  const rawPath = q < 0 ? request.path : request.path.slice(0, q);
  const params = splitRawQuery(q < 0 ? '' : request.path.slice(q + 1));
  const headers = indexHeaders(request.headers);

  // 1. Exactly one mechanism (security.md V9): a request carrying both an Authorization header and a
  // presigned query would be judged by whichever one a later reader happens to look at.
  const authHeaders = headers.get('authorization');
  const queryAuth = hasQueryAuth(params);
  if (authHeaders === undefined && !queryAuth) return reject('ERR_SIGV4_MISSING', MESSAGES.missing);
  if (authHeaders !== undefined && queryAuth) {
    return reject(
      'ERR_SIGV4_AMBIGUOUS_AUTH',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified',
    );
  }
  const query = readQueryAuthParams(params);
  if (!query.ok) return query;
  const tokenHeaders = headers.get('x-amz-security-token');
  if (tokenHeaders !== undefined && (tokenHeaders.length > 1 || query.securityToken !== undefined)) {
    return reject('ERR_SIGV4_PARAM_DUPLICATE', 'X-Amz-Security-Token must be given once, as a header or as a query parameter.');
  }
  const securityToken = tokenHeaders !== undefined ? (tokenHeaders[0] as string).trim() : query.securityToken;

  // 2. The mechanism's own parameters.
  let auth: AuthInput;
  if (authHeaders !== undefined) {
    if (authHeaders.length > 1) return reject('ERR_SIGV4_PARAM_DUPLICATE', 'Only one Authorization header is allowed.');
    const amzDates = headers.get('x-amz-date');
    const dates = headers.get('date');
    const parsed = parseAuthorizationHeader(authHeaders[0] as string, amzDates !== undefined || dates !== undefined);
    if (!parsed.ok) return parsed;
    // X-Amz-Date wins over Date [DOC UG:signing-elements].
    let amzDate: string;
    let requestMs: number | undefined;
    if (amzDates !== undefined) {
      if (amzDates.length > 1) return reject('ERR_SIGV4_PARAM_DUPLICATE', "Only one 'X-Amz-Date' header is allowed.");
      amzDate = (amzDates[0] as string).trim();
      requestMs = parseAmzDate(amzDate);
    } else {
      const list = dates as readonly string[];
      if (list.length > 1) return reject('ERR_SIGV4_PARAM_DUPLICATE', "Only one 'Date' header is allowed.");
      requestMs = parseHttpDate((list[0] as string).trim());
      amzDate = requestMs === undefined ? (list[0] as string).trim() : formatAmzDate(requestMs);
    }
    if (requestMs === undefined) {
      return reject(
        'ERR_SIGV4_DATE_MALFORMED',
        amzDates !== undefined
          ? `Invalid date '${echo(amzDate)}': X-Amz-Date must be in the ISO 8601 basic format YYYYMMDD'T'HHMMSS'Z'.`
          : `Invalid date '${echo(amzDate)}': the Date header must be an HTTP date such as 'Sun, 30 Aug 2015 12:36:00 GMT'.`,
      );
    }
    auth = {
      location: 'header',
      credential: parsed.credential,
      signedHeaders: parsed.signedHeaders,
      signature: parsed.signature,
      amzDate,
      requestMs,
      fromDateHeader: amzDates === undefined,
      ...(securityToken !== undefined ? { securityToken } : {}),
    };
  } else {
    const { algorithm, credential, date, signedHeaders, signature, expires } = query;
    if (algorithm === undefined || credential === undefined || date === undefined || signedHeaders === undefined || signature === undefined) {
      return reject(
        'ERR_SIGV4_QUERY_INCOMPLETE',
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date and X-Amz-SignedHeaders parameters.',
      );
    }
    if (algorithm !== ALGORITHM) return reject('ERR_SIGV4_ALGORITHM', `X-Amz-Algorithm only supports "${ALGORITHM}"`);
    const requestMs = parseAmzDate(date);
    if (requestMs === undefined) {
      return reject('ERR_SIGV4_DATE_MALFORMED', `Invalid date '${echo(date)}': X-Amz-Date must be in the ISO 8601 basic format YYYYMMDD'T'HHMMSS'Z'.`);
    }
    let expiresSeconds: number | undefined;
    if (expires !== undefined) {
      const e = parseExpires(expires);
      if (typeof e !== 'number') return e;
      expiresSeconds = e;
    }
    auth = {
      location: 'query',
      credential,
      signedHeaders,
      signature,
      amzDate: date,
      requestMs,
      fromDateHeader: false,
      ...(expiresSeconds !== undefined ? { expiresSeconds } : {}),
      ...(securityToken !== undefined ? { securityToken } : {}),
    };
  }

  // 3. Shapes. The signature is checked as 64 lowercase hex before anything compares it, so the
  // constant-time compare always gets two 32-byte buffers (security.md V1).
  if (!SIGNATURE_RE.test(auth.signature)) {
    return reject('ERR_SIGV4_SIGNATURE_MALFORMED', `Signature must be 64 lowercase hexadecimal characters, not '${echo(auth.signature)}'.`);
  }
  const signedHeaders = parseSignedHeaders(auth.signedHeaders);
  if (signedHeaders === undefined) {
    return reject(
      'ERR_SIGV4_SIGNED_HEADERS_MALFORMED',
      `SignedHeaders must list lowercase header names, sorted and separated by ';', not '${echo(auth.signedHeaders)}'.`,
    );
  }

  // 4. What must be signed (security.md V6). An unsigned Host lets a captured signature be replayed
  // against another virtual host; an unsigned Date carrying the request time lets anyone re-date it; an
  // unsigned x-amz-* header (a security token, a content hash) is input the signature does not vouch for.
  if (!signedHeaders.includes('host')) {
    return reject('ERR_SIGV4_HOST_UNSIGNED', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (auth.fromDateHeader && !signedHeaders.includes('date')) {
    return reject('ERR_SIGV4_DATE_UNSIGNED', "'Date' must be a 'SignedHeader' in the AWS Authorization when it carries the request time.");
  }
  let unsigned = '';
  for (const name of headers.keys()) {
    if (name.startsWith('x-amz-') && !signedHeaders.includes(name)) unsigned += unsigned === '' ? name : `, ${name}`;
  }
  if (unsigned !== '') {
    return reject('ERR_SIGV4_AMZ_HEADER_UNSIGNED', `There were headers present in the request which were not signed: ${unsigned}`);
  }

  // 5. Scope: well formed, today's date, the expected region and service (security.md V3).
  const credential = parseCredential(auth.credential, auth.amzDate, { service: options.expectedService, region: options.expectedRegion });
  if (!credential.ok) return credential;

  // 6. Time (security.md V2, V14), at the one-second resolution of X-Amz-Date.
  const skew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  const nowSec = Math.floor(options.now.getTime() / 1000);
  const requestSec = Math.floor(auth.requestMs / 1000);
  if (requestSec > nowSec + skew) {
    return reject(
      'ERR_SIGV4_NOT_YET_VALID',
      `Signature not yet current: ${auth.amzDate} is still later than ${formatAmzDate((nowSec + skew) * 1000)} (${formatAmzDate(nowSec * 1000)} + ${windowText(skew)})`,
    );
  }
  if (auth.expiresSeconds !== undefined) {
    if (nowSec > requestSec + auth.expiresSeconds) return reject('ERR_SIGV4_PRESIGN_EXPIRED', MESSAGES.presignExpired);
  } else if (requestSec < nowSec - skew) {
    return reject(
      'ERR_SIGV4_EXPIRED',
      `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate((nowSec - skew) * 1000)} (${formatAmzDate(nowSec * 1000)} - ${windowText(skew)})`,
    );
  }

  // 7. The canonical request and the string to sign.
  const payload = getPayloadHash(request.body, headers.get('x-amz-content-sha256'));
  if (!payload.ok) return payload;
  const canonicalHeaders = getCanonicalHeaders(headers, signedHeaders);
  if (!canonicalHeaders.ok) {
    // A header the client says it signed is not here: the signature cannot match (security.md V6).
    return reject('ERR_SIGV4_SIGNED_HEADER_ABSENT', MESSAGES.signatureMismatch);
  }
  const canonicalRequest = createCanonicalRequest({
    method: request.method,
    canonicalUri: getCanonicalPath(rawPath),
    // A presigned URL cannot sign its own signature (aws.md §8.4.6).
    canonicalQuery: getCanonicalQuery(params, auth.location === 'query' ? QUERY_PARAMS.signature : undefined),
    canonicalHeaders: canonicalHeaders.text,
    signedHeaders,
    payloadHash: payload.hash,
  });
  const stringToSign = createStringToSign(auth.amzDate, credential.scope, canonicalRequest);

  return {
    ok: true,
    authLocation: auth.location,
    accessKeyId: credential.accessKeyId,
    scope: credential.scope,
    signedHeaders,
    ...(auth.securityToken !== undefined ? { securityToken: auth.securityToken } : {}),
    requestTime: new Date(auth.requestMs),
    ...(auth.expiresSeconds !== undefined ? { expiresAt: new Date(auth.requestMs + auth.expiresSeconds * 1000) } : {}),
    canonicalRequest,
    stringToSign,
    providedSignature: auth.signature,
  };
}

/** Whether an access key id could exist at all; one that could not is never handed to the lookup. */
export function isPlausibleAccessKeyId(accessKeyId: string): boolean {
  return ACCESS_KEY_ID_RE.test(accessKeyId);
}

/**
 * Phase 2: derive the signing key from the looked-up secret and compare signatures in constant time.
 * `credential` undefined means the key is unknown: the HMACs still run, with an empty secret, so an
 * unknown key costs what a known one does (security.md V10), then `InvalidClientTokenId`.
 */
export function checkSigV4Signature<K extends SecretRecord>(
  pending: PendingSigV4,
  credential: K | undefined,
  signingKeyCache?: SigningKeyCache,
): SigV4Result<K> {
  const secret = credential?.secretAccessKey ?? '';
  const signingKey = signingKeyCache !== undefined ? signingKeyCache.get(secret, pending.scope) : getSigningKey(secret, pending.scope);
  const expected = computeSignature(signingKey, pending.stringToSign);
  // INVARIANT: providedSignature matched /^[0-9a-f]{64}$/, so both buffers hold 32 bytes and
  // timingSafeEqual (which throws on unequal lengths) compares without leaking where they differ (V1).
  const same = timingSafeEqual(expected, Buffer.from(pending.providedSignature, 'hex'));
  if (credential === undefined) return reject('ERR_SIGV4_UNKNOWN_KEY', MESSAGES.invalidToken);
  if (!same) {
    return {
      ...reject('ERR_SIGV4_SIGNATURE_MISMATCH', MESSAGES.signatureMismatch),
      canonicalRequest: pending.canonicalRequest,
      stringToSign: pending.stringToSign,
    };
  }
  return {
    ok: true,
    authLocation: pending.authLocation,
    accessKeyId: pending.accessKeyId,
    credential,
    scope: pending.scope,
    signedHeaders: pending.signedHeaders,
    ...(pending.securityToken !== undefined ? { securityToken: pending.securityToken } : {}),
    requestTime: pending.requestTime,
    ...(pending.expiresAt !== undefined ? { expiresAt: pending.expiresAt } : {}),
  };
}

/**
 * Verifies a SigV4-signed request with a synchronous key lookup. On success the caller still owns what
 * SigV4 cannot know: that the session behind `securityToken` is genuine and unexpired, and what the
 * principal may do.
 */
export function verifySigV4<K extends SecretRecord>(request: SigV4Request, options: SigV4VerifyOptions<K>): SigV4Result<K> {
  const pending = parseSigV4Request(request, options);
  if (!pending.ok) return pending;
  const credential = isPlausibleAccessKeyId(pending.accessKeyId) ? options.lookupSecret(pending.accessKeyId, pending.securityToken) : undefined;
  return checkSigV4Signature(pending, credential, options.signingKeyCache);
}

/** `verifySigV4` for a key store behind an async port. */
export async function verifySigV4Async<K extends SecretRecord>(request: SigV4Request, options: SigV4AsyncVerifyOptions<K>): Promise<SigV4Result<K>> {
  const pending = parseSigV4Request(request, options);
  if (!pending.ok) return pending;
  const credential = isPlausibleAccessKeyId(pending.accessKeyId) ? await options.lookupSecret(pending.accessKeyId, pending.securityToken) : undefined;
  return checkSigV4Signature(pending, credential, options.signingKeyCache);
}
