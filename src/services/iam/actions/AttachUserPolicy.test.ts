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

describe('AttachUserPolicy', () => {
  it('attaches a managed policy (idempotently), whose default version then governs the user', async () => {
    const dev = await createUser(t, 'dev', {});
    const arn = await createManagedPolicy(t, 'Lister', policy(allow('iam:ListUsers')));
    expectDenied(await t.call('iam', 'ListUsers', {}, { credentials: dev }), dev.arn, 'iam:ListUsers', `arn:aws:iam::${ACCOUNT}:user/`);
    expect(ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'dev', PolicyArn: arn }))).toEqual({});
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'dev', PolicyArn: arn }));
    expect((await t.store.policies.get(arn))?.attachmentCount).toBe(1);
    ok(await t.call('iam', 'ListUsers', {}, { credentials: dev }));
  });

  it('refuses an eleventh managed policy: Cannot exceed quota for PoliciesPerUser: 10', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const arns: string[] = [];
    for (let i = 0; i < 11; i++) arns.push(await createManagedPolicy(t, `P${i}`));
    for (const arn of arns.slice(0, 10)) ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn }));
    expect(failure(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arns[10]! }))).toEqual({
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for PoliciesPerUser: 10',
      httpStatus: 409,
    });
  });

  it('refuses a policy that does not exist, a non-policy ARN and a missing user', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/nonexistent`;
    expect(failure(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: ghost }))).toEqual({
      code: 'NoSuchEntity',
      message: `Policy ${ghost} does not exist or is not attachable.`,
      httpStatus: 404,
    });
    expect(failure(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: 'longpolicynamebutnoarn' }))).toEqual({
      code: 'ValidationError',
      message: 'ARN longpolicynamebutnoarn is not valid.',
      httpStatus: 400,
    });
    const arn = await createManagedPolicy(t, 'P');
    expect(failure(await t.call('iam', 'AttachUserPolicy', { UserName: 'ghost', PolicyArn: arn })).message).toBe('The user with name ghost cannot be found.');
  });

  describe('authorization', () => {
    it('denies a user without iam:AttachUserPolicy: no self-attaching an admin policy', async () => {
      const admin = await createManagedPolicy(t, 'Admin', policy(allow('*')));
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:ListAttachedUserPolicies')) });
      expectDenied(await t.call('iam', 'AttachUserPolicy', { UserName: 'dev', PolicyArn: admin }, { credentials: dev }), dev.arn, 'iam:AttachUserPolicy', dev.arn);
      expect((await t.store.users.listAttachedPolicies('dev')).items).toEqual([]);
    });

    it('reads iam:PolicyARN: only the allowed policy may be attached', async () => {
      const readOnly = await createManagedPolicy(t, 'ReadOnly');
      const admin = await createManagedPolicy(t, 'Admin', policy(allow('*')));
      ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
      const dev = await createUser(t, 'dev', {
        p: policy({ Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: '*', Condition: { ArnEquals: { 'iam:PolicyARN': readOnly } } }),
      });
      ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: readOnly }, { credentials: dev }));
      expectDenied(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: admin }, { credentials: dev }), dev.arn, 'iam:AttachUserPolicy', `arn:aws:iam::${ACCOUNT}:user/alice`);
    });
  });
});
