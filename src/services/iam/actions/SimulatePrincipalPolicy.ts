// iam:SimulatePrincipalPolicy — evaluates a user's or role's own policies (inline, attached, its
// permissions boundary) plus any given ones, for every action × resource. It compiles and evaluates
// exactly as the authorizer does (services/authorize.ts: same cache, same fail-closed rules), and a
// test holds the two to the same decisions. Never reveals a principal's policies before authorizing.

import { parseArn } from '../../../kernel/index.js';
import { simulateCustomPolicy } from '../../../policy/index.js';
import type { SimulateCustomPolicyInput } from '../../../policy/index.js';
import type { PrincipalPolicySet, Role as StoreRole, Tag, User as StoreUser } from '../../../store/port.js';
import { defineAction } from '../../types.js';
import { principalPolicies } from '../../authorize.js';
import type { ServiceEnv } from '../../types.js';
import { fromUserStoreError, invalidEntityArn, noSuchGroup, noSuchRole, noSuchUser, simulationError } from '../errors.js';
import { DEFAULT_MAX_ITEMS, keysFor, simulationContextEntries, simulationOutput } from '../shapes.js';
import type { SimulationOutput } from '../shapes.js';
import type { SimulatePrincipalPolicyRequest } from '../types.js';

type EntityKind = 'user' | 'role' | 'group';
type Principal = { kind: 'user'; entity: StoreUser } | { kind: 'role'; entity: StoreRole };
type ContextEntryInput = NonNullable<SimulateCustomPolicyInput['ContextEntries']>[number];

/** `arn:aws:iam::<acct>:user|role|group/<path><name>`; anything else (an assumed-role session…) is not an entity ARN. */
function entityOf(arn: string): { kind: EntityKind; account: string; name: string } | undefined {
  const a = parseArn(arn);
  if (a === undefined || a.service !== 'iam' || a.region !== '') return undefined;
  const m = /^(user|role|group)(\/(?:[^/]+\/)*)([^/]+)$/.exec(a.resource);
  if (m === null) return undefined;
  return { kind: m[1] as EntityKind, account: a.account, name: m[3] as string };
}

/** The entity's tags as the user/role resource types' keys (aws:ResourceTag/*, iam:ResourceTag/*). */
function resourceTags(tags: readonly Tag[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) {
    out[`aws:ResourceTag/${t.key}`] = t.value;
    out[`iam:ResourceTag/${t.key}`] = t.value;
  }
  return out;
}

/**
 * The principal facts the authorizer puts in a real request's context (services/authorize.ts
 * globalContext): `aws:PrincipalTag/<K>` from the entity's tags, its ARN, account and type, and for a
 * user `aws:username` and `aws:userid`.
 *
 * AWS's simulator does not do this: "If you don't provide a value for a context key, the simulation
 * still runs. But the results might not be reliable because the simulator cannot include that context
 * key in the evaluation" (IAM User Guide, access_policies_testing-policies, "Using the IAM policy
 * simulator (AWS CLI and AWS API)"); callers supply even the principal's own tags (observed:
 * boto/boto3#2084, a role tagged `product` simulated against `${aws:PrincipalTag/product}` with
 * `aws:PrincipalTag/product` typed in as a context value). Tessera fills them because its simulator
 * is the explanation of its authorizer and must agree with it (SimulatePrincipalPolicy.test.ts);
 * ContextEntries still win, so a session tag given there overrides the role's tag exactly as at
 * AssumeRole (mergePrincipalTags). Keys of the request itself (time, source IP, resource tags) are
 * never invented.
 */
function principalFacts(principal: Principal, accountId: string): ContextEntryInput[] {
  const entries: ContextEntryInput[] = [];
  const add = (name: string, value: string): void => {
    entries.push({ ContextKeyName: name, ContextKeyValues: [value], ContextKeyType: 'string' });
  };
  const e = principal.entity;
  add('aws:PrincipalArn', e.arn);
  add('aws:PrincipalAccount', accountId);
  if (principal.kind === 'user') {
    add('aws:PrincipalType', 'User');
    add('aws:userid', principal.entity.userId);
    add('aws:username', principal.entity.userName);
  } else {
    // A role acts only through its sessions, whose aws:userid (`AROA…:<session>`) no simulation knows.
    add('aws:PrincipalType', 'AssumedRole');
  }
  for (const t of e.tags) add(`aws:PrincipalTag/${t.key}`, t.value);
  return entries;
}

async function findPrincipal(env: ServiceEnv, arn: string): Promise<Principal | undefined> {
  const e = entityOf(arn);
  if (e === undefined || e.account !== env.accountId) return undefined;
  if (e.kind === 'user') {
    const user = await env.store.users.get(e.name);
    return user !== undefined && user.arn === arn ? { kind: 'user', entity: user } : undefined;
  }
  if (e.kind === 'role') {
    const role = await env.store.roles.get(e.name);
    return role !== undefined && role.arn === arn ? { kind: 'role', entity: role } : undefined;
  }
  return undefined;
}

export const SimulatePrincipalPolicy = defineAction<SimulatePrincipalPolicyRequest, SimulationOutput>({
  name: 'SimulatePrincipalPolicy',
  async handle(input, ctx) {
    const { env } = ctx;
    const arn = input.PolicySourceArn;
    const source = entityOf(arn);
    if (source === undefined) throw invalidEntityArn(arn);
    const principal = await findPrincipal(env, arn);
    // IAM User Guide: to let Bob simulate Alice's policies, "give Bob access to the following
    // resource: arn:aws:iam::777788889999:user/alice" — the PolicySourceArn.
    await ctx.authorize({
      action: 'iam:SimulatePrincipalPolicy',
      resource: arn,
      context: keysFor('iam:SimulatePrincipalPolicy', principal === undefined ? {} : resourceTags(principal.entity.tags)),
    });
    if (principal === undefined) {
      if (source.kind === 'user') throw noSuchUser(source.name);
      if (source.kind === 'role') throw noSuchRole(source.name);
      throw noSuchGroup(source.name);
    }

    let set: PrincipalPolicySet;
    try {
      set =
        principal.kind === 'user'
          ? await env.store.users.getPolicySet(principal.entity.userName)
          : await env.store.roles.getPolicySet(principal.entity.roleName);
    } catch (e) {
      throw fromUserStoreError(e);
    }
    const compiled = principalPolicies(env, set, principal.kind, principal.entity.permissionsBoundaryArn);

    // "If you do not specify a CallerArn, it defaults to the ARN of the user that you specify in
    // PolicySourceArn, if you specified a user" (API reference); the facts are the caller's.
    const callerArn = input.CallerArn ?? (principal.kind === 'user' ? principal.entity.arn : undefined);
    // Only the principal this call was authorized on (PolicySourceArn) lends its own facts. Another
    // principal named as CallerArn lends none — AWS's simulator fills in nothing — or the simulation
    // would read tags of a user or role the caller may not read (an oracle: a guessed
    // `aws:PrincipalTag/…` condition answering allowed or not, a character at a time).
    const facts = callerArn === undefined || callerArn === arn ? principalFacts(principal, env.accountId) : [];

    try {
      const result = simulateCustomPolicy(
        {
          PolicyInputList: input.PolicyInputList ?? [],
          ...(input.PermissionsBoundaryPolicyInputList === undefined ? {} : { PermissionsBoundaryPolicyInputList: input.PermissionsBoundaryPolicyInputList }),
          ActionNames: input.ActionNames,
          ...(input.ResourceArns === undefined ? {} : { ResourceArns: input.ResourceArns }),
          ...(input.ResourcePolicy === undefined ? {} : { ResourcePolicy: input.ResourcePolicy }),
          ...(input.ResourceOwner === undefined ? {} : { ResourceOwner: input.ResourceOwner }),
          ...(callerArn === undefined ? {} : { CallerArn: callerArn }),
          // Given entries come last: they override the principal's facts.
          ContextEntries: [...facts, ...simulationContextEntries(input.ContextEntries)],
          ...(input.ResourceHandlingOption === undefined ? {} : { ResourceHandlingOption: input.ResourceHandlingOption }),
          MaxItems: input.MaxItems ?? DEFAULT_MAX_ITEMS,
          ...(input.Marker === undefined ? {} : { Marker: input.Marker }),
        },
        {
          principalPolicies: compiled.identity,
          ...(compiled.boundary === undefined ? {} : { principalBoundary: compiled.boundary }),
        },
      );
      return simulationOutput(result);
    } catch (e) {
      throw simulationError(e);
    }
  },
});
