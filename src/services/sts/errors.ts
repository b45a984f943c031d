// STS's own errors, in AWS's codes, HTTP statuses and words (reference/aws.md §1.4, §2.2; the STS
// model's error shapes). Messages never echo an assertion, a token or a policy document.

import { SamlRejectedError } from '../../saml/errors.js';
import { AwsError } from '../errors.js';

/**
 * AssumeRoleWithSAML's one denial for "pair not in the assertion", "no such role" and "the trust
 * policy does not allow": the same words for all three, so an unauthenticated caller cannot tell
 * which roles exist (IAM User Guide, troubleshoot_saml: "Not authorized to perform
 * sts:AssumeRoleWithSAML (… status code: 403; error code: AccessDenied)").
 */
export function samlAccessDenied(): AwsError {
  return new AwsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML', 403);
}

/** A RoleArn that is not a role ARN (observed: GH physera/onelogin-aws-cli#12). */
export function requestArnInvalid(): AwsError {
  return new AwsError('ValidationError', 'Request ARN is invalid', 400);
}

/** A PrincipalArn that is not a SAML provider ARN (observed: GH Versent/saml2aws#536). */
export function principalArnInvalid(): AwsError {
  return new AwsError('ValidationError', 'Principal ARN is invalid', 400);
}

/** Provider and role in different accounts (observed: GH ruimarinho/gsts#1). */
export function principalOutsideAccount(): AwsError {
  return new AwsError('ValidationError', 'Principal exists outside the account of the Role being assumed.', 400);
}

/**
 * No provider with this ARN. Wording: IAM User Guide, troubleshoot_saml ("Error: Specified provider
 * doesn't exist."); the code is not documented — InvalidIdentityToken, as aws.md §1.4 #6 chooses.
 */
export function providerMissing(): AwsError {
  return new AwsError('InvalidIdentityToken', "Specified provider doesn't exist.", 400);
}

/**
 * DurationSeconds above the role's MaxSessionDuration (IAM User Guide, troubleshoot_saml; exact
 * words observed in GH Nike-Inc/gimme-aws-creds#54).
 */
export function durationExceedsMax(): AwsError {
  return new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
}

/** The session credentials would already have expired (SessionNotOnOrAfter reached within the skew). */
export function responseExpired(): AwsError {
  // Same words as the verifier's EXPIRED reason (observed: GH Versent/saml2aws#759).
  return new AwsError('ExpiredTokenException', 'Response has expired', 400);
}

/** The session policy is not a valid policy; `message` is AWS's MalformedPolicyDocument wording. */
export function malformedPolicyDocument(message: string): AwsError {
  return new AwsError('MalformedPolicyDocument', message, 400);
}

/**
 * Session policies and tags over the packed limit. Words observed: "Packed size of session tags
 * consumes 142% of allotted space." (GH aws-actions/configure-aws-credentials#1803) and, for
 * policies, "Packed policy consumes N% of allotted space".
 */
export function packedPolicyTooLarge(percent: number, tags: boolean): AwsError {
  return new AwsError(
    'PackedPolicyTooLarge',
    tags ? `Packed size of session tags consumes ${percent}% of allotted space.` : `Packed policy consumes ${percent}% of allotted space`,
    400,
  );
}

/**
 * DecodeAuthorizationMessage given a message that does not open (forged, altered, another account's,
 * or not a message at all). AWS's words are those of the model's InvalidAuthorizationMessageException
 * shape ("…the message passed to DecodeAuthorizationMessage was invalid…"); the live message text is
 * not documented.
 */
export function invalidAuthorizationMessage(): AwsError {
  return new AwsError('InvalidAuthorizationMessageException', 'The message passed to DecodeAuthorizationMessage was invalid.', 400);
}

/** A SAML rejection in STS's words: the verifier's public half (code, message, status) only. */
export function fromSamlRejection(e: SamlRejectedError): AwsError {
  return new AwsError(e.code, e.message, e.httpStatus);
}
