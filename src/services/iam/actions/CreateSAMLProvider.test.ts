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
const create = (params: Record<string, string>, credentials?: Parameters<TestServices['call']>[3]) =>
  t.call('iam', 'CreateSAMLProvider', { SAMLMetadataDocument: idpMetadata(), ...params }, credentials);

describe('CreateSAMLProvider', () => {
  it('registers the provider and answers its ARN', async () => {
    expect(ok(await create({ Name: 'Auth0' }))).toEqual({ SAMLProviderArn: arnOf('Auth0') });
    const stored = await t.store.samlProviders.get(arnOf('Auth0'));
    expect(stored?.samlMetadataDocument).toBe(idpMetadata());
    expect(stored?.createDate).toEqual(new Date('2026-03-01T10:00:00Z'));
    // Without validUntil in the metadata IAM sets creation + 100 years (CLI example get-saml-provider).
    expect(stored?.validUntil).toEqual(new Date('2126-03-01T10:00:00Z'));
  });

  it('takes ValidUntil from the metadata’s validUntil', async () => {
    ok(await create({ Name: 'Okta', SAMLMetadataDocument: idpMetadata('urn:okta', { validUntil: '2030-06-30T12:00:00.000Z' }) }));
    expect((await t.store.samlProviders.get(arnOf('Okta')))?.validUntil).toEqual(new Date('2030-06-30T12:00:00Z'));
  });

  it('answers the tags given on create', async () => {
    expect(ok(await create({ Name: 'Auth0', ...tagParams([['DeptID', '123456'], ['Department', 'Accounting']]) }))).toEqual({
      SAMLProviderArn: arnOf('Auth0'),
      Tags: [
        { Key: 'DeptID', Value: '123456' },
        { Key: 'Department', Value: 'Accounting' },
      ],
    });
  });

  it.each([
    ['metadata without a signing certificate', idpMetadata().replace(/<KeyDescriptor[\s\S]*<\/KeyDescriptor>/, '') + ' '.repeat(1000)],
    ['metadata that is not XML', `not xml ${'x'.repeat(1200)}`],
    ['metadata with a DTD (XXE)', `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${idpMetadata()}`],
    ['metadata with a byte order mark', `\uFEFF${idpMetadata()}`],
    ['metadata with a validUntil that is no date', idpMetadata('urn:x', { validUntil: 'tomorrow' })],
  ])('refuses %s with InvalidInput, storing nothing', async (_what, doc) => {
    expect(failure(await create({ Name: 'Bad', SAMLMetadataDocument: doc }))).toEqual({ code: 'InvalidInput', message: 'Could not parse metadata', httpStatus: 400 });
    expect(await t.store.samlProviders.get(arnOf('Bad'))).toBeUndefined();
    // The reason is for the admin, in the audit log only.
    expect(t.auditRecords.at(-1)?.tessera).toMatchObject({ metadataRefused: { code: expect.stringMatching(/^ERR_METADATA_/) } });
  });

  it('refuses a document under 1,000 characters and a bad name through the model', async () => {
    expect(failure(await create({ Name: 'Short', SAMLMetadataDocument: '<EntityDescriptor/>' })).code).toBe('ValidationError');
    expect(failure(await create({ Name: 'bad name!' })).code).toBe('ValidationError');
  });

  it('refuses a name that exists with EntityAlreadyExists', async () => {
    ok(await create({ Name: 'Auth0' }));
    expect(failure(await create({ Name: 'Auth0' }))).toEqual({
      code: 'EntityAlreadyExists',
      message: 'SAMLProvider with name Auth0 already exists.',
      httpStatus: 409,
    });
  });

  it('refuses a 101st provider with LimitExceeded', async () => {
    for (let i = 0; i < 100; i++) {
      await t.store.samlProviders.create({ arn: arnOf(`P${i}`), name: `P${i}`, samlMetadataDocument: idpMetadata(), createDate: new Date(), tags: [] });
    }
    expect(failure(await create({ Name: 'OneTooMany' }))).toEqual({
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for SAMLProvidersPerAccount: 100',
      httpStatus: 409,
    });
  });

  it('refuses assertion encryption it cannot honour', async () => {
    expect(failure(await create({ Name: 'Enc', AssertionEncryptionMode: 'Required' })).code).toBe('InvalidInput');
    expect(failure(await create({ Name: 'Enc', AddPrivateKey: 'x'.repeat(100) })).code).toBe('InvalidInput');
    expect(await t.store.samlProviders.get(arnOf('Enc'))).toBeUndefined();
    ok(await create({ Name: 'Enc', AssertionEncryptionMode: 'Allowed' }));
  });

  it('refuses duplicate tag keys', async () => {
    expect(failure(await create({ Name: 'Dup', ...tagParams([['Team', 'a'], ['team', 'b']]) })).code).toBe('InvalidInput');
  });

  describe('authorization', () => {
    it('denies a user allowed on other provider names only, in AWS words', async () => {
      const user = await createUser(t, 'idp-admin', { p: policy(allow('iam:CreateSAMLProvider', arnOf('corp-*'))) });
      ok(await create({ Name: 'corp-okta' }, { credentials: user }));
      expectDenied(await create({ Name: 'Evil' }, { credentials: user }), user.arn, 'iam:CreateSAMLProvider', arnOf('Evil'));
      expect(await t.store.samlProviders.get(arnOf('Evil'))).toBeUndefined();
    });

    it('passes the request tags to the engine and needs iam:TagSAMLProvider to tag', async () => {
      const user = await createUser(t, 'idp-admin', {
        p: policy(allow(['iam:CreateSAMLProvider', 'iam:TagSAMLProvider']), {
          Effect: 'Deny',
          Action: 'iam:CreateSAMLProvider',
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestTag/Team': 'x' } },
        }),
      });
      expectDenied(await create({ Name: 'X', ...tagParams([['Team', 'x']]) }, { credentials: user }), user.arn, 'iam:CreateSAMLProvider', arnOf('X'), true);
      ok(await create({ Name: 'Y', ...tagParams([['Team', 'y']]) }, { credentials: user }));
      const noTagging = await createUser(t, 'no-tagging', { p: policy(allow('iam:CreateSAMLProvider')) });
      expectDenied(await create({ Name: 'Z', ...tagParams([['Team', 'z']]) }, { credentials: noTagging }), noTagging.arn, 'iam:TagSAMLProvider', arnOf('Z'));
    });

    it('denies before checking the metadata', async () => {
      const user = await createUser(t, 'nobody', { p: policy(allow('iam:ListSAMLProviders')) });
      expectDenied(await create({ Name: 'X', SAMLMetadataDocument: `not xml ${'x'.repeat(1200)}` }, { credentials: user }), user.arn, 'iam:CreateSAMLProvider', arnOf('X'));
    });
  });
});
