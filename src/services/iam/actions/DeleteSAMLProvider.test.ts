import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createUser, expectDenied, idpMetadata, policy, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

const arnOf = (name: string) => `arn:aws:iam::013823792818:saml-provider/${name}`;

describe('DeleteSAMLProvider', () => {
  it('deletes the provider', async () => {
    ok(await t.call('iam', 'CreateSAMLProvider', { Name: 'Auth0', SAMLMetadataDocument: idpMetadata() }));
    expect(ok(await t.call('iam', 'DeleteSAMLProvider', { SAMLProviderArn: arnOf('Auth0') }))).toEqual({});
    expect(ok(await t.call('iam', 'ListSAMLProviders'))).toEqual({ SAMLProviderList: [] });
  });

  it('answers NoSuchEntity for a provider that does not exist', async () => {
    expect(failure(await t.call('iam', 'DeleteSAMLProvider', { SAMLProviderArn: arnOf('NonExistentProvider') }))).toEqual({
      code: 'NoSuchEntity',
      message: `Manifest not found for arn ${arnOf('NonExistentProvider')}`,
      httpStatus: 404,
    });
  });

  it('refuses an ARN that is not a SAML provider ARN', async () => {
    expect(failure(await t.call('iam', 'DeleteSAMLProvider', { SAMLProviderArn: 'not-an-arn-at-all-xx' })).code).toBe('InvalidInput');
  });

  it('denies by resource tag and keeps the provider', async () => {
    ok(await t.call('iam', 'CreateSAMLProvider', { Name: 'Prod', SAMLMetadataDocument: idpMetadata(), ...tagParams([['env', 'prod']]) }));
    const user = await createUser(t, 'admin', {
      p: policy(allow('iam:*'), { Effect: 'Deny', Action: 'iam:DeleteSAMLProvider', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } } }),
    });
    expectDenied(await t.call('iam', 'DeleteSAMLProvider', { SAMLProviderArn: arnOf('Prod') }, { credentials: user }), user.arn, 'iam:DeleteSAMLProvider', arnOf('Prod'), true);
    expect(await t.store.samlProviders.get(arnOf('Prod'))).toBeDefined();
  });
});
