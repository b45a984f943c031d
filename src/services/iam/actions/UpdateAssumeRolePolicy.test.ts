import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createRole, createUser, expectDenied, policy, roleArnOf, samlTrustPolicy } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

const ec2Trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
});

describe('UpdateAssumeRolePolicy', () => {
  it('replaces the trust policy', async () => {
    await createRole(t, 'R');
    expect(ok(await t.call('iam', 'UpdateAssumeRolePolicy', { RoleName: 'R', PolicyDocument: ec2Trust }))).toEqual({});
    expect((await t.store.roles.get('R'))?.assumeRolePolicyDocument).toBe(ec2Trust);
  });

  it.each([
    ['not valid json', 'This policy contains invalid Json'],
    [
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:InvalidAction' }] }),
      'AssumeRole policy may only specify STS AssumeRole actions.',
    ],
    [
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: 'arn:aws:s3:::example_bucket' }],
      }),
      'Has prohibited field Resource',
    ],
  ])('refuses %j with AWS words and keeps the old policy', async (doc, message) => {
    await createRole(t, 'R');
    expect(failure(await t.call('iam', 'UpdateAssumeRolePolicy', { RoleName: 'R', PolicyDocument: doc }))).toEqual({
      code: 'MalformedPolicyDocument',
      message,
      httpStatus: 400,
    });
    expect((await t.store.roles.get('R'))?.assumeRolePolicyDocument).toBe(samlTrustPolicy());
  });

  it('refuses a trust policy without a principal', async () => {
    await createRole(t, 'R');
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] });
    expect(failure(await t.call('iam', 'UpdateAssumeRolePolicy', { RoleName: 'R', PolicyDocument: doc })).code).toBe('MalformedPolicyDocument');
  });

  it('answers NoSuchEntity for a missing role', async () => {
    expect(failure(await t.call('iam', 'UpdateAssumeRolePolicy', { RoleName: 'Ghost', PolicyDocument: ec2Trust }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name Ghost cannot be found.',
      httpStatus: 404,
    });
  });

  it('denies a user allowed only on other roles, before validating the document', async () => {
    await createRole(t, 'Admin');
    await createRole(t, 'app-web');
    const user = await createUser(t, 'ci', { p: policy(allow('iam:UpdateAssumeRolePolicy', 'arn:aws:iam::013823792818:role/app-*')) });
    ok(await t.call('iam', 'UpdateAssumeRolePolicy', { RoleName: 'app-web', PolicyDocument: ec2Trust }, { credentials: user }));
    expectDenied(
      await t.call('iam', 'UpdateAssumeRolePolicy', { RoleName: 'Admin', PolicyDocument: 'not json' }, { credentials: user }),
      user.arn,
      'iam:UpdateAssumeRolePolicy',
      roleArnOf('Admin'),
    );
    expect((await t.store.roles.get('Admin'))?.assumeRolePolicyDocument).toBe(samlTrustPolicy());
  });
});
