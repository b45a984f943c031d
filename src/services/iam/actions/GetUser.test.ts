import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealSessionToken } from '../../session.js';
import { ACCOUNT, allow, createUser, expectDenied, policy, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

type UserOut = { User: Record<string, unknown> };

describe('GetUser', () => {
  it('answers a named user with its tags and boundary', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice', Path: '/eng/', ...tagParams([['Team', 'web']]) }));
    const out = ok<UserOut>(await t.call('iam', 'GetUser', { UserName: 'alice' }));
    expect(out.User).toMatchObject({ UserName: 'alice', Path: '/eng/', Arn: `arn:aws:iam::${ACCOUNT}:user/eng/alice`, Tags: [{ Key: 'Team', Value: 'web' }] });
    expect(out.User).not.toHaveProperty('PasswordLastUsed');
  });

  it('answers the calling IAM user itself when no UserName is given', async () => {
    const me = await createUser(t, 'me', { p: policy(allow('iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/me`)) });
    const out = ok<UserOut>(await t.call('iam', 'GetUser', {}, { credentials: me }));
    expect(out.User).toMatchObject({ UserName: 'me', Arn: me.arn });
  });

  it('answers the account root as AWS does: UserId = account id, Arn …:root, no UserName', async () => {
    const out = ok<UserOut>(await t.call('iam', 'GetUser', {}));
    expect(out.User).toEqual({ UserId: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
    const h = await t.http('iam', 'GetUser', {});
    expect(h.body).toContain(`<User><UserId>${ACCOUNT}</UserId><Arn>arn:aws:iam::${ACCOUNT}:root</Arn></User>`);
  });

  it('refuses a role session without UserName with ValidationError, once iam:GetUser on the session is allowed', async () => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const role = { roleName: 'R', roleId: 'AROAEXAMPLEEXAMPLEEX' };
    await t.store.roles.create({
      roleId: role.roleId,
      roleName: 'R',
      path: '/',
      arn: `arn:aws:iam::${ACCOUNT}:role/R`,
      assumeRolePolicyDocument: '{}',
      maxSessionDuration: 3600,
      createDate: t.clock.now(),
      tags: [],
    });
    await t.store.roles.putInlinePolicy('R', { policyName: 'p', policyDocument: policy(allow('iam:GetUser')) });
    const claims = {
      accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
      secretAccessKey: 'session-secret-0000000000000000000000000',
      accountId: ACCOUNT,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/R`,
      roleId: role.roleId,
      roleName: 'R',
      sessionName: 'jane',
      tags: [],
      transitiveTagKeys: [],
      sessionPolicyArns: [],
      issuedAt: now,
      expiresAt: now + 3600,
    };
    const credentials = { accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: sealSessionToken(t.env.sealer, claims) };
    expect(failure(await t.call('iam', 'GetUser', {}, { credentials }))).toEqual({
      code: 'ValidationError',
      message: 'Must specify userName when calling with non-User credentials',
      httpStatus: 400,
    });
  });

  it('answers NoSuchEntity for a missing user', async () => {
    expect(failure(await t.call('iam', 'GetUser', { UserName: 'ghost' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The user with name ghost cannot be found.',
      httpStatus: 404,
    });
  });

  describe('authorization', () => {
    it('denies a user without iam:GetUser — before revealing whether the user exists', async () => {
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:ListUsers')) });
      expectDenied(await t.call('iam', 'GetUser', { UserName: 'ghost' }, { credentials: dev }), dev.arn, 'iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/ghost`);
      expectDenied(await t.call('iam', 'GetUser', {}, { credentials: dev }), dev.arn, 'iam:GetUser', dev.arn);
    });

    it('authorizes on the user ARN with its path and reads aws:ResourceTag/*', async () => {
      ok(await t.call('iam', 'CreateUser', { UserName: 'web1', Path: '/web/', ...tagParams([['Team', 'web']]) }));
      ok(await t.call('iam', 'CreateUser', { UserName: 'db1', Path: '/db/', ...tagParams([['Team', 'db']]) }));
      const dev = await createUser(t, 'dev', {
        p: policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${ACCOUNT}:user/web/*`, Condition: { StringEquals: { 'aws:ResourceTag/Team': 'web' } } }),
      });
      ok(await t.call('iam', 'GetUser', { UserName: 'web1' }, { credentials: dev }));
      expectDenied(await t.call('iam', 'GetUser', { UserName: 'db1' }, { credentials: dev }), dev.arn, 'iam:GetUser', `arn:aws:iam::${ACCOUNT}:user/db/db1`);
    });
  });
});
