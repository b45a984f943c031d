// iam:ListUserPolicies — the names of a user's inline policies, by name, paged with Marker/MaxItems.

import { defineAction } from '../../types.js';
import { fromUserStoreError, noSuchUser } from '../errors.js';
import { keysFor, pageOutput, pageRequest, userArn, userResourceContext } from '../shapes.js';
import type { ListUserPoliciesRequest, ListUserPoliciesResponse } from '../types.js';

export const ListUserPolicies = defineAction<ListUserPoliciesRequest, ListUserPoliciesResponse>({
  name: 'ListUserPolicies',
  async handle(input, ctx) {
    const user = await ctx.env.store.users.get(input.UserName);
    await ctx.authorize({
      action: 'iam:ListUserPolicies',
      resource: user?.arn ?? userArn(ctx.env.accountId, '/', input.UserName),
      context: keysFor('iam:ListUserPolicies', userResourceContext(user)),
    });
    if (user === undefined) throw noSuchUser(input.UserName);
    try {
      const page = await ctx.env.store.users.listInlinePolicyNames(user.userName, pageRequest(input));
      return { PolicyNames: [...page.items], ...pageOutput(page) };
    } catch (e) {
      throw fromUserStoreError(e);
    }
  },
});
