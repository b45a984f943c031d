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

describe('DeleteRolePermissionsBoundary', () => {
  it('removes the boundary', async () => {
    const boundary = await createManagedPolicy(t, 'B');
    await createRole(t, 'R', { PermissionsBoundary: boundary });
    expect(ok(await t.call('iam', 'DeleteRolePermissionsBoundary', { RoleName: 'R' }))).toEqual({});
    expect((await t.store.roles.get('R'))?.permissionsBoundaryArn).toBeUndefined();
    expect((await t.store.policies.get(boundary))?.permissionsBoundaryUsageCount).toBe(0);
    const get = ok<{ Role: Record<string, unknown> }>(await t.call('iam', 'GetRole', { RoleName: 'R' }));
    expect(get.Role).not.toHaveProperty('PermissionsBoundary');
  });

  it('answers NoSuchEntity for a missing role', async () => {
    expect(failure(await t.call('iam', 'DeleteRolePermissionsBoundary', { RoleName: 'Ghost' })).message).toBe('The role with name Ghost cannot be found.');
  });

  it('denies removing the boundary a delegated admin must keep (iam:PermissionsBoundary)', async () => {
    const boundary = await createManagedPolicy(t, 'B');
    await createRole(t, 'R', { PermissionsBoundary: boundary });
    const user = await createUser(t, 'delegated', {
      p: policy(allow('iam:*'), {
        Effect: 'Deny',
        Action: 'iam:DeleteRolePermissionsBoundary',
        Resource: '*',
        Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } },
      }),
    });
    expectDenied(await t.call('iam', 'DeleteRolePermissionsBoundary', { RoleName: 'R' }, { credentials: user }), user.arn, 'iam:DeleteRolePermissionsBoundary', roleArnOf('R'), true);
    expect((await t.store.roles.get('R'))?.permissionsBoundaryArn).toBe(boundary);
  });
});
