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

const DOC = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]\n}';

describe('GetUserPolicy', () => {
  it('answers the document as stored; the wire carries it URL-encoded', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    ok(await t.call('iam', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'p', PolicyDocument: DOC }));
    expect(ok(await t.call('iam', 'GetUserPolicy', { UserName: 'alice', PolicyName: 'p' }))).toEqual({ UserName: 'alice', PolicyName: 'p', PolicyDocument: DOC });
    const h = await t.http('iam', 'GetUserPolicy', { UserName: 'alice', PolicyName: 'p' });
    // RFC 3986: `*` too is percent-encoded (the model's PolicyVersion.Document documentation).
    const rfc3986 = encodeURIComponent(DOC).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    expect(h.body).toContain(`<PolicyDocument>${rfc3986}</PolicyDocument>`);
  });

  it('answers NoSuchEntity for a missing policy or user', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    expect(failure(await t.call('iam', 'GetUserPolicy', { UserName: 'alice', PolicyName: 'nope' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The user policy with name nope cannot be found.',
      httpStatus: 404,
    });
    expect(failure(await t.call('iam', 'GetUserPolicy', { UserName: 'ghost', PolicyName: 'p' })).message).toBe('The user with name ghost cannot be found.');
  });

  it('denies a user without iam:GetUserPolicy', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:ListUserPolicies')) });
    expectDenied(await t.call('iam', 'GetUserPolicy', { UserName: 'alice', PolicyName: 'p' }, { credentials: dev }), dev.arn, 'iam:GetUserPolicy', `arn:aws:iam::${ACCOUNT}:user/alice`);
  });
});
