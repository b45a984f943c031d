import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createManagedPolicy, createRole, createUser, expectDenied, policy, roleArnOf } from '../../../../test/support/iam-callers.js';
import { iamArn } from '../../../kernel/index.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

interface Out {
  AttachedPolicies: { PolicyName: string; PolicyArn: string }[];
  IsTruncated: boolean;
  Marker?: string;
}

describe('ListAttachedRolePolicies', () => {
  it('answers an empty list, then the attached policies by name', async () => {
    await createRole(t, 'R');
    expect(ok<Out>(await t.call('iam', 'ListAttachedRolePolicies', { RoleName: 'R' }))).toEqual({ AttachedPolicies: [], IsTruncated: false });
    const b = await createManagedPolicy(t, 'b-policy');
    const a = await createManagedPolicy(t, 'a-policy');
    await t.store.roles.attachPolicy('R', b);
    await t.store.roles.attachPolicy('R', a);
    expect(ok<Out>(await t.call('iam', 'ListAttachedRolePolicies', { RoleName: 'R' }))).toEqual({
      AttachedPolicies: [
        { PolicyName: 'a-policy', PolicyArn: a },
        { PolicyName: 'b-policy', PolicyArn: b },
      ],
      IsTruncated: false,
    });
  });

  it('filters by the policies’ path prefix and pages', async () => {
    await createRole(t, 'R');
    const scoped = iamArn('013823792818', 'policy/team/scoped');
    await t.store.policies.create({ policyId: 'ANPAAAAAAAAAAAAAAAAAA', policyName: 'scoped', path: '/team/', arn: scoped, policyDocument: policy(allow('s3:ListBucket')), createDate: new Date(), tags: [] });
    await t.store.roles.attachPolicy('R', scoped);
    for (const n of ['p1', 'p2']) await t.store.roles.attachPolicy('R', await createManagedPolicy(t, n));
    expect(ok<Out>(await t.call('iam', 'ListAttachedRolePolicies', { RoleName: 'R', PathPrefix: '/team/' })).AttachedPolicies.map((p) => p.PolicyName)).toEqual(['scoped']);
    const first = ok<Out>(await t.call('iam', 'ListAttachedRolePolicies', { RoleName: 'R', MaxItems: '2' }));
    expect(first.AttachedPolicies.map((p) => p.PolicyName)).toEqual(['p1', 'p2']);
    expect(first.IsTruncated).toBe(true);
    const rest = ok<Out>(await t.call('iam', 'ListAttachedRolePolicies', { RoleName: 'R', MaxItems: '2', Marker: first.Marker! }));
    expect(rest).toEqual({ AttachedPolicies: [{ PolicyName: 'scoped', PolicyArn: scoped }], IsTruncated: false });
  });

  it('answers NoSuchEntity for a missing role', async () => {
    expect(failure(await t.call('iam', 'ListAttachedRolePolicies', { RoleName: 'Ghost' })).message).toBe('The role with name Ghost cannot be found.');
  });

  it('denies a user without the permission', async () => {
    await createRole(t, 'R');
    const user = await createUser(t, 'dev', { p: policy(allow('iam:ListRolePolicies')) });
    expectDenied(await t.call('iam', 'ListAttachedRolePolicies', { RoleName: 'R' }, { credentials: user }), user.arn, 'iam:ListAttachedRolePolicies', roleArnOf('R'));
  });
});
