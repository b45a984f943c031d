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

describe('DeleteUser', () => {
  it('deletes a user that has nothing left', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    expect(ok(await t.call('iam', 'DeleteUser', { UserName: 'alice' }))).toEqual({});
    expect(await t.store.users.get('alice')).toBeUndefined();
  });

  it('refuses while inline policies, attached policies or access keys remain, in AWS words', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    ok(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: policy(allow('s3:ListAllMyBuckets')) }));
    expect(failure(await t.call('iam', 'DeleteUser', { UserName: 'alice' }))).toEqual({
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete policies first.',
      httpStatus: 409,
    });
    ok(await t.call('iam', 'DeleteUserPolicy', { UserName: 'alice', PolicyName: 'p' }));
    const arn = await createManagedPolicy(t, 'P');
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn }));
    expect(failure(await t.call('iam', 'DeleteUser', { UserName: 'alice' }))).toEqual({
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must detach all policies first.',
      httpStatus: 409,
    });
    ok(await t.call('iam', 'DetachUserPolicy', { UserName: 'alice', PolicyArn: arn }));
    const key = ok<{ AccessKey: { AccessKeyId: string } }>(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' }));
    expect(failure(await t.call('iam', 'DeleteUser', { UserName: 'alice' }))).toEqual({
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete access keys first.',
      httpStatus: 409,
    });
    ok(await t.call('iam', 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: key.AccessKey.AccessKeyId }));
    ok(await t.call('iam', 'DeleteUser', { UserName: 'alice' }));
  });

  it('answers NoSuchEntity for a missing user', async () => {
    expect(failure(await t.call('iam', 'DeleteUser', { UserName: 'nonexistent-user' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The user with name nonexistent-user cannot be found.',
      httpStatus: 404,
    });
  });

  describe('authorization', () => {
    it('denies a user without iam:DeleteUser, deleting nothing', async () => {
      ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetUser')) });
      expectDenied(await t.call('iam', 'DeleteUser', { UserName: 'alice' }, { credentials: dev }), dev.arn, 'iam:DeleteUser', `arn:aws:iam::${ACCOUNT}:user/alice`);
      expect(await t.store.users.get('alice')).toBeDefined();
    });
  });
});
