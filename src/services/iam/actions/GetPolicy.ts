// iam:GetPolicy — one managed policy's metadata (not its document: that is GetPolicyVersion).
// Authorizes before revealing whether the policy exists.

import { defineAction } from '../../types.js';
import { arnNotValid, policyNotFound } from '../errors.js';
import { isPolicyArn, keysFor, policyResourceContext, policyShape } from '../shapes.js';
import type { GetPolicyRequest, GetPolicyResponse } from '../types.js';

export const GetPolicy = defineAction<GetPolicyRequest, GetPolicyResponse>({
  name: 'GetPolicy',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const policy = await ctx.env.store.policies.get(input.PolicyArn);
    await ctx.authorize({
      action: 'iam:GetPolicy',
      resource: input.PolicyArn,
      context: keysFor('iam:GetPolicy', policyResourceContext(policy)),
    });
    // Tessera holds no AWS managed policies: `arn:aws:iam::aws:policy/…` is not found either.
    if (policy === undefined) throw policyNotFound(input.PolicyArn);
    return { Policy: policyShape(policy, 'get') };
  },
});
