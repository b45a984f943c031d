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

const doc = policy(allow('s3:ListBucket', 'arn:aws:s3:::example_bucket'));

describe('GetRolePolicy', () => {
  it('answers the inline policy document as stored', async () => {
    await createRole(t, 'Reader');
    await t.store.roles.putInlinePolicy('Reader', { policyName: 'list', policyDocument: doc });
    expect(ok(await t.call('iam', 'GetRolePolicy', { RoleName: 'reader', PolicyName: 'list' }))).toEqual({
      RoleName: 'Reader',
      PolicyName: 'list',
      PolicyDocument: doc,
    });
  });

  it('answers NoSuchEntity for a missing policy, then for a missing role', async () => {
    await createRole(t, 'R');
    expect(failure(await t.call('iam', 'GetRolePolicy', { RoleName: 'R', PolicyName: 'non-existent-policy' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role policy with name non-existent-policy cannot be found.',
      httpStatus: 404,
    });
    expect(failure(await t.call('iam', 'GetRolePolicy', { RoleName: 'nonexistent-role', PolicyName: 'p' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name nonexistent-role cannot be found.',
      httpStatus: 404,
    });
  });

  it('denies a user without iam:GetRolePolicy before revealing anything', async () => {
    await createRole(t, 'R');
    await t.store.roles.putInlinePolicy('R', { policyName: 'secret', policyDocument: doc });
    const user = await createUser(t, 'viewer', { p: policy(allow('iam:GetRole')) });
    expectDenied(await t.call('iam', 'GetRolePolicy', { RoleName: 'R', PolicyName: 'secret' }, { credentials: user }), user.arn, 'iam:GetRolePolicy', roleArnOf('R'));
    expectDenied(await t.call('iam', 'GetRolePolicy', { RoleName: 'R', PolicyName: 'absent' }, { credentials: user }), user.arn, 'iam:GetRolePolicy', roleArnOf('R'));
  });
});
