import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, allow, createManagedPolicy, createUser, expectDenied, policy, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2026-03-01T10:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

type UserOut = { User: Record<string, unknown> };

describe('CreateUser', () => {
  it('creates a user with an AIDA id, the path in its ARN, and no Tags member when none are given', async () => {
    const out = ok<UserOut>(await t.call('iam', 'CreateUser', { UserName: 'alice', Path: '/eng/' }));
    expect(out.User).toEqual({
      Path: '/eng/',
      UserName: 'alice',
      UserId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::${ACCOUNT}:user/eng/alice`,
      CreateDate: new Date('2026-03-01T10:00:00Z'),
    });
    expect((await t.store.users.get('alice'))?.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/eng/alice`);
  });

  it('keeps tags and a permissions boundary and shows them', async () => {
    const boundary = await createManagedPolicy(t, 'Boundary');
    const out = ok<UserOut>(
      await t.call('iam', 'CreateUser', { UserName: 'bob', PermissionsBoundary: boundary, ...tagParams([['CostCenter', 'marketing']]) }),
    );
    expect(out.User.Tags).toEqual([{ Key: 'CostCenter', Value: 'marketing' }]);
    expect(out.User.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: boundary });
    expect((await t.store.policies.get(boundary))?.permissionsBoundaryUsageCount).toBe(1);
  });

  it('renders the AWS XML', async () => {
    const h = await t.http('iam', 'CreateUser', { UserName: 'carol' });
    expect(h.status).toBe(200);
    expect(h.body).toContain('<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User><Path>/</Path><UserName>carol</UserName>');
    expect(h.body).toContain('<CreateDate>2026-03-01T10:00:00Z</CreateDate>');
  });

  it('refuses a name taken in any case with EntityAlreadyExists', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    expect(failure(await t.call('iam', 'CreateUser', { UserName: 'ALICE' }))).toEqual({
      code: 'EntityAlreadyExists',
      message: 'User with name ALICE already exists.',
      httpStatus: 409,
    });
  });

  it('refuses tag keys repeated in another case (user tag keys are case-insensitive)', async () => {
    expect(failure(await t.call('iam', 'CreateUser', { UserName: 'x', ...tagParams([['Team', 'a'], ['team', 'b']]) }))).toEqual({
      code: 'InvalidInput',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      httpStatus: 400,
    });
  });

  it('refuses a boundary that names no managed policy, and a boundary that is not a policy ARN', async () => {
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/Ghost`;
    expect(failure(await t.call('iam', 'CreateUser', { UserName: 'x', PermissionsBoundary: ghost }))).toEqual({
      code: 'NoSuchEntity',
      message: `Scope ARN: ${ghost} does not exist or is not attachable.`,
      httpStatus: 404,
    });
    expect(failure(await t.call('iam', 'CreateUser', { UserName: 'x', PermissionsBoundary: 'arn:aws:s3:::bucket-name-x' })).code).toBe('InvalidInput');
    expect(await t.store.users.get('x')).toBeUndefined();
  });

  it('validates the name with the model (ValidationError)', async () => {
    expect(failure(await t.call('iam', 'CreateUser', { UserName: 'no spaces' })).code).toBe('ValidationError');
  });

  describe('authorization', () => {
    it('denies a user without iam:CreateUser, creating nothing', async () => {
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetUser')) });
      expectDenied(await t.call('iam', 'CreateUser', { UserName: 'eve' }, { credentials: dev }), dev.arn, 'iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/eve`);
      expect(await t.store.users.get('eve')).toBeUndefined();
    });

    it('reads aws:RequestTag/*, aws:TagKeys and also needs iam:TagUser when tags are given', async () => {
      const creator = await createUser(t, 'creator', {
        p: policy({
          Effect: 'Allow',
          Action: 'iam:CreateUser',
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestTag/CostCenter': 'marketing' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['CostCenter'] } },
        }),
      });
      const asCreator = { credentials: creator };
      // No TagUser permission: tag-on-create is refused.
      expectDenied(
        await t.call('iam', 'CreateUser', { UserName: 'm1', ...tagParams([['CostCenter', 'marketing']]) }, asCreator),
        creator.arn,
        'iam:TagUser',
        `arn:aws:iam::${ACCOUNT}:user/m1`,
      );
      await t.store.users.putInlinePolicy('creator', { policyName: 'tag', policyDocument: policy(allow('iam:TagUser')) });
      ok(await t.call('iam', 'CreateUser', { UserName: 'm1', ...tagParams([['CostCenter', 'marketing']]) }, asCreator));
      expectDenied(
        await t.call('iam', 'CreateUser', { UserName: 'm2', ...tagParams([['CostCenter', 'engineering']]) }, asCreator),
        creator.arn,
        'iam:CreateUser',
        `arn:aws:iam::${ACCOUNT}:user/m2`,
      );
      expectDenied(
        await t.call('iam', 'CreateUser', { UserName: 'm3', ...tagParams([['CostCenter', 'marketing'], ['Owner', 'x']]) }, asCreator),
        creator.arn,
        'iam:CreateUser',
        `arn:aws:iam::${ACCOUNT}:user/m3`,
      );
    });

    it('reads iam:PermissionsBoundary: a delegated admin may only create users under the boundary', async () => {
      const boundary = await createManagedPolicy(t, 'Boundary');
      const other = await createManagedPolicy(t, 'Other');
      const admin = await createUser(t, 'delegate', {
        p: policy({ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } } }),
      });
      ok(await t.call('iam', 'CreateUser', { UserName: 'bounded', PermissionsBoundary: boundary }, { credentials: admin }));
      expectDenied(await t.call('iam', 'CreateUser', { UserName: 'free' }, { credentials: admin }), admin.arn, 'iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/free`);
      expectDenied(
        await t.call('iam', 'CreateUser', { UserName: 'other', PermissionsBoundary: other }, { credentials: admin }),
        admin.arn,
        'iam:CreateUser',
        `arn:aws:iam::${ACCOUNT}:user/other`,
      );
    });
  });
});
