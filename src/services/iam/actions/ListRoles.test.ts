import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createManagedPolicy, createRole, createUser, expectDenied, policy } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

interface ListOut {
  Roles: Record<string, unknown>[];
  IsTruncated: boolean;
  Marker?: string;
}

describe('ListRoles', () => {
  it('lists roles by name without PermissionsBoundary, Tags or RoleLastUsed', async () => {
    const boundary = await createManagedPolicy(t, 'Boundary');
    await createRole(t, 'b-role', { Description: 'second', PermissionsBoundary: boundary, 'Tags.member.1.Key': 'Team', 'Tags.member.1.Value': 'x' });
    await createRole(t, 'a-role');
    const out = ok<ListOut>(await t.call('iam', 'ListRoles'));
    expect(out.IsTruncated).toBe(false);
    expect(out).not.toHaveProperty('Marker');
    expect(out.Roles.map((r) => r.RoleName)).toEqual(['a-role', 'b-role']);
    const b = out.Roles[1]!;
    expect(b.Description).toBe('second');
    expect(b.MaxSessionDuration).toBe(3600);
    expect(b).not.toHaveProperty('PermissionsBoundary');
    expect(b).not.toHaveProperty('Tags');
    expect(b).not.toHaveProperty('RoleLastUsed');
  });

  it('filters by path prefix', async () => {
    await createRole(t, 'root-role');
    await createRole(t, 'team-role', { Path: '/team/' });
    const out = ok<ListOut>(await t.call('iam', 'ListRoles', { PathPrefix: '/team/' }));
    expect(out.Roles.map((r) => r.RoleName)).toEqual(['team-role']);
    expect(ok<ListOut>(await t.call('iam', 'ListRoles', { PathPrefix: '/nonexistent-path/' })).Roles).toEqual([]);
  });

  it('pages with MaxItems and Marker', async () => {
    for (const n of ['r1', 'r2', 'r3', 'r4', 'r5']) await createRole(t, n);
    const first = ok<ListOut>(await t.call('iam', 'ListRoles', { MaxItems: '2' }));
    expect(first.Roles.map((r) => r.RoleName)).toEqual(['r1', 'r2']);
    expect(first.IsTruncated).toBe(true);
    expect(typeof first.Marker).toBe('string');
    const rest = ok<ListOut>(await t.call('iam', 'ListRoles', { Marker: first.Marker! }));
    expect(rest.Roles.map((r) => r.RoleName)).toEqual(['r3', 'r4', 'r5']);
    expect(rest.IsTruncated).toBe(false);
  });

  it('pages 100 roles at a time by default', async () => {
    for (let i = 0; i < 101; i++) {
      await t.store.roles.create({
        roleId: `AROA${String(i).padStart(17, '0')}`,
        roleName: `role-${String(i).padStart(3, '0')}`,
        path: '/',
        arn: `arn:aws:iam::013823792818:role/role-${String(i).padStart(3, '0')}`,
        assumeRolePolicyDocument: '{}',
        maxSessionDuration: 3600,
        createDate: new Date(),
        tags: [],
      });
    }
    const out = ok<ListOut>(await t.call('iam', 'ListRoles'));
    expect(out.Roles).toHaveLength(100);
    expect(out.IsTruncated).toBe(true);
  });

  it('refuses a Marker it did not hand out', async () => {
    expect(failure(await t.call('iam', 'ListRoles', { Marker: 'bm90LWEtbWFya2Vy' })).code).toBe('InvalidInput');
  });

  it('denies a user without iam:ListRoles, on resource *', async () => {
    const user = await createUser(t, 'viewer', { p: policy(allow('iam:GetRole')) });
    expectDenied(await t.call('iam', 'ListRoles', {}, { credentials: user }), user.arn, 'iam:ListRoles', '*');
    const lister = await createUser(t, 'lister', { p: policy(allow('iam:ListRoles')) });
    ok(await t.call('iam', 'ListRoles', {}, { credentials: lister }));
  });
});
