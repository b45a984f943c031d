// iam:ListUsers — the account's users by name, filtered by path prefix, paged with Marker/MaxItems.
// Lists leave out PermissionsBoundary and Tags, as IAM's do.

import { defineAction } from '../../types.js';
import { fromUserStoreError } from '../errors.js';
import { pageOutput, pageRequest, userArn, userShape } from '../shapes.js';
import type { ListUsersRequest, ListUsersResponse } from '../types.js';

export const ListUsers = defineAction<ListUsersRequest, ListUsersResponse>({
  name: 'ListUsers',
  async handle(input, ctx) {
    const prefix = input.PathPrefix ?? '/';
    // AWS authorizes ListUsers on the user path it lists (observed: "not authorized to perform:
    // iam:ListUsers on resource: arn:aws:iam::111122223333:user/ because no identity-based policy
    // allows the iam:ListUsers action"), so `user/*` and `*` both grant it.
    await ctx.authorize({ action: 'iam:ListUsers', resource: userArn(ctx.env.accountId, prefix, '') });
    try {
      const page = await ctx.env.store.users.list({
        ...pageRequest(input),
        ...(input.PathPrefix === undefined ? {} : { pathPrefix: input.PathPrefix }),
      });
      return { Users: page.items.map((u) => userShape(u, 'list')), ...pageOutput(page) };
    } catch (e) {
      throw fromUserStoreError(e);
    }
  },
});
