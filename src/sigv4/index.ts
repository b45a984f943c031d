// Server-side SigV4 (header and presigned-query forms) as pure functions, plus the matching signer.
// Imports only node:crypto and node:buffer; time and keys are inputs (DESIGN.md §3; test/architecture.test.ts).

export { getCanonicalHeaders, canonicalHeaderValue, indexHeaders } from './canonical-headers.js';
export type { HeaderIndex } from './canonical-headers.js';
export { decodeQueryComponent, getCanonicalQuery, splitRawQuery } from './canonical-query.js';
export type { RawQueryParam } from './canonical-query.js';
export {
  ALGORITHM,
  EMPTY_SHA256,
  TERMINATOR,
  computeSignature,
  createCanonicalRequest,
  createStringToSign,
  formatScope,
  getSigningKey,
} from './canonical-request.js';
export type { CanonicalRequestParts } from './canonical-request.js';
export { getCanonicalPath } from './canonical-uri.js';
export { parseCredential } from './credential.js';
export type { ParsedCredential } from './credential.js';
export { formatAmzDate, parseAmzDate, parseHttpDate } from './date.js';
export { normalizeQueryComponent, uriEscape } from './encoding.js';
export { HTTP_STATUS, MESSAGES, SIGV4_AWS_CODES, SIGV4_REJECT_REASONS, awsCode, forEc2 } from './errors.js';
export type { Ec2AuthError, SigV4AwsCode, SigV4RejectReason } from './errors.js';
export { parseAuthorizationHeader } from './parse-authorization.js';
export type { AuthorizationParams } from './parse-authorization.js';
export { MAX_EXPIRES_SECONDS, QUERY_PARAMS, parseExpires, readQueryAuthParams } from './parse-presigned.js';
export { getPayloadHash } from './payload.js';
export { presignRequest, signRequest } from './sign.js';
export { createSigningKeyCache } from './signing-key-cache.js';
export type { SigningKeyCache } from './signing-key-cache.js';
export type { SigningCredentials, SigningOptions } from './sign.js';
export type {
  CredentialScope,
  PendingSigV4,
  SecretRecord,
  SigV4AsyncVerifyOptions,
  SigV4AuthLocation,
  SigV4CheckOptions,
  SigV4Failure,
  SigV4Request,
  SigV4Result,
  SigV4Success,
  SigV4VerifyOptions,
} from './types.js';
export {
  DEFAULT_MAX_SKEW_SECONDS,
  checkSigV4Signature,
  isPlausibleAccessKeyId,
  parseSignedHeaders,
  parseSigV4Request,
  verifySigV4,
  verifySigV4Async,
} from './verify.js';
