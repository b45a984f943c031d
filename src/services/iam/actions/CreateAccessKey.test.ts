import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SigningCredentials } from '../../../sigv4/index.js';
import { ACCOUNT, allow, createUser, expectDenied, policy } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

type KeyOut = { AccessKey: { UserName: string; AccessKeyId: string; Status: string; SecretAccessKey: string; CreateDate: Date } };

/** A user made through the IAM API itself: CreateUser, PutUserPolicy, CreateAccessKey (as the admin). */
async function apiUser(name: string, document: string): Promise<SigningCredentials & { arn: string }> {
  const u = ok<{ User: { Arn: string } }>(await t.call('iam', 'CreateUser', { UserName: name }));
  ok(await t.call('iam', 'PutUserPolicy', { UserName: name, PolicyName: 'access', PolicyDocument: document }));
  const k = ok<KeyOut>(await t.call('iam', 'CreateAccessKey', { UserName: name }));
  return { accessKeyId: k.AccessKey.AccessKeyId, secretAccessKey: k.AccessKey.SecretAccessKey, arn: u.User.Arn };
}

describe('CreateAccessKey', () => {
  it('creates an active AKIA key with a 40-character secret, shown once', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const out = ok<KeyOut>(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' }));
    expect(out.AccessKey).toEqual({
      UserName: 'alice',
      AccessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/),
      Status: 'Active',
      SecretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/),
      CreateDate: t.clock.now(),
    });
    const listed = ok<{ AccessKeyMetadata: Record<string, unknown>[] }>(await t.call('iam', 'ListAccessKeys', { UserName: 'alice' }));
    expect(JSON.stringify(listed)).not.toContain(out.AccessKey.SecretAccessKey);
  });

  it('stores the secret only sealed, bound to the key id', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const { AccessKey } = ok<KeyOut>(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' }));
    const stored = await t.store.accessKeys.get(AccessKey.AccessKeyId);
    expect(Buffer.from(stored!.secretSealed).toString('latin1')).not.toContain(AccessKey.SecretAccessKey);
    expect(t.env.sealer.open('access-key-secret', stored!.secretSealed, AccessKey.AccessKeyId)?.toString('utf8')).toBe(AccessKey.SecretAccessKey);
    // Copied onto another key id, the sealed secret opens to nothing.
    expect(t.env.sealer.open('access-key-secret', stored!.secretSealed, 'AKIAOTHERKEYOTHERKEY')).toBeUndefined();
  });

  it('never writes the secret to the audit log', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const { AccessKey } = ok<KeyOut>(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' }));
    const record = t.auditRecords.at(-1)!;
    expect(record.eventName).toBe('CreateAccessKey');
    expect(record.requestParameters).toEqual({ UserName: 'alice' });
    expect(JSON.stringify(t.auditRecords)).not.toContain(AccessKey.SecretAccessKey);
  });

  it('makes a key that signs requests as its user', async () => {
    const alice = await apiUser('alice', policy(allow('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/alice`)));
    const out = ok<{ User: { UserName: string } }>(await t.call('iam', 'GetUser', {}, { credentials: alice }));
    expect(out.User.UserName).toBe('alice');
  });

  it('creates a key for the calling user when UserName is omitted', async () => {
    const alice = await apiUser('alice', policy(allow('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`)));
    const out = ok<KeyOut>(await t.call('iam', 'CreateAccessKey', {}, { credentials: alice }));
    expect(out.AccessKey.UserName).toBe('alice');
  });

  it('refuses a third key: Cannot exceed quota for AccessKeysPerUser: 2', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    ok(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' }));
    ok(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' }));
    expect(failure(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' }))).toEqual({
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      httpStatus: 409,
    });
  });

  it('answers NoSuchEntity for a missing user, and ValidationError when the root names no user', async () => {
    expect(failure(await t.call('iam', 'CreateAccessKey', { UserName: 'nonexistent-user' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The user with name nonexistent-user cannot be found.',
      httpStatus: 404,
    });
    expect(failure(await t.call('iam', 'CreateAccessKey', {}))).toEqual({
      code: 'ValidationError',
      message: 'Must specify userName when calling with non-User credentials',
      httpStatus: 400,
    });
  });

  describe('authorization', () => {
    it('denies a user without iam:CreateAccessKey for another user', async () => {
      ok(await t.call('iam', 'CreateUser', { UserName: 'bob' }));
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/dev`)) });
      expectDenied(await t.call('iam', 'CreateAccessKey', { UserName: 'bob' }, { credentials: dev }), dev.arn, 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/bob`);
      expect(await t.store.accessKeys.listByUser('bob')).toEqual([]);
    });

    it('a user made through CreateUser, PutUserPolicy and CreateAccessKey is allowed and denied by that policy', async () => {
      const ops = await apiUser('ops', policy(allow(['iam:CreateUser', 'iam:GetUser'])));
      ok(await t.call('iam', 'CreateUser', { UserName: 'made-by-ops' }, { credentials: ops }));
      expectDenied(await t.call('iam', 'DeleteUser', { UserName: 'made-by-ops' }, { credentials: ops }), ops.arn, 'iam:DeleteUser', `arn:aws:iam::${ACCOUNT}:user/made-by-ops`);
      // Changing the policy through the API changes what the key may do on the next request.
      ok(await t.call('iam', 'PutUserPolicy', { UserName: 'ops', PolicyName: 'access', PolicyDocument: policy(allow('iam:DeleteUser')) }));
      ok(await t.call('iam', 'DeleteUser', { UserName: 'made-by-ops' }, { credentials: ops }));
      expectDenied(await t.call('iam', 'CreateUser', { UserName: 'again' }, { credentials: ops }), ops.arn, 'iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/again`);
    });
  });
});
