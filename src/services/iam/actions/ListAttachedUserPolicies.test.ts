import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { iamArn } from '../../../kernel/index.js';
import { ACCOUNT, allow, createManagedPolicy, createUser, expectDenied, policy } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

type ListOut = { AttachedPolicies: { PolicyName: string; PolicyArn: string }[]; IsTruncated: boolean; Marker?: string };

describe('ListAttachedUserPolicies', () => {
  it('lists attached policies by name, filtered by the policies’ path, paged', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const b = await createManagedPolicy(t, 'B');
    const a = await createManagedPolicy(t, 'A');
    const scoped = ok<{ Policy: { Arn: string } }>(
      await t.call('iam', 'CreatePolicy', { PolicyName: 'C', Path: '/team/', PolicyDocument: policy(allow('iam:GetUser')) }),
    ).Policy.Arn;
    for (const arn of [b, a, scoped]) ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn }));
    const all = ok<ListOut>(await t.call('iam', 'ListAttachedUserPolicies', { UserName: 'alice' }));
    expect(all).toEqual({
      AttachedPolicies: [
        { PolicyName: 'A', PolicyArn: a },
        { PolicyName: 'B', PolicyArn: b },
        { PolicyName: 'C', PolicyArn: iamArn(ACCOUNT, 'policy/team/C') },
      ],
      IsTruncated: false,
    });
    expect(ok<ListOut>(await t.call('iam', 'ListAttachedUserPolicies', { UserName: 'alice', PathPrefix: '/team/' })).AttachedPolicies.map((p) => p.PolicyName)).toEqual(['C']);
    const first = ok<ListOut>(await t.call('iam', 'ListAttachedUserPolicies', { UserName: 'alice', MaxItems: '2' }));
    expect(first.IsTruncated).toBe(true);
    const rest = ok<ListOut>(await t.call('iam', 'ListAttachedUserPolicies', { UserName: 'alice', MaxItems: '2', Marker: first.Marker! }));
    expect(rest.AttachedPolicies.map((p) => p.PolicyName)).toEqual(['C']);
  });

  it('answers NoSuchEntity for a missing user', async () => {
    expect(failure(await t.call('iam', 'ListAttachedUserPolicies', { UserName: 'ghost' })).message).toBe('The user with name ghost cannot be found.');
  });

  it('denies a user without iam:ListAttachedUserPolicies', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:ListUserPolicies')) });
    expectDenied(
      await t.call('iam', 'ListAttachedUserPolicies', { UserName: 'alice' }, { credentials: dev }),
      dev.arn,
      'iam:ListAttachedUserPolicies',
      `arn:aws:iam::${ACCOUNT}:user/alice`,
    );
  });
});
