import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, allow, createManagedPolicy, createUser, expectDenied, policy } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

describe('DetachUserPolicy', () => {
  it('detaches a managed policy', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const arn = await createManagedPolicy(t, 'P');
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn }));
    expect(ok(await t.call('iam', 'DetachUserPolicy', { UserName: 'alice', PolicyArn: arn }))).toEqual({});
    expect((await t.store.users.listAttachedPolicies('alice')).items).toEqual([]);
    expect((await t.store.policies.get(arn))?.attachmentCount).toBe(0);
  });

  it('answers `Policy <arn> was not found.` for a policy not attached or not existing', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const arn = await createManagedPolicy(t, 'P');
    expect(failure(await t.call('iam', 'DetachUserPolicy', { UserName: 'alice', PolicyArn: arn }))).toEqual({
      code: 'NoSuchEntity',
      message: `Policy ${arn} was not found.`,
      httpStatus: 404,
    });
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/Ghost`;
    expect(failure(await t.call('iam', 'DetachUserPolicy', { UserName: 'alice', PolicyArn: ghost })).message).toBe(`Policy ${ghost} was not found.`);
    expect(failure(await t.call('iam', 'DetachUserPolicy', { UserName: 'ghost', PolicyArn: arn })).message).toBe('The user with name ghost cannot be found.');
  });

  it('denies a user without iam:DetachUserPolicy, detaching nothing', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const arn = await createManagedPolicy(t, 'P');
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn }));
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:AttachUserPolicy')) });
    expectDenied(await t.call('iam', 'DetachUserPolicy', { UserName: 'alice', PolicyArn: arn }, { credentials: dev }), dev.arn, 'iam:DetachUserPolicy', `arn:aws:iam::${ACCOUNT}:user/alice`);
    expect((await t.store.users.listAttachedPolicies('alice')).items).toHaveLength(1);
  });
});
