// iam:PutUserPolicy — adds or replaces an inline policy of a user. The document must be a valid
// identity policy, and all of the user's inline policies together stay within 2,048 characters
// (whitespace not counted), checked in the same transaction as the write.

import { POLICY_SIZE_LIMITS, policySize, validatePolicy } from '../../../policy/index.js';
import { defineAction } from '../../types.js';
import { fromUserStoreError, noSuchUser, policyDocumentError, userPolicySizeExceeded } from '../errors.js';
import { keysFor, userArn, userBoundaryContext, userResourceContext } from '../shapes.js';
import type { PutUserPolicyRequest } from '../types.js';

export const PutUserPolicy = defineAction<PutUserPolicyRequest, Record<string, never>>({
  name: 'PutUserPolicy',
  async handle(input, ctx) {
    const user = await ctx.env.store.users.get(input.UserName);
    await ctx.authorize({
      action: 'iam:PutUserPolicy',
      resource: user?.arn ?? userArn(ctx.env.accountId, '/', input.UserName),
      // iam:PermissionsBoundary (SAR): the user's current boundary, as IAM's delegation examples read it.
      context: keysFor('iam:PutUserPolicy', userResourceContext(user), userBoundaryContext(user)),
    });
    if (user === undefined) throw noSuchUser(input.UserName);
    const limit = POLICY_SIZE_LIMITS.userInline;
    const checked = validatePolicy(input.PolicyDocument, { kind: 'identity' });
    if (!checked.ok) throw policyDocumentError(checked.errors[0]!, 'identity');
    try {
      await ctx.env.store.transaction(async (tx) => {
        // IAM quota "User policy size … 2,048 characters" is the aggregate of all inline policies
        // (reference_iam-quotas); the policy being replaced does not count twice.
        const { inlinePolicies } = await tx.users.getPolicySet(user.userName);
        let total = policySize(input.PolicyDocument);
        for (const p of inlinePolicies) if (p.policyName !== input.PolicyName) total += policySize(p.policyDocument);
        if (total > limit) throw userPolicySizeExceeded(user.userName, limit);
        await tx.users.putInlinePolicy(user.userName, { policyName: input.PolicyName, policyDocument: input.PolicyDocument });
      });
    } catch (e) {
      throw fromUserStoreError(e);
    }
    return {};
  },
});
