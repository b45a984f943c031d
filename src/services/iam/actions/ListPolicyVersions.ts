// iam:ListPolicyVersions — a managed policy's versions, newest first, without their documents
// [SNAP test_policy_version_lifecycle], paged with Marker/MaxItems.

import { defineAction } from '../../types.js';
import { arnNotValid, fromUserStoreError, policyNotFound } from '../errors.js';
import { isPolicyArn, keysFor, pageArray, policyResourceContext, policyVersionShape } from '../shapes.js';
import type { ListPolicyVersionsRequest, ListPolicyVersionsResponse } from '../types.js';

export const ListPolicyVersions = defineAction<ListPolicyVersionsRequest, ListPolicyVersionsResponse>({
  name: 'ListPolicyVersions',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const policy = await ctx.env.store.policies.get(input.PolicyArn);
    await ctx.authorize({
      action: 'iam:ListPolicyVersions',
      resource: input.PolicyArn,
      context: keysFor('iam:ListPolicyVersions', policyResourceContext(policy)),
    });
    if (policy === undefined) throw policyNotFound(input.PolicyArn);
    try {
      const versions = await ctx.env.store.policies.listVersions(policy.arn);
      // Markers are bound to the policy, so one policy's marker cannot page another's versions.
      const { items, ...paging } = pageArray(
        versions.map((v) => policyVersionShape(v, false)),
        input,
        `policy-versions\n${policy.policyId}`,
      );
      return { Versions: items, ...paging };
    } catch (e) {
      throw fromUserStoreError(e);
    }
  },
});
