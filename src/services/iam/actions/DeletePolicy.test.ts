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

async function create(name = 'P'): Promise<string> {
  return ok<{ Policy: { Arn: string } }>(await t.call('iam', 'CreatePolicy', { PolicyName: name, PolicyDocument: policy(allow('iam:GetUser')) })).Policy.Arn;
}

describe('DeletePolicy', () => {
  it('deletes a policy with its default version', async () => {
    const arn = await create();
    expect(ok(await t.call('iam', 'DeletePolicy', { PolicyArn: arn }))).toEqual({});
    expect(await t.store.policies.get(arn)).toBeUndefined();
    // The name is free again.
    await create();
  });

  it('refuses while attached: Cannot delete a policy attached to entities.', async () => {
    const arn = await create();
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn }));
    expect(failure(await t.call('iam', 'DeletePolicy', { PolicyArn: arn }))).toEqual({
      code: 'DeleteConflict',
      message: 'Cannot delete a policy attached to entities.',
      httpStatus: 409,
    });
  });

  it('refuses while it is a permissions boundary: the user must not silently lose its boundary', async () => {
    const arn = await create();
    ok(await t.call('iam', 'CreateUser', { UserName: 'bounded', PermissionsBoundary: arn }));
    expect(failure(await t.call('iam', 'DeletePolicy', { PolicyArn: arn }))).toEqual({
      code: 'DeleteConflict',
      message: 'Cannot delete a policy attached to entities.',
      httpStatus: 409,
    });
    expect(await t.store.policies.get(arn)).toBeDefined();
  });

  it('refuses while other versions exist', async () => {
    const arn = await create();
    ok(await t.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: policy(allow('iam:ListUsers')) }));
    expect(failure(await t.call('iam', 'DeletePolicy', { PolicyArn: arn }))).toEqual({
      code: 'DeleteConflict',
      message: "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      httpStatus: 409,
    });
  });

  it('answers NoSuchEntity for a missing policy', async () => {
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/Ghost`;
    expect(failure(await t.call('iam', 'DeletePolicy', { PolicyArn: ghost }))).toEqual({ code: 'NoSuchEntity', message: `Policy ${ghost} was not found.`, httpStatus: 404 });
  });

  it('denies a user without iam:DeletePolicy, deleting nothing', async () => {
    const arn = await create();
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetPolicy')) });
    expectDenied(await t.call('iam', 'DeletePolicy', { PolicyArn: arn }, { credentials: dev }), dev.arn, 'iam:DeletePolicy', arn);
    expect(await t.store.policies.get(arn)).toBeDefined();
  });
});
