// iam:GetPolicyVersion — one version of a managed policy with its document (raw JSON text; the encoder
// URL-encodes policyDocumentType members as IAM does). Authorizes before revealing existence.

import { isStoreError } from '../../../store/errors.js';
import { defineAction } from '../../types.js';
import { arnNotValid, fromUserStoreError, policyVersionNotFound } from '../errors.js';
import { isPolicyArn, keysFor, policyResourceContext, policyVersionShape } from '../shapes.js';
import type { GetPolicyVersionRequest, GetPolicyVersionResponse } from '../types.js';

export const GetPolicyVersion = defineAction<GetPolicyVersionRequest, GetPolicyVersionResponse>({
  name: 'GetPolicyVersion',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const policy = await ctx.env.store.policies.get(input.PolicyArn);
    await ctx.authorize({
      action: 'iam:GetPolicyVersion',
      resource: input.PolicyArn,
      context: keysFor('iam:GetPolicyVersion', policyResourceContext(policy)),
    });
    // [SNAP test_policy_version_errors]: a missing policy and a missing version read alike.
    if (policy === undefined) throw policyVersionNotFound(input.PolicyArn, input.VersionId);
    try {
      const version = await ctx.env.store.policies.getVersion(input.PolicyArn, input.VersionId);
      return { PolicyVersion: policyVersionShape(version, true) };
    } catch (e) {
      if (isStoreError(e, 'ERR_STORE_NOT_FOUND')) throw policyVersionNotFound(input.PolicyArn, input.VersionId);
      throw fromUserStoreError(e);
    }
  },
});
