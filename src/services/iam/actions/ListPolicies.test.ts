import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createUser, expectDenied, policy, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

type ListOut = { Policies: Record<string, unknown>[]; IsTruncated: boolean; Marker?: string };

async function create(name: string, extra: Record<string, string> = {}): Promise<string> {
  return ok<{ Policy: { Arn: string } }>(await t.call('iam', 'CreatePolicy', { PolicyName: name, PolicyDocument: policy(allow('iam:GetUser')), ...extra })).Policy.Arn;
}

const names = (o: ListOut) => o.Policies.map((p) => p.PolicyName);

describe('ListPolicies', () => {
  it('lists the account’s policies by name without Description or Tags', async () => {
    await create('B', { Description: 'd', ...tagParams([['k', 'v']]) });
    await create('A');
    const out = ok<ListOut>(await t.call('iam', 'ListPolicies', {}));
    expect(names(out)).toEqual(['A', 'B']);
    expect(out.IsTruncated).toBe(false);
    expect(out.Policies[1]).not.toHaveProperty('Description');
    expect(out.Policies[1]).not.toHaveProperty('Tags');
    expect(names(ok<ListOut>(await t.call('iam', 'ListPolicies', { Scope: 'Local' })))).toEqual(['A', 'B']);
  });

  it('lists no AWS managed policies: Tessera has none', async () => {
    await create('A');
    expect(ok<ListOut>(await t.call('iam', 'ListPolicies', { Scope: 'AWS' }))).toEqual({ Policies: [], IsTruncated: false });
  });

  it('filters by path prefix and attachment, and pages', async () => {
    const a = await create('A', { Path: '/team/' });
    const b = await create('B');
    await create('C', { Path: '/team/' });
    const d = await create('D');
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice', PermissionsBoundary: d }));
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: a }));
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: b }));
    expect(names(ok<ListOut>(await t.call('iam', 'ListPolicies', { PathPrefix: '/team/' })))).toEqual(['A', 'C']);
    expect(names(ok<ListOut>(await t.call('iam', 'ListPolicies', { OnlyAttached: 'true' })))).toEqual(['A', 'B']);
    expect(names(ok<ListOut>(await t.call('iam', 'ListPolicies', { OnlyAttached: 'true', PolicyUsageFilter: 'PermissionsPolicy' })))).toEqual(['A', 'B']);
    expect(names(ok<ListOut>(await t.call('iam', 'ListPolicies', { OnlyAttached: 'true', PolicyUsageFilter: 'PermissionsBoundary' })))).toEqual(['D']);
    const first = ok<ListOut>(await t.call('iam', 'ListPolicies', { MaxItems: '3' }));
    expect(names(first)).toEqual(['A', 'B', 'C']);
    expect(first.IsTruncated).toBe(true);
    expect(names(ok<ListOut>(await t.call('iam', 'ListPolicies', { MaxItems: '3', Marker: first.Marker! })))).toEqual(['D']);
  });

  it('refuses a Marker it did not hand out', async () => {
    expect(failure(await t.call('iam', 'ListPolicies', { Marker: 'garbage' })).code).toBe('InvalidInput');
  });

  it('denies a user without iam:ListPolicies', async () => {
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetPolicy')) });
    expectDenied(await t.call('iam', 'ListPolicies', {}, { credentials: dev }), dev.arn, 'iam:ListPolicies', '*');
  });
});
