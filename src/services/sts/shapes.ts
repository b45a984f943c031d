// STS response shapes from Tessera's session model (SessionClaims) and the values AWS derives for
// them (reference/aws.md §1.2, §3). Pure: no store, no clock; never puts a secret anywhere but the
// Credentials shape it is asked for.

import { createHash } from 'node:crypto';
import { assumedRoleArn } from '../../kernel/index.js';
import { policySize } from '../../policy/index.js';
import type { SessionClaims } from '../session.js';
import type { AssumedRoleUser, Credentials } from './types.js';

/**
 * `NameQualifier` and `saml:namequalifier`: Base64(SHA1(Issuer + AccountId + "/" + ProviderName)).
 * STS API reference (AssumeRoleWithSAML response): `BASE64 ( SHA1 ( "https://example.com/saml" +
 * "123456789012" + "/MySAMLIdP" ) )`; that input gives `1uAJanUnBc2XeUkHURMht+xam2c=`.
 */
export function nameQualifier(issuer: string, accountId: string, providerName: string): string {
  return createHash('sha1').update(`${issuer}${accountId}/${providerName}`, 'utf8').digest('base64');
}

/** `saml:doc`: `<account>/<provider friendly name>` (IAM User Guide, reference_policies_iam-condition-keys). */
export function samlDoc(accountId: string, providerName: string): string {
  return `${accountId}/${providerName}`;
}

/** `AssumedRoleId` is `<RoleId>:<RoleSessionName>`; the ARN names the role without its path (IAM User Guide, reference_identifiers). */
export function assumedRoleUser(claims: Pick<SessionClaims, 'accountId' | 'roleId' | 'roleName' | 'sessionName'>): AssumedRoleUser {
  return {
    AssumedRoleId: `${claims.roleId}:${claims.sessionName}`,
    Arn: assumedRoleArn(claims.accountId, claims.roleName, claims.sessionName),
  };
}

export function credentials(claims: SessionClaims, sessionToken: string): Credentials {
  return {
    AccessKeyId: claims.accessKeyId,
    SecretAccessKey: claims.secretAccessKey,
    SessionToken: sessionToken,
    Expiration: new Date(claims.expiresAt * 1000),
  };
}

/** What the packed size is computed from. */
export interface PackedInputs {
  readonly policy?: string | undefined;
  readonly policyArns: readonly string[];
  readonly tags: readonly { readonly key: string; readonly value: string }[];
}

/** The plain-text budget the packed size is measured against: the session-policy quota of 2,048 characters. */
export const PACKED_BUDGET = 2048;

/**
 * `PackedPolicySize`: AWS compresses session policies, policy ARNs and session tags into a binary
 * form whose limit it does not publish, and reports the share used as an integer percentage (STS
 * model, PackedPolicySize; over 100 the call fails with PackedPolicyTooLarge). Tessera's
 * deterministic stand-in (reference/aws.md §1.4):
 *
 *   ceil(100 × (size(Policy) + Σ len(PolicyArn) + Σ (len(TagKey) + len(TagValue))) / 2048)
 *
 * where size(Policy) counts characters as IAM's policy quotas do (whitespace outside strings is
 * free), so reformatting a policy never changes its packed size. Undefined when nothing is packed.
 */
export function packedPolicySize(inputs: PackedInputs): number | undefined {
  if (inputs.policy === undefined && inputs.policyArns.length === 0 && inputs.tags.length === 0) return undefined;
  let chars = inputs.policy === undefined ? 0 : policySize(inputs.policy);
  for (const arn of inputs.policyArns) chars += arn.length;
  for (const t of inputs.tags) chars += t.key.length + t.value.length;
  return Math.ceil((100 * chars) / PACKED_BUDGET);
}
