// iam:DeleteRolePermissionsBoundary — removes a role's permissions boundary (the role's identity
// policies then apply uncapped). iam:PermissionsBoundary carries the boundary being removed.

import { defineAction } from '../../types.js';
import { fromStoreError, noSuchRole } from '../errors.js';
import { keysFor, roleArn, roleResourceContext } from '../shapes.js';
import type { DeleteRolePermissionsBoundaryRequest } from '../types.js';

export const DeleteRolePermissionsBoundary = defineAction<DeleteRolePermissionsBoundaryRequest, Record<string, never>>({
  name: 'DeleteRolePermissionsBoundary',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:DeleteRolePermissionsBoundary',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:DeleteRolePermissionsBoundary', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      await ctx.env.store.roles.update(role.roleName, { permissionsBoundaryArn: null });
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
