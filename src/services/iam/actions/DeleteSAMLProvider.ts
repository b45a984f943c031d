// iam:DeleteSAMLProvider — removes a provider; AssumeRoleWithSAML naming it fails from then on
// (roles trusting it are left as they are, as in IAM).

import { defineAction } from '../../types.js';
import { arnNotValid, fromStoreError, noSuchSamlProvider } from '../errors.js';
import { isSamlProviderArn, keysFor, samlProviderResourceContext } from '../shapes.js';
import type { DeleteSAMLProviderRequest } from '../types.js';

export const DeleteSAMLProvider = defineAction<DeleteSAMLProviderRequest, Record<string, never>>({
  name: 'DeleteSAMLProvider',
  async handle(input, ctx) {
    const arn = input.SAMLProviderArn;
    if (!isSamlProviderArn(arn)) throw arnNotValid(arn, 'InvalidInput');
    const provider = await ctx.env.store.samlProviders.get(arn);
    await ctx.authorize({ action: 'iam:DeleteSAMLProvider', resource: arn, context: keysFor('iam:DeleteSAMLProvider', samlProviderResourceContext(provider)) });
    if (provider === undefined) throw noSuchSamlProvider(arn);
    try {
      await ctx.env.store.samlProviders.delete(arn);
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
