// iam:DeleteAccessKey — removes one of a user's access keys for good. The key must belong to the user
// the request names (or the caller): naming another user's key id is NoSuchEntity (IDOR, CWE-639).

import { defineAction } from '../../types.js';
import { fromUserStoreError, noSuchAccessKey, noSuchUser } from '../errors.js';
import { keyOwnerName, keysFor, userArn, userResourceContext } from '../shapes.js';
import type { DeleteAccessKeyRequest } from '../types.js';

export const DeleteAccessKey = defineAction<DeleteAccessKeyRequest, Record<string, never>>({
  name: 'DeleteAccessKey',
  async handle(input, ctx) {
    const { env } = ctx;
    const userName = keyOwnerName(input.UserName, ctx.caller);
    const user = await env.store.users.get(userName);
    await ctx.authorize({
      action: 'iam:DeleteAccessKey',
      resource: user?.arn ?? userArn(env.accountId, '/', userName),
      context: keysFor('iam:DeleteAccessKey', userResourceContext(user)),
    });
    if (user === undefined) throw noSuchUser(userName);
    try {
      await env.store.transaction(async (tx) => {
        const key = await tx.accessKeys.get(input.AccessKeyId);
        if (key === undefined || key.userName !== user.userName) throw noSuchAccessKey(input.AccessKeyId);
        await tx.accessKeys.delete(key.accessKeyId);
      });
    } catch (e) {
      throw fromUserStoreError(e);
    }
    return {};
  },
});
