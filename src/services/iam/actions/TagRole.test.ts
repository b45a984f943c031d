import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createRole, createUser, expectDenied, policy, roleArnOf, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

describe('TagRole', () => {
  it('adds tags and overwrites a key given again in another case', async () => {
    await createRole(t, 'R', tagParams([['Department', 'HR']]));
    expect(ok(await t.call('iam', 'TagRole', { RoleName: 'R', ...tagParams([['department', 'Eng'], ['CostCenter', '1']]) }))).toEqual({});
    expect((await t.store.roles.get('R'))?.tags).toEqual([
      { key: 'department', value: 'Eng' },
      { key: 'CostCenter', value: '1' },
    ]);
  });

  it('refuses tag keys that repeat within the request', async () => {
    await createRole(t, 'R');
    expect(failure(await t.call('iam', 'TagRole', { RoleName: 'R', ...tagParams([['Team', 'a'], ['TEAM', 'b']]) }))).toEqual({
      code: 'InvalidInput',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      httpStatus: 400,
    });
  });

  it('refuses more than 50 tags on the role with LimitExceeded', async () => {
    const first = Array.from({ length: 50 }, (_, i) => [`a${i}`, 'v'] as const);
    await createRole(t, 'R', tagParams(first));
    const e = failure(await t.call('iam', 'TagRole', { RoleName: 'R', ...tagParams([['one-more', 'v']]) }));
    expect(e).toEqual({ code: 'LimitExceeded', message: 'Cannot exceed quota for TagsPerRole: 50', httpStatus: 409 });
    // Replacing an existing key at the cap is fine.
    ok(await t.call('iam', 'TagRole', { RoleName: 'R', ...tagParams([['a0', 'w']]) }));
  });

  it('answers NoSuchEntity for a missing role', async () => {
    expect(failure(await t.call('iam', 'TagRole', { RoleName: 'test-nonexistent-role', ...tagParams([['k', 'v']]) }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name test-nonexistent-role cannot be found.',
      httpStatus: 404,
    });
  });

  describe('authorization', () => {
    it('denies a user without iam:TagRole in AWS words', async () => {
      await createRole(t, 'R');
      const user = await createUser(t, 'viewer', { p: policy(allow('iam:ListRoleTags')) });
      expectDenied(await t.call('iam', 'TagRole', { RoleName: 'R', ...tagParams([['k', 'v']]) }, { credentials: user }), user.arn, 'iam:TagRole', roleArnOf('R'));
    });

    it('passes the request tags: Deny iam:TagRole when aws:RequestTag/Team = x', async () => {
      await createRole(t, 'R');
      const user = await createUser(t, 'tagger', {
        p: policy(allow('iam:TagRole'), { Effect: 'Deny', Action: 'iam:TagRole', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/Team': 'x' } } }),
      });
      expectDenied(await t.call('iam', 'TagRole', { RoleName: 'R', ...tagParams([['Team', 'x']]) }, { credentials: user }), user.arn, 'iam:TagRole', roleArnOf('R'), true);
      // Condition key names are case-insensitive: the tag key `team` is still aws:RequestTag/Team.
      expectDenied(await t.call('iam', 'TagRole', { RoleName: 'R', ...tagParams([['team', 'x']]) }, { credentials: user }), user.arn, 'iam:TagRole', roleArnOf('R'), true);
      ok(await t.call('iam', 'TagRole', { RoleName: 'R', ...tagParams([['Team', 'y']]) }, { credentials: user }));
      expect((await t.store.roles.get('R'))?.tags).toEqual([{ key: 'Team', value: 'y' }]);
    });

    it('passes aws:TagKeys and the role tags', async () => {
      await createRole(t, 'Mine', tagParams([['owner', 'alice']]));
      await createRole(t, 'Theirs', tagParams([['owner', 'bob']]));
      const user = await createUser(t, 'alice', {
        p: policy({
          Effect: 'Allow',
          Action: 'iam:TagRole',
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['CostCenter'] },
          },
        }),
      });
      ok(await t.call('iam', 'TagRole', { RoleName: 'Mine', ...tagParams([['CostCenter', '1']]) }, { credentials: user }));
      expectDenied(await t.call('iam', 'TagRole', { RoleName: 'Mine', ...tagParams([['owner', 'mallory']]) }, { credentials: user }), user.arn, 'iam:TagRole', roleArnOf('Mine'));
      expectDenied(await t.call('iam', 'TagRole', { RoleName: 'Theirs', ...tagParams([['CostCenter', '1']]) }, { credentials: user }), user.arn, 'iam:TagRole', roleArnOf('Theirs'));
    });
  });
});
