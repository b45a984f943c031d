// Parses `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` strictly: any
// deviation is IncompleteSignature with AWS's wording (aws.md §8.4.1, security.md V9). Reads no other header.

import { MESSAGES, reject } from './errors.js';
import { ALGORITHM } from './canonical-request.js';
import type { SigV4Failure } from './types.js';

export interface AuthorizationParams {
  readonly ok: true;
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
}

const PARAM_NAMES = ['Credential', 'SignedHeaders', 'Signature'] as const;
type ParamName = (typeof PARAM_NAMES)[number];

/** AWS echoes the header in its messages; cap it so a huge header is not reflected whole. */
export function echo(value: string): string {
  return value.length > 512 ? `${value.slice(0, 512)}…` : value;
}

/**
 * `hasDate`: whether the request has an `X-Amz-Date` or `Date` header, so that one message can name
 * every missing piece as AWS does: "Authorization header requires 'Credential' parameter. … Authorization
 * header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=…" [OBS, issues
 * quoting STS/SES/API Gateway].
 */
export function parseAuthorizationHeader(value: string, hasDate: boolean): AuthorizationParams | SigV4Failure {
  const header = value.trim();
  const space = header.search(/[ \t]/);
  const algorithm = space < 0 ? header : header.slice(0, space);
  const rest = space < 0 ? '' : header.slice(space + 1);

  if (algorithm !== ALGORITHM) {
    // An AWS4 family name with the right shape (AWS4-HMAC-SHA1, SigV4a's AWS4-ECDSA-P256-SHA256): say the
    // algorithm is refused (security.md V9). Anything else (Bearer, SigV2's `AWS key:sig`) is not SigV4 at all.
    if (/^AWS4-[A-Z0-9-]+$/.test(algorithm) && /Credential=/.test(rest)) {
      return reject('ERR_SIGV4_ALGORITHM', `${MESSAGES.doesNotConform}: unsupported algorithm '${algorithm}'; only '${ALGORITHM}' is accepted.`);
    }
    return reject('ERR_SIGV4_HEADER_MALFORMED', requiresMessage(new Set(), hasDate, header));
  }

  const found = new Map<ParamName, string>();
  if (rest.trim() === '') return reject('ERR_SIGV4_HEADER_MALFORMED', requiresMessage(new Set(), hasDate, header));
  // Parameters are separated by commas and/or whitespace; none of their values may contain either, so a
  // stray space (a pasted key with a blank) splits a value and is reported as AWS reports it.
  for (const part of rest.split(/[\s,]+/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      return reject(
        'ERR_SIGV4_HEADER_MALFORMED',
        `'${echo(part)}' not a valid key=value pair (missing equal-sign) in Authorization header: '${echo(header)}'.`,
      );
    }
    const key = part.slice(0, eq);
    const paramValue = part.slice(eq + 1);
    if (!(PARAM_NAMES as readonly string[]).includes(key)) {
      return reject(
        'ERR_SIGV4_PARAM_UNKNOWN',
        `'${echo(key)}' is not an Authorization header parameter; expected Credential, SignedHeaders and Signature. Authorization=${echo(header)}`,
      );
    }
    // Two Credential= (or SignedHeaders=, Signature=) leave which one was meant to the parser: refuse
    // rather than pick one (parameter-pollution ambiguity, CWE-235; security.md V9).
    if (found.has(key as ParamName)) {
      return reject('ERR_SIGV4_PARAM_DUPLICATE', `Authorization header has more than one '${key}' parameter. Authorization=${echo(header)}`);
    }
    found.set(key as ParamName, paramValue);
  }

  const credential = found.get('Credential');
  const signedHeaders = found.get('SignedHeaders');
  const signature = found.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined || !hasDate) {
    const reason = credential === undefined || signedHeaders === undefined || signature === undefined ? 'ERR_SIGV4_HEADER_MALFORMED' : 'ERR_SIGV4_DATE_MISSING';
    return reject(reason, requiresMessage(new Set(found.keys()), hasDate, header));
  }
  return { ok: true, credential, signedHeaders, signature };
}

function requiresMessage(found: ReadonlySet<ParamName>, hasDate: boolean, header: string): string {
  let message = '';
  // AWS's order: Credential, Signature, SignedHeaders, then the date.
  for (const name of ['Credential', 'Signature', 'SignedHeaders'] as const) {
    if (!found.has(name)) message += `Authorization header requires '${name}' parameter. `;
  }
  if (!hasDate) message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  return `${message}Authorization=${echo(header)}`;
}
