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

type KeyOut = { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };

describe('DeleteAccessKey', () => {
  it('deletes a key, which then no longer authenticates', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    ok(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: policy(allow('iam:GetUser')) }));
    const { AccessKey } = ok<KeyOut>(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' }));
    const credentials = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
    ok(await t.call('iam', 'GetUser', {}, { credentials }));
    expect(ok(await t.call('iam', 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: AccessKey.AccessKeyId }))).toEqual({});
    expect(await t.store.accessKeys.get(AccessKey.AccessKeyId)).toBeUndefined();
    expect(failure(await t.call('iam', 'GetUser', {}, { credentials })).code).toBe('InvalidClientTokenId');
  });

  it('deletes the caller’s own key when UserName is omitted', async () => {
    const me = await createUser(t, 'me', { p: policy(allow('iam:DeleteAccessKey', `arn:aws:iam::${ACCOUNT}:user/me`)) });
    ok(await t.call('iam', 'DeleteAccessKey', { AccessKeyId: me.accessKeyId }, { credentials: me }));
    expect(await t.store.accessKeys.listByUser('me')).toEqual([]);
  });

  it('answers NoSuchEntity for a missing key or a key of another user', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    ok(await t.call('iam', 'CreateUser', { UserName: 'bob' }));
    const bobKey = ok<KeyOut>(await t.call('iam', 'CreateAccessKey', { UserName: 'bob' })).AccessKey.AccessKeyId;
    expect(failure(await t.call('iam', 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.',
      httpStatus: 404,
    });
    expect(failure(await t.call('iam', 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: bobKey })).code).toBe('NoSuchEntity');
    expect(await t.store.accessKeys.get(bobKey)).toBeDefined();
  });

  it('refuses the root naming no user (its key is configuration, not an IAM key)', async () => {
    expect(failure(await t.call('iam', 'DeleteAccessKey', { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }))).toEqual({
      code: 'ValidationError',
      message: 'Must specify userName when calling with non-User credentials',
      httpStatus: 400,
    });
  });

  it('denies a user without iam:DeleteAccessKey, deleting nothing', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'bob' }));
    const bobKey = ok<KeyOut>(await t.call('iam', 'CreateAccessKey', { UserName: 'bob' })).AccessKey.AccessKeyId;
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:ListAccessKeys')) });
    expectDenied(
      await t.call('iam', 'DeleteAccessKey', { UserName: 'bob', AccessKeyId: bobKey }, { credentials: dev }),
      dev.arn,
      'iam:DeleteAccessKey',
      `arn:aws:iam::${ACCOUNT}:user/bob`,
    );
    expect(await t.store.accessKeys.get(bobKey)).toBeDefined();
  });
});
