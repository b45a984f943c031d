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

async function apiUserWithKey(name: string, document: string) {
  ok(await t.call('iam', 'CreateUser', { UserName: name }));
  ok(await t.call('iam', 'PutUserPolicy', { UserName: name, PolicyName: 'p', PolicyDocument: document }));
  const k = ok<KeyOut>(await t.call('iam', 'CreateAccessKey', { UserName: name }));
  return { accessKeyId: k.AccessKey.AccessKeyId, secretAccessKey: k.AccessKey.SecretAccessKey, arn: `arn:aws:iam::${ACCOUNT}:user/${name}` };
}

describe('UpdateAccessKey', () => {
  it('an Inactive key fails authentication with InvalidClientTokenId; Active again, it works', async () => {
    const alice = await apiUserWithKey('alice', policy(allow('iam:GetUser')));
    ok(await t.call('iam', 'GetUser', {}, { credentials: alice }));
    expect(ok(await t.call('iam', 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Inactive' }))).toEqual({});
    expect(failure(await t.call('iam', 'GetUser', {}, { credentials: alice }))).toEqual({
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid',
      httpStatus: 403,
    });
    const listed = ok<{ AccessKeyMetadata: { Status: string }[] }>(await t.call('iam', 'ListAccessKeys', { UserName: 'alice' }));
    expect(listed.AccessKeyMetadata[0]!.Status).toBe('Inactive');
    ok(await t.call('iam', 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Active' }));
    ok(await t.call('iam', 'GetUser', {}, { credentials: alice }));
  });

  it('lets a user deactivate its own key without naming itself', async () => {
    const alice = await apiUserWithKey('alice', policy(allow('iam:UpdateAccessKey', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`)));
    ok(await t.call('iam', 'UpdateAccessKey', { AccessKeyId: alice.accessKeyId, Status: 'Inactive' }, { credentials: alice }));
    expect((await t.store.accessKeys.get(alice.accessKeyId))?.status).toBe('Inactive');
  });

  it('answers NoSuchEntity for a key that does not exist or belongs to another user (no cross-user updates)', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const bob = await apiUserWithKey('bob', policy(allow('iam:GetUser')));
    expect(failure(await t.call('iam', 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.',
      httpStatus: 404,
    });
    expect(failure(await t.call('iam', 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: bob.accessKeyId, Status: 'Inactive' }))).toEqual({
      code: 'NoSuchEntity',
      message: `The Access Key with id ${bob.accessKeyId} cannot be found.`,
      httpStatus: 404,
    });
    expect((await t.store.accessKeys.get(bob.accessKeyId))?.status).toBe('Active');
  });

  it('refuses Expired, which is not an access key status', async () => {
    const alice = await apiUserWithKey('alice', policy(allow('iam:GetUser')));
    expect(failure(await t.call('iam', 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Expired' })).code).toBe('InvalidInput');
  });

  it('denies a user allowed only on itself from switching another user’s key off', async () => {
    const bob = await apiUserWithKey('bob', policy(allow('iam:GetUser')));
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:UpdateAccessKey', `arn:aws:iam::${ACCOUNT}:user/dev`)) });
    expectDenied(
      await t.call('iam', 'UpdateAccessKey', { UserName: 'bob', AccessKeyId: bob.accessKeyId, Status: 'Inactive' }, { credentials: dev }),
      dev.arn,
      'iam:UpdateAccessKey',
      `arn:aws:iam::${ACCOUNT}:user/bob`,
    );
    // Naming itself but bob's key id: not found, and bob's key keeps working.
    expect(failure(await t.call('iam', 'UpdateAccessKey', { AccessKeyId: bob.accessKeyId, Status: 'Inactive' }, { credentials: dev })).code).toBe('NoSuchEntity');
    ok(await t.call('iam', 'GetUser', {}, { credentials: bob }));
  });
});
