// iam:GetRole — one role with everything IAM shows of it (tags, boundary, RoleLastUsed). Authorizes
// before revealing whether the role exists, so denied callers cannot probe role names.

import { defineAction } from '../../types.js';
import { noSuchRole } from '../errors.js';
import { keysFor, roleArn, roleResourceContext, roleShape } from '../shapes.js';
import type { GetRoleRequest, GetRoleResponse } from '../types.js';

export const GetRole = defineAction<GetRoleRequest, GetRoleResponse>({
  name: 'GetRole',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:GetRole',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:GetRole', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    return { Role: roleShape(role, 'get') };
  },
});
