// iam:UntagRole — removes tags from a role by key (case-insensitively; absent keys are ignored).
// The keys reach the policy engine as aws:TagKeys.

import { defineAction } from '../../types.js';
import { fromStoreError, noSuchRole } from '../errors.js';
import { keysFor, roleArn, roleResourceContext, tagKeysContext } from '../shapes.js';
import type { UntagRoleRequest } from '../types.js';

export const UntagRole = defineAction<UntagRoleRequest, Record<string, never>>({
  name: 'UntagRole',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:UntagRole',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:UntagRole', roleResourceContext(role), tagKeysContext(input.TagKeys)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      await ctx.env.store.roles.untag(role.roleName, input.TagKeys);
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
