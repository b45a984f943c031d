import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, allow, createManagedPolicy, createUser, expectDenied, policy, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

type ListOut = { Users: Record<string, unknown>[]; IsTruncated: boolean; Marker?: string };

describe('ListUsers', () => {
  it('lists users by name without PermissionsBoundary or Tags', async () => {
    const boundary = await createManagedPolicy(t, 'B');
    ok(await t.call('iam', 'CreateUser', { UserName: 'bob', PermissionsBoundary: boundary, ...tagParams([['Team', 'x']]) }));
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const out = ok<ListOut>(await t.call('iam', 'ListUsers', {}));
    expect(out.IsTruncated).toBe(false);
    expect(out.Users.map((u) => u.UserName)).toEqual(['alice', 'bob']);
    expect(out.Users[1]).not.toHaveProperty('Tags');
    expect(out.Users[1]).not.toHaveProperty('PermissionsBoundary');
  });

  it('filters by path prefix and pages with Marker/MaxItems', async () => {
    for (const n of ['u1', 'u2', 'u3']) ok(await t.call('iam', 'CreateUser', { UserName: n, Path: '/team/' }));
    ok(await t.call('iam', 'CreateUser', { UserName: 'other' }));
    const first = ok<ListOut>(await t.call('iam', 'ListUsers', { PathPrefix: '/team/', MaxItems: '2' }));
    expect(first.Users.map((u) => u.UserName)).toEqual(['u1', 'u2']);
    expect(first.IsTruncated).toBe(true);
    const second = ok<ListOut>(await t.call('iam', 'ListUsers', { PathPrefix: '/team/', MaxItems: '2', Marker: first.Marker! }));
    expect(second.Users.map((u) => u.UserName)).toEqual(['u3']);
    expect(second.IsTruncated).toBe(false);
    expect(second).not.toHaveProperty('Marker');
  });

  it('refuses a Marker it did not hand out', async () => {
    expect(failure(await t.call('iam', 'ListUsers', { Marker: 'bm90LWEtbWFya2Vy' })).code).toBe('InvalidInput');
  });

  describe('authorization', () => {
    it('denies a user without iam:ListUsers on the user path, as AWS names it (user/)', async () => {
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetUser')) });
      expectDenied(await t.call('iam', 'ListUsers', {}, { credentials: dev }), dev.arn, 'iam:ListUsers', `arn:aws:iam::${ACCOUNT}:user/`);
    });

    it('lets a path-scoped policy list its path only', async () => {
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:ListUsers', `arn:aws:iam::${ACCOUNT}:user/team/*`)) });
      ok(await t.call('iam', 'ListUsers', { PathPrefix: '/team/' }, { credentials: dev }));
      expectDenied(await t.call('iam', 'ListUsers', {}, { credentials: dev }), dev.arn, 'iam:ListUsers', `arn:aws:iam::${ACCOUNT}:user/`);
    });
  });
});
