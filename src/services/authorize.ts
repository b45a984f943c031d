// Authorization of one call: the caller's policies (identity, boundary, session), the global
// condition keys of the request, the policy engine's decision, and AWS's denial for the service.
// Fail closed: anything unreadable (a deleted role, a policy that no longer parses) grants nothing.

import { assumedRoleArn, rootArn } from '../kernel/index.js';
import { evaluate, explainDecision, RequestContext } from '../policy/index.js';
import type { CompiledPolicy, ContextInput, Decision, PolicySet, RequestPrincipal } from '../policy/index.js';
import type { EffectivePolicy, InlinePolicy, PrincipalPolicySet, Tag } from '../store/port.js';
import { AwsError } from './errors.js';
import type { AuthzCheck, Caller, ServiceEnv, ServiceName, TransportFacts } from './types.js';

/** Options for a call whose authorization is not the caller's own policies (a role's trust policy). */
export interface AuthorizeOverride {
  readonly policies: PolicySet;
  readonly principal: RequestPrincipal;
  /** The whole request context (the global keys are not added). */
  readonly context: ContextInput;
  /** The error to throw when the decision is not Allow. */
  readonly denial: (decision: Decision, check: AuthzCheck) => AwsError;
}

/** What one authorization decided, for the audit log and the encoded message. */
export interface DecisionRecord {
  readonly action: string;
  readonly resource: string;
  readonly decision: Decision['decision'];
  readonly matched: readonly { readonly policy: string; readonly statement: number; readonly sid?: string; readonly effect: string }[];
}

export interface AuthorizeScope {
  readonly env: ServiceEnv;
  readonly caller: Caller;
  readonly service: ServiceName;
  readonly region: string;
  readonly now: Date;
  readonly transport: TransportFacts;
}

// ---------------------------------------------------------------------------------------------
// Who the caller is, in the words of policies

export function callerArn(caller: Caller): string {
  switch (caller.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'root':
      return rootArn(caller.accountId);
    case 'user':
      return caller.user.arn;
    case 'session':
      return assumedRoleArn(caller.accountId, caller.session.roleName, caller.session.sessionName);
    default: {
      const never: never = caller;
      return never;
    }
  }
}

/** `aws:userid`: the user id, `AROA…:session`, or the account id for the root user. */
export function callerUserId(caller: Caller): string {
  switch (caller.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'root':
      return caller.accountId;
    case 'user':
      return caller.user.userId;
    case 'session':
      return `${caller.session.roleId}:${caller.session.sessionName}`;
    default: {
      const never: never = caller;
      return never;
    }
  }
}

export function requestPrincipal(caller: Caller): RequestPrincipal {
  switch (caller.kind) {
    case 'anonymous':
      return { type: 'Anonymous', id: '*' };
    case 'root':
      return { type: 'Account', id: rootArn(caller.accountId), account: caller.accountId };
    case 'user':
      return { type: 'User', id: caller.user.arn, account: caller.accountId };
    case 'session':
      return { type: 'AssumedRole', id: callerArn(caller), account: caller.accountId, roleArn: caller.session.roleArn };
    default: {
      const never: never = caller;
      return never;
    }
  }
}

/** Role tags overridden by session tags, keys compared case-insensitively (IAM: session tags win "regardless of case"). */
export function mergePrincipalTags(principalTags: readonly Tag[], sessionTags: readonly Tag[]): Tag[] {
  const byKey = new Map<string, Tag>();
  for (const t of principalTags) byKey.set(t.key.toLowerCase(), t);
  for (const t of sessionTags) byKey.set(t.key.toLowerCase(), t);
  return [...byKey.values()];
}

/**
 * The global condition keys of a request (aws.md §5). Keys that do not apply to the caller are
 * absent, never empty: `aws:username` only for IAM users, `aws:TokenIssueTime` only for sessions.
 */
export async function globalContext(scope: AuthorizeScope): Promise<{ input: Record<string, string | string[]>; principalTags: readonly Tag[] }> {
  const { caller, now, transport } = scope;
  const input: Record<string, string | string[]> = {
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': transport.secure ? 'true' : 'false',
    'aws:SourceIp': transport.sourceIp,
    // IAM: "IAM calls are always made to the us-east-1 Region" (aws:RequestedRegion).
    'aws:RequestedRegion': scope.service === 'iam' ? 'us-east-1' : scope.region,
    'aws:ViaAWSService': 'false',
    'aws:PrincipalIsAWSService': 'false',
  };
  if (transport.userAgent !== undefined) input['aws:UserAgent'] = transport.userAgent;
  if (scope.service === 'ec2') input['ec2:Region'] = scope.region;
  let principalTags: readonly Tag[] = [];
  switch (caller.kind) {
    case 'anonymous':
      input['aws:PrincipalAccount'] = 'anonymous';
      input['aws:PrincipalType'] = 'Anonymous';
      break;
    case 'root':
      input['aws:PrincipalArn'] = rootArn(caller.accountId);
      input['aws:PrincipalAccount'] = caller.accountId;
      input['aws:PrincipalType'] = 'Account';
      input['aws:userid'] = caller.accountId;
      break;
    case 'user':
      input['aws:PrincipalArn'] = caller.user.arn;
      input['aws:PrincipalAccount'] = caller.accountId;
      input['aws:PrincipalType'] = 'User';
      input['aws:userid'] = caller.user.userId;
      input['aws:username'] = caller.user.userName;
      principalTags = caller.user.tags;
      break;
    case 'session': {
      const s = caller.session;
      input['aws:PrincipalArn'] = s.roleArn;
      input['aws:PrincipalAccount'] = caller.accountId;
      input['aws:PrincipalType'] = 'AssumedRole';
      input['aws:userid'] = `${s.roleId}:${s.sessionName}`;
      input['aws:TokenIssueTime'] = new Date(s.issuedAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      input['aws:MultiFactorAuthPresent'] = 'false';
      if (s.federatedProvider !== undefined) input['aws:FederatedProvider'] = s.federatedProvider;
      if (s.sourceIdentity !== undefined) input['aws:SourceIdentity'] = s.sourceIdentity;
      // Cross-service SAML keys (IAM User Guide, reference_policies_iam-condition-keys).
      if (s.nameQualifier !== undefined) input['saml:namequalifier'] = s.nameQualifier;
      if (s.subject !== undefined) input['saml:sub'] = s.subject;
      if (s.subjectType !== undefined) input['saml:sub_type'] = s.subjectType;
      const role = await scope.env.store.roles.get(s.roleName);
      const roleTags = role !== undefined && role.roleId === s.roleId ? role.tags : [];
      principalTags = mergePrincipalTags(roleTags, s.tags);
      break;
    }
    default: {
      const never: never = caller;
      return never;
    }
  }
  for (const t of principalTags) input[`aws:PrincipalTag/${t.key}`] = t.value;
  return { input, principalTags };
}

// ---------------------------------------------------------------------------------------------
// The caller's policies

/**
 * A principal's identity policies and permissions boundary, compiled: inline policies under their
 * name as type user/role, attached ones as user-managed (aws-managed for `arn:aws:iam::aws:`). A
 * document that no longer parses grants nothing; a boundary that cannot be read — or that names a
 * policy the store no longer holds (`boundaryArn` set, no document) — allows nothing, rather than
 * being dropped, which would widen the principal's permissions (fail closed). The authorizer and
 * SimulatePrincipalPolicy both use this, so they cannot disagree on what a principal holds.
 */
export function principalPolicies(
  env: ServiceEnv,
  set: PrincipalPolicySet,
  inlineType: 'role' | 'user',
  boundaryArn: string | undefined,
): { identity: CompiledPolicy[]; boundary?: CompiledPolicy[] } {
  const identity = compileAll(env, set.inlinePolicies, set.attachedPolicies, inlineType);
  const boundary = boundaryOf(env, set, boundaryArn);
  return boundary === undefined ? { identity } : { identity, boundary };
}

function compileAll(
  env: ServiceEnv,
  inline: readonly InlinePolicy[],
  attached: readonly EffectivePolicy[],
  inlineType: 'role' | 'user',
): CompiledPolicy[] {
  const out: CompiledPolicy[] = [];
  for (const p of inline) {
    const c = env.policies.get(p.policyDocument, 'identity', p.policyName, inlineType);
    if (c !== undefined) out.push(c);
  }
  for (const p of attached) {
    const type = p.policyArn.startsWith('arn:aws:iam::aws:') ? 'aws-managed' : 'user-managed';
    const c = env.policies.get(p.document, 'identity', p.policyName, type);
    if (c !== undefined) out.push(c);
  }
  return out;
}

function boundaryOf(env: ServiceEnv, set: PrincipalPolicySet, boundaryArn: string | undefined): CompiledPolicy[] | undefined {
  if (set.permissionsBoundary === undefined) return boundaryArn === undefined ? undefined : [];
  const b = set.permissionsBoundary;
  const c = env.policies.get(b.document, 'boundary', b.policyName, 'user-managed');
  // A boundary that cannot be read allows nothing (fail closed), rather than being dropped.
  return c === undefined ? [] : [c];
}

async function effectivePolicy(env: ServiceEnv, arn: string): Promise<EffectivePolicy | undefined> {
  const p = await env.store.policies.get(arn);
  if (p === undefined) return undefined;
  const v = await env.store.policies.getVersion(arn, p.defaultVersionId);
  return { policyArn: arn, policyName: p.policyName, versionId: v.versionId, document: v.document };
}

/** The caller's identity, boundary and session policies (root: none — it is not evaluated). */
export async function callerPolicies(env: ServiceEnv, caller: Caller): Promise<PolicySet> {
  switch (caller.kind) {
    case 'anonymous':
    case 'root':
      return { identity: [] };
    case 'user': {
      const set = await env.store.users.getPolicySet(caller.user.userName).catch(() => undefined);
      if (set === undefined) return { identity: [] };
      return principalPolicies(env, set, 'user', caller.user.permissionsBoundaryArn);
    }
    case 'session': {
      const s = caller.session;
      const role = await env.store.roles.get(s.roleName);
      // A role deleted (or deleted and re-created) since the session began grants nothing: IAM
      // stores role principals by unique id.
      if (role === undefined || role.roleId !== s.roleId) return { identity: [], session: [] };
      const set = await env.store.roles.getPolicySet(role.roleName);
      const session: CompiledPolicy[] = [];
      let sessionPolicies = false;
      if (s.sessionPolicy !== undefined) {
        sessionPolicies = true;
        const c = env.policies.get(s.sessionPolicy, 'session', 'SessionPolicy', 'none');
        if (c !== undefined) session.push(c);
      }
      for (const arn of s.sessionPolicyArns) {
        sessionPolicies = true;
        const p = await effectivePolicy(env, arn);
        const c = p === undefined ? undefined : env.policies.get(p.document, 'session', p.policyName, 'user-managed');
        if (c !== undefined) session.push(c);
      }
      return {
        ...principalPolicies(env, set, 'role', role.permissionsBoundaryArn),
        // IAM: with no session policy passed, a role session is not filtered by one.
        session: sessionPolicies ? session : undefined,
      };
    }
    default: {
      const never: never = caller;
      return never;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Denials in AWS's words (IAM User Guide, troubleshoot_access-denied)

const LAYER_WORDS = {
  identity: 'identity-based',
  resource: 'resource-based',
  trust: 'role trust',
  boundary: 'permissions boundary',
  session: 'session',
} as const;

export function deniedSentence(principalArn: string, check: AuthzCheck, decision: Decision): string {
  const on = check.resource === '*' ? '' : ` on resource: ${check.resource}`;
  const layer = decision.decidedBy ?? 'identity';
  const because =
    decision.decision === 'explicitDeny'
      ? `with an explicit deny in a${layer === 'identity' ? 'n' : ''} ${LAYER_WORDS[layer]} policy`
      : `because no ${LAYER_WORDS[layer]} policy allows the ${check.action} action`;
  return `User: ${principalArn} is not authorized to perform: ${check.action}${on} ${because}`;
}

/**
 * The decoded form of an authorization failure message, as `sts decode-authorization-message`
 * prints it (aws.md §2.2), plus Tessera's explanation under `tessera`.
 */
export function authorizationMessage(
  caller: Caller,
  check: AuthzCheck,
  context: Readonly<Record<string, string | readonly string[]>>,
  decision: Decision,
): Record<string, unknown> {
  const explanation = explainDecision(decision, check.action, check.resource);
  const service = check.action.split(':')[0] ?? '';
  const conditions = Object.entries(context).map(([key, v]) => ({
    key,
    values: { items: (typeof v === 'string' ? [v] : v).map((value) => ({ value })) },
  }));
  const principalId = caller.kind === 'session' ? caller.session.roleId : callerUserId(caller);
  return {
    allowed: decision.decision === 'allowed',
    explicitDeny: decision.decision === 'explicitDeny',
    matchedStatements: {
      items: decision.decision === 'explicitDeny'
        ? decision.matched.map((m) => ({
            statementId: m.sid ?? '',
            effect: m.effect.toUpperCase(),
            principals: { items: [{ value: principalId }] },
            principalGroups: { items: [] },
            actions: { items: [{ value: check.action }] },
            resources: { items: [{ value: check.resource }] },
            conditions: { items: [] },
          }))
        : [],
    },
    failures: { items: [] },
    context: {
      principal: { id: callerUserId(caller), arn: callerArn(caller) },
      action: check.action.slice(service.length + 1),
      resource: check.resource,
      conditions: { items: conditions },
    },
    tessera: {
      decision: decision.decision,
      decidedBy: decision.decidedBy ?? null,
      summary: explanation.summary,
      details: explanation.details,
    },
  };
}

/** Seals a decoded message for the `Encoded authorization failure message` (only STS can open it). */
export function encodeAuthorizationMessage(env: ServiceEnv, message: Record<string, unknown>): string {
  return env.sealer.sealText('authorization-message', JSON.stringify(message), env.accountId);
}

export function decodeAuthorizationMessage(env: ServiceEnv, encoded: string): Record<string, unknown> | undefined {
  const text = env.sealer.openText('authorization-message', encoded, env.accountId);
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

// ---------------------------------------------------------------------------------------------
// The authorizer bound to one request

export interface Authorizer {
  authorize(checks: AuthzCheck | readonly AuthzCheck[], override?: AuthorizeOverride): Promise<void>;
  readonly decisions: readonly DecisionRecord[];
}

/** A context input as plain values (typed entries reduced to their values), for the decoded message. */
function plainContext(context: ContextInput | undefined): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  if (context === undefined) return out;
  for (const [k, v] of Object.entries(context)) out[k] = typeof v === 'string' || Array.isArray(v) ? (v as string | readonly string[]) : (v as { values: readonly string[] }).values;
  return out;
}

function record(check: AuthzCheck, decision: Decision): DecisionRecord {
  return {
    action: check.action,
    resource: check.resource,
    decision: decision.decision,
    matched: decision.matched.map((m) => ({
      policy: m.policyId,
      statement: m.index + 1,
      ...(m.sid === undefined ? {} : { sid: m.sid }),
      effect: m.effect,
    })),
  };
}

export function createAuthorizer(scope: AuthorizeScope): Authorizer {
  const decisions: DecisionRecord[] = [];
  let cached: Promise<{ policies: PolicySet; context: RequestContext; input: Record<string, string | string[]> }> | undefined;
  const load = () =>
    (cached ??= (async () => {
      const [policies, global] = await Promise.all([callerPolicies(scope.env, scope.caller), globalContext(scope)]);
      return { policies, context: RequestContext.from(global.input), input: global.input };
    })());

  const deny = (check: AuthzCheck, decision: Decision, contextInput: Record<string, string | readonly string[]>): AwsError => {
    const sentence = deniedSentence(callerArn(scope.caller), check, decision);
    if (scope.service === 'ec2') {
      const encoded = encodeAuthorizationMessage(scope.env, authorizationMessage(scope.caller, check, contextInput, decision));
      return new AwsError(
        'UnauthorizedOperation',
        `You are not authorized to perform this operation. ${sentence}. Encoded authorization failure message: ${encoded}`,
        403,
      );
    }
    return new AwsError('AccessDenied', sentence, 403);
  };

  return {
    decisions,
    async authorize(checks, override) {
      const list: readonly AuthzCheck[] = Array.isArray(checks) ? checks : [checks as AuthzCheck];
      // Nothing to check is never permission: an action that reached here with an empty resource
      // list (a decoding gap, a filter that matched nothing) must not act unauthorized (fail closed).
      if (list.length === 0) {
        scope.env.log({ level: 'error', message: 'authorize called with no checks', service: scope.service });
        throw new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
      }
      if (override !== undefined) {
        const context = RequestContext.from(override.context);
        for (const check of list) {
          const request = { action: check.action, resource: check.resource, principal: override.principal, context: check.context === undefined ? context : context.with(check.context) };
          const decision = evaluate(request, override.policies);
          decisions.push(record(check, decision));
          if (decision.decision !== 'allowed') throw override.denial(evaluate(request, override.policies, { explain: true }), check);
        }
        return;
      }
      // The account root user is not restricted by identity-based policies.
      if (scope.caller.kind === 'root') {
        for (const check of list) decisions.push({ action: check.action, resource: check.resource, decision: 'allowed', matched: [] });
        return;
      }
      const { policies, context, input } = await load();
      const principal = requestPrincipal(scope.caller);
      for (const check of list) {
        const ctx = check.context === undefined ? context : context.with(check.context);
        const request = { action: check.action, resource: check.resource, principal, context: ctx };
        const decision = evaluate(request, policies);
        decisions.push(record(check, decision));
        if (decision.decision !== 'allowed') {
          const explained = evaluate(request, policies, { explain: true });
          throw deny(check, explained, { ...input, ...plainContext(check.context) });
        }
      }
    },
  };
}
