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

describe('PutRolePermissionsBoundary', () => {
  it('sets and replaces the boundary, moving the usage count', async () => {
    await createRole(t, 'R');
    const first = await createManagedPolicy(t, 'First');
    const second = await createManagedPolicy(t, 'Second');
    expect(ok(await t.call('iam', 'PutRolePermissionsBoundary', { RoleName: 'R', PermissionsBoundary: first }))).toEqual({});
    expect((await t.store.roles.get('R'))?.permissionsBoundaryArn).toBe(first);
    ok(await t.call('iam', 'PutRolePermissionsBoundary', { RoleName: 'R', PermissionsBoundary: second }));
    expect((await t.store.policies.get(first))?.permissionsBoundaryUsageCount).toBe(0);
    expect((await t.store.policies.get(second))?.permissionsBoundaryUsageCount).toBe(1);
    const get = ok<{ Role: { PermissionsBoundary: unknown } }>(await t.call('iam', 'GetRole', { RoleName: 'R' }));
    expect(get.Role.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: second });
  });

  it('refuses a policy that does not exist, and an ARN that is no policy', async () => {
    await createRole(t, 'R');
    const missing = 'arn:aws:iam::013823792818:policy/nonexistent-policy';
    expect(failure(await t.call('iam', 'PutRolePermissionsBoundary', { RoleName: 'R', PermissionsBoundary: missing }))).toEqual({
      code: 'NoSuchEntity',
      message: `Scope ARN: ${missing} does not exist or is not attachable.`,
      httpStatus: 404,
    });
    const invalid = 'arn:aws:iam::013823792818:not_a_policy/invalid';
    expect(failure(await t.call('iam', 'PutRolePermissionsBoundary', { RoleName: 'R', PermissionsBoundary: invalid }))).toEqual({
      code: 'InvalidInput',
      message: `ARN ${invalid} is not valid.`,
      httpStatus: 400,
    });
    expect((await t.store.roles.get('R'))?.permissionsBoundaryArn).toBeUndefined();
  });

  it('answers NoSuchEntity for a missing role', async () => {
    const arn = await createManagedPolicy(t, 'B');
    expect(failure(await t.call('iam', 'PutRolePermissionsBoundary', { RoleName: 'nonexistent-role', PermissionsBoundary: arn }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name nonexistent-role cannot be found.',
      httpStatus: 404,
    });
  });

  it('passes the NEW boundary as iam:PermissionsBoundary: a delegated admin cannot swap in another', async () => {
    await createRole(t, 'R');
    const approved = await createManagedPolicy(t, 'Approved');
    const loose = await createManagedPolicy(t, 'Loose', policy(allow('*')));
    const user = await createUser(t, 'delegated', {
      p: policy({ Effect: 'Allow', Action: 'iam:PutRolePermissionsBoundary', Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': approved } } }),
    });
    ok(await t.call('iam', 'PutRolePermissionsBoundary', { RoleName: 'R', PermissionsBoundary: approved }, { credentials: user }));
    expectDenied(
      await t.call('iam', 'PutRolePermissionsBoundary', { RoleName: 'R', PermissionsBoundary: loose }, { credentials: user }),
      user.arn,
      'iam:PutRolePermissionsBoundary',
      roleArnOf('R'),
    );
    expect((await t.store.roles.get('R'))?.permissionsBoundaryArn).toBe(approved);
  });
});
