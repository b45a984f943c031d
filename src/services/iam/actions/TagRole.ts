// iam:TagRole — adds or overwrites tags on a role (keys compared case-insensitively, the new
// spelling kept). The request tags reach the policy engine as aws:RequestTag/* and aws:TagKeys.

import { defineAction } from '../../types.js';
import { fromStoreError, noSuchRole } from '../errors.js';
import { keysFor, requestTagContext, roleArn, roleResourceContext, tagsIn } from '../shapes.js';
import type { TagRoleRequest } from '../types.js';

export const TagRole = defineAction<TagRoleRequest, Record<string, never>>({
  name: 'TagRole',
  async handle(input, ctx) {
    const tags = tagsIn(input.Tags);
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:TagRole',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:TagRole', roleResourceContext(role), requestTagContext(tags)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      await ctx.env.store.roles.tag(role.roleName, tags);
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
