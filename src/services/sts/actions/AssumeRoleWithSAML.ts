// sts:AssumeRoleWithSAML — the one unsigned action: verifies a SAML Response against the provider's
// registered metadata, checks the Role pair, claims, session policies and the role's trust policy,
// then issues sealed temporary credentials. Never issues credentials for anything the assertion's
// signed bytes do not say, never tells an anonymous caller which roles exist, never logs the assertion.

import { parseArn } from '../../../kernel/index.js';
import { POLICY_SIZE_LIMITS, validatePolicy } from '../../../policy/index.js';
import { readAwsClaims, subjectType } from '../../../saml/aws.js';
import { SamlRejectedError } from '../../../saml/errors.js';
import { MetadataError, parseIdpMetadata } from '../../../saml/metadata.js';
import { claimOnce } from '../../../saml/replay.js';
import type { TrustedIdp, VerifiedAssertion } from '../../../saml/types.js';
import { parseSamlInstant, verifySamlResponse } from '../../../saml/verify.js';
import type { Tag } from '../../../store/port.js';
import { globalContext } from '../../authorize.js';
import { AwsError, validationError } from '../../errors.js';
import { sealSessionToken } from '../../session.js';
import type { SessionClaims } from '../../session.js';
import { defineAction } from '../../types.js';
import type { AuthzCheck, ServiceEnv } from '../../types.js';
import {
  durationExceedsMax,
  fromSamlRejection,
  malformedPolicyDocument,
  packedPolicyTooLarge,
  principalArnInvalid,
  principalOutsideAccount,
  providerMissing,
  requestArnInvalid,
  responseExpired,
  samlAccessDenied,
} from '../errors.js';
import { samlAttributeContext, samlFactsContext } from '../saml-keys.js';
import { assumedRoleUser, credentials, nameQualifier, packedPolicySize, samlDoc } from '../shapes.js';
import type { AssumeRoleWithSAMLRequest, AssumeRoleWithSAMLResponse } from '../types.js';

/** A role ARN (path optional); the last segment is the role name. Same grammar as src/saml/aws.ts reads Role pairs with. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const PROVIDER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):saml-provider\/([\w.-]+)$/;

/** STS: "The default is 3600 seconds" when neither DurationSeconds nor SessionDuration shortens it (STS model). */
const DEFAULT_DURATION_SECONDS = 3600;
/** STS API reference, AssumeRoleWithSAML PolicyArns: "You can provide up to 10 managed policy ARNs." */
const MAX_POLICY_ARNS = 10;

/**
 * Registered metadata parsed once per document (parsing is hardened and not free; the ≥2,000
 * AssumeRoleWithSAML/s budget of DESIGN.md §5 has no room for it per call). Bounded.
 */
const trustByDocument = new Map<string, TrustedIdp>();

function trustedIdp(env: ServiceEnv, providerArn: string, document: string): TrustedIdp {
  const hit = trustByDocument.get(document);
  if (hit !== undefined) return hit;
  let idp: TrustedIdp;
  try {
    const md = parseIdpMetadata(document);
    idp = { entityId: md.entityId, certificates: md.signingCertificates };
  } catch (e) {
    if (!(e instanceof MetadataError)) throw e;
    // IAM validated the document when it was stored; one that no longer parses trusts no key
    // (fail closed), as a provider without a usable certificate verifies no signature.
    env.log({ level: 'error', message: `stored metadata of ${providerArn} does not parse`, code: e.code });
    throw new AwsError('InvalidIdentityToken', 'Response signature invalid', 400);
  }
  if (trustByDocument.size >= 64) trustByDocument.clear();
  trustByDocument.set(document, idp);
  return idp;
}

/** The managed session policies, each an existing policy of this account (or an AWS managed one). */
async function sessionPolicyArns(env: ServiceEnv, input: AssumeRoleWithSAMLRequest): Promise<string[]> {
  const descriptors = input.PolicyArns ?? [];
  if (descriptors.length > MAX_POLICY_ARNS) {
    // Not in the model (the list has no max there); AWS documents the limit. Words in the query
    // protocol's constraint style (aws.md §1.1) — INF.
    throw validationError([`Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`]);
  }
  const arns: string[] = [];
  for (let i = 0; i < descriptors.length; i++) {
    const arn = descriptors[i]?.arn;
    if (arn === undefined) throw validationError([`Value null at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must not be null`]);
    const parsed = parseArn(arn);
    const ownAccount = parsed !== undefined && (parsed.account === env.accountId || parsed.account === 'aws');
    // STS API reference: "The policies must exist in the same account as the role." The error for a
    // missing one is not documented: ValidationError in IAM's NoSuchEntity words (INF).
    if (!ownAccount || parsed?.service !== 'iam' || (await env.store.policies.get(arn)) === undefined) {
      throw new AwsError('ValidationError', `Policy ${arn} does not exist or is not attachable.`, 400);
    }
    arns.push(arn);
  }
  return arns;
}

/**
 * Credential lifetime (aws.md §1.4 "Session duration", security.md P18): DurationSeconds or 3600,
 * shortened by the SessionDuration attribute and by the IdP session's end (SessionNotOnOrAfter).
 */
function lifetimeSeconds(input: AssumeRoleWithSAMLRequest, sessionDuration: number | undefined, verified: VerifiedAssertion, nowMs: number): number {
  let seconds = input.DurationSeconds ?? DEFAULT_DURATION_SECONDS;
  if (sessionDuration !== undefined) seconds = Math.min(seconds, sessionDuration);
  const sessionEnd = verified.authn.sessionNotOnOrAfter;
  if (sessionEnd !== undefined) seconds = Math.min(seconds, Math.floor((parseSamlInstant(sessionEnd, 'SessionNotOnOrAfter') - nowMs) / 1000));
  return seconds;
}

export const AssumeRoleWithSAML = defineAction<AssumeRoleWithSAMLRequest, AssumeRoleWithSAMLResponse>({
  name: 'AssumeRoleWithSAML',
  // STS model: `"authtype":"none"` — the SDKs and CLIs send it without a signature.
  unsigned: true,
  // The assertion is a bearer credential: it never reaches the audit log.
  secretInputs: ['SAMLAssertion'],
  async handle(input, ctx) {
    const env = ctx.env;

    // 1. The two ARNs and their accounts (aws.md §1.4 #2–#4).
    const roleMatch = ROLE_ARN.exec(input.RoleArn);
    if (roleMatch === null) throw requestArnInvalid();
    const providerMatch = PROVIDER_ARN.exec(input.PrincipalArn);
    if (providerMatch === null) throw principalArnInvalid();
    const [, roleAccount, roleName] = roleMatch as unknown as [string, string, string];
    const [, providerAccount, providerName] = providerMatch as unknown as [string, string, string];
    if (roleAccount !== providerAccount) throw principalOutsideAccount();

    // 2. The provider and its pinned trust (§1.4 #6).
    const provider = providerAccount === env.accountId ? await env.store.samlProviders.get(input.PrincipalArn) : undefined;
    if (provider === undefined) throw providerMissing();
    const idp = trustedIdp(env, provider.arn, provider.samlMetadataDocument);

    // 3. The assertion: the P1–P17 pipeline of security.md §1, against this provider's entityID and
    // certificates only (S16: an assertion of another registered IdP does not verify here). The
    // clock is the request's; audiences, recipients, skew and the 5-minute window are verify.ts's
    // AWS defaults.
    let verified: VerifiedAssertion;
    try {
      verified = verifySamlResponse(input.SAMLAssertion, { idp, now: ctx.now.getTime() });
    } catch (e) {
      if (!(e instanceof SamlRejectedError)) throw e;
      // The precise reason is for the operator; the caller gets STS's generic public half.
      env.log({ level: 'info', requestId: ctx.requestId, message: 'SAML response rejected', reason: e.reason, detail: e.detail });
      ctx.note({ samlRejectReason: e.reason });
      throw fromSamlRejection(e);
    }
    if (verified.warnings.length > 0) ctx.note({ samlWarnings: verified.warnings });

    // 4. AWS's claims (§1.3): the requested pair must be one the IdP vouched for — in either order,
    // among several (parseRolePair) — else the caller is asking for a role the user was not given.
    const claims = readAwsClaims(verified);
    if (!claims.roles.some((p) => p.roleArn === input.RoleArn && p.principalArn === input.PrincipalArn)) throw samlAccessDenied();
    const problem = claims.problems[0];
    if (problem !== undefined) throw new AwsError(problem.code, problem.message, problem.code === 'AccessDenied' ? 403 : 400);
    // INVARIANT: with no problem, readAwsClaims has a valid RoleSessionName.
    const sessionName = claims.roleSessionName as string;
    const sessionTags: Tag[] = claims.sessionTags.map((t) => ({ key: t.key, value: t.value }));
    const transitiveTagKeys = [...claims.transitiveTagKeys];
    const sourceIdentity = claims.sourceIdentity;

    // 5. The role. Missing (or another account's, or named with another path) is the same denial as
    // a refusing trust policy: role enumeration by anonymous callers learns nothing.
    const role = roleAccount === env.accountId ? await env.store.roles.get(roleName) : undefined;
    if (role === undefined || role.arn !== input.RoleArn) throw samlAccessDenied();
    // Only DurationSeconds is held against MaxSessionDuration; SessionDuration can only shorten (§1.4 #5).
    if (input.DurationSeconds !== undefined && input.DurationSeconds > role.maxSessionDuration) throw durationExceedsMax();

    // 6. Session policies and the packed size (§1.4 #22–#23).
    if (input.Policy !== undefined) {
      const checked = validatePolicy(input.Policy, { kind: 'session', maxSize: POLICY_SIZE_LIMITS.session });
      if (!checked.ok) throw malformedPolicyDocument(checked.errors[0]?.awsMessage ?? 'Syntax errors in policy.');
    }
    const policyArns = await sessionPolicyArns(env, input);
    const packed = packedPolicySize({ policy: input.Policy, policyArns, tags: sessionTags });
    if (packed !== undefined && packed > 100) throw packedPolicyTooLarge(packed, sessionTags.length > 0);

    const lifetime = lifetimeSeconds(input, claims.sessionDuration, verified, ctx.now.getTime());
    if (lifetime <= 0) throw responseExpired();

    // 7. The role's trust policy, the only policy that can grant here (§1.5): the SAML provider as
    // the Federated principal, every action the request needs, AWS's SAML context keys.
    const subjectTypeValue = subjectType(verified.nameId.format);
    const qualifier = nameQualifier(verified.issuer, env.accountId, provider.name);
    const trust = env.policies.get(role.assumeRolePolicyDocument, 'trust', role.roleName, 'role');
    // A trust policy that no longer parses grants nothing (fail closed).
    if (trust === undefined) throw samlAccessDenied();
    // The request environment is anonymous whoever signed: a signature on this unsigned action must
    // not lend the signer's tags or identity to the trust evaluation.
    const global = await globalContext({ env, caller: { kind: 'anonymous' }, service: 'sts', region: ctx.region, now: ctx.now, transport: ctx.transport });
    const context: Record<string, string | string[]> = {
      ...global.input,
      ...samlAttributeContext(verified.attributes),
      ...samlFactsContext({
        recipient: verified.subjectConfirmation.recipient,
        issuer: verified.issuer,
        subject: verified.nameId.value,
        subjectType: subjectTypeValue,
        nameQualifier: qualifier,
        doc: samlDoc(env.accountId, provider.name),
      }),
      'sts:RoleSessionName': sessionName,
    };
    // SAR (sts:AssumeRoleWithSAML on `role`): aws:ResourceTag/K and iam:ResourceTag/K from the role.
    for (const t of role.tags) {
      context[`aws:ResourceTag/${t.key}`] = t.value;
      context[`iam:ResourceTag/${t.key}`] = t.value;
    }
    for (const t of sessionTags) context[`aws:RequestTag/${t.key}`] = t.value;
    if (sessionTags.length > 0) context['aws:TagKeys'] = sessionTags.map((t) => t.key);
    if (transitiveTagKeys.length > 0) context['sts:TransitiveTagKeys'] = transitiveTagKeys;
    if (sourceIdentity !== undefined) context['sts:SourceIdentity'] = sourceIdentity;

    // IAM User Guide, id_session-tags: without sts:TagSession in the trust policy "the AssumeRole
    // operation fails"; troubleshoot_saml: the same for SourceIdentity and sts:SetSourceIdentity.
    const checks: AuthzCheck[] = [{ action: 'sts:AssumeRoleWithSAML', resource: role.arn }];
    if (sessionTags.length > 0 || transitiveTagKeys.length > 0) checks.push({ action: 'sts:TagSession', resource: role.arn });
    if (sourceIdentity !== undefined) checks.push({ action: 'sts:SetSourceIdentity', resource: role.arn });
    await ctx.authorizeWith(checks, {
      policies: { identity: [], resource: trust },
      principal: { type: 'SamlProvider', id: input.PrincipalArn },
      context,
      denial: () => samlAccessDenied(),
    });

    // 8. One-time use (security.md P16, S33): the (issuer, assertion ID) read from the signed bytes
    // is claimed atomically in the store every node shares, only now that everything else has
    // passed — so a captured assertion (a proxy log, a browser history, a second node behind the
    // load balancer) is worth nothing once redeemed, and of concurrent redemptions exactly one wins.
    // Stricter than AWS is documented to be; a refused earlier attempt does not use it up.
    if (!(await claimOnce(env.store.idp.samlReplay, verified, ctx.now.getTime()))) {
      env.log({ level: 'info', requestId: ctx.requestId, message: 'SAML response rejected', reason: 'REPLAY', issuer: verified.issuer, assertionId: verified.assertionId });
      ctx.note({ samlRejectReason: 'REPLAY' });
      throw fromSamlRejection(new SamlRejectedError('REPLAY', `assertion ${verified.assertionId} of ${verified.issuer} was already redeemed`));
    }

    // 9. The session, carried whole in its sealed token (§1.6).
    const issuedAt = Math.floor(ctx.now.getTime() / 1000);
    const session: SessionClaims = {
      accessKeyId: env.ids.accessKeyId('ASIA'),
      secretAccessKey: env.ids.secretAccessKey(),
      accountId: env.accountId,
      roleArn: role.arn,
      roleId: role.roleId,
      roleName: role.roleName,
      sessionName,
      tags: sessionTags,
      transitiveTagKeys,
      ...(input.Policy === undefined ? {} : { sessionPolicy: input.Policy }),
      sessionPolicyArns: policyArns,
      ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
      federatedProvider: input.PrincipalArn,
      issuer: verified.issuer,
      subject: verified.nameId.value,
      subjectType: subjectTypeValue,
      nameQualifier: qualifier,
      issuedAt,
      expiresAt: issuedAt + lifetime,
    };
    const token = sealSessionToken(env.sealer, session);
    const user = assumedRoleUser(session);

    // CloudTrail records the assumed role and the session tags of this call (IAM User Guide,
    // id_session-tags: requestParameters.principalTags / transitiveTagKeys) — never the assertion.
    ctx.note({
      assumedRoleUser: { assumedRoleId: user.AssumedRoleId, arn: user.Arn },
      roleArn: role.arn,
      roleSessionName: sessionName,
      principalTags: Object.fromEntries(sessionTags.map((t) => [t.key, t.value])),
      transitiveTagKeys,
      ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
      samlIssuer: verified.issuer,
      samlSubject: verified.nameId.value,
      accessKeyId: session.accessKeyId,
      expiration: new Date(session.expiresAt * 1000).toISOString(),
    });

    return {
      Credentials: credentials(session, token),
      AssumedRoleUser: user,
      ...(packed === undefined ? {} : { PackedPolicySize: packed }),
      Subject: verified.nameId.value,
      SubjectType: subjectTypeValue,
      Issuer: verified.issuer,
      // STS model: Audience is "the value of the Recipient attribute of the SubjectConfirmationData".
      Audience: verified.subjectConfirmation.recipient,
      NameQualifier: qualifier,
      ...(sourceIdentity === undefined ? {} : { SourceIdentity: sourceIdentity }),
    };
  },
});
