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

type ListOut = { AccessKeyMetadata: Record<string, unknown>[]; IsTruncated: boolean; Marker?: string };

describe('ListAccessKeys', () => {
  it('lists a user’s keys, oldest first, without secrets', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const a = ok<{ AccessKey: { AccessKeyId: string } }>(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' }));
    t.clock.advance(1000);
    const b = ok<{ AccessKey: { AccessKeyId: string } }>(await t.call('iam', 'CreateAccessKey', { UserName: 'alice' }));
    const out = ok<ListOut>(await t.call('iam', 'ListAccessKeys', { UserName: 'alice' }));
    expect(out.IsTruncated).toBe(false);
    expect(out.AccessKeyMetadata.map((k) => k.AccessKeyId)).toEqual([a.AccessKey.AccessKeyId, b.AccessKey.AccessKeyId]);
    expect(Object.keys(out.AccessKeyMetadata[0]!).sort()).toEqual(['AccessKeyId', 'CreateDate', 'Status', 'UserName']);
    const page = ok<ListOut>(await t.call('iam', 'ListAccessKeys', { UserName: 'alice', MaxItems: '1' }));
    expect(page.IsTruncated).toBe(true);
    const rest = ok<ListOut>(await t.call('iam', 'ListAccessKeys', { UserName: 'alice', MaxItems: '1', Marker: page.Marker! }));
    expect(rest.AccessKeyMetadata.map((k) => k.AccessKeyId)).toEqual([b.AccessKey.AccessKeyId]);
  });

  it('lists the caller’s own keys when UserName is omitted', async () => {
    const me = await createUser(t, 'me', { p: policy(allow('iam:ListAccessKeys', `arn:aws:iam::${ACCOUNT}:user/me`)) });
    const out = ok<ListOut>(await t.call('iam', 'ListAccessKeys', {}, { credentials: me }));
    expect(out.AccessKeyMetadata).toEqual([{ UserName: 'me', AccessKeyId: me.accessKeyId, Status: 'Active', CreateDate: expect.any(Date) }]);
  });

  it('answers NoSuchEntity for a missing user', async () => {
    expect(failure(await t.call('iam', 'ListAccessKeys', { UserName: 'ghost' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The user with name ghost cannot be found.',
      httpStatus: 404,
    });
  });

  it('denies a user without iam:ListAccessKeys on another user', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'bob' }));
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:ListAccessKeys', `arn:aws:iam::${ACCOUNT}:user/dev`)) });
    expectDenied(await t.call('iam', 'ListAccessKeys', { UserName: 'bob' }, { credentials: dev }), dev.arn, 'iam:ListAccessKeys', `arn:aws:iam::${ACCOUNT}:user/bob`);
  });
});
