// sts:DecodeAuthorizationMessage — opens an encoded authorization failure message (an EC2
// UnauthorizedOperation's) for a caller allowed sts:DecodeAuthorizationMessage. Never opens a
// message before that permission is granted, nor one sealed for another purpose or account.

import { decodeAuthorizationMessage } from '../../authorize.js';
import { defineAction } from '../../types.js';
import { invalidAuthorizationMessage } from '../errors.js';
import type { DecodeAuthorizationMessageRequest, DecodeAuthorizationMessageResponse } from '../types.js';

export const DecodeAuthorizationMessage = defineAction<DecodeAuthorizationMessageRequest, DecodeAuthorizationMessageResponse>({
  name: 'DecodeAuthorizationMessage',
  async handle(input, ctx) {
    // STS model: "a user must be granted permissions through an IAM policy to request the
    // DecodeAuthorizationMessage (sts:DecodeAuthorizationMessage) action"; SAR: no resource types,
    // so the resource is `*`. The message holds "privileged information" — authorize first.
    await ctx.authorize({ action: 'sts:DecodeAuthorizationMessage', resource: '*' });
    let decoded: Record<string, unknown> | undefined;
    try {
      // The sealer answers undefined for a forged, altered, truncated or foreign blob (AEAD).
      decoded = decodeAuthorizationMessage(ctx.env, input.EncodedMessage);
    } catch {
      decoded = undefined;
    }
    if (decoded === undefined) throw invalidAuthorizationMessage();
    // DecodedMessage is the JSON text of the message (aws.md §2.2; CLI sts/decode-authorization-message).
    return { DecodedMessage: JSON.stringify(decoded) };
  },
});
