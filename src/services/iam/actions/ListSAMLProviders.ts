// iam:ListSAMLProviders — every SAML provider of the account (ARN, dates); IAM does not page it.

import { defineAction } from '../../types.js';
import { samlProviderListEntry } from '../shapes.js';
import type { ListSAMLProvidersRequest, ListSAMLProvidersResponse } from '../types.js';

export const ListSAMLProviders = defineAction<ListSAMLProvidersRequest, ListSAMLProvidersResponse>({
  name: 'ListSAMLProviders',
  async handle(_input, ctx) {
    // No resource-level permissions (Service Authorization Reference): resource `*`.
    await ctx.authorize({ action: 'iam:ListSAMLProviders', resource: '*' });
    const providers = await ctx.env.store.samlProviders.list();
    return { SAMLProviderList: providers.map(samlProviderListEntry) };
  },
});
