import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createRole, createUser, expectDenied, policy, roleArnOf } from '../../../../test/support/iam-callers.js';
import { policySize } from '../../../policy/index.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

const MOCK_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::example_bucket' } });

/** An identity policy of about `size` characters (whitespace not counted). */
function bigPolicy(size: number): string {
  const resources: string[] = [];
  let doc = '';
  for (let i = 0; ; i++) {
    resources.push(`arn:aws:s3:::bucket-${String(i).padStart(6, '0')}/*`);
    doc = policy(allow('s3:GetObject', resources));
    if (policySize(doc) >= size) return doc;
  }
}

describe('PutRolePolicy', () => {
  it('adds an inline policy and replaces it under the same name', async () => {
    await createRole(t, 'R');
    expect(ok(await t.call('iam', 'PutRolePolicy', { RoleName: 'R', PolicyName: 'p', PolicyDocument: MOCK_POLICY }))).toEqual({});
    const replaced = policy(allow('ec2:DescribeInstances'));
    ok(await t.call('iam', 'PutRolePolicy', { RoleName: 'R', PolicyName: 'p', PolicyDocument: replaced }));
    expect(await t.store.roles.getInlinePolicy('R', 'p')).toEqual({ policyName: 'p', policyDocument: replaced });
  });

  it.each([
    [JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:ListBucket' } }), 'Policy statement must contain resources.'],
    [JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Resource: '*' } }), 'Policy statement must contain actions.'],
    [
      JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: '*' } }),
      'Policy document should not specify a principal.',
    ],
  ])('refuses %j with MalformedPolicyDocument in AWS words', async (doc, message) => {
    await createRole(t, 'R');
    expect(failure(await t.call('iam', 'PutRolePolicy', { RoleName: 'R', PolicyName: 'p', PolicyDocument: doc }))).toEqual({
      code: 'MalformedPolicyDocument',
      message,
      httpStatus: 400,
    });
    expect((await t.store.roles.listInlinePolicyNames('R')).items).toEqual([]);
  });

  it('refuses inline policies that together exceed 10,240 characters', async () => {
    await createRole(t, 'big-role');
    const six = bigPolicy(6000);
    ok(await t.call('iam', 'PutRolePolicy', { RoleName: 'big-role', PolicyName: 'one', PolicyDocument: six }));
    // Replacing `one` with a document of the same size does not count it twice.
    ok(await t.call('iam', 'PutRolePolicy', { RoleName: 'big-role', PolicyName: 'one', PolicyDocument: six }));
    expect(failure(await t.call('iam', 'PutRolePolicy', { RoleName: 'big-role', PolicyName: 'two', PolicyDocument: six }))).toEqual({
      code: 'LimitExceeded',
      message: 'Maximum policy size of 10240 bytes exceeded for role big-role',
      httpStatus: 409,
    });
    expect((await t.store.roles.listInlinePolicyNames('big-role')).items).toEqual(['one']);
  });

  it('does not count whitespace toward the quota', async () => {
    await createRole(t, 'R');
    const spaced = JSON.stringify(JSON.parse(bigPolicy(10000)), null, 8);
    expect(spaced.length).toBeGreaterThan(10240);
    ok(await t.call('iam', 'PutRolePolicy', { RoleName: 'R', PolicyName: 'spaced', PolicyDocument: spaced }));
  });

  it('answers NoSuchEntity for a missing role', async () => {
    expect(failure(await t.call('iam', 'PutRolePolicy', { RoleName: 'nonexistent-role', PolicyName: 'p', PolicyDocument: MOCK_POLICY }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name nonexistent-role cannot be found.',
      httpStatus: 404,
    });
  });

  it('denies a user allowed only on other roles: no privilege escalation through inline policies', async () => {
    await createRole(t, 'Admin');
    await createRole(t, 'app-worker');
    const user = await createUser(t, 'dev', { p: policy(allow('iam:PutRolePolicy', 'arn:aws:iam::013823792818:role/app-*')) });
    ok(await t.call('iam', 'PutRolePolicy', { RoleName: 'app-worker', PolicyName: 'p', PolicyDocument: MOCK_POLICY }, { credentials: user }));
    expectDenied(
      await t.call('iam', 'PutRolePolicy', { RoleName: 'Admin', PolicyName: 'p', PolicyDocument: policy(allow('*')) }, { credentials: user }),
      user.arn,
      'iam:PutRolePolicy',
      roleArnOf('Admin'),
    );
    expect((await t.store.roles.listInlinePolicyNames('Admin')).items).toEqual([]);
  });

  it('accepts a policy with a templating artefact and keeps the warning for the audit log', async () => {
    await createRole(t, 'R');
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ec2:StopInstances', Resource: '*', Condition: { StringEquals: { 'ec2:ResourceTag/CostCenter': '<%= "${aws:PrincipalTag/CostCenter}" %>' } } }],
    });
    ok(await t.call('iam', 'PutRolePolicy', { RoleName: 'R', PolicyName: 'seed', PolicyDocument: doc }));
    expect(t.auditRecords.at(-1)?.tessera).toMatchObject({ policyWarnings: [expect.objectContaining({ code: 'WARN_TEMPLATE_ARTEFACT' })] });
  });
});
