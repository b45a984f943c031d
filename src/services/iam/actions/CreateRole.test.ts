import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allow,
  createManagedPolicy,
  createUser,
  expectDenied,
  policy,
  roleArnOf,
  samlTrustPolicy,
  tagParams,
} from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2026-03-01T10:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

const create = (params: Record<string, string>, credentials?: Parameters<TestServices['call']>[3]) =>
  t.call('iam', 'CreateRole', { AssumeRolePolicyDocument: samlTrustPolicy(), ...params }, credentials);

describe('CreateRole', () => {
  it('creates a role and answers the members AWS answers on create', async () => {
    const out = ok<{ Role: Record<string, unknown> }>(await create({ RoleName: 'access-session-tags', Description: 'ABAC role' }));
    const role = out.Role;
    expect(role.RoleName).toBe('access-session-tags');
    expect(role.Path).toBe('/');
    expect(role.Arn).toBe(roleArnOf('access-session-tags'));
    expect(role.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(role.CreateDate).toEqual(new Date('2026-03-01T10:00:00Z'));
    expect(role.AssumeRolePolicyDocument).toBe(samlTrustPolicy());
    // AWS's CreateRole answer carries no Description, MaxSessionDuration or RoleLastUsed (AWS-validated snapshot).
    expect(role).not.toHaveProperty('Description');
    expect(role).not.toHaveProperty('MaxSessionDuration');
    expect(role).not.toHaveProperty('RoleLastUsed');
    expect(role).not.toHaveProperty('Tags');
    const stored = await t.store.roles.get('access-session-tags');
    expect(stored?.maxSessionDuration).toBe(3600);
    expect(stored?.description).toBe('ABAC role');
  });

  it('puts the path into the ARN and keeps MaxSessionDuration', async () => {
    const out = ok<{ Role: Record<string, unknown> }>(await create({ RoleName: 'Deployer', Path: '/team/ci/', MaxSessionDuration: '43200' }));
    expect(out.Role.Arn).toBe(roleArnOf('Deployer', '/team/ci/'));
    expect(out.Role.Path).toBe('/team/ci/');
    expect((await t.store.roles.get('Deployer'))?.maxSessionDuration).toBe(43200);
  });

  it('returns the tags given on create', async () => {
    const out = ok<{ Role: Record<string, unknown> }>(await create({ RoleName: 'Tagged', ...tagParams([['CostCenter', '1234'], ['empty', '']]) }));
    expect(out.Role.Tags).toEqual([
      { Key: 'CostCenter', Value: '1234' },
      { Key: 'empty', Value: '' },
    ]);
  });

  it('refuses a name taken in any case with EntityAlreadyExists', async () => {
    ok(await create({ RoleName: 'Reader' }));
    expect(failure(await create({ RoleName: 'reader' }))).toEqual({
      code: 'EntityAlreadyExists',
      message: 'Role with name reader already exists.',
      httpStatus: 409,
    });
  });

  it('refuses a trust policy with a Resource element', async () => {
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: 'arn:aws:s3:::example_bucket' }],
    });
    expect(failure(await create({ RoleName: 'Bad', AssumeRolePolicyDocument: doc }))).toEqual({
      code: 'MalformedPolicyDocument',
      message: 'Has prohibited field Resource',
      httpStatus: 400,
    });
    expect(await t.store.roles.get('Bad')).toBeUndefined();
  });

  it('refuses a trust policy that is not JSON', async () => {
    expect(failure(await create({ RoleName: 'Bad', AssumeRolePolicyDocument: 'not valid json' }))).toEqual({
      code: 'MalformedPolicyDocument',
      message: 'This policy contains invalid Json',
      httpStatus: 400,
    });
  });

  it('refuses a trust policy naming a non-STS action', async () => {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 's3:GetObject' }] });
    expect(failure(await create({ RoleName: 'Bad', AssumeRolePolicyDocument: doc }))).toEqual({
      code: 'MalformedPolicyDocument',
      message: 'AssumeRole policy may only specify STS AssumeRole actions.',
      httpStatus: 400,
    });
  });

  it('refuses a trust policy over the 2,048-character quota with LimitExceeded', async () => {
    const subs = Array.from({ length: 120 }, (_, i) => `system:serviceaccount:team-${i}:default`);
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::013823792818:saml-provider/Auth0' }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:sub': subs } } }],
    });
    expect(failure(await create({ RoleName: 'Big', AssumeRolePolicyDocument: doc }))).toEqual({
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for ACLSizePerRole: 2048',
      httpStatus: 409,
    });
  });

  it('refuses MaxSessionDuration outside 3600..43200 through the model', async () => {
    const e = failure(await create({ RoleName: 'Short', MaxSessionDuration: '1000' }));
    expect(e.code).toBe('ValidationError');
    expect(e.message).toContain("at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600");
  });

  it('refuses tag keys that repeat in another case', async () => {
    expect(failure(await create({ RoleName: 'Dup', ...tagParams([['Team', 'a'], ['team', 'b']]) }))).toEqual({
      code: 'InvalidInput',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      httpStatus: 400,
    });
  });

  it('refuses more than 50 tags through the model', async () => {
    const tags = Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'] as const);
    const e = failure(await create({ RoleName: 'Many', ...tagParams(tags) }));
    expect(e.code).toBe('ValidationError');
    expect(e.message).toContain("at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
  });

  describe('permissions boundary', () => {
    it('sets an existing managed policy as boundary and counts its use', async () => {
      const arn = await createManagedPolicy(t, 'Boundary');
      const out = ok<{ Role: Record<string, unknown> }>(await create({ RoleName: 'Bounded', PermissionsBoundary: arn }));
      expect(out.Role.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn });
      expect((await t.store.policies.get(arn))?.permissionsBoundaryUsageCount).toBe(1);
    });

    it('refuses a boundary policy that does not exist', async () => {
      const arn = 'arn:aws:iam::013823792818:policy/nonexistent-policy';
      expect(failure(await create({ RoleName: 'Bounded', PermissionsBoundary: arn }))).toEqual({
        code: 'NoSuchEntity',
        message: `Scope ARN: ${arn} does not exist or is not attachable.`,
        httpStatus: 404,
      });
      expect(await t.store.roles.get('Bounded')).toBeUndefined();
    });

    it('refuses a boundary that is not a policy ARN', async () => {
      const arn = 'arn:aws:iam::013823792818:not_a_policy/invalid';
      expect(failure(await create({ RoleName: 'Bounded', PermissionsBoundary: arn }))).toEqual({
        code: 'InvalidInput',
        message: `ARN ${arn} is not valid.`,
        httpStatus: 400,
      });
    });
  });

  describe('authorization', () => {
    it('denies a user whose policy allows CreateRole only on other role ARNs, in AWS words', async () => {
      const user = await createUser(t, 'ci', { roles: policy(allow('iam:CreateRole', 'arn:aws:iam::013823792818:role/app-*')) });
      ok(await create({ RoleName: 'app-web' }, { credentials: user }));
      expectDenied(await create({ RoleName: 'admin' }, { credentials: user }), user.arn, 'iam:CreateRole', roleArnOf('admin'));
      expect(await t.store.roles.get('admin')).toBeUndefined();
    });

    it('authorizes the ARN with the path', async () => {
      const user = await createUser(t, 'ci', { roles: policy(allow('iam:CreateRole', 'arn:aws:iam::013823792818:role/apps/*')) });
      ok(await create({ RoleName: 'web', Path: '/apps/' }, { credentials: user }));
      expectDenied(await create({ RoleName: 'web2' }, { credentials: user }), user.arn, 'iam:CreateRole', roleArnOf('web2'));
    });

    it('denies before saying a role exists', async () => {
      ok(await create({ RoleName: 'Existing' }));
      const user = await createUser(t, 'nobody', { none: policy(allow('ec2:DescribeInstances')) });
      expectDenied(await create({ RoleName: 'Existing' }, { credentials: user }), user.arn, 'iam:CreateRole', roleArnOf('Existing'));
    });

    it('passes the request tags to the engine (aws:RequestTag/*)', async () => {
      const user = await createUser(t, 'ci', {
        p: policy(allow(['iam:CreateRole', 'iam:TagRole']), {
          Effect: 'Deny',
          Action: 'iam:CreateRole',
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestTag/Team': 'x' } },
        }),
      });
      expectDenied(await create({ RoleName: 'X', ...tagParams([['Team', 'x']]) }, { credentials: user }), user.arn, 'iam:CreateRole', roleArnOf('X'), true);
      ok(await create({ RoleName: 'Y', ...tagParams([['Team', 'y']]) }, { credentials: user }));
    });

    it('passes the tag keys to the engine (aws:TagKeys)', async () => {
      const user = await createUser(t, 'ci', {
        p: policy({
          Effect: 'Allow',
          Action: ['iam:CreateRole', 'iam:TagRole'],
          Resource: '*',
          Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['CostCenter'] } },
        }),
      });
      ok(await create({ RoleName: 'A', ...tagParams([['CostCenter', '1']]) }, { credentials: user }));
      expectDenied(await create({ RoleName: 'B', ...tagParams([['Owner', 'me']]) }, { credentials: user }), user.arn, 'iam:CreateRole', roleArnOf('B'));
    });

    it('needs iam:TagRole to create a role with tags', async () => {
      const user = await createUser(t, 'ci', { p: policy(allow('iam:CreateRole')) });
      ok(await create({ RoleName: 'Plain' }, { credentials: user }));
      expectDenied(await create({ RoleName: 'Tagged', ...tagParams([['Team', 'a']]) }, { credentials: user }), user.arn, 'iam:TagRole', roleArnOf('Tagged'));
      expect(await t.store.roles.get('Tagged')).toBeUndefined();
    });

    it('passes the requested boundary to the engine (iam:PermissionsBoundary)', async () => {
      const boundary = await createManagedPolicy(t, 'Boundary');
      const user = await createUser(t, 'delegated-admin', {
        p: policy({ Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } } }),
      });
      ok(await create({ RoleName: 'Bounded', PermissionsBoundary: boundary }, { credentials: user }));
      expectDenied(await create({ RoleName: 'Unbounded' }, { credentials: user }), user.arn, 'iam:CreateRole', roleArnOf('Unbounded'));
    });
  });
});
