// iam:SetDefaultPolicyVersion — makes one version the policy's default: the one every role, user and
// session using the policy is authorized by from the next request on.

import { isStoreError } from '../../../store/errors.js';
import { defineAction } from '../../types.js';
import { arnNotValid, fromUserStoreError, policyVersionNotFound } from '../errors.js';
import { isPolicyArn, keysFor, policyResourceContext } from '../shapes.js';
import type { SetDefaultPolicyVersionRequest } from '../types.js';

export const SetDefaultPolicyVersion = defineAction<SetDefaultPolicyVersionRequest, Record<string, never>>({
  name: 'SetDefaultPolicyVersion',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const policy = await ctx.env.store.policies.get(input.PolicyArn);
    await ctx.authorize({
      action: 'iam:SetDefaultPolicyVersion',
      resource: input.PolicyArn,
      context: keysFor('iam:SetDefaultPolicyVersion', policyResourceContext(policy)),
    });
    // [SNAP test_policy_version_errors]: a missing policy and a missing version read alike.
    if (policy === undefined) throw policyVersionNotFound(input.PolicyArn, input.VersionId);
    try {
      await ctx.env.store.policies.setDefaultVersion(policy.arn, input.VersionId);
    } catch (e) {
      if (isStoreError(e, 'ERR_STORE_NOT_FOUND')) throw policyVersionNotFound(input.PolicyArn, input.VersionId);
      throw fromUserStoreError(e);
    }
    return {};
  },
});
