// iam:GetUserPolicy — one inline policy of a user, its document as stored (the encoder URL-encodes it,
// as IAM does). Authorizes before revealing whether the user or the policy exists.

import { defineAction } from '../../types.js';
import { fromUserStoreError, noSuchUser } from '../errors.js';
import { keysFor, userArn, userResourceContext } from '../shapes.js';
import type { GetUserPolicyRequest, GetUserPolicyResponse } from '../types.js';

export const GetUserPolicy = defineAction<GetUserPolicyRequest, GetUserPolicyResponse>({
  name: 'GetUserPolicy',
  async handle(input, ctx) {
    const user = await ctx.env.store.users.get(input.UserName);
    await ctx.authorize({
      action: 'iam:GetUserPolicy',
      resource: user?.arn ?? userArn(ctx.env.accountId, '/', input.UserName),
      context: keysFor('iam:GetUserPolicy', userResourceContext(user)),
    });
    if (user === undefined) throw noSuchUser(input.UserName);
    try {
      const p = await ctx.env.store.users.getInlinePolicy(user.userName, input.PolicyName);
      return { UserName: user.userName, PolicyName: p.policyName, PolicyDocument: p.policyDocument };
    } catch (e) {
      throw fromUserStoreError(e);
    }
  },
});
