// The closed catalogue of SigV4 refusals. Each internal reason (logged) maps to one AWS wire error: the
// code and HTTP status STS and IAM answer with (security.md §0.2, aws.md §8.4–8.5). `forEc2` gives EC2's
// own codes. src/sigv4/README.md documents every reason; errors.test.ts keeps the two in sync.

import type { SigV4Failure } from './types.js';

export const SIGV4_REJECT_REASONS = [
  // no authentication at all
  'ERR_SIGV4_MISSING',
  // malformed authentication: IncompleteSignature
  'ERR_SIGV4_AMBIGUOUS_AUTH',
  'ERR_SIGV4_HEADER_MALFORMED',
  'ERR_SIGV4_ALGORITHM',
  'ERR_SIGV4_PARAM_DUPLICATE',
  'ERR_SIGV4_PARAM_UNKNOWN',
  'ERR_SIGV4_QUERY_INCOMPLETE',
  'ERR_SIGV4_QUERY_ENCODING',
  'ERR_SIGV4_CREDENTIAL_MALFORMED',
  'ERR_SIGV4_SIGNED_HEADERS_MALFORMED',
  'ERR_SIGV4_SIGNATURE_MALFORMED',
  'ERR_SIGV4_DATE_MISSING',
  'ERR_SIGV4_DATE_MALFORMED',
  'ERR_SIGV4_EXPIRES_MALFORMED',
  'ERR_SIGV4_HOST_UNSIGNED',
  'ERR_SIGV4_DATE_UNSIGNED',
  'ERR_SIGV4_AMZ_HEADER_UNSIGNED',
  'ERR_SIGV4_PAYLOAD_HASH_UNSUPPORTED',
  // scope and time: SignatureDoesNotMatch, as STS and IAM answer
  'ERR_SIGV4_SCOPE_DATE',
  'ERR_SIGV4_SCOPE_REGION',
  'ERR_SIGV4_SCOPE_SERVICE',
  'ERR_SIGV4_SCOPE_TERMINATOR',
  'ERR_SIGV4_EXPIRED',
  'ERR_SIGV4_NOT_YET_VALID',
  // presigned URL past X-Amz-Date + X-Amz-Expires: AccessDenied
  'ERR_SIGV4_PRESIGN_EXPIRED',
  // unknown access key: InvalidClientTokenId
  'ERR_SIGV4_UNKNOWN_KEY',
  // the signature itself: SignatureDoesNotMatch
  'ERR_SIGV4_SIGNED_HEADER_ABSENT',
  'ERR_SIGV4_PAYLOAD_HASH_MISMATCH',
  'ERR_SIGV4_SIGNATURE_MISMATCH',
] as const;
export type SigV4RejectReason = (typeof SIGV4_REJECT_REASONS)[number];

export const SIGV4_AWS_CODES = [
  'MissingAuthenticationToken',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'AccessDenied',
] as const;
export type SigV4AwsCode = (typeof SIGV4_AWS_CODES)[number];

/** HTTP status of each code on STS and IAM (aws.md §8.5; security.md §0.2). */
export const HTTP_STATUS: Readonly<Record<SigV4AwsCode, 400 | 403>> = {
  MissingAuthenticationToken: 403,
  IncompleteSignature: 400,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  AccessDenied: 403,
};

/** The AWS code each reason is answered with. */
export function awsCode(reason: SigV4RejectReason): SigV4AwsCode {
  switch (reason) {
    case 'ERR_SIGV4_MISSING':
      return 'MissingAuthenticationToken';
    case 'ERR_SIGV4_AMBIGUOUS_AUTH':
    case 'ERR_SIGV4_HEADER_MALFORMED':
    case 'ERR_SIGV4_ALGORITHM':
    case 'ERR_SIGV4_PARAM_DUPLICATE':
    case 'ERR_SIGV4_PARAM_UNKNOWN':
    case 'ERR_SIGV4_QUERY_INCOMPLETE':
    case 'ERR_SIGV4_QUERY_ENCODING':
    case 'ERR_SIGV4_CREDENTIAL_MALFORMED':
    case 'ERR_SIGV4_SIGNED_HEADERS_MALFORMED':
    case 'ERR_SIGV4_SIGNATURE_MALFORMED':
    case 'ERR_SIGV4_DATE_MISSING':
    case 'ERR_SIGV4_DATE_MALFORMED':
    case 'ERR_SIGV4_EXPIRES_MALFORMED':
    case 'ERR_SIGV4_HOST_UNSIGNED':
    case 'ERR_SIGV4_DATE_UNSIGNED':
    case 'ERR_SIGV4_AMZ_HEADER_UNSIGNED':
    case 'ERR_SIGV4_PAYLOAD_HASH_UNSUPPORTED':
      return 'IncompleteSignature';
    case 'ERR_SIGV4_SCOPE_DATE':
    case 'ERR_SIGV4_SCOPE_REGION':
    case 'ERR_SIGV4_SCOPE_SERVICE':
    case 'ERR_SIGV4_SCOPE_TERMINATOR':
    case 'ERR_SIGV4_EXPIRED':
    case 'ERR_SIGV4_NOT_YET_VALID':
    case 'ERR_SIGV4_SIGNED_HEADER_ABSENT':
    case 'ERR_SIGV4_PAYLOAD_HASH_MISMATCH':
    case 'ERR_SIGV4_SIGNATURE_MISMATCH':
      return 'SignatureDoesNotMatch';
    case 'ERR_SIGV4_PRESIGN_EXPIRED':
      return 'AccessDenied';
    case 'ERR_SIGV4_UNKNOWN_KEY':
      return 'InvalidClientTokenId';
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}

// AWS's own wording for the fixed messages.
export const MESSAGES = {
  /** API-CE; observed from STS/IAM for unsigned calls. */
  missing: 'Request is missing Authentication Token',
  /** DOC + MOTO (aws.md §8.4.9). */
  signatureMismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  /** OBS (aws.md §8.1 error body). */
  invalidToken: 'The security token included in the request is invalid',
  /** security.md V14 / S3's presigned-URL wording. */
  presignExpired: 'Request has expired',
  /** API-CE description of IncompleteSignature. */
  doesNotConform: 'The request signature does not conform to AWS standards',
} as const;

/** Builds a refusal: the code and status follow from the reason; the message is the caller's. */
export function reject(reason: SigV4RejectReason, message: string): SigV4Failure {
  const code = awsCode(reason);
  return { ok: false, code, message, httpStatus: HTTP_STATUS[code], reason };
}

/** EC2's answer to the same refusal (aws.md §8.4.4–8.4.9: `AuthFailure` 401, `RequestExpired` 400). */
export interface Ec2AuthError {
  readonly code: 'AuthFailure' | 'RequestExpired' | 'IncompleteSignature';
  readonly httpStatus: 400 | 401;
  readonly message: string;
}

export function forEc2(failure: SigV4Failure): Ec2AuthError {
  switch (failure.code) {
    case 'IncompleteSignature':
      return { code: 'IncompleteSignature', httpStatus: 400, message: failure.message };
    case 'AccessDenied':
      return { code: 'RequestExpired', httpStatus: 400, message: 'Request has expired.' };
    case 'SignatureDoesNotMatch':
      if (failure.reason === 'ERR_SIGV4_EXPIRED' || failure.reason === 'ERR_SIGV4_NOT_YET_VALID') {
        return { code: 'RequestExpired', httpStatus: 400, message: 'Request has expired.' };
      }
      return { code: 'AuthFailure', httpStatus: 401, message: 'AWS was not able to validate the provided access credentials' };
    case 'MissingAuthenticationToken':
    case 'InvalidClientTokenId':
      return { code: 'AuthFailure', httpStatus: 401, message: 'AWS was not able to validate the provided access credentials' };
    default: {
      const unreachable: never = failure.code;
      return unreachable;
    }
  }
}
