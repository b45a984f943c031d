// iam:UpdateAccessKey — sets a key Active or Inactive (an Inactive key no longer authenticates).
// The key must belong to the user the request names (or the caller): a caller allowed on its own user
// cannot switch another user's key by naming its id (IDOR, CWE-639).

import { defineAction } from '../../types.js';
import { fromUserStoreError, invalidInput, noSuchAccessKey, noSuchUser } from '../errors.js';
import { keyOwnerName, keysFor, userArn, userResourceContext } from '../shapes.js';
import type { UpdateAccessKeyRequest } from '../types.js';

export const UpdateAccessKey = defineAction<UpdateAccessKeyRequest, Record<string, never>>({
  name: 'UpdateAccessKey',
  async handle(input, ctx) {
    const { env } = ctx;
    const userName = keyOwnerName(input.UserName, ctx.caller);
    const user = await env.store.users.get(userName);
    await ctx.authorize({
      action: 'iam:UpdateAccessKey',
      resource: user?.arn ?? userArn(env.accountId, '/', userName),
      context: keysFor('iam:UpdateAccessKey', userResourceContext(user)),
    });
    if (user === undefined) throw noSuchUser(userName);
    const status = input.Status;
    // The model's statusType also holds `Expired` (for other credential kinds); an access key is only
    // ever Active or Inactive. [INF] AWS's wording for this refusal is unpublished.
    if (status !== 'Active' && status !== 'Inactive') throw invalidInput(`Status ${status} is not valid for an access key: use Active or Inactive.`);
    try {
      await env.store.transaction(async (tx) => {
        const key = await tx.accessKeys.get(input.AccessKeyId);
        if (key === undefined || key.userName !== user.userName) throw noSuchAccessKey(input.AccessKeyId);
        await tx.accessKeys.updateStatus(key.accessKeyId, status);
      });
    } catch (e) {
      throw fromUserStoreError(e);
    }
    return {};
  },
});
