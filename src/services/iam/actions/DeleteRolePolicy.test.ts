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

describe('DeleteRolePolicy', () => {
  it('deletes an inline policy', async () => {
    await createRole(t, 'R');
    await t.store.roles.putInlinePolicy('R', { policyName: 'p', policyDocument: policy(allow('s3:ListBucket')) });
    expect(ok(await t.call('iam', 'DeleteRolePolicy', { RoleName: 'R', PolicyName: 'p' }))).toEqual({});
    expect((await t.store.roles.listInlinePolicyNames('R')).items).toEqual([]);
  });

  it('answers NoSuchEntity for a missing policy and for a missing role', async () => {
    await createRole(t, 'R');
    expect(failure(await t.call('iam', 'DeleteRolePolicy', { RoleName: 'R', PolicyName: 'non-existent-policy' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role policy with name non-existent-policy cannot be found.',
      httpStatus: 404,
    });
    expect(failure(await t.call('iam', 'DeleteRolePolicy', { RoleName: 'nonexistent-role', PolicyName: 'p' })).message).toBe(
      'The role with name nonexistent-role cannot be found.',
    );
  });

  it('denies a user allowed on other roles only, keeping the policy', async () => {
    await createRole(t, 'Guarded');
    await t.store.roles.putInlinePolicy('Guarded', { policyName: 'deny-all', policyDocument: policy({ Effect: 'Deny', Action: '*', Resource: '*' }) });
    const user = await createUser(t, 'dev', { p: policy(allow('iam:DeleteRolePolicy', roleArnOf('Other'))) });
    expectDenied(await t.call('iam', 'DeleteRolePolicy', { RoleName: 'Guarded', PolicyName: 'deny-all' }, { credentials: user }), user.arn, 'iam:DeleteRolePolicy', roleArnOf('Guarded'));
    expect((await t.store.roles.listInlinePolicyNames('Guarded')).items).toEqual(['deny-all']);
  });
});
