// iam:DeletePolicy — removes a managed policy with its default version, once it is attached to no one,
// is no one's permissions boundary and has no other versions (IAM refuses otherwise).

import { defineAction } from '../../types.js';
import { arnNotValid, deleteConflict, fromUserStoreError, POLICY_ATTACHED, policyNotFound } from '../errors.js';
import { isPolicyArn, keysFor, policyResourceContext } from '../shapes.js';
import type { DeletePolicyRequest } from '../types.js';

export const DeletePolicy = defineAction<DeletePolicyRequest, Record<string, never>>({
  name: 'DeletePolicy',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const policy = await ctx.env.store.policies.get(input.PolicyArn);
    await ctx.authorize({
      action: 'iam:DeletePolicy',
      resource: input.PolicyArn,
      context: keysFor('iam:DeletePolicy', policyResourceContext(policy)),
    });
    if (policy === undefined) throw policyNotFound(input.PolicyArn);
    try {
      await ctx.env.store.transaction(async (tx) => {
        const current = await tx.policies.get(policy.arn);
        if (current === undefined) throw policyNotFound(policy.arn);
        // A boundary that names a deleted policy would read as "no boundary": the principal would
        // silently get wider permissions (fail open). So a policy in use as a boundary stays.
        // [INF] AWS's wording for this case is unpublished; IAM's attached-policy sentence is used.
        if (current.permissionsBoundaryUsageCount > 0) throw deleteConflict(POLICY_ATTACHED);
        // The store refuses attached policies and extra versions inside its write.
        await tx.policies.delete(policy.arn);
      });
    } catch (e) {
      throw fromUserStoreError(e);
    }
    return {};
  },
});
