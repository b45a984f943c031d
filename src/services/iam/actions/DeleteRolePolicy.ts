// iam:DeleteRolePolicy — removes one inline policy from a role; its grants end with the next request.

import { defineAction } from '../../types.js';
import { fromStoreError, noSuchRole } from '../errors.js';
import { keysFor, roleArn, roleResourceContext } from '../shapes.js';
import type { DeleteRolePolicyRequest } from '../types.js';

export const DeleteRolePolicy = defineAction<DeleteRolePolicyRequest, Record<string, never>>({
  name: 'DeleteRolePolicy',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:DeleteRolePolicy',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:DeleteRolePolicy', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      await ctx.env.store.roles.deleteInlinePolicy(role.roleName, input.PolicyName);
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
