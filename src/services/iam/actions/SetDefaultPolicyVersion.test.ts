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

describe('SetDefaultPolicyVersion', () => {
  it('makes a version the default: the next request of an attached user is authorized by it', async () => {
    const arn = ok<{ Policy: { Arn: string } }>(await t.call('iam', 'CreatePolicy', { PolicyName: 'P', PolicyDocument: policy(allow('iam:ListUsers')) })).Policy.Arn;
    ok(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('iam:GetUser')), SetAsDefault: 'true' }));
    const dev = await createUser(t, 'dev', {});
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'dev', PolicyArn: arn }));
    expectDenied(await t.call('iam', 'ListUsers', {}, { credentials: dev }), dev.arn, 'iam:ListUsers', `arn:aws:iam::${ACCOUNT}:user/`);
    expect(ok(await t.call('iam', 'SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: 'v1' }))).toEqual({});
    ok(await t.call('iam', 'ListUsers', {}, { credentials: dev }));
    expect((await t.store.policies.get(arn))?.defaultVersionId).toBe('v1');
  });

  it('answers NoSuchEntity for a missing version or policy', async () => {
    const arn = ok<{ Policy: { Arn: string } }>(await t.call('iam', 'CreatePolicy', { PolicyName: 'P', PolicyDocument: policy(allow('iam:GetUser')) })).Policy.Arn;
    expect(failure(await t.call('iam', 'SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: 'v4' }))).toEqual({
      code: 'NoSuchEntity',
      message: `Policy ${arn} version v4 does not exist or is not attachable.`,
      httpStatus: 404,
    });
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/TestNonExistingPolicy`;
    expect(failure(await t.call('iam', 'SetDefaultPolicyVersion', { PolicyArn: ghost, VersionId: 'v1' })).message).toBe(`Policy ${ghost} version v1 does not exist or is not attachable.`);
  });

  it('denies a user without iam:SetDefaultPolicyVersion', async () => {
    const arn = ok<{ Policy: { Arn: string } }>(await t.call('iam', 'CreatePolicy', { PolicyName: 'P', PolicyDocument: policy(allow('iam:GetUser')) })).Policy.Arn;
    ok(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('*')) }));
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:CreatePolicyVersion')) });
    expectDenied(await t.call('iam', 'SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: 'v2' }, { credentials: dev }), dev.arn, 'iam:SetDefaultPolicyVersion', arn);
    expect((await t.store.policies.get(arn))?.defaultVersionId).toBe('v1');
  });
});
