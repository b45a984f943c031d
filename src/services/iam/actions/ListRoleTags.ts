// iam:ListRoleTags — a role's tags in the order they were added, paged with Marker/MaxItems.
// Markers are bound to the role, so one role's marker cannot page another's tags.

import { defineAction } from '../../types.js';
import { noSuchRole } from '../errors.js';
import { keysFor, pageArray, roleArn, roleResourceContext, tagsOut } from '../shapes.js';
import type { ListRoleTagsRequest, ListRoleTagsResponse } from '../types.js';

export const ListRoleTags = defineAction<ListRoleTagsRequest, ListRoleTagsResponse>({
  name: 'ListRoleTags',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:ListRoleTags',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:ListRoleTags', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    const { items, ...paging } = pageArray(tagsOut(role.tags), input, `role-tags\n${role.roleId}`);
    return { Tags: items, ...paging };
  },
});
