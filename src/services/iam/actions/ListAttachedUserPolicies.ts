// iam:ListAttachedUserPolicies — the managed policies attached to a user, by name, filtered by the
// policies' path prefix, paged with Marker/MaxItems.

import { defineAction } from '../../types.js';
import { fromUserStoreError, noSuchUser } from '../errors.js';
import { attachedPolicyShape, keysFor, pageOutput, pageRequest, userArn, userResourceContext } from '../shapes.js';
import type { ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse } from '../types.js';

export const ListAttachedUserPolicies = defineAction<ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse>({
  name: 'ListAttachedUserPolicies',
  async handle(input, ctx) {
    const user = await ctx.env.store.users.get(input.UserName);
    await ctx.authorize({
      action: 'iam:ListAttachedUserPolicies',
      resource: user?.arn ?? userArn(ctx.env.accountId, '/', input.UserName),
      context: keysFor('iam:ListAttachedUserPolicies', userResourceContext(user)),
    });
    if (user === undefined) throw noSuchUser(input.UserName);
    try {
      const page = await ctx.env.store.users.listAttachedPolicies(user.userName, {
        ...pageRequest(input),
        ...(input.PathPrefix === undefined ? {} : { pathPrefix: input.PathPrefix }),
      });
      return { AttachedPolicies: page.items.map(attachedPolicyShape), ...pageOutput(page) };
    } catch (e) {
      throw fromUserStoreError(e);
    }
  },
});
