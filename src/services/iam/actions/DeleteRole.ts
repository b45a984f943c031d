// iam:DeleteRole — removes a role that has no managed and no inline policies left (IAM's
// DeleteConflict otherwise). Sessions of the role stop granting anything: they are bound to its id.

import { defineAction } from '../../types.js';
import { deleteConflict, fromStoreError, MUST_DETACH_POLICIES, noSuchRole } from '../errors.js';
import { keysFor, roleArn, roleResourceContext } from '../shapes.js';
import type { DeleteRoleRequest } from '../types.js';

export const DeleteRole = defineAction<DeleteRoleRequest, Record<string, never>>({
  name: 'DeleteRole',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:DeleteRole',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:DeleteRole', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      await ctx.env.store.transaction(async (tx) => {
        // Managed policies are reported before inline ones, as IAM does (moto iam/models.py delete_role).
        const attached = await tx.roles.listAttachedPolicies(role.roleName, { maxItems: 1 });
        if (attached.items.length > 0) throw deleteConflict(MUST_DETACH_POLICIES);
        await tx.roles.delete(role.roleName);
      });
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
