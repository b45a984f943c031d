// The closed catalogue of SAML rejections. Each internal reason (logged, never shown to the
// caller) maps to the AWS STS error code and public message the API returns (reference/aws.md §1.4,
// security.md §0.2). Messages never echo document content.

export const SAML_REJECT_REASONS = [
  // P1–P4: size, encoding, parse
  'SIZE', 'BASE64', 'UTF8', 'DOCTYPE', 'ENTITY', 'PROCESSING_INSTRUCTION', 'COMMENT', 'ENCODING', 'NUL_BYTE',
  'TOO_DEEP', 'TOO_MANY_ELEMENTS', 'TOO_MANY_ATTRIBUTES', 'XML_PARSE', 'ROOT_NOT_RESPONSE', 'DEFLATE_BOMB',
  // P5–P6: structure and IDs
  'NO_ASSERTION', 'XSW_MULTI_ASSERTION', 'ASSERTION_NOT_CHILD', 'ENCRYPTED_ASSERTION', 'SIG_MISSING', 'SIG_POSITION',
  'SIG_TOO_MANY', 'SIG_FORBIDDEN_ELEMENT', 'DSIG_OUT_OF_PLACE', 'ID_DUPLICATE', 'ID_INVALID', 'ID_MISSING',
  // P7–P10: signature
  'SIG_STRUCTURE', 'SIG_C14N_ALGORITHM', 'SIG_ALGORITHM', 'SIG_HMAC', 'SIG_DIGEST_ALGORITHM', 'SIG_SHA1_STRICT',
  'SIG_TRANSFORMS', 'SIG_REF_COUNT', 'SIG_REF_NOT_PARENT', 'SIG_KEYINFO_MISMATCH', 'SIG_INVALID', 'SIGNED_CONTENT_MISMATCH',
  'NO_TRUSTED_CERTIFICATE',
  // P11–P17: content
  'ISSUER_MISMATCH', 'STATUS_NOT_SUCCESS', 'SUBJECT_INVALID', 'SUBJECT_CONFIRMATION', 'RECIPIENT_MISMATCH',
  'DESTINATION_MISMATCH', 'NOT_YET_VALID', 'EXPIRED', 'ISSUE_INSTANT_STALE', 'ISSUE_INSTANT_FUTURE', 'DATETIME_INVALID',
  'AUDIENCE_MISMATCH', 'ATTRIBUTE_DUPLICATE', 'REPLAY',
] as const;
export type SamlRejectReason = (typeof SAML_REJECT_REASONS)[number];

export type StsSamlErrorCode = 'InvalidIdentityToken' | 'ExpiredTokenException' | 'IDPRejectedClaim';

export interface PublicSamlError {
  readonly code: StsSamlErrorCode;
  readonly httpStatus: 400 | 403;
  readonly message: string;
}

const INVALID = 'Invalid SAML response';

/** What the caller is told for each reason (STS codes and wording). */
export function publicError(reason: SamlRejectReason): PublicSamlError {
  switch (reason) {
    case 'ISSUE_INSTANT_STALE':
      return { code: 'ExpiredTokenException', httpStatus: 400, message: 'Token must be redeemed within 5 minutes of issuance' };
    case 'EXPIRED':
      return { code: 'ExpiredTokenException', httpStatus: 400, message: 'Response has expired' };
    case 'STATUS_NOT_SUCCESS':
      return { code: 'IDPRejectedClaim', httpStatus: 403, message: 'The identity provider rejected the authentication' };
    case 'ISSUER_MISMATCH':
      return { code: 'InvalidIdentityToken', httpStatus: 400, message: 'Issuer not present in specified provider' };
    case 'AUDIENCE_MISMATCH':
      return { code: 'InvalidIdentityToken', httpStatus: 400, message: 'Response does not contain the required audience.' };
    case 'REPLAY':
      return { code: 'InvalidIdentityToken', httpStatus: 400, message: 'The SAML assertion has already been used' };
    case 'SIG_MISSING': case 'SIG_POSITION': case 'SIG_TOO_MANY': case 'SIG_FORBIDDEN_ELEMENT': case 'DSIG_OUT_OF_PLACE':
    case 'SIG_STRUCTURE': case 'SIG_C14N_ALGORITHM': case 'SIG_ALGORITHM': case 'SIG_HMAC': case 'SIG_DIGEST_ALGORITHM':
    case 'SIG_SHA1_STRICT': case 'SIG_TRANSFORMS': case 'SIG_REF_COUNT': case 'SIG_REF_NOT_PARENT': case 'SIG_KEYINFO_MISMATCH':
    case 'SIG_INVALID': case 'SIGNED_CONTENT_MISMATCH': case 'NO_TRUSTED_CERTIFICATE': case 'XSW_MULTI_ASSERTION':
    case 'ASSERTION_NOT_CHILD':
      return { code: 'InvalidIdentityToken', httpStatus: 400, message: 'Response signature invalid' };
    default:
      return { code: 'InvalidIdentityToken', httpStatus: 400, message: INVALID };
  }
}

/** A rejected SAML message: the public half (code, message) and the logged half (reason, detail). */
export class SamlRejectedError extends Error {
  readonly code: StsSamlErrorCode;
  readonly httpStatus: 400 | 403;
  constructor(
    readonly reason: SamlRejectReason,
    /** For logs only: may name elements and values, never returned to the caller. */
    readonly detail: string,
  ) {
    const pub = publicError(reason);
    super(pub.message);
    this.name = 'SamlRejectedError';
    this.code = pub.code;
    this.httpStatus = pub.httpStatus;
  }
}

export function reject(reason: SamlRejectReason, detail: string): never {
  throw new SamlRejectedError(reason, detail);
}
