import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createUser, expectDenied, idpMetadata, policy, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2026-03-01T10:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

const arnOf = (name: string) => `arn:aws:iam::013823792818:saml-provider/${name}`;

describe('GetSAMLProvider', () => {
  it('answers the metadata, dates, tags and a stable UUID', async () => {
    ok(await t.call('iam', 'CreateSAMLProvider', { Name: 'Auth0', SAMLMetadataDocument: idpMetadata(), ...tagParams([['Dept', 'HR']]) }));
    const out = ok<Record<string, unknown>>(await t.call('iam', 'GetSAMLProvider', { SAMLProviderArn: arnOf('Auth0') }));
    expect(out).toEqual({
      SAMLProviderUUID: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      SAMLMetadataDocument: idpMetadata(),
      CreateDate: new Date('2026-03-01T10:00:00Z'),
      ValidUntil: new Date('2126-03-01T10:00:00Z'),
      Tags: [{ Key: 'Dept', Value: 'HR' }],
      AssertionEncryptionMode: 'Allowed',
      PrivateKeyList: [],
    });
    const again = ok<Record<string, unknown>>(await t.call('iam', 'GetSAMLProvider', { SAMLProviderArn: arnOf('Auth0') }));
    expect(again.SAMLProviderUUID).toBe(out.SAMLProviderUUID);
  });

  it('gives a re-created provider a new UUID', async () => {
    ok(await t.call('iam', 'CreateSAMLProvider', { Name: 'Auth0', SAMLMetadataDocument: idpMetadata() }));
    const before = ok<{ SAMLProviderUUID: string }>(await t.call('iam', 'GetSAMLProvider', { SAMLProviderArn: arnOf('Auth0') }));
    ok(await t.call('iam', 'DeleteSAMLProvider', { SAMLProviderArn: arnOf('Auth0') }));
    t.clock.advance(1000);
    ok(await t.call('iam', 'CreateSAMLProvider', { Name: 'Auth0', SAMLMetadataDocument: idpMetadata() }));
    const after = ok<{ SAMLProviderUUID: string }>(await t.call('iam', 'GetSAMLProvider', { SAMLProviderArn: arnOf('Auth0') }));
    expect(after.SAMLProviderUUID).not.toBe(before.SAMLProviderUUID);
  });

  it('answers NoSuchEntity in AWS words for a provider that does not exist', async () => {
    expect(failure(await t.call('iam', 'GetSAMLProvider', { SAMLProviderArn: arnOf('NonExistentProvider') }))).toEqual({
      code: 'NoSuchEntity',
      message: `Manifest not found for arn ${arnOf('NonExistentProvider')}`,
      httpStatus: 404,
    });
  });

  it('refuses an ARN that is not a SAML provider ARN', async () => {
    const arn = 'arn:aws:iam::013823792818:role/NotAProvider';
    expect(failure(await t.call('iam', 'GetSAMLProvider', { SAMLProviderArn: arn }))).toEqual({ code: 'InvalidInput', message: `ARN ${arn} is not valid.`, httpStatus: 400 });
  });

  it('authorizes on the provider ARN with its tags, before revealing existence', async () => {
    ok(await t.call('iam', 'CreateSAMLProvider', { Name: 'Blue', SAMLMetadataDocument: idpMetadata(), ...tagParams([['Team', 'blue']]) }));
    ok(await t.call('iam', 'CreateSAMLProvider', { Name: 'Red', SAMLMetadataDocument: idpMetadata(), ...tagParams([['Team', 'red']]) }));
    const user = await createUser(t, 'viewer', {
      p: policy({ Effect: 'Allow', Action: 'iam:GetSAMLProvider', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Team': 'blue' } } }),
    });
    ok(await t.call('iam', 'GetSAMLProvider', { SAMLProviderArn: arnOf('Blue') }, { credentials: user }));
    expectDenied(await t.call('iam', 'GetSAMLProvider', { SAMLProviderArn: arnOf('Red') }, { credentials: user }), user.arn, 'iam:GetSAMLProvider', arnOf('Red'));
    expectDenied(await t.call('iam', 'GetSAMLProvider', { SAMLProviderArn: arnOf('Ghost') }, { credentials: user }), user.arn, 'iam:GetSAMLProvider', arnOf('Ghost'));
    const other = await createUser(t, 'other', { p: policy(allow('iam:ListSAMLProviders')) });
    expectDenied(await t.call('iam', 'GetSAMLProvider', { SAMLProviderArn: arnOf('Blue') }, { credentials: other }), other.arn, 'iam:GetSAMLProvider', arnOf('Blue'));
  });
});
