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

type VersionOut = { PolicyVersion: Record<string, unknown> };

async function create(doc = policy(allow('iam:GetUser'))): Promise<string> {
  return ok<{ Policy: { Arn: string } }>(await t.call('iam', 'CreatePolicy', { PolicyName: 'P', PolicyDocument: doc })).Policy.Arn;
}

describe('CreatePolicyVersion', () => {
  it('adds v2 without its document in the answer; SetAsDefault switches what attached users may do', async () => {
    const arn = await create(policy(allow('iam:GetUser')));
    const dev = await createUser(t, 'dev', {});
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'dev', PolicyArn: arn }));
    const v2 = ok<VersionOut>(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('iam:ListUsers')) }));
    expect(v2.PolicyVersion).toEqual({ VersionId: 'v2', IsDefaultVersion: false, CreateDate: t.clock.now() });
    expectDenied(await t.call('iam', 'ListUsers', {}, { credentials: dev }), dev.arn, 'iam:ListUsers', `arn:aws:iam::${ACCOUNT}:user/`);
    const v3 = ok<VersionOut>(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('iam:ListUsers')), SetAsDefault: 'true' }));
    expect(v3.PolicyVersion.IsDefaultVersion).toBe(true);
    ok(await t.call('iam', 'ListUsers', {}, { credentials: dev }));
  });

  it('refuses a sixth version: A managed policy can have up to 5 versions…', async () => {
    const arn = await create();
    for (let i = 0; i < 4; i++) ok(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('iam:GetUser')) }));
    expect(failure(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('iam:GetUser')) }))).toEqual({
      code: 'LimitExceeded',
      message: 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
      httpStatus: 409,
    });
    ok(await t.call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: 'v2' }));
    // Ids are never reused: the next one is v6.
    expect(ok<VersionOut>(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('iam:GetUser')) })).PolicyVersion.VersionId).toBe('v6');
  });

  it('refuses a document CreatePolicy would refuse, and a missing policy', async () => {
    const arn = await create();
    const old = JSON.stringify({ Version: '2008-10-17', Statement: [allow('iam:GetUser')] });
    expect(failure(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: old }))).toEqual({
      code: 'MalformedPolicyDocument',
      message: 'Policy document must be version 2012-10-17 or greater.',
      httpStatus: 400,
    });
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/Ghost`;
    expect(failure(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: ghost, PolicyDocument: policy(allow('iam:GetUser')) }))).toEqual({
      code: 'NoSuchEntity',
      message: `Policy ${ghost} was not found.`,
      httpStatus: 404,
    });
  });

  it('denies a user without iam:CreatePolicyVersion: no rewriting a policy attached to oneself', async () => {
    const arn = await create();
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetPolicy')) });
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'dev', PolicyArn: arn }));
    expectDenied(
      await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('*')), SetAsDefault: 'true' }, { credentials: dev }),
      dev.arn,
      'iam:CreatePolicyVersion',
      arn,
    );
    expect(await t.store.policies.listVersions(arn)).toHaveLength(1);
  });
});
