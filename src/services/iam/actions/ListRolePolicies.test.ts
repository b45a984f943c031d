import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createRole, createUser, expectDenied, policy, roleArnOf } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

interface Out {
  PolicyNames: string[];
  IsTruncated: boolean;
  Marker?: string;
}

describe('ListRolePolicies', () => {
  it('lists inline policy names in order', async () => {
    await createRole(t, 'R');
    expect(ok<Out>(await t.call('iam', 'ListRolePolicies', { RoleName: 'R' }))).toEqual({ PolicyNames: [], IsTruncated: false });
    for (const n of ['policy-2', 'policy-1']) await t.store.roles.putInlinePolicy('R', { policyName: n, policyDocument: policy(allow('s3:ListBucket')) });
    expect(ok<Out>(await t.call('iam', 'ListRolePolicies', { RoleName: 'R' }))).toEqual({ PolicyNames: ['policy-1', 'policy-2'], IsTruncated: false });
  });

  it('pages with MaxItems and Marker', async () => {
    await createRole(t, 'R');
    for (const n of ['a', 'b', 'c']) await t.store.roles.putInlinePolicy('R', { policyName: n, policyDocument: policy(allow('s3:ListBucket')) });
    const first = ok<Out>(await t.call('iam', 'ListRolePolicies', { RoleName: 'R', MaxItems: '1' }));
    expect(first.PolicyNames).toEqual(['a']);
    expect(first.IsTruncated).toBe(true);
    const rest = ok<Out>(await t.call('iam', 'ListRolePolicies', { RoleName: 'R', Marker: first.Marker! }));
    expect(rest).toEqual({ PolicyNames: ['b', 'c'], IsTruncated: false });
  });

  it('answers NoSuchEntity for a missing role', async () => {
    expect(failure(await t.call('iam', 'ListRolePolicies', { RoleName: 'Ghost' })).message).toBe('The role with name Ghost cannot be found.');
  });

  it('denies a user without the permission', async () => {
    await createRole(t, 'R');
    const user = await createUser(t, 'viewer', { p: policy(allow('iam:ListAttachedRolePolicies')) });
    expectDenied(await t.call('iam', 'ListRolePolicies', { RoleName: 'R' }, { credentials: user }), user.arn, 'iam:ListRolePolicies', roleArnOf('R'));
  });
});
