// iam:CreatePolicy — a customer managed policy: version v1 of a valid 2012-10-17 identity policy of at
// most 6,144 characters (whitespace not counted), its path, description and tags. Names are unique in
// the account in any case; the store refuses a taken one inside its write.

import { POLICY_SIZE_LIMITS, validatePolicy } from '../../../policy/index.js';
import type { AuthzCheck } from '../../types.js';
import { defineAction } from '../../types.js';
import { fromUserStoreError, policyDocumentError } from '../errors.js';
import { keysFor, managedPolicyArn, policyShape, policyTagsIn, requestTagContext } from '../shapes.js';
import type { CreatePolicyRequest, CreatePolicyResponse } from '../types.js';

export const CreatePolicy = defineAction<CreatePolicyRequest, CreatePolicyResponse>({
  name: 'CreatePolicy',
  async handle(input, ctx) {
    const { env } = ctx;
    const path = input.Path ?? '/';
    const arn = managedPolicyArn(env.accountId, path, input.PolicyName);
    const tags = policyTagsIn(input.Tags);
    const requestTags = tags.length > 0 ? requestTagContext(tags) : {};
    // The SAR lists aws:RequestTag/* and aws:TagKeys for CreatePolicy.
    const checks: AuthzCheck[] = [{ action: 'iam:CreatePolicy', resource: arn, context: keysFor('iam:CreatePolicy', requestTags) }];
    // Tag-on-create is also a TagPolicy request (observed: "operation error IAM: CreatePolicy … not
    // authorized to perform: iam:TagPolicy on resource: policy …"): no tagging around a TagPolicy denial.
    if (tags.length > 0) checks.push({ action: 'iam:TagPolicy', resource: arn, context: keysFor('iam:TagPolicy', requestTags) });
    await ctx.authorize(checks);

    // Managed policies must declare Version 2012-10-17 ([SNAP test_create_policy_invalid_document]
    // `Policy document must be version 2012-10-17 or greater.`).
    const checked = validatePolicy(input.PolicyDocument, {
      kind: 'identity',
      requireCurrentVersion: true,
      maxSize: POLICY_SIZE_LIMITS.managed,
    });
    if (!checked.ok) throw policyDocumentError(checked.errors[0]!, 'identity');
    try {
      const created = await env.store.policies.create({
        policyId: env.ids.uniqueId('ANPA'),
        policyName: input.PolicyName,
        path,
        arn,
        ...(input.Description === undefined ? {} : { description: input.Description }),
        policyDocument: input.PolicyDocument,
        createDate: ctx.now,
        tags,
      });
      return { Policy: policyShape(created, 'create') };
    } catch (e) {
      throw fromUserStoreError(e);
    }
  },
});
