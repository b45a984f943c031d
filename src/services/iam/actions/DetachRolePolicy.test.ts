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

describe('DetachRolePolicy', () => {
  it('detaches an attached policy', async () => {
    await createRole(t, 'R');
    const arn = await createManagedPolicy(t, 'P');
    await t.store.roles.attachPolicy('R', arn);
    expect(ok(await t.call('iam', 'DetachRolePolicy', { RoleName: 'R', PolicyArn: arn }))).toEqual({});
    expect((await t.store.roles.listAttachedPolicies('R')).items).toEqual([]);
  });

  it('answers `was not found` for a policy that is not attached', async () => {
    await createRole(t, 'R');
    const arn = await createManagedPolicy(t, 'P');
    expect(failure(await t.call('iam', 'DetachRolePolicy', { RoleName: 'R', PolicyArn: arn }))).toEqual({
      code: 'NoSuchEntity',
      message: `Policy ${arn} was not found.`,
      httpStatus: 404,
    });
  });

  it('answers `was not found` for a policy that does not exist', async () => {
    await createRole(t, 'R');
    const arn = 'arn:aws:iam::aws:policy/Nonexistent';
    expect(failure(await t.call('iam', 'DetachRolePolicy', { RoleName: 'R', PolicyArn: arn }))).toEqual({
      code: 'NoSuchEntity',
      message: `Policy ${arn} was not found.`,
      httpStatus: 404,
    });
  });

  it('refuses a PolicyArn that is not an ARN', async () => {
    await createRole(t, 'R');
    expect(failure(await t.call('iam', 'DetachRolePolicy', { RoleName: 'R', PolicyArn: 'longpolicynamebutnoarn' })).code).toBe('ValidationError');
  });

  it('answers NoSuchEntity for a missing role', async () => {
    const arn = await createManagedPolicy(t, 'P');
    expect(failure(await t.call('iam', 'DetachRolePolicy', { RoleName: 'Ghost', PolicyArn: arn })).message).toBe('The role with name Ghost cannot be found.');
  });

  it('denies by iam:PolicyARN: the guard policy cannot be detached', async () => {
    await createRole(t, 'R');
    const guard = await createManagedPolicy(t, 'Guard');
    const other = await createManagedPolicy(t, 'Other');
    await t.store.roles.attachPolicy('R', guard);
    await t.store.roles.attachPolicy('R', other);
    const user = await createUser(t, 'dev', {
      p: policy(allow('iam:DetachRolePolicy'), { Effect: 'Deny', Action: 'iam:DetachRolePolicy', Resource: '*', Condition: { ArnEquals: { 'iam:PolicyARN': guard } } }),
    });
    ok(await t.call('iam', 'DetachRolePolicy', { RoleName: 'R', PolicyArn: other }, { credentials: user }));
    expectDenied(await t.call('iam', 'DetachRolePolicy', { RoleName: 'R', PolicyArn: guard }, { credentials: user }), user.arn, 'iam:DetachRolePolicy', roleArnOf('R'), true);
    expect((await t.store.roles.listAttachedPolicies('R')).items.map((p) => p.policyName)).toEqual(['Guard']);
  });
});
