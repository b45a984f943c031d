// iam:ListRoles — the account's roles by name, filtered by path prefix, paged with Marker/MaxItems.
// Lists leave out PermissionsBoundary, Tags and RoleLastUsed, as IAM's do.

import { defineAction } from '../../types.js';
import { fromStoreError } from '../errors.js';
import { pageOutput, pageRequest, roleShape } from '../shapes.js';
import type { ListRolesRequest, ListRolesResponse } from '../types.js';

export const ListRoles = defineAction<ListRolesRequest, ListRolesResponse>({
  name: 'ListRoles',
  async handle(input, ctx) {
    // ListRoles has no resource-level permissions (Service Authorization Reference): resource `*`.
    await ctx.authorize({ action: 'iam:ListRoles', resource: '*' });
    try {
      const page = await ctx.env.store.roles.list({
        ...pageRequest(input),
        ...(input.PathPrefix === undefined ? {} : { pathPrefix: input.PathPrefix }),
      });
      return { Roles: page.items.map((r) => roleShape(r, 'list')), ...pageOutput(page) };
    } catch (e) {
      throw fromStoreError(e);
    }
  },
});
