// iam:DeleteUserPolicy — removes one inline policy of a user. Authorizes before revealing whether the
// user or the policy exists.

import { defineAction } from '../../types.js';
import { fromUserStoreError, noSuchUser } from '../errors.js';
import { keysFor, userArn, userBoundaryContext, userResourceContext } from '../shapes.js';
import type { DeleteUserPolicyRequest } from '../types.js';

export const DeleteUserPolicy = defineAction<DeleteUserPolicyRequest, Record<string, never>>({
  name: 'DeleteUserPolicy',
  async handle(input, ctx) {
    const user = await ctx.env.store.users.get(input.UserName);
    await ctx.authorize({
      action: 'iam:DeleteUserPolicy',
      resource: user?.arn ?? userArn(ctx.env.accountId, '/', input.UserName),
      // The SAR lists iam:PermissionsBoundary for DeleteUserPolicy.
      context: keysFor('iam:DeleteUserPolicy', userResourceContext(user), userBoundaryContext(user)),
    });
    if (user === undefined) throw noSuchUser(input.UserName);
    try {
      await ctx.env.store.users.deleteInlinePolicy(user.userName, input.PolicyName);
    } catch (e) {
      throw fromUserStoreError(e);
    }
    return {};
  },
});
