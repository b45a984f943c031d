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

describe('AttachRolePolicy', () => {
  it('attaches a managed policy, idempotently', async () => {
    await createRole(t, 'R');
    const arn = await createManagedPolicy(t, 'P');
    expect(ok(await t.call('iam', 'AttachRolePolicy', { RoleName: 'R', PolicyArn: arn }))).toEqual({});
    ok(await t.call('iam', 'AttachRolePolicy', { RoleName: 'R', PolicyArn: arn }));
    expect((await t.store.roles.listAttachedPolicies('R')).items).toEqual([{ policyName: 'P', policyArn: arn }]);
    expect((await t.store.policies.get(arn))?.attachmentCount).toBe(1);
  });

  it('refuses an eleventh managed policy with LimitExceeded', async () => {
    await createRole(t, 'R');
    const arns: string[] = [];
    for (let i = 0; i < 11; i++) arns.push(await createManagedPolicy(t, `P${i}`));
    for (const arn of arns.slice(0, 10)) ok(await t.call('iam', 'AttachRolePolicy', { RoleName: 'R', PolicyArn: arn }));
    expect(failure(await t.call('iam', 'AttachRolePolicy', { RoleName: 'R', PolicyArn: arns[10]! }))).toEqual({
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for PoliciesPerRole: 10',
      httpStatus: 409,
    });
    // Re-attaching one of the ten is still fine.
    ok(await t.call('iam', 'AttachRolePolicy', { RoleName: 'R', PolicyArn: arns[0]! }));
  });

  it('refuses a policy that does not exist', async () => {
    await createRole(t, 'R');
    const arn = 'arn:aws:iam::013823792818:policy/nonexistent-policy';
    expect(failure(await t.call('iam', 'AttachRolePolicy', { RoleName: 'R', PolicyArn: arn }))).toEqual({
      code: 'NoSuchEntity',
      message: `Policy ${arn} does not exist or is not attachable.`,
      httpStatus: 404,
    });
  });

  it('refuses a PolicyArn that is not a policy ARN', async () => {
    await createRole(t, 'R');
    expect(failure(await t.call('iam', 'AttachRolePolicy', { RoleName: 'R', PolicyArn: 'longpolicynamebutnoarn' }))).toEqual({
      code: 'ValidationError',
      message: 'ARN longpolicynamebutnoarn is not valid.',
      httpStatus: 400,
    });
  });

  it('answers NoSuchEntity for a missing role', async () => {
    const arn = await createManagedPolicy(t, 'P');
    expect(failure(await t.call('iam', 'AttachRolePolicy', { RoleName: 'Ghost', PolicyArn: arn }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name Ghost cannot be found.',
      httpStatus: 404,
    });
  });

  describe('authorization', () => {
    it('denies a user without iam:AttachRolePolicy, attaching nothing', async () => {
      await createRole(t, 'R');
      const arn = await createManagedPolicy(t, 'Admin', policy(allow('*')));
      const user = await createUser(t, 'dev', { p: policy(allow('iam:ListAttachedRolePolicies')) });
      expectDenied(await t.call('iam', 'AttachRolePolicy', { RoleName: 'R', PolicyArn: arn }, { credentials: user }), user.arn, 'iam:AttachRolePolicy', roleArnOf('R'));
      expect((await t.store.roles.listAttachedPolicies('R')).items).toEqual([]);
    });

    it('passes the policy ARN to the engine (iam:PolicyARN)', async () => {
      await createRole(t, 'R');
      const readOnly = await createManagedPolicy(t, 'ReadOnly');
      const admin = await createManagedPolicy(t, 'Admin', policy(allow('*')));
      const user = await createUser(t, 'dev', {
        p: policy({ Effect: 'Allow', Action: 'iam:AttachRolePolicy', Resource: '*', Condition: { ArnEquals: { 'iam:PolicyARN': readOnly } } }),
      });
      ok(await t.call('iam', 'AttachRolePolicy', { RoleName: 'R', PolicyArn: readOnly }, { credentials: user }));
      expectDenied(await t.call('iam', 'AttachRolePolicy', { RoleName: 'R', PolicyArn: admin }, { credentials: user }), user.arn, 'iam:AttachRolePolicy', roleArnOf('R'));
    });

    it('passes the role’s boundary to the engine (iam:PermissionsBoundary)', async () => {
      const boundary = await createManagedPolicy(t, 'Boundary');
      const p = await createManagedPolicy(t, 'P');
      await createRole(t, 'Bounded', { PermissionsBoundary: boundary });
      await createRole(t, 'Free');
      const user = await createUser(t, 'delegated', {
        p: policy({ Effect: 'Allow', Action: 'iam:AttachRolePolicy', Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } } }),
      });
      ok(await t.call('iam', 'AttachRolePolicy', { RoleName: 'Bounded', PolicyArn: p }, { credentials: user }));
      expectDenied(await t.call('iam', 'AttachRolePolicy', { RoleName: 'Free', PolicyArn: p }, { credentials: user }), user.arn, 'iam:AttachRolePolicy', roleArnOf('Free'));
    });
  });
});
