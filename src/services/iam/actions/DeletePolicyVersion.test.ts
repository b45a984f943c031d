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

async function withTwoVersions(): Promise<string> {
  const arn = ok<{ Policy: { Arn: string } }>(await t.call('iam', 'CreatePolicy', { PolicyName: 'P', PolicyDocument: policy(allow('iam:GetUser')) })).Policy.Arn;
  ok(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('iam:ListUsers')) }));
  return arn;
}

describe('DeletePolicyVersion', () => {
  it('deletes a non-default version', async () => {
    const arn = await withTwoVersions();
    expect(ok(await t.call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: 'v2' }))).toEqual({});
    expect((await t.store.policies.listVersions(arn)).map((v) => v.versionId)).toEqual(['v1']);
  });

  it('refuses the default version: Cannot delete the default version of a policy.', async () => {
    const arn = await withTwoVersions();
    expect(failure(await t.call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: 'v1' }))).toEqual({
      code: 'DeleteConflict',
      message: 'Cannot delete the default version of a policy.',
      httpStatus: 409,
    });
  });

  it('answers NoSuchEntity for a missing version or policy', async () => {
    const arn = await withTwoVersions();
    expect(failure(await t.call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: 'v9' }))).toEqual({
      code: 'NoSuchEntity',
      message: `Policy ${arn} version v9 does not exist or is not attachable.`,
      httpStatus: 404,
    });
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/Ghost`;
    expect(failure(await t.call('iam', 'DeletePolicyVersion', { PolicyArn: ghost, VersionId: 'v2' })).code).toBe('NoSuchEntity');
  });

  it('denies a user without iam:DeletePolicyVersion', async () => {
    const arn = await withTwoVersions();
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:ListPolicyVersions')) });
    expectDenied(await t.call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: 'v2' }, { credentials: dev }), dev.arn, 'iam:DeletePolicyVersion', arn);
    expect(await t.store.policies.listVersions(arn)).toHaveLength(2);
  });
});
