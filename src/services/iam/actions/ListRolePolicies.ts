// iam:ListRolePolicies — the names of a role's inline policies, in order, paged with Marker/MaxItems.

import { defineAction } from '../../types.js';
import { fromStoreError, noSuchRole } from '../errors.js';
import { keysFor, pageOutput, pageRequest, roleArn, roleResourceContext } from '../shapes.js';
import type { ListRolePoliciesRequest, ListRolePoliciesResponse } from '../types.js';

export const ListRolePolicies = defineAction<ListRolePoliciesRequest, ListRolePoliciesResponse>({
  name: 'ListRolePolicies',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:ListRolePolicies',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:ListRolePolicies', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      const page = await ctx.env.store.roles.listInlinePolicyNames(role.roleName, pageRequest(input));
      return { PolicyNames: [...page.items], ...pageOutput(page) };
    } catch (e) {
      throw fromStoreError(e);
    }
  },
});
