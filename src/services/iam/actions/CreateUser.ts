// iam:CreateUser — an IAM user with its path, optional permissions boundary and tags. Never stores a
// boundary that names no managed policy, nor a user whose name (in any case) is taken.

import type { User as StoreUser } from '../../../store/port.js';
import type { AuthzCheck } from '../../types.js';
import { defineAction } from '../../types.js';
import { arnNotValid, boundaryNotAttachable, fromUserStoreError } from '../errors.js';
import { isPolicyArn, keysFor, requestTagContext, tagsIn, userArn, userShape } from '../shapes.js';
import type { CreateUserRequest, CreateUserResponse } from '../types.js';

export const CreateUser = defineAction<CreateUserRequest, CreateUserResponse>({
  name: 'CreateUser',
  async handle(input, ctx) {
    const { env } = ctx;
    const path = input.Path ?? '/';
    const arn = userArn(env.accountId, path, input.UserName);
    // User tag keys compare case-insensitively (`Duplicate tag keys found. Please note …`).
    const tags = tagsIn(input.Tags);
    const boundary = input.PermissionsBoundary;
    if (boundary !== undefined && !isPolicyArn(boundary)) throw arnNotValid(boundary, 'InvalidInput');

    const requestTags = tags.length > 0 ? requestTagContext(tags) : {};
    // The SAR lists aws:RequestTag/*, aws:TagKeys and iam:PermissionsBoundary for CreateUser.
    const checks: AuthzCheck[] = [
      {
        action: 'iam:CreateUser',
        resource: arn,
        context: keysFor('iam:CreateUser', requestTags, boundary === undefined ? {} : { 'iam:PermissionsBoundary': boundary }),
      },
    ];
    // Tag-on-create is also a TagUser request (observed: a user create with tags failing "is not
    // authorized to perform: iam:TagUser"); without it a caller denied TagUser could tag through CreateUser.
    if (tags.length > 0) checks.push({ action: 'iam:TagUser', resource: arn, context: keysFor('iam:TagUser', requestTags) });
    await ctx.authorize(checks);

    const user: StoreUser = {
      userId: env.ids.uniqueId('AIDA'),
      userName: input.UserName,
      path,
      arn,
      ...(boundary === undefined ? {} : { permissionsBoundaryArn: boundary }),
      createDate: ctx.now,
      tags,
    };
    try {
      const created = await env.store.transaction(async (tx) => {
        // The boundary must exist when the user starts to use it, checked in the write's snapshot: a
        // boundary naming nothing would later be read as "no boundary" (wider permissions).
        if (boundary !== undefined && (await tx.policies.get(boundary)) === undefined) throw boundaryNotAttachable(boundary);
        return tx.users.create(user);
      });
      return { User: userShape(created, 'full') };
    } catch (e) {
      throw fromUserStoreError(e);
    }
  },
});
