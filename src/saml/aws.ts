// Reads the attributes AWS STS consumes from a verified assertion (reference/aws.md §1.3): Role
// pairs, RoleSessionName, SessionDuration, session tags, transitive keys, SourceIdentity — with
// AWS's rules, each violation as the STS error AssumeRoleWithSAML returns for it.

import { AWS_ATTRIBUTE } from './ns.js';
import type { VerifiedAssertion } from './types.js';

export interface RolePair {
  readonly roleArn: string;
  readonly principalArn: string;
}

export interface SessionTag {
  readonly key: string;
  readonly value: string;
}

export interface AwsClaimProblem {
  readonly code: 'InvalidIdentityToken' | 'AccessDenied' | 'ValidationError';
  readonly message: string;
}

export interface AwsSamlClaims {
  readonly roles: readonly RolePair[];
  readonly roleSessionName: string | undefined;
  readonly sessionDuration: number | undefined;
  readonly sessionTags: readonly SessionTag[];
  readonly transitiveTagKeys: readonly string[];
  readonly sourceIdentity: string | undefined;
  /** Everything AWS would refuse, in the order STS checks it; empty when STS would accept the claims. */
  readonly problems: readonly AwsClaimProblem[];
  /** Role values that are not a role/provider pair (ignored, as AWS ignores them). */
  readonly ignoredRoleValues: readonly string[];
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w.-]+$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
export const MAX_SESSION_TAGS = 50;

/** A Role value: "role ARN,provider ARN", in either order, whitespace around the comma ignored. */
export function parseRolePair(value: string): RolePair | undefined {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length !== 2) return undefined;
  const [a, b] = parts as [string, string];
  if (ROLE_ARN.test(a) && PROVIDER_ARN.test(b)) return { roleArn: a, principalArn: b };
  if (ROLE_ARN.test(b) && PROVIDER_ARN.test(a)) return { roleArn: b, principalArn: a };
  return undefined;
}

export function readAwsClaims(assertion: VerifiedAssertion): AwsSamlClaims {
  const problems: AwsClaimProblem[] = [];
  const byName = new Map(assertion.attributes.map((a) => [a.name, a.values] as const));

  const roles: RolePair[] = [];
  const ignoredRoleValues: string[] = [];
  for (const v of byName.get(AWS_ATTRIBUTE.role) ?? []) {
    const pair = parseRolePair(v);
    if (pair === undefined) ignoredRoleValues.push(v);
    else roles.push(pair);
  }
  if (roles.length === 0) problems.push({ code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithSAML' });

  const names = byName.get(AWS_ATTRIBUTE.roleSessionName);
  let roleSessionName: string | undefined;
  if (names === undefined || names.length === 0) {
    problems.push({ code: 'InvalidIdentityToken', message: 'RoleSessionName is required in AuthnResponse' });
  } else {
    roleSessionName = names[0];
    if (names.length !== 1 || !SESSION_NAME.test(roleSessionName as string)) {
      problems.push({ code: 'InvalidIdentityToken', message: 'RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}' });
    }
  }

  let sessionDuration: number | undefined;
  const durations = byName.get(AWS_ATTRIBUTE.sessionDuration);
  if (durations !== undefined) {
    const d = durations[0] ?? '';
    if (durations.length !== 1 || !/^\d+$/.test(d) || Number(d) < 900 || Number(d) > 43200) {
      problems.push({ code: 'InvalidIdentityToken', message: 'SessionDuration in AuthnResponse must be an integer between 900 and 43200' });
    } else sessionDuration = Number(d);
  }

  const sessionTags: SessionTag[] = [];
  const seenKeys = new Set<string>();
  let tagProblem = false;
  for (const a of assertion.attributes) {
    if (!a.name.startsWith(AWS_ATTRIBUTE.principalTagPrefix)) continue;
    const key = a.name.slice(AWS_ATTRIBUTE.principalTagPrefix.length);
    const value = a.values[0] ?? '';
    // IAM: one value per session tag; keys unique regardless of case; no `aws:` prefix.
    if (a.values.length !== 1 || !TAG_KEY.test(key) || !TAG_VALUE.test(value) || /^aws:/i.test(key) || /^aws:/i.test(value) || seenKeys.has(key.toLowerCase())) {
      tagProblem = true;
    }
    seenKeys.add(key.toLowerCase());
    sessionTags.push({ key, value });
  }
  if (sessionTags.length > MAX_SESSION_TAGS) tagProblem = true;
  if (tagProblem) problems.push({ code: 'ValidationError', message: 'Unable to validate tags' });

  const transitiveTagKeys = [...(byName.get(AWS_ATTRIBUTE.transitiveTagKeys) ?? [])];
  for (const k of transitiveTagKeys) {
    if (!seenKeys.has(k.toLowerCase())) {
      problems.push({ code: 'ValidationError', message: `Transitive tag key ${k} is not a session tag key` });
      break;
    }
  }

  let sourceIdentity: string | undefined;
  const sources = byName.get(AWS_ATTRIBUTE.sourceIdentity);
  if (sources !== undefined) {
    sourceIdentity = sources[0];
    if (sources.length !== 1 || !SESSION_NAME.test(sourceIdentity ?? '') || /^aws:/i.test(sourceIdentity ?? '')) {
      problems.push({ code: 'InvalidIdentityToken', message: 'Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"' });
    }
  }

  return { roles, roleSessionName, sessionDuration, sessionTags, transitiveTagKeys, sourceIdentity, problems, ignoredRoleValues };
}

/** AWS's SubjectType: the NameID Format without the SAML 2.0 prefix; other formats unchanged. */
export function subjectType(format: string | undefined): string {
  const prefix = 'urn:oasis:names:tc:SAML:2.0:nameid-format:';
  if (format === undefined) return 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
  return format.startsWith(prefix) ? format.slice(prefix.length) : format;
}
