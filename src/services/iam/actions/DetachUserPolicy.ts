// iam:DetachUserPolicy — detaches a managed policy from a user. A policy that is not attached, or does
// not exist at all, is `Policy <arn> was not found.` [SNAP test_user_managed_policy_errors].

import { isStoreError } from '../../../store/errors.js';
import { defineAction } from '../../types.js';
import { arnNotValid, attachedPolicyNotFound, fromUserStoreError, noSuchUser } from '../errors.js';
import { isPolicyArn, keysFor, userArn, userBoundaryContext, userResourceContext } from '../shapes.js';
import type { DetachUserPolicyRequest } from '../types.js';

export const DetachUserPolicy = defineAction<DetachUserPolicyRequest, Record<string, never>>({
  name: 'DetachUserPolicy',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const user = await ctx.env.store.users.get(input.UserName);
    await ctx.authorize({
      action: 'iam:DetachUserPolicy',
      resource: user?.arn ?? userArn(ctx.env.accountId, '/', input.UserName),
      // The SAR lists iam:PolicyARN and iam:PermissionsBoundary for DetachUserPolicy.
      context: keysFor('iam:DetachUserPolicy', userResourceContext(user), userBoundaryContext(user), { 'iam:PolicyARN': input.PolicyArn }),
    });
    if (user === undefined) throw noSuchUser(input.UserName);
    try {
      await ctx.env.store.users.detachPolicy(user.userName, input.PolicyArn);
    } catch (e) {
      if (isStoreError(e, 'ERR_STORE_NOT_FOUND') && (e.entity === 'managedPolicy' || e.entity === 'userAttachment')) {
        throw attachedPolicyNotFound(input.PolicyArn);
      }
      throw fromUserStoreError(e);
    }
    return {};
  },
});
