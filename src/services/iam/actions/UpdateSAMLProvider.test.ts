import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createUser, expectDenied, idpMetadata, policy } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2026-03-01T10:00:00Z') });
  ok(await t.call('iam', 'CreateSAMLProvider', { Name: 'Auth0', SAMLMetadataDocument: idpMetadata() }));
});
afterEach(async () => {
  await t.close();
});

const arn = 'arn:aws:iam::013823792818:saml-provider/Auth0';

describe('UpdateSAMLProvider', () => {
  it('replaces the metadata and its ValidUntil', async () => {
    const updated = idpMetadata('urn:updated-idp.example.com', { validUntil: '2031-01-01T00:00:00Z' });
    expect(ok(await t.call('iam', 'UpdateSAMLProvider', { SAMLProviderArn: arn, SAMLMetadataDocument: updated }))).toEqual({ SAMLProviderArn: arn });
    const stored = await t.store.samlProviders.get(arn);
    expect(stored?.samlMetadataDocument).toBe(updated);
    expect(stored?.validUntil).toEqual(new Date('2031-01-01T00:00:00Z'));
    // Metadata without validUntil brings back IAM's default, counted from creation.
    ok(await t.call('iam', 'UpdateSAMLProvider', { SAMLProviderArn: arn, SAMLMetadataDocument: idpMetadata() }));
    expect((await t.store.samlProviders.get(arn))?.validUntil).toEqual(new Date('2126-03-01T10:00:00Z'));
  });

  it('refuses unusable metadata and keeps the registered one', async () => {
    const bad = idpMetadata().replace(/<KeyDescriptor[\s\S]*<\/KeyDescriptor>/, '') + ' '.repeat(1000);
    expect(failure(await t.call('iam', 'UpdateSAMLProvider', { SAMLProviderArn: arn, SAMLMetadataDocument: bad }))).toEqual({
      code: 'InvalidInput',
      message: 'Could not parse metadata',
      httpStatus: 400,
    });
    expect((await t.store.samlProviders.get(arn))?.samlMetadataDocument).toBe(idpMetadata());
  });

  it('refuses assertion encryption it cannot honour', async () => {
    expect(failure(await t.call('iam', 'UpdateSAMLProvider', { SAMLProviderArn: arn, AssertionEncryptionMode: 'Required' })).code).toBe('InvalidInput');
    expect(failure(await t.call('iam', 'UpdateSAMLProvider', { SAMLProviderArn: arn, RemovePrivateKey: 'A'.repeat(22) })).code).toBe('InvalidInput');
  });

  it('answers NoSuchEntity for a provider that does not exist', async () => {
    const ghost = 'arn:aws:iam::013823792818:saml-provider/Ghost';
    expect(failure(await t.call('iam', 'UpdateSAMLProvider', { SAMLProviderArn: ghost, SAMLMetadataDocument: idpMetadata() }))).toEqual({
      code: 'NoSuchEntity',
      message: `Manifest not found for arn ${ghost}`,
      httpStatus: 404,
    });
  });

  it('denies a user without iam:UpdateSAMLProvider: the registered certificates stay pinned', async () => {
    const user = await createUser(t, 'viewer', { p: policy(allow(['iam:GetSAMLProvider', 'iam:ListSAMLProviders'])) });
    const attackerMetadata = idpMetadata('urn:attacker.example');
    expectDenied(
      await t.call('iam', 'UpdateSAMLProvider', { SAMLProviderArn: arn, SAMLMetadataDocument: attackerMetadata }, { credentials: user }),
      user.arn,
      'iam:UpdateSAMLProvider',
      arn,
    );
    expect((await t.store.samlProviders.get(arn))?.samlMetadataDocument).toBe(idpMetadata());
  });
});
