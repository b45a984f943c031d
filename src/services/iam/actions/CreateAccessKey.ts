// iam:CreateAccessKey — a new `AKIA…` key and 40-character secret for a user (at most two per user).
// The secret is stored only sealed (AES-GCM, bound to the key id) and shown once, in this response:
// it never reaches the store in clear, the audit log (request parameters only) or the service log.

import { isStoreError } from '../../../store/errors.js';
import { ACCESS_KEYS_PER_USER_LIMIT } from '../../../store/port.js';
import type { AccessKey as StoreAccessKey } from '../../../store/port.js';
import { defineAction } from '../../types.js';
import { accessKeysPerUserExceeded, fromUserStoreError, noSuchUser } from '../errors.js';
import { keyOwnerName, keysFor, userArn, userResourceContext } from '../shapes.js';
import type { CreateAccessKeyRequest, CreateAccessKeyResponse } from '../types.js';

/** Fresh ids are drawn again if one is taken (2^80 ids: a collision is an accident, not a state). */
const ID_ATTEMPTS = 3;

export const CreateAccessKey = defineAction<CreateAccessKeyRequest, CreateAccessKeyResponse>({
  name: 'CreateAccessKey',
  async handle(input, ctx) {
    const { env } = ctx;
    const userName = keyOwnerName(input.UserName, ctx.caller);
    const user = await env.store.users.get(userName);
    await ctx.authorize({
      action: 'iam:CreateAccessKey',
      resource: user?.arn ?? userArn(env.accountId, '/', userName),
      context: keysFor('iam:CreateAccessKey', userResourceContext(user)),
    });
    if (user === undefined) throw noSuchUser(userName);

    for (let attempt = 1; ; attempt++) {
      const accessKeyId = env.ids.accessKeyId('AKIA');
      const secretAccessKey = env.ids.secretAccessKey();
      // The key id is the AAD: a sealed secret copied onto another key id does not open (the
      // authenticator opens it with the presented key id, services/authenticate.ts).
      const key: StoreAccessKey = {
        accessKeyId,
        userName: user.userName,
        secretSealed: env.sealer.seal('access-key-secret', Buffer.from(secretAccessKey, 'utf8'), accessKeyId),
        status: 'Active',
        createDate: ctx.now,
      };
      try {
        // The store counts the user's keys inside its write, so two calls at once cannot make three.
        const created = await env.store.accessKeys.create(key);
        return {
          AccessKey: {
            UserName: created.userName,
            AccessKeyId: created.accessKeyId,
            Status: created.status,
            SecretAccessKey: secretAccessKey,
            CreateDate: created.createDate,
          },
        };
      } catch (e) {
        if (isStoreError(e, 'ERR_STORE_CONFLICT') && e.entity === 'accessKey' && attempt < ID_ATTEMPTS) continue;
        if (isStoreError(e, 'ERR_STORE_LIMIT_EXCEEDED')) throw accessKeysPerUserExceeded(ACCESS_KEYS_PER_USER_LIMIT);
        throw fromUserStoreError(e);
      }
    }
  },
});
