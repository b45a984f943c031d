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

/** A policy of exactly `size` characters once whitespace is not counted. */
function sized(size: number): string {
  const base = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/' });
  const pad = size - base.length;
  return policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::b/${'x'.repeat(pad)}` });
}

describe('PutUserPolicy', () => {
  it('adds and replaces an inline policy, which then governs the user’s key', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    ok(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: policy(allow('iam:ListUsers')) }));
    const key = ok<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' })).AccessKey;
    const alice = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    ok(await t.call('iam', 'ListUsers', {}, { credentials: alice }));
    ok(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: policy(allow('iam:GetUser')) }));
    expect((await t.store.users.getPolicySet('alice')).inlinePolicies).toHaveLength(1);
    expectDenied(await t.call('iam', 'ListUsers', {}, { credentials: alice }), `arn:aws:iam::${ACCOUNT}:user/alice`, 'iam:ListUsers', `arn:aws:iam::${ACCOUNT}:user/`);
  });

  it('refuses a malformed document with AWS’s MalformedPolicyDocument wording', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    expect(failure(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: '{"Version":"2012-10-17"' }))).toEqual({
      code: 'MalformedPolicyDocument',
      message: 'Syntax errors in policy.',
      httpStatus: 400,
    });
    const noVendor = policy({ Effect: 'Allow', Action: 'ListUsers', Resource: '*' });
    expect(failure(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: noVendor })).message).toBe(
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    );
  });

  it('keeps all inline policies of a user within 2,048 characters together', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    ok(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'a', PolicyDocument: sized(1024) }));
    ok(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'b', PolicyDocument: sized(1024) }));
    // Replacing a policy does not count it twice.
    ok(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'b', PolicyDocument: sized(1024) }));
    expect(failure(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'c', PolicyDocument: sized(200) }))).toEqual({
      code: 'LimitExceeded',
      message: 'Maximum policy size of 2048 bytes exceeded for user alice',
      httpStatus: 409,
    });
  });

  it('answers NoSuchEntity for a missing user', async () => {
    expect(failure(await t.call('iam', 'PutUserPolicy', { UserName: 'ghost', PolicyName: 'p', PolicyDocument: policy(allow('iam:GetUser')) }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The user with name ghost cannot be found.',
      httpStatus: 404,
    });
  });

  describe('authorization', () => {
    it('denies a user without iam:PutUserPolicy: no self-escalation to `*`', async () => {
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetUserPolicy')) });
      expectDenied(
        await t.call('iam', 'PutUserPolicy', { UserName: 'dev', PolicyName: 'admin', PolicyDocument: policy(allow('*')) }, { credentials: dev }),
        dev.arn,
        'iam:PutUserPolicy',
        dev.arn,
      );
      expect((await t.store.users.getPolicySet('dev')).inlinePolicies.map((p) => p.policyName)).toEqual(['p']);
    });

    it('reads iam:PermissionsBoundary as the user’s current boundary', async () => {
      const boundary = await createManagedPolicy(t, 'Boundary');
      ok(await t.call('iam', 'CreateUser', { UserName: 'bounded', PermissionsBoundary: boundary }));
      ok(await t.call('iam', 'CreateUser', { UserName: 'free' }));
      const admin = await createUser(t, 'delegate', {
        p: policy({ Effect: 'Allow', Action: 'iam:PutUserPolicy', Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } } }),
      });
      const doc = policy(allow('s3:ListAllMyBuckets'));
      ok(await t.call('iam', 'PutUserPolicy', { UserName: 'bounded', PolicyName: 'p', PolicyDocument: doc }, { credentials: admin }));
      expectDenied(
        await t.call('iam', 'PutUserPolicy', { UserName: 'free', PolicyName: 'p', PolicyDocument: doc }, { credentials: admin }),
        admin.arn,
        'iam:PutUserPolicy',
        `arn:aws:iam::${ACCOUNT}:user/free`,
      );
    });
  });
});
