// iam:PutRolePermissionsBoundary — sets or replaces the managed policy that caps a role's
// permissions. iam:PermissionsBoundary carries the NEW boundary, so a delegated admin limited to one
// boundary cannot swap in another; the policy must exist in the same transaction as the write.

import { defineAction } from '../../types.js';
import { arnNotValid, boundaryNotAttachable, fromStoreError, noSuchRole } from '../errors.js';
import { isPolicyArn, keysFor, roleArn, roleResourceContext } from '../shapes.js';
import type { PutRolePermissionsBoundaryRequest } from '../types.js';

export const PutRolePermissionsBoundary = defineAction<PutRolePermissionsBoundaryRequest, Record<string, never>>({
  name: 'PutRolePermissionsBoundary',
  async handle(input, ctx) {
    const boundary = input.PermissionsBoundary;
    if (!isPolicyArn(boundary)) throw arnNotValid(boundary, 'InvalidInput');
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:PutRolePermissionsBoundary',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:PutRolePermissionsBoundary', roleResourceContext(role), { 'iam:PermissionsBoundary': boundary }),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      await ctx.env.store.transaction(async (tx) => {
        if ((await tx.policies.get(boundary)) === undefined) throw boundaryNotAttachable(boundary);
        await tx.roles.update(role.roleName, { permissionsBoundaryArn: boundary });
      });
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
