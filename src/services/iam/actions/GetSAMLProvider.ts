// iam:GetSAMLProvider — a provider's metadata document, dates and tags. Authorizes before revealing
// whether the provider exists.

import { defineAction } from '../../types.js';
import { arnNotValid, noSuchSamlProvider } from '../errors.js';
import { defaultValidUntil, isSamlProviderArn, keysFor, samlProviderResourceContext, samlProviderUuid, tagsOut } from '../shapes.js';
import type { GetSAMLProviderRequest, GetSAMLProviderResponse } from '../types.js';

export const GetSAMLProvider = defineAction<GetSAMLProviderRequest, GetSAMLProviderResponse>({
  name: 'GetSAMLProvider',
  async handle(input, ctx) {
    const arn = input.SAMLProviderArn;
    if (!isSamlProviderArn(arn)) throw arnNotValid(arn, 'InvalidInput');
    const provider = await ctx.env.store.samlProviders.get(arn);
    await ctx.authorize({ action: 'iam:GetSAMLProvider', resource: arn, context: keysFor('iam:GetSAMLProvider', samlProviderResourceContext(provider)) });
    if (provider === undefined) throw noSuchSamlProvider(arn);
    // AWS answers Tags and PrivateKeyList even when empty, and AssertionEncryptionMode `Allowed` by
    // default [SNAP localstack test_iam_saml_providers.snapshot.json test_get_saml_provider].
    return {
      SAMLProviderUUID: samlProviderUuid(provider),
      SAMLMetadataDocument: provider.samlMetadataDocument,
      CreateDate: provider.createDate,
      ValidUntil: provider.validUntil ?? defaultValidUntil(provider.createDate),
      Tags: tagsOut(provider.tags),
      AssertionEncryptionMode: 'Allowed',
      PrivateKeyList: [],
    };
  },
});
