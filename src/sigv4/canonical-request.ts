// The canonical request, the string to sign, the signing key and the signature: the four SigV4 steps
// after canonicalisation [DOC UG:create-signed-request, steps 1–4]. Pure functions of their inputs.

import type { Buffer } from 'node:buffer';
import { hmac, sha256Hex } from './encoding.js';
import type { CredentialScope } from './types.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const TERMINATOR = 'aws4_request';
/** Hex SHA-256 of the empty string. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface CanonicalRequestParts {
  readonly method: string;
  readonly canonicalUri: string;
  readonly canonicalQuery: string;
  /** `name:value\n` lines (each line ends with `\n`). */
  readonly canonicalHeaders: string;
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
}

/** `Method\nCanonicalURI\nCanonicalQueryString\nCanonicalHeaders\nSignedHeaders\nHashedPayload` (aws.md §8.4.6). */
export function createCanonicalRequest(p: CanonicalRequestParts): string {
  return `${p.method}\n${p.canonicalUri}\n${p.canonicalQuery}\n${p.canonicalHeaders}\n${p.signedHeaders.join(';')}\n${p.payloadHash}`;
}

/** `YYYYMMDD/region/service/aws4_request`. */
export function formatScope(scope: CredentialScope): string {
  return `${scope.date}/${scope.region}/${scope.service}/${TERMINATOR}`;
}

/** `AWS4-HMAC-SHA256\n<X-Amz-Date>\n<scope>\n<hex sha256 of the canonical request>`, no trailing newline (§8.4.7). */
export function createStringToSign(amzDate: string, scope: CredentialScope, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${formatScope(scope)}\n${sha256Hex(canonicalRequest)}`;
}

/** kDate = HMAC("AWS4"+secret, date), kRegion, kService, kSigning = HMAC(kService, "aws4_request") (§8.4.8). */
export function getSigningKey(secretAccessKey: string, scope: CredentialScope): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, scope.date);
  const kRegion = hmac(kDate, scope.region);
  const kService = hmac(kRegion, scope.service);
  return hmac(kService, TERMINATOR);
}

/** The raw 32-byte signature; hex-encode it to put it on the wire. */
export function computeSignature(signingKey: Uint8Array, stringToSign: string): Buffer {
  return hmac(signingKey, stringToSign);
}
