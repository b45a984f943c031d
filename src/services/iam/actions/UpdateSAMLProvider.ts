// iam:UpdateSAMLProvider — replaces a provider's metadata (checked as on create; its validUntil
// becomes the provider's ValidUntil). Assertions are then verified against the new certificates only.

import { defineAction } from '../../types.js';
import { arnNotValid, assertionEncryptionUnsupported, fromStoreError, noSuchSamlProvider } from '../errors.js';
import { defaultValidUntil, isSamlProviderArn, keysFor, readIdpMetadata, samlProviderResourceContext } from '../shapes.js';
import type { UpdateSAMLProviderRequest, UpdateSAMLProviderResponse } from '../types.js';

export const UpdateSAMLProvider = defineAction<UpdateSAMLProviderRequest, UpdateSAMLProviderResponse>({
  name: 'UpdateSAMLProvider',
  secretInputs: ['AddPrivateKey'],
  async handle(input, ctx) {
    const arn = input.SAMLProviderArn;
    if (!isSamlProviderArn(arn)) throw arnNotValid(arn, 'InvalidInput');
    const provider = await ctx.env.store.samlProviders.get(arn);
    await ctx.authorize({ action: 'iam:UpdateSAMLProvider', resource: arn, context: keysFor('iam:UpdateSAMLProvider', samlProviderResourceContext(provider)) });
    if (provider === undefined) throw noSuchSamlProvider(arn);
    if (input.AddPrivateKey !== undefined) throw assertionEncryptionUnsupported('AddPrivateKey');
    if (input.RemovePrivateKey !== undefined) throw assertionEncryptionUnsupported('RemovePrivateKey');
    if (input.AssertionEncryptionMode === 'Required') throw assertionEncryptionUnsupported('AssertionEncryptionMode=Required');
    if (input.SAMLMetadataDocument !== undefined) {
      const metadata = readIdpMetadata(input.SAMLMetadataDocument, (code, reason) => ctx.note({ metadataRefused: { code, reason } }));
      try {
        await ctx.env.store.samlProviders.update(arn, {
          samlMetadataDocument: input.SAMLMetadataDocument,
          validUntil: metadata.validUntil ?? defaultValidUntil(provider.createDate),
        });
      } catch (e) {
        throw fromStoreError(e);
      }
    }
    return { SAMLProviderArn: provider.arn };
  },
});
