import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRole, createUser, expectDenied, policy, roleArnOf, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

describe('UpdateRole', () => {
  it('changes Description and MaxSessionDuration', async () => {
    await createRole(t, 'R', { Description: 'initial description' });
    expect(ok(await t.call('iam', 'UpdateRole', { RoleName: 'R', Description: 'updated description', MaxSessionDuration: '7200' }))).toEqual({});
    const role = await t.store.roles.get('R');
    expect(role?.description).toBe('updated description');
    expect(role?.maxSessionDuration).toBe(7200);
  });

  it('keeps the values a request leaves out (AWS-validated)', async () => {
    await createRole(t, 'R', { Description: 'kept', MaxSessionDuration: '7200' });
    ok(await t.call('iam', 'UpdateRole', { RoleName: 'R' }));
    const role = await t.store.roles.get('R');
    expect(role?.description).toBe('kept');
    expect(role?.maxSessionDuration).toBe(7200);
  });

  it('refuses MaxSessionDuration above 43200 through the model', async () => {
    await createRole(t, 'R');
    expect(failure(await t.call('iam', 'UpdateRole', { RoleName: 'R', MaxSessionDuration: '43201' })).code).toBe('ValidationError');
  });

  it('answers NoSuchEntity for a missing role', async () => {
    expect(failure(await t.call('iam', 'UpdateRole', { RoleName: 'test-nonexistent-role', Description: 'test' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name test-nonexistent-role cannot be found.',
      httpStatus: 404,
    });
  });

  it('denies by resource tag in AWS words and leaves the role unchanged', async () => {
    await createRole(t, 'Prod', { Description: 'prod', ...tagParams([['env', 'prod']]) });
    await createRole(t, 'Dev', tagParams([['env', 'dev']]));
    const user = await createUser(t, 'dev-admin', {
      p: policy({ Effect: 'Allow', Action: 'iam:UpdateRole', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/env': 'dev' } } }),
    });
    ok(await t.call('iam', 'UpdateRole', { RoleName: 'Dev', Description: 'mine' }, { credentials: user }));
    expectDenied(await t.call('iam', 'UpdateRole', { RoleName: 'Prod', Description: 'pwned' }, { credentials: user }), user.arn, 'iam:UpdateRole', roleArnOf('Prod'));
    expect((await t.store.roles.get('Prod'))?.description).toBe('prod');
  });
});
