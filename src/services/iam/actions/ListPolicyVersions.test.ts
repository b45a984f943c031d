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

type ListOut = { Versions: Record<string, unknown>[]; IsTruncated: boolean; Marker?: string };

describe('ListPolicyVersions', () => {
  it('lists versions newest first, without documents, paged', async () => {
    const arn = ok<{ Policy: { Arn: string } }>(await t.call('iam', 'CreatePolicy', { PolicyName: 'P', PolicyDocument: policy(allow('iam:GetUser')) })).Policy.Arn;
    ok(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('iam:ListUsers')), SetAsDefault: 'true' }));
    ok(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('iam:ListRoles')) }));
    const out = ok<ListOut>(await t.call('iam', 'ListPolicyVersions', { PolicyArn: arn }));
    expect(out).toEqual({
      Versions: [
        { VersionId: 'v3', IsDefaultVersion: false, CreateDate: t.clock.now() },
        { VersionId: 'v2', IsDefaultVersion: true, CreateDate: t.clock.now() },
        { VersionId: 'v1', IsDefaultVersion: false, CreateDate: t.clock.now() },
      ],
      IsTruncated: false,
    });
    const first = ok<ListOut>(await t.call('iam', 'ListPolicyVersions', { PolicyArn: arn, MaxItems: '2' }));
    expect(first.Versions.map((v) => v.VersionId)).toEqual(['v3', 'v2']);
    const rest = ok<ListOut>(await t.call('iam', 'ListPolicyVersions', { PolicyArn: arn, MaxItems: '2', Marker: first.Marker! }));
    expect(rest.Versions.map((v) => v.VersionId)).toEqual(['v1']);
  });

  it('answers NoSuchEntity for a missing policy', async () => {
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/Ghost`;
    expect(failure(await t.call('iam', 'ListPolicyVersions', { PolicyArn: ghost }))).toEqual({ code: 'NoSuchEntity', message: `Policy ${ghost} was not found.`, httpStatus: 404 });
  });

  it('denies a user without iam:ListPolicyVersions', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/P`;
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetPolicy')) });
    expectDenied(await t.call('iam', 'ListPolicyVersions', { PolicyArn: arn }, { credentials: dev }), dev.arn, 'iam:ListPolicyVersions', arn);
  });
});
