import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, allow, createUser, expectDenied, policy } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

type ListOut = { PolicyNames: string[]; IsTruncated: boolean; Marker?: string };

describe('ListUserPolicies', () => {
  it('lists inline policy names by name, paged', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    for (const n of ['b', 'a', 'c']) ok(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: n, PolicyDocument: policy(allow('iam:GetUser')) }));
    expect(ok<ListOut>(await t.call('iam', 'ListUserPolicies', { UserName: 'alice' }))).toEqual({ PolicyNames: ['a', 'b', 'c'], IsTruncated: false });
    const first = ok<ListOut>(await t.call('iam', 'ListUserPolicies', { UserName: 'alice', MaxItems: '2' }));
    expect(first.PolicyNames).toEqual(['a', 'b']);
    expect(first.IsTruncated).toBe(true);
    const rest = ok<ListOut>(await t.call('iam', 'ListUserPolicies', { UserName: 'alice', Marker: first.Marker! }));
    expect(rest).toEqual({ PolicyNames: ['c'], IsTruncated: false });
  });

  it('answers NoSuchEntity for a missing user', async () => {
    expect(failure(await t.call('iam', 'ListUserPolicies', { UserName: 'ghost' })).message).toBe('The user with name ghost cannot be found.');
  });

  it('denies a user without iam:ListUserPolicies', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetUser')) });
    expectDenied(await t.call('iam', 'ListUserPolicies', { UserName: 'alice' }, { credentials: dev }), dev.arn, 'iam:ListUserPolicies', `arn:aws:iam::${ACCOUNT}:user/alice`);
  });
});
