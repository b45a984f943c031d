import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createUser, expectDenied, idpMetadata, policy } from '../../../../test/support/iam-callers.js';
import { createTestServices, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2026-03-01T10:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

const arnOf = (name: string) => `arn:aws:iam::013823792818:saml-provider/${name}`;

describe('ListSAMLProviders', () => {
  it('answers an empty list, then every provider with its dates', async () => {
    expect(ok(await t.call('iam', 'ListSAMLProviders'))).toEqual({ SAMLProviderList: [] });
    ok(await t.call('iam', 'CreateSAMLProvider', { Name: 'Okta', SAMLMetadataDocument: idpMetadata('urn:okta', { validUntil: '2030-01-01T00:00:00Z' }) }));
    ok(await t.call('iam', 'CreateSAMLProvider', { Name: 'Auth0', SAMLMetadataDocument: idpMetadata() }));
    expect(ok(await t.call('iam', 'ListSAMLProviders'))).toEqual({
      SAMLProviderList: [
        { Arn: arnOf('Auth0'), CreateDate: new Date('2026-03-01T10:00:00Z'), ValidUntil: new Date('2126-03-01T10:00:00Z') },
        { Arn: arnOf('Okta'), CreateDate: new Date('2026-03-01T10:00:00Z'), ValidUntil: new Date('2030-01-01T00:00:00Z') },
      ],
    });
  });

  it('denies a user without iam:ListSAMLProviders, on resource *', async () => {
    const user = await createUser(t, 'viewer', { p: policy(allow('iam:GetSAMLProvider')) });
    expectDenied(await t.call('iam', 'ListSAMLProviders', {}, { credentials: user }), user.arn, 'iam:ListSAMLProviders', '*');
    const lister = await createUser(t, 'lister', { p: policy(allow('iam:ListSAMLProviders')) });
    ok(await t.call('iam', 'ListSAMLProviders', {}, { credentials: lister }));
  });
});
