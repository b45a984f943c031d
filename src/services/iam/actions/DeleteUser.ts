// iam:DeleteUser — removes a user that has no inline policies, attached policies or access keys
// (IAM refuses otherwise, naming what must go first). Authorizes before revealing existence.

import { defineAction } from '../../types.js';
import { fromUserStoreError, noSuchUser } from '../errors.js';
import { keysFor, userArn, userResourceContext } from '../shapes.js';
import type { DeleteUserRequest } from '../types.js';

export const DeleteUser = defineAction<DeleteUserRequest, Record<string, never>>({
  name: 'DeleteUser',
  async handle(input, ctx) {
    const user = await ctx.env.store.users.get(input.UserName);
    await ctx.authorize({
      action: 'iam:DeleteUser',
      resource: user?.arn ?? userArn(ctx.env.accountId, '/', input.UserName),
      context: keysFor('iam:DeleteUser', userResourceContext(user)),
    });
    if (user === undefined) throw noSuchUser(input.UserName);
    try {
      // The store checks the dependents inside its write: inline policies, then attached policies,
      // then access keys (IAM's DeleteConflict sentences, see errors.ts).
      await ctx.env.store.users.delete(user.userName);
    } catch (e) {
      throw fromUserStoreError(e);
    }
    return {};
  },
});
