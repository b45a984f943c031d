import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createManagedPolicy, createRole, createUser, expectDenied, policy, roleArnOf } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

describe('DeleteRole', () => {
  it('deletes a role without policies', async () => {
    await createRole(t, 'R');
    expect(ok(await t.call('iam', 'DeleteRole', { RoleName: 'R' }))).toEqual({});
    expect(await t.store.roles.get('R')).toBeUndefined();
    expect(failure(await t.call('iam', 'GetRole', { RoleName: 'R' })).code).toBe('NoSuchEntity');
  });

  it('refuses while a managed policy is attached', async () => {
    await createRole(t, 'R');
    await t.store.roles.attachPolicy('R', await createManagedPolicy(t, 'P'));
    expect(failure(await t.call('iam', 'DeleteRole', { RoleName: 'R' }))).toEqual({
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must detach all policies first.',
      httpStatus: 409,
    });
    expect(await t.store.roles.get('R')).toBeDefined();
  });

  it('refuses while an inline policy exists', async () => {
    await createRole(t, 'R');
    await t.store.roles.putInlinePolicy('R', { policyName: 'inline', policyDocument: policy(allow('s3:ListBucket')) });
    expect(failure(await t.call('iam', 'DeleteRole', { RoleName: 'R' }))).toEqual({
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete policies first.',
      httpStatus: 409,
    });
  });

  it('names managed policies first when the role has both kinds', async () => {
    await createRole(t, 'R');
    await t.store.roles.putInlinePolicy('R', { policyName: 'inline', policyDocument: policy(allow('s3:ListBucket')) });
    await t.store.roles.attachPolicy('R', await createManagedPolicy(t, 'P'));
    expect(failure(await t.call('iam', 'DeleteRole', { RoleName: 'R' })).message).toBe('Cannot delete entity, must detach all policies first.');
  });

  it('answers NoSuchEntity for a missing role', async () => {
    expect(failure(await t.call('iam', 'DeleteRole', { RoleName: 'test-nonexistent-role' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name test-nonexistent-role cannot be found.',
      httpStatus: 404,
    });
  });

  it('denies a user allowed other actions only, and keeps the role', async () => {
    await createRole(t, 'R');
    const user = await createUser(t, 'viewer', { p: policy(allow(['iam:GetRole', 'iam:ListRoles'])) });
    expectDenied(await t.call('iam', 'DeleteRole', { RoleName: 'R' }, { credentials: user }), user.arn, 'iam:DeleteRole', roleArnOf('R'));
    expect(await t.store.roles.get('R')).toBeDefined();
  });

  it('honours an explicit Deny on roles with a tag', async () => {
    await createRole(t, 'Protected', { 'Tags.member.1.Key': 'protected', 'Tags.member.1.Value': 'true' });
    await createRole(t, 'Scratch');
    const user = await createUser(t, 'admin', {
      p: policy(allow('iam:*'), { Effect: 'Deny', Action: 'iam:DeleteRole', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/protected': 'true' } } }),
    });
    ok(await t.call('iam', 'DeleteRole', { RoleName: 'Scratch' }, { credentials: user }));
    expectDenied(await t.call('iam', 'DeleteRole', { RoleName: 'Protected' }, { credentials: user }), user.arn, 'iam:DeleteRole', roleArnOf('Protected'), true);
  });
});
