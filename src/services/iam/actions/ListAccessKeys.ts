// iam:ListAccessKeys — a user's access keys (id, status, creation date), oldest first, never the
// secret. With no UserName, the calling IAM user's own keys.

import { defineAction } from '../../types.js';
import { fromUserStoreError, noSuchUser } from '../errors.js';
import { accessKeyMetadataShape, keyOwnerName, keysFor, pageArray, userArn, userResourceContext } from '../shapes.js';
import type { ListAccessKeysRequest, ListAccessKeysResponse } from '../types.js';

export const ListAccessKeys = defineAction<ListAccessKeysRequest, ListAccessKeysResponse>({
  name: 'ListAccessKeys',
  async handle(input, ctx) {
    const { env } = ctx;
    const userName = keyOwnerName(input.UserName, ctx.caller);
    const user = await env.store.users.get(userName);
    await ctx.authorize({
      action: 'iam:ListAccessKeys',
      resource: user?.arn ?? userArn(env.accountId, '/', userName),
      context: keysFor('iam:ListAccessKeys', userResourceContext(user)),
    });
    if (user === undefined) throw noSuchUser(userName);
    let keys;
    try {
      keys = await env.store.accessKeys.listByUser(user.userName);
    } catch (e) {
      // The user deleted since it was read: NoSuchEntity, as if it had been gone already.
      throw fromUserStoreError(e);
    }
    // Markers are bound to the user, so one user's marker cannot page another's keys.
    const { items, ...paging } = pageArray(keys.map(accessKeyMetadataShape), input, `access-keys\n${user.userId}`);
    return { AccessKeyMetadata: items, ...paging };
  },
});
