// The seed guide end to end through the real IdP (DESIGN.md §1): jane logs in at the Identity Provider
// Login URL, the guide's rule runs verbatim in the sandbox with the classic add-on settings of
// auth0.md §1.1, and the auto-posted SAMLResponse carries exactly the four attributes of §1.3, signed
// as Auth0 signs. Other people's code checks it (xmlsec1; node-saml as an SP), our own verifier
// accepts it against the IdP's own metadata, and the control plane — the IdP metadata registered as
// an IAM SAML provider — turns it into credentials tagged CostCenter=marketing, Project=website.

import { AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateRoleCommand, CreateSAMLProviderCommand, IAMClient } from '@aws-sdk/client-iam';
import { SAML } from '@node-saml/node-saml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSessionToken } from '../../src/services/session.js';
import { parseIdpMetadata } from '../../src/saml/metadata.js';
import { ALG, ATTRNAME_FORMAT, NAMEID_FORMAT, NS } from '../../src/saml/ns.js';
import { verifySamlResponse } from '../../src/saml/verify.js';
import { child, children, childElements, parseXmlStrict, textOnly } from '../../src/saml/xml.js';
import { xmlsec1Verify } from '../support/xmlsec1-sign.js';
import { ADMIN, AWS_SIGNIN, Browser, decodeXml, JANE_EMAIL, JANE_PASSWORD, postedForm, seedWorld, startHarness, type Harness, type SeedWorld } from './support.js';

const ACCOUNT = '013823792818';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/AccessByCostCenter`;
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/auth0SamlProvider`;
/** auth0.md §1.3: exactly these, in the rule's mapping order. */
const EXPECTED = [
  ['https://aws.amazon.com/SAML/Attributes/Role', `${ROLE_ARN},${PROVIDER_ARN}`],
  ['https://aws.amazon.com/SAML/Attributes/RoleSessionName', JANE_EMAIL],
  ['https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter', 'marketing'],
  ['https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project', 'website'],
] as const;

let h: Harness;
let world: SeedWorld;
let samlResponse: string;
let xml: string;
let metadataXml: string;

beforeAll(async () => {
  h = await startHarness();
  world = await seedWorld(h.idp);
  const browser = new Browser(h.url);
  const reply = await browser.login(`/samlp/${world.app.clientId}`, JANE_EMAIL, JANE_PASSWORD);
  expect(reply.status, reply.body.slice(0, 500)).toBe(200);
  const form = postedForm(reply.body);
  expect(form.action).toBe(AWS_SIGNIN);
  expect(form.RelayState).toBe('');
  samlResponse = form.SAMLResponse as string;
  xml = decodeXml(samlResponse);
  metadataXml = (await browser.get(`/samlp/metadata/${world.app.clientId}`)).body;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe("the seed's rule, verbatim, for jane with the classic add-on settings", () => {
  it('yields exactly the four attributes of auth0.md §1.3, typed xs:string with the uri NameFormat', () => {
    const doc = parseXmlStrict(xml);
    const assertion = child(doc.documentElement as Element, NS.assertion, 'Assertion') as Element;
    const statement = child(assertion, NS.assertion, 'AttributeStatement') as Element;
    const attributes = children(statement, NS.assertion, 'Attribute').map((a) => {
      const values = children(a, NS.assertion, 'AttributeValue');
      expect(values).toHaveLength(1);
      expect((values[0] as Element).getAttributeNS(NS.xsi, 'type')).toBe('xs:string');
      expect(a.getAttribute('NameFormat')).toBe(ATTRNAME_FORMAT.uri);
      return [a.getAttribute('Name'), textOnly(values[0] as Element)];
    });
    expect(attributes).toEqual(EXPECTED.map(([n, v]) => [n, v]));
  });

  it('falls back to the user_id as a persistent NameID: the rule replaced the mappings the probe needed (§1.3 finding 3)', () => {
    const doc = parseXmlStrict(xml);
    const subject = child(child(doc.documentElement as Element, NS.assertion, 'Assertion') as Element, NS.assertion, 'Subject') as Element;
    const nameId = child(subject, NS.assertion, 'NameID') as Element;
    expect(textOnly(nameId)).toBe(world.jane.userId);
    expect(nameId.getAttribute('Format')).toBe(NAMEID_FORMAT.persistent);
  });

  it('is shaped and signed as Auth0 signs: Response unsigned, Assertion signed right after its Issuer, rsa-sha256, exc-c14n', () => {
    const doc = parseXmlStrict(xml);
    const response = doc.documentElement as Element;
    expect(response.getAttribute('Destination')).toBe(AWS_SIGNIN);
    expect(response.hasAttribute('InResponseTo')).toBe(false);
    expect(response.getAttribute('ID')).toMatch(/^_[0-9a-f]{20}$/);
    expect(childElements(response).map((e) => e.localName)).toEqual(['Issuer', 'Status', 'Assertion']);
    const issuer = textOnly(child(response, NS.assertion, 'Issuer') as Element);
    expect(issuer).toBe(`urn:${new URL(h.url).host}`);
    const assertion = child(response, NS.assertion, 'Assertion') as Element;
    expect(childElements(assertion).map((e) => e.localName)).toEqual(['Issuer', 'Signature', 'Subject', 'Conditions', 'AuthnStatement', 'AttributeStatement']);
    const signedInfo = child(child(assertion, NS.ds, 'Signature') as Element, NS.ds, 'SignedInfo') as Element;
    expect(child(signedInfo, NS.ds, 'SignatureMethod')?.getAttribute('Algorithm')).toBe(ALG.rsaSha256);
    expect(child(signedInfo, NS.ds, 'CanonicalizationMethod')?.getAttribute('Algorithm')).toBe(ALG.excC14n);
    expect(child(signedInfo, NS.ds, 'Reference')?.getAttribute('URI')).toBe(`#${assertion.getAttribute('ID') ?? ''}`);
    const audience = child(child(child(assertion, NS.assertion, 'Conditions') as Element, NS.assertion, 'AudienceRestriction') as Element, NS.assertion, 'Audience') as Element;
    expect(textOnly(audience)).toBe(AWS_SIGNIN);
  });

  it('xmlsec1 verifies the assertion signature with the certificate the IdP publishes at /pem', async () => {
    const pem = await new Browser(h.url).get('/pem');
    expect(pem.status).toBe(200);
    const verdict = xmlsec1Verify(xml, pem.body, 'assertion');
    expect(verdict.ok, verdict.output).toBe(true);
  });

  it("our verifier accepts it against the IdP's own metadata", () => {
    const md = parseIdpMetadata(metadataXml);
    expect(md.entityId).toBe(h.idp.issuer);
    const verified = verifySamlResponse(samlResponse, { idp: { entityId: md.entityId, certificates: md.signingCertificates }, now: h.clock.now().getTime() });
    expect(verified.signed).toBe('assertion');
    expect(verified.attributes.map((a) => [a.name, a.values])).toEqual(EXPECTED.map(([n, v]) => [n, [v]]));
  });

  it('node-saml, as an SP trusting the metadata certificate, accepts the IdP-initiated response', async () => {
    const md = parseIdpMetadata(metadataXml);
    const sp = new SAML({
      idpCert: md.signingCertificates.map((c) => c),
      issuer: 'urn:amazon:webservices',
      callbackUrl: AWS_SIGNIN,
      audience: AWS_SIGNIN,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      acceptedClockSkewMs: 120_000,
    });
    const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: samlResponse });
    expect(profile?.issuer).toBe(h.idp.issuer);
    expect(profile?.['https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter']).toBe('marketing');
  });
});

describe('the whole chain through the real control plane', () => {
  it('registers the IdP metadata as auth0SamlProvider and AssumeRoleWithSAML yields credentials tagged CostCenter=marketing, Project=website', async () => {
    const config = { endpoint: h.url, region: 'us-east-1', maxAttempts: 1 };
    const iam = new IAMClient({ ...config, credentials: ADMIN });
    const created = await iam.send(new CreateSAMLProviderCommand({ Name: 'auth0SamlProvider', SAMLMetadataDocument: metadataXml }));
    expect(created.SAMLProviderArn).toBe(PROVIDER_ARN);
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'AccessByCostCenter',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'], Condition: { StringEquals: { 'SAML:aud': AWS_SIGNIN } } }],
        }),
      }),
    );
    const anonymous = new STSClient({
      ...config,
      credentials: async () => {
        throw new Error('AssumeRoleWithSAML must go unsigned');
      },
    });
    const out = await anonymous.send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: samlResponse }));
    const c = out.Credentials;
    expect(c?.AccessKeyId).toMatch(/^ASIA/);
    expect(out.Issuer).toBe(h.idp.issuer);
    expect(out.Subject).toBe(world.jane.userId);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/AccessByCostCenter/${JANE_EMAIL}`);
    const claims = openSessionToken(h.tessera.env.sealer, c?.SessionToken as string, c?.AccessKeyId as string);
    expect(claims?.tags).toEqual([
      { key: 'CostCenter', value: 'marketing' },
      { key: 'Project', value: 'website' },
    ]);
    // The session works as the role's: a signed call with it names the assumed role.
    const session = new STSClient({ ...config, credentials: { accessKeyId: c?.AccessKeyId as string, secretAccessKey: c?.SecretAccessKey as string, sessionToken: c?.SessionToken as string } });
    const who = await session.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/AccessByCostCenter/${JANE_EMAIL}`);
  });

  it('the tenant log records the success with the rule that ran', async () => {
    const logs = await h.idp.admin.logs();
    const success = logs.items.find((l) => l.type === 's' && l.clientId === world.app.clientId);
    expect(success).toMatchObject({ userId: world.jane.userId, userName: JANE_EMAIL, details: { sso: false, rules: ['AWS Session Tags'], actions: [] } });
  });
});
