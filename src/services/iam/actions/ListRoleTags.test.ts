import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createManagedPolicy, createRole, createUser, expectDenied, policy, roleArnOf, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

interface TagsOut {
  Tags: { Key: string; Value: string }[];
  IsTruncated: boolean;
  Marker?: string;
}

describe('ListRoleTags', () => {
  it('lists the tags, empty values included', async () => {
    await createRole(t, 'R', tagParams([['somekey', 'somevalue'], ['emptykey', '']]));
    expect(ok<TagsOut>(await t.call('iam', 'ListRoleTags', { RoleName: 'R' }))).toEqual({
      Tags: [
        { Key: 'somekey', Value: 'somevalue' },
        { Key: 'emptykey', Value: '' },
      ],
      IsTruncated: false,
    });
  });

  it('answers an empty list for a role without tags', async () => {
    await createRole(t, 'R');
    expect(ok<TagsOut>(await t.call('iam', 'ListRoleTags', { RoleName: 'R' }))).toEqual({ Tags: [], IsTruncated: false });
  });

  it('pages with MaxItems and Marker, and refuses another role’s marker', async () => {
    await createRole(t, 'R', tagParams([['a', '1'], ['b', '2'], ['c', '3']]));
    await createRole(t, 'S', tagParams([['x', '1'], ['y', '2'], ['z', '3']]));
    const first = ok<TagsOut>(await t.call('iam', 'ListRoleTags', { RoleName: 'R', MaxItems: '2' }));
    expect(first.Tags.map((x) => x.Key)).toEqual(['a', 'b']);
    expect(first.IsTruncated).toBe(true);
    const rest = ok<TagsOut>(await t.call('iam', 'ListRoleTags', { RoleName: 'R', Marker: first.Marker! }));
    expect(rest).toEqual({ Tags: [{ Key: 'c', Value: '3' }], IsTruncated: false });
    expect(failure(await t.call('iam', 'ListRoleTags', { RoleName: 'S', Marker: first.Marker! })).code).toBe('InvalidInput');
    expect(failure(await t.call('iam', 'ListRoleTags', { RoleName: 'R', Marker: 'garbage' })).code).toBe('InvalidInput');
  });

  it('answers NoSuchEntity for a missing role', async () => {
    expect(failure(await t.call('iam', 'ListRoleTags', { RoleName: 'test-nonexistent-role' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name test-nonexistent-role cannot be found.',
      httpStatus: 404,
    });
  });

  it('denies a user allowed on another role only', async () => {
    await createRole(t, 'Mine');
    await createRole(t, 'Other');
    const user = await createUser(t, 'viewer', { p: policy(allow('iam:ListRoleTags', roleArnOf('Mine'))) });
    ok(await t.call('iam', 'ListRoleTags', { RoleName: 'Mine' }, { credentials: user }));
    expectDenied(await t.call('iam', 'ListRoleTags', { RoleName: 'Other' }, { credentials: user }), user.arn, 'iam:ListRoleTags', roleArnOf('Other'));
  });

  it('does not offer iam:PermissionsBoundary, which the SAR does not list for ListRoleTags', async () => {
    const boundary = await createManagedPolicy(t, 'B');
    await createRole(t, 'R', { PermissionsBoundary: boundary });
    const user = await createUser(t, 'viewer', {
      p: policy({ Effect: 'Allow', Action: ['iam:ListRoleTags', 'iam:GetRole'], Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } } }),
    });
    // GetRole lists the key, ListRoleTags does not: AWS would deny the latter, and so must we.
    ok(await t.call('iam', 'GetRole', { RoleName: 'R' }, { credentials: user }));
    expectDenied(await t.call('iam', 'ListRoleTags', { RoleName: 'R' }, { credentials: user }), user.arn, 'iam:ListRoleTags', roleArnOf('R'));
  });
});
