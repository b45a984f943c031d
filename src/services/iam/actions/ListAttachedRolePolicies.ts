// iam:ListAttachedRolePolicies — the managed policies attached to a role, by policy name, filtered
// by the policies' path prefix and paged with Marker/MaxItems.

import { defineAction } from '../../types.js';
import { fromStoreError, noSuchRole } from '../errors.js';
import { attachedPolicyShape, keysFor, pageOutput, pageRequest, roleArn, roleResourceContext } from '../shapes.js';
import type { ListAttachedRolePoliciesRequest, ListAttachedRolePoliciesResponse } from '../types.js';

export const ListAttachedRolePolicies = defineAction<ListAttachedRolePoliciesRequest, ListAttachedRolePoliciesResponse>({
  name: 'ListAttachedRolePolicies',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:ListAttachedRolePolicies',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:ListAttachedRolePolicies', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      const page = await ctx.env.store.roles.listAttachedPolicies(role.roleName, {
        ...pageRequest(input),
        ...(input.PathPrefix === undefined ? {} : { pathPrefix: input.PathPrefix }),
      });
      return { AttachedPolicies: page.items.map(attachedPolicyShape), ...pageOutput(page) };
    } catch (e) {
      throw fromStoreError(e);
    }
  },
});
