// iam:DetachRolePolicy — detaches a managed policy from a role. A policy that is not attached, or
// does not exist at all, is `Policy <arn> was not found.` (AWS-validated wording).

import { isStoreError } from '../../../store/errors.js';
import { defineAction } from '../../types.js';
import { arnNotValid, attachedPolicyNotFound, fromStoreError, noSuchRole } from '../errors.js';
import { isPolicyArn, keysFor, roleArn, roleResourceContext } from '../shapes.js';
import type { DetachRolePolicyRequest } from '../types.js';

export const DetachRolePolicy = defineAction<DetachRolePolicyRequest, Record<string, never>>({
  name: 'DetachRolePolicy',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:DetachRolePolicy',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:DetachRolePolicy', roleResourceContext(role), { 'iam:PolicyARN': input.PolicyArn }),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      await ctx.env.store.roles.detachPolicy(role.roleName, input.PolicyArn);
    } catch (e) {
      if (isStoreError(e, 'ERR_STORE_NOT_FOUND') && e.entity === 'managedPolicy') throw attachedPolicyNotFound(input.PolicyArn);
      throw fromStoreError(e);
    }
    return {};
  },
});
