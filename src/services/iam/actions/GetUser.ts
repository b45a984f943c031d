// iam:GetUser — one user, or with no UserName the caller itself: an IAM user, or the account root
// (answered as AWS does: UserId = account id, Arn …:root, no UserName). Authorizes before revealing
// whether a named user exists, so denied callers cannot probe user names.

import { rootArn } from '../../../kernel/index.js';
import { callerArn } from '../../authorize.js';
import { defineAction } from '../../types.js';
import { noSuchUser, nonUserCredentials } from '../errors.js';
import { keysFor, userArn, userResourceContext, userShape } from '../shapes.js';
import type { GetUserRequest, User } from '../types.js';

/** The root user has no UserName or Path (observed: grycap/scar#181 "the User object does not return a UserName field"). */
type GetUserOutput = { User: User | Pick<User, 'UserId' | 'Arn'> };

export const GetUser = defineAction<GetUserRequest, GetUserOutput>({
  name: 'GetUser',
  async handle(input, ctx) {
    const { env, caller } = ctx;
    let userName = input.UserName;
    if (userName === undefined) {
      if (caller.kind === 'root') {
        const arn = rootArn(env.accountId);
        await ctx.authorize({ action: 'iam:GetUser', resource: arn });
        // CreateDate is left out: Tessera does not know when the account was created.
        return { User: { UserId: env.accountId, Arn: arn } };
      }
      if (caller.kind !== 'user') {
        // AWS authorizes a role session's GetUser on the session ARN (observed: "not authorized to
        // perform: iam:GetUser on resource: arn:aws:sts::…:assumed-role/…"), then refuses the request.
        await ctx.authorize({ action: 'iam:GetUser', resource: callerArn(caller) });
        throw nonUserCredentials();
      }
      userName = caller.user.userName;
    }
    const user = await env.store.users.get(userName);
    await ctx.authorize({
      action: 'iam:GetUser',
      resource: user?.arn ?? userArn(env.accountId, '/', userName),
      context: keysFor('iam:GetUser', userResourceContext(user)),
    });
    if (user === undefined) throw noSuchUser(userName);
    return { User: userShape(user, 'full') };
  },
});
