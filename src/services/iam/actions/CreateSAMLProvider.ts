// iam:CreateSAMLProvider — registers an IdP from its SAML metadata (checked as IAM checks it), at
// most 100 per account. Never stores metadata the SAML core refused: AssumeRoleWithSAML pins the
// signing certificates it holds.

import type { SamlProvider } from '../../../store/port.js';
import type { AuthzCheck } from '../../types.js';
import { defineAction } from '../../types.js';
import { assertionEncryptionUnsupported, fromStoreError, SAML_PROVIDERS_PER_ACCOUNT, samlProvidersExceeded } from '../errors.js';
import { defaultValidUntil, keysFor, readIdpMetadata, requestTagContext, samlProviderArn, tagsIn, tagsOut } from '../shapes.js';
import type { CreateSAMLProviderRequest, CreateSAMLProviderResponse } from '../types.js';

export const CreateSAMLProvider = defineAction<CreateSAMLProviderRequest, CreateSAMLProviderResponse>({
  name: 'CreateSAMLProvider',
  secretInputs: ['AddPrivateKey'],
  async handle(input, ctx) {
    const { env } = ctx;
    const arn = samlProviderArn(env.accountId, input.Name);
    const tags = tagsIn(input.Tags);
    const requestTags = tags.length > 0 ? requestTagContext(tags) : {};
    const checks: AuthzCheck[] = [{ action: 'iam:CreateSAMLProvider', resource: arn, context: keysFor('iam:CreateSAMLProvider', requestTags) }];
    // [INF] by analogy with CreateRole (which AWS authorizes as iam:TagRole too): tagging on
    // create needs iam:TagSAMLProvider, so a caller denied tagging cannot tag through creation.
    if (tags.length > 0) checks.push({ action: 'iam:TagSAMLProvider', resource: arn, context: keysFor('iam:TagSAMLProvider', requestTags) });
    await ctx.authorize(checks);

    if (input.AddPrivateKey !== undefined) throw assertionEncryptionUnsupported('AddPrivateKey');
    if (input.AssertionEncryptionMode === 'Required') throw assertionEncryptionUnsupported('AssertionEncryptionMode=Required');
    const metadata = readIdpMetadata(input.SAMLMetadataDocument, (code, reason) => ctx.note({ metadataRefused: { code, reason } }));

    const provider: SamlProvider = {
      arn,
      name: input.Name,
      samlMetadataDocument: input.SAMLMetadataDocument,
      createDate: ctx.now,
      validUntil: metadata.validUntil ?? defaultValidUntil(ctx.now),
      tags,
    };
    try {
      const created = await env.store.transaction(async (tx) => {
        // IAM quota "SAML providers in an AWS account: 100" (reference_iam-quotas), counted in the write's snapshot.
        if ((await tx.samlProviders.list()).length >= SAML_PROVIDERS_PER_ACCOUNT) throw samlProvidersExceeded();
        return tx.samlProviders.create(provider);
      });
      return { SAMLProviderArn: created.arn, ...(created.tags.length > 0 ? { Tags: tagsOut(created.tags) } : {}) };
    } catch (e) {
      throw fromStoreError(e);
    }
  },
});
