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

describe('DeleteUserPolicy', () => {
  it('removes an inline policy: the permission it granted is gone on the next request', async () => {
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:ListUsers')) });
    ok(await t.call('iam', 'ListUsers', {}, { credentials: dev }));
    expect(ok(await t.call('iam', 'DeleteUserPolicy', { UserName: 'dev', PolicyName: 'p' }))).toEqual({});
    expectDenied(await t.call('iam', 'ListUsers', {}, { credentials: dev }), dev.arn, 'iam:ListUsers', `arn:aws:iam::${ACCOUNT}:user/`);
  });

  it('answers NoSuchEntity for a missing policy or user', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    expect(failure(await t.call('iam', 'DeleteUserPolicy', { UserName: 'alice', PolicyName: 'nope' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The user policy with name nope cannot be found.',
      httpStatus: 404,
    });
    expect(failure(await t.call('iam', 'DeleteUserPolicy', { UserName: 'ghost', PolicyName: 'p' })).message).toBe('The user with name ghost cannot be found.');
  });

  it('denies a user without iam:DeleteUserPolicy: it cannot shed its own Deny', async () => {
    const dev = await createUser(t, 'dev', {
      guard: policy({ Effect: 'Deny', Action: 'iam:DeleteUserPolicy', Resource: '*' }, allow('iam:*')),
    });
    expectDenied(await t.call('iam', 'DeleteUserPolicy', { UserName: 'dev', PolicyName: 'guard' }, { credentials: dev }), dev.arn, 'iam:DeleteUserPolicy', dev.arn, true);
    expect((await t.store.users.getPolicySet('dev')).inlinePolicies).toHaveLength(1);
  });
});
