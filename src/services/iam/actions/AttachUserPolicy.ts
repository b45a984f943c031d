// iam:AttachUserPolicy — attaches a managed policy to a user (idempotent), at most ten per user.
// Refuses a policy that does not exist; the count and the attach share one transaction.

import { defineAction } from '../../types.js';
import {
  arnNotValid,
  fromUserStoreError,
  MANAGED_POLICIES_PER_USER,
  noSuchUser,
  policiesPerUserExceeded,
  policyNotAttachable,
} from '../errors.js';
import { isPolicyArn, keysFor, userArn, userBoundaryContext, userResourceContext } from '../shapes.js';
import type { AttachUserPolicyRequest } from '../types.js';

export const AttachUserPolicy = defineAction<AttachUserPolicyRequest, Record<string, never>>({
  name: 'AttachUserPolicy',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const user = await ctx.env.store.users.get(input.UserName);
    await ctx.authorize({
      action: 'iam:AttachUserPolicy',
      resource: user?.arn ?? userArn(ctx.env.accountId, '/', input.UserName),
      // The SAR lists iam:PolicyARN and iam:PermissionsBoundary for AttachUserPolicy.
      context: keysFor('iam:AttachUserPolicy', userResourceContext(user), userBoundaryContext(user), { 'iam:PolicyARN': input.PolicyArn }),
    });
    if (user === undefined) throw noSuchUser(input.UserName);
    try {
      await ctx.env.store.transaction(async (tx) => {
        // [SNAP test_user_managed_policy_errors] `Policy <arn> does not exist or is not attachable.`
        if ((await tx.policies.get(input.PolicyArn)) === undefined) throw policyNotAttachable(input.PolicyArn);
        const attached = await tx.users.listAttachedPolicies(user.userName);
        const already = attached.items.some((p) => p.policyArn === input.PolicyArn);
        // IAM quota "Managed policies attached to an IAM user: 10" (reference_iam-quotas).
        if (!already && attached.items.length >= MANAGED_POLICIES_PER_USER) throw policiesPerUserExceeded();
        await tx.users.attachPolicy(user.userName, input.PolicyArn);
      });
    } catch (e) {
      throw fromUserStoreError(e);
    }
    return {};
  },
});
