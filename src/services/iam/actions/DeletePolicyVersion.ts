// iam:DeletePolicyVersion — removes a non-default version of a managed policy (the default version
// goes only with the policy, DeletePolicy). Its id is never reused.

import { isStoreError } from '../../../store/errors.js';
import { defineAction } from '../../types.js';
import { arnNotValid, fromUserStoreError, policyVersionNotFound } from '../errors.js';
import { isPolicyArn, keysFor, policyResourceContext } from '../shapes.js';
import type { DeletePolicyVersionRequest } from '../types.js';

export const DeletePolicyVersion = defineAction<DeletePolicyVersionRequest, Record<string, never>>({
  name: 'DeletePolicyVersion',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const policy = await ctx.env.store.policies.get(input.PolicyArn);
    await ctx.authorize({
      action: 'iam:DeletePolicyVersion',
      resource: input.PolicyArn,
      context: keysFor('iam:DeletePolicyVersion', policyResourceContext(policy)),
    });
    if (policy === undefined) throw policyVersionNotFound(input.PolicyArn, input.VersionId);
    try {
      // The store refuses the default version inside its write ([SNAP] `Cannot delete the default version of a policy.`).
      await ctx.env.store.policies.deleteVersion(policy.arn, input.VersionId);
    } catch (e) {
      if (isStoreError(e, 'ERR_STORE_NOT_FOUND')) throw policyVersionNotFound(input.PolicyArn, input.VersionId);
      throw fromUserStoreError(e);
    }
    return {};
  },
});
