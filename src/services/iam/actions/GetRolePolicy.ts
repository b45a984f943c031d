// iam:GetRolePolicy — one inline policy of a role, its document as stored (the encoder URL-encodes
// it, as IAM does). Authorizes before revealing whether the role or the policy exists.

import { defineAction } from '../../types.js';
import { fromStoreError, noSuchRole } from '../errors.js';
import { keysFor, roleArn, roleResourceContext } from '../shapes.js';
import type { GetRolePolicyRequest, GetRolePolicyResponse } from '../types.js';

export const GetRolePolicy = defineAction<GetRolePolicyRequest, GetRolePolicyResponse>({
  name: 'GetRolePolicy',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:GetRolePolicy',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:GetRolePolicy', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      const p = await ctx.env.store.roles.getInlinePolicy(role.roleName, input.PolicyName);
      return { RoleName: role.roleName, PolicyName: p.policyName, PolicyDocument: p.policyDocument };
    } catch (e) {
      throw fromStoreError(e);
    }
  },
});
