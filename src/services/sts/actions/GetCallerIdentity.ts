// sts:GetCallerIdentity — who the credentials belong to. Needs no permission: AWS answers it even
// when a policy explicitly denies sts:GetCallerIdentity (STS API reference).

import { callerArn, callerUserId } from '../../authorize.js';
import { defineAction } from '../../types.js';
import type { GetCallerIdentityRequest, GetCallerIdentityResponse } from '../types.js';

export const GetCallerIdentity = defineAction<GetCallerIdentityRequest, GetCallerIdentityResponse>({
  name: 'GetCallerIdentity',
  authorization: 'none',
  async handle(_input, ctx) {
    return { UserId: callerUserId(ctx.caller), Account: ctx.env.accountId, Arn: callerArn(ctx.caller) };
  },
});
