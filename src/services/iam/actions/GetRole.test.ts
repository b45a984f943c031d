import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManagedPolicy, createRole, createUser, expectDenied, policy, roleArnOf, samlTrustPolicy, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2026-03-01T10:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

describe('GetRole', () => {
  it('answers every member of the role, RoleLastUsed empty', async () => {
    const boundary = await createManagedPolicy(t, 'Boundary');
    const created = await createRole(t, 'Reader', {
      Path: '/team/',
      Description: 'reads',
      MaxSessionDuration: '7200',
      PermissionsBoundary: boundary,
      ...tagParams([['Team', 'blue']]),
    });
    const out = ok<{ Role: Record<string, unknown> }>(await t.call('iam', 'GetRole', { RoleName: 'Reader' }));
    expect(out.Role).toEqual({
      Path: '/team/',
      RoleName: 'Reader',
      RoleId: (created.Role as { RoleId: string }).RoleId,
      Arn: roleArnOf('Reader', '/team/'),
      CreateDate: new Date('2026-03-01T10:00:00Z'),
      AssumeRolePolicyDocument: samlTrustPolicy(),
      Description: 'reads',
      MaxSessionDuration: 7200,
      PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: boundary },
      Tags: [{ Key: 'Team', Value: 'blue' }],
      RoleLastUsed: {},
    });
  });

  it('leaves Tags, Description and PermissionsBoundary out when the role has none', async () => {
    await createRole(t, 'Plain');
    const out = ok<{ Role: Record<string, unknown> }>(await t.call('iam', 'GetRole', { RoleName: 'Plain' }));
    expect(out.Role).not.toHaveProperty('Tags');
    expect(out.Role).not.toHaveProperty('Description');
    expect(out.Role).not.toHaveProperty('PermissionsBoundary');
    expect(out.Role.MaxSessionDuration).toBe(3600);
  });

  it('finds the role whatever the case of the name', async () => {
    await createRole(t, 'Reader');
    const out = ok<{ Role: { RoleName: string } }>(await t.call('iam', 'GetRole', { RoleName: 'READER' }));
    expect(out.Role.RoleName).toBe('Reader');
  });

  it('answers NoSuchEntity for a role that does not exist', async () => {
    expect(failure(await t.call('iam', 'GetRole', { RoleName: 'test-nonexistent-role' }))).toEqual({
      code: 'NoSuchEntity',
      message: 'The role with name test-nonexistent-role cannot be found.',
      httpStatus: 404,
    });
  });

  describe('authorization', () => {
    it('allows by resource tag and denies other roles in AWS words', async () => {
      await createRole(t, 'Blue', tagParams([['Team', 'blue']]));
      await createRole(t, 'Red', tagParams([['Team', 'red']]));
      const user = await createUser(t, 'viewer', {
        p: policy({ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Team': 'blue' } } }),
      });
      ok(await t.call('iam', 'GetRole', { RoleName: 'Blue' }, { credentials: user }));
      expectDenied(await t.call('iam', 'GetRole', { RoleName: 'Red' }, { credentials: user }), user.arn, 'iam:GetRole', roleArnOf('Red'));
    });

    it('also answers iam:ResourceTag/* for roles', async () => {
      await createRole(t, 'Blue', tagParams([['Team', 'blue']]));
      const user = await createUser(t, 'viewer', {
        p: policy({ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'iam:ResourceTag/team': 'blue' } } }),
      });
      ok(await t.call('iam', 'GetRole', { RoleName: 'Blue' }, { credentials: user }));
    });

    it('denies before revealing that a role does not exist', async () => {
      const user = await createUser(t, 'viewer', { p: policy({ Effect: 'Allow', Action: 'iam:GetRole', Resource: roleArnOf('Mine') }) });
      expectDenied(await t.call('iam', 'GetRole', { RoleName: 'Ghost' }, { credentials: user }), user.arn, 'iam:GetRole', roleArnOf('Ghost'));
      expect(failure(await t.call('iam', 'GetRole', { RoleName: 'Mine' }, { credentials: user })).code).toBe('NoSuchEntity');
    });
  });
});
