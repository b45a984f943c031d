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

const keys = (...k: string[]) => Object.fromEntries(k.map((key, i) => [`TagKeys.member.${i + 1}`, key]));

describe('UntagRole', () => {
  it('removes tags by key in any case and ignores absent keys', async () => {
    await createRole(t, 'R', tagParams([['somekey', 'v'], ['someotherkey', 'w']]));
    expect(ok(await t.call('iam', 'UntagRole', { RoleName: 'R', ...keys('SOMEKEY', 'absent') }))).toEqual({});
    expect((await t.store.roles.get('R'))?.tags).toEqual([{ key: 'someotherkey', value: 'w' }]);
  });

  it('answers NoSuchEntity for a missing role', async () => {
    expect(failure(await t.call('iam', 'UntagRole', { RoleName: 'test-nonexistent-role', ...keys('k') }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name test-nonexistent-role cannot be found.',
      httpStatus: 404,
    });
  });

  it('refuses more than 50 keys through the model', async () => {
    await createRole(t, 'R');
    const e = failure(await t.call('iam', 'UntagRole', { RoleName: 'R', ...keys(...Array.from({ length: 51 }, (_, i) => `k${i}`)) }));
    expect(e.code).toBe('ValidationError');
  });

  it('denies a user without iam:UntagRole', async () => {
    await createRole(t, 'R', tagParams([['k', 'v']]));
    const user = await createUser(t, 'tagger', { p: policy(allow('iam:TagRole')) });
    expectDenied(await t.call('iam', 'UntagRole', { RoleName: 'R', ...keys('k') }, { credentials: user }), user.arn, 'iam:UntagRole', roleArnOf('R'));
    expect((await t.store.roles.get('R'))?.tags).toHaveLength(1);
  });

  it('passes the keys as aws:TagKeys (only `temporary` may be removed)', async () => {
    await createRole(t, 'R', tagParams([['temporary', '1'], ['owner', 'alice']]));
    const user = await createUser(t, 'cleaner', {
      p: policy({ Effect: 'Allow', Action: 'iam:UntagRole', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['temporary'] } } }),
    });
    expectDenied(await t.call('iam', 'UntagRole', { RoleName: 'R', ...keys('owner') }, { credentials: user }), user.arn, 'iam:UntagRole', roleArnOf('R'));
    ok(await t.call('iam', 'UntagRole', { RoleName: 'R', ...keys('temporary') }, { credentials: user }));
    expect((await t.store.roles.get('R'))?.tags).toEqual([{ key: 'owner', value: 'alice' }]);
  });
});
