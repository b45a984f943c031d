// HashedPayload: hex SHA-256 of the raw body (aws.md §8.4.6, security.md V8). `x-amz-content-sha256`,
// when sent, is a claim about that body that must hold; its S3-only special values are refused.

import { EMPTY_SHA256 } from './canonical-request.js';
import { sha256Hex } from './encoding.js';
import { reject } from './errors.js';
import { echo } from './parse-authorization.js';
import type { SigV4Failure } from './types.js';

const HEX64_RE = /^[0-9a-f]{64}$/;

/**
 * The payload hash of the canonical request. When the client sent `x-amz-content-sha256` the canonical
 * request carries that value — which must then equal the hash of the bytes actually received, or a
 * signature over a claimed hash would authenticate any body (security.md V8: "body changed after
 * signing"). `UNSIGNED-PAYLOAD` and `STREAMING-*` are S3 mechanisms: refused here.
 */
export function getPayloadHash(body: Uint8Array | string, claimed: readonly string[] | undefined): { readonly ok: true; readonly hash: string } | SigV4Failure {
  const actual = body.length === 0 ? EMPTY_SHA256 : sha256Hex(body);
  if (claimed === undefined) return { ok: true, hash: actual };
  if (claimed.length > 1) return reject('ERR_SIGV4_PARAM_DUPLICATE', "Only one 'x-amz-content-sha256' header is allowed.");
  const value = (claimed[0] as string).trim();
  if (!HEX64_RE.test(value)) {
    return reject(
      'ERR_SIGV4_PAYLOAD_HASH_UNSUPPORTED',
      `x-amz-content-sha256 must be the lowercase hex SHA-256 of the payload; '${echo(value)}' is not supported by this service.`,
    );
  }
  if (value !== actual) {
    return reject('ERR_SIGV4_PAYLOAD_HASH_MISMATCH', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return { ok: true, hash: value };
}
