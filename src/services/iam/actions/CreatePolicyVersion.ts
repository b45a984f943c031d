// iam:CreatePolicyVersion — a new version of a managed policy (at most five kept), optionally made the
// default at once. The document passes the same checks as CreatePolicy's.

import { POLICY_SIZE_LIMITS, validatePolicy } from '../../../policy/index.js';
import { defineAction } from '../../types.js';
import { arnNotValid, fromUserStoreError, policyDocumentError, policyNotFound } from '../errors.js';
import { isPolicyArn, keysFor, policyResourceContext, policyVersionShape } from '../shapes.js';
import type { CreatePolicyVersionRequest, CreatePolicyVersionResponse } from '../types.js';

export const CreatePolicyVersion = defineAction<CreatePolicyVersionRequest, CreatePolicyVersionResponse>({
  name: 'CreatePolicyVersion',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const policy = await ctx.env.store.policies.get(input.PolicyArn);
    await ctx.authorize({
      action: 'iam:CreatePolicyVersion',
      resource: input.PolicyArn,
      context: keysFor('iam:CreatePolicyVersion', policyResourceContext(policy)),
    });
    if (policy === undefined) throw policyNotFound(input.PolicyArn);
    const checked = validatePolicy(input.PolicyDocument, {
      kind: 'identity',
      requireCurrentVersion: true,
      maxSize: POLICY_SIZE_LIMITS.managed,
    });
    if (!checked.ok) throw policyDocumentError(checked.errors[0]!, 'identity');
    try {
      // The store counts the versions inside its write: the sixth is LimitExceeded [SNAP test_policy_version_limit].
      const version = await ctx.env.store.policies.createVersion(policy.arn, {
        document: input.PolicyDocument,
        createDate: ctx.now,
        setAsDefault: input.SetAsDefault === true,
      });
      return { PolicyVersion: policyVersionShape(version, false) };
    } catch (e) {
      throw fromUserStoreError(e);
    }
  },
});
