// iam:UpdateRole — a role's Description and MaxSessionDuration; a member left out keeps its value
// (AWS-validated: an UpdateRole with no parameters changes nothing). Never touches the trust policy.

import { defineAction } from '../../types.js';
import { fromStoreError, noSuchRole } from '../errors.js';
import { keysFor, roleArn, roleResourceContext } from '../shapes.js';
import type { UpdateRoleRequest, UpdateRoleResponse } from '../types.js';

export const UpdateRole = defineAction<UpdateRoleRequest, UpdateRoleResponse>({
  name: 'UpdateRole',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:UpdateRole',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:UpdateRole', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      await ctx.env.store.roles.update(role.roleName, {
        ...(input.Description === undefined ? {} : { description: input.Description }),
        ...(input.MaxSessionDuration === undefined ? {} : { maxSessionDuration: input.MaxSessionDuration }),
      });
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
