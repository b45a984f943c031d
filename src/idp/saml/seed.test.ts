// The seed guide end to end through src/idp/saml (reference/auth0.md §1): the rule of §1.2 and the
// Action of §7.5, each run verbatim in-process (the sandbox is not this module's: here they only
// produce the data a sandbox would return), the classic add-on settings of §1.1, the Response
// rendered and signed by src/saml/response.ts, then read back the way AWS STS reads it: the IdP
// metadata registered as the SAML provider, verifySamlResponse on the posted base64, readAwsClaims.

import { describe, expect, it } from 'vitest';
import { readAwsClaims } from '../../saml/aws.js';
import { encodePostBinding } from '../../saml/bindings.js';
import { createSigningCredential } from '../../saml/keys.js';
import { buildIdpMetadata, parseIdpMetadata } from '../../saml/metadata.js';
import { ATTRNAME_FORMAT, AWS_SIGNIN_URL, NAMEID_FORMAT, NS } from '../../saml/ns.js';
import { buildResponse } from '../../saml/response.js';
import { verifySamlResponse } from '../../saml/verify.js';
import { children, parseXmlStrict, textOnly } from '../../saml/xml.js';
import { xmlsec1Verify } from '../../../test/support/xmlsec1-sign.js';
import { applyActionCommands, applyRuleConfiguration, SAML_RESPONSE_SETTERS, samlConfigurationForRules, type ActionCommand } from './precedence.js';
import { assertionSpec, signingOptionsFor } from './response-spec.js';
import { effectiveSamlConfiguration, parseAddonSettings, type AddonSettings, type SamlConfiguration } from './settings.js';

// reference/auth0.md §1.2, verbatim (an anonymous function expression, as Auth0 stores it).
const SEED_RULE = `function(user, context, callback) {
  var awsAccount = '013823792818';
  var rolePrefix = \`arn:aws:iam::\` + awsAccount;
  var samlIdP = rolePrefix + \`:saml-provider/auth0SamlProvider\`;
  user.awsRole = rolePrefix + \`:role/AccessByCostCenter,\` + samlIdP;
  user.awsRoleSession = user.email;
  user.awsTagKeys = ['CostCenter', 'Project'];
  user.CostCenter = 'marketing';
  user.Project = 'website';
  context.samlConfiguration.mappings = {
    'https://aws.amazon.com/SAML/Attributes/Role': 'awsRole',
    'https://aws.amazon.com/SAML/Attributes/RoleSessionName': 'awsRoleSession',
    'https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter': 'CostCenter',
    'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project': 'Project'
  };
  callback(null, user, context);
}`;

// reference/auth0.md §7.5, verbatim.
const SEED_ACTION = `exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction?.protocol !== 'samlp') return;
  const acct = '013823792818', p = \`arn:aws:iam::\${acct}\`;
  api.samlResponse.setAttribute('https://aws.amazon.com/SAML/Attributes/Role', \`\${p}:role/AccessByCostCenter,\${p}:saml-provider/auth0SamlProvider\`);
  api.samlResponse.setAttribute('https://aws.amazon.com/SAML/Attributes/RoleSessionName', event.user.email);
  api.samlResponse.setAttribute('https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter', 'marketing');
  api.samlResponse.setAttribute('https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project', 'website');
};`;

// reference/auth0.md §1.1, the settings JSON as an admin pastes it.
const CLASSIC_SETTINGS = `{ "audience": "https://signin.aws.amazon.com/saml",
  "mappings": { "email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                "name":  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name" },
  "createUpnClaim": false, "passthroughClaimsWithNoMapping": false, "mapUnknownClaimsAsIs": false,
  "mapIdentities": false,
  "nameIdentifierFormat": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
  "nameIdentifierProbes": ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"] }`;

const TENANT_HOST = 'tessera.example.com';
const CLIENT_ID = 'AWSConsoleClient0000000000000001';
const NOW = Date.UTC(2024, 2, 12, 20, 53, 5, 219);
const ROLE_PAIR = 'arn:aws:iam::013823792818:role/AccessByCostCenter,arn:aws:iam::013823792818:saml-provider/auth0SamlProvider';
const AWS_ATTRIBUTES = [
  'https://aws.amazon.com/SAML/Attributes/Role',
  'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
  'https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter',
  'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project',
];

/** jane@example.com as a database connection's user (§6.3). */
function jane(): Record<string, unknown> {
  return {
    user_id: 'auth0|65f0a1b2c3d4e5f6a7b8c9d0',
    email: 'jane@example.com',
    email_verified: true,
    name: 'Jane Doe',
    nickname: 'jane',
    picture: 'https://s.gravatar.com/avatar/0f1e2d.png?s=480&r=pg',
    created_at: new Date(Date.UTC(2024, 0, 15, 9, 30)),
    updated_at: new Date(Date.UTC(2024, 2, 12, 20, 50)),
    identities: [{ user_id: '65f0a1b2c3d4e5f6a7b8c9d0', provider: 'auth0', connection: 'Username-Password-Authentication', isSocial: false }],
    user_metadata: {},
  };
}

const credential = await createSigningCredential({ host: TENANT_HOST, notBefore: Date.UTC(2024, 0, 1) });
// §1.1: the IAM provider is created from the add-on's "Identity Provider Metadata".
const registered = parseIdpMetadata(
  buildIdpMetadata({
    entityId: `urn:${TENANT_HOST}`,
    signingCertificates: [credential.certificateBase64],
    ssoUrl: `https://${TENANT_HOST}/samlp/${CLIENT_ID}`,
    sloUrl: `https://${TENANT_HOST}/samlp/${CLIENT_ID}/logout`,
  }),
);

function classicConfiguration(): SamlConfiguration {
  const parsed = parseAddonSettings(CLASSIC_SETTINGS);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  expect(parsed.warnings).toEqual([]);
  return effectiveSamlConfiguration(parsed.settings as AddonSettings, { tenantIssuer: `urn:${TENANT_HOST}`, callbackUrl: AWS_SIGNIN_URL });
}

/** What the rules sandbox returns: copies of `user` and `context.samlConfiguration` after the callback. */
function runRule(script: string, user: Record<string, unknown>, samlConfiguration: Record<string, unknown>): { user: Record<string, unknown>; samlConfiguration: unknown } {
  const rule = new Function(`return (${script});`)() as (u: unknown, c: unknown, cb: (err: unknown, u: unknown, c: unknown) => void) => void;
  const context = { clientID: CLIENT_ID, clientName: 'AWS Console', protocol: 'samlp', samlConfiguration };
  let out: { user: Record<string, unknown>; samlConfiguration: unknown } | undefined;
  rule(structuredClone(user), structuredClone(context), (err, u, c) => {
    if (err !== null) throw err as Error;
    out = structuredClone({ user: u as Record<string, unknown>, samlConfiguration: (c as { samlConfiguration: unknown }).samlConfiguration });
  });
  if (out === undefined) throw new Error('the rule did not call back');
  return out;
}

/** What the Actions sandbox returns: the `api.samlResponse.*` calls, in order. */
async function runAction(code: string, user: Record<string, unknown>): Promise<ActionCommand[]> {
  const commands: ActionCommand[] = [];
  const samlResponse: Record<string, (...args: unknown[]) => void> = {
    setAttribute: (name, value) => commands.push({ kind: 'samlResponse.setAttribute', name: name as string, value: structuredClone(value) }),
  };
  for (const method of Object.keys(SAML_RESPONSE_SETTERS) as Array<keyof typeof SAML_RESPONSE_SETTERS>) {
    samlResponse[method] = (value) => commands.push({ kind: 'samlResponse.set', method, value: structuredClone(value) });
  }
  const exports: { onExecutePostLogin?: (event: unknown, api: unknown) => Promise<void> } = {};
  new Function('exports', code)(exports);
  const event = { user: Object.freeze(structuredClone(user)), client: { client_id: CLIENT_ID, name: 'AWS Console' }, transaction: { protocol: 'samlp' } };
  await exports.onExecutePostLogin?.(event, { samlResponse });
  return commands;
}

function attributesOf(xml: string): Array<{ name: string; nameFormat: string | null; values: Array<[string, string]> }> {
  const assertion = children(parseXmlStrict(xml).documentElement as Element, NS.assertion, 'Assertion')[0] as Element;
  const statement = children(assertion, NS.assertion, 'AttributeStatement')[0] as Element;
  return children(statement, NS.assertion, 'Attribute').map((a) => ({
    name: a.getAttribute('Name') ?? '',
    nameFormat: a.getAttribute('NameFormat'),
    values: children(a, NS.assertion, 'AttributeValue').map((v) => [v.getAttributeNS(NS.xsi, 'type') ?? '', textOnly(v) ?? ''] as [string, string]),
  }));
}

describe('the seed rule with the classic add-on settings (reference/auth0.md §1.3)', async () => {
  const base = classicConfiguration();
  const ruleView = samlConfigurationForRules(base);
  const { user, samlConfiguration } = runRule(SEED_RULE, jane(), ruleView);
  const config = applyRuleConfiguration(base, samlConfiguration);
  const plan = assertionSpec(user, config, { now: NOW, clientId: CLIENT_ID });
  const xml = buildResponse(plan.spec, signingOptionsFor(plan.signing, credential));
  const posted = encodePostBinding(xml);

  it('runs the verbatim rule: user gains awsRole, awsRoleSession, awsTagKeys, CostCenter and Project; mappings are in rule direction', () => {
    expect(ruleView).toEqual({});
    expect(user).toMatchObject({ awsRole: ROLE_PAIR, awsRoleSession: 'jane@example.com', awsTagKeys: ['CostCenter', 'Project'], CostCenter: 'marketing', Project: 'website' });
    expect(config.mappings).toEqual({
      source: 'rule',
      pairs: [
        { samlName: AWS_ATTRIBUTES[0], profilePath: 'awsRole' },
        { samlName: AWS_ATTRIBUTES[1], profilePath: 'awsRoleSession' },
        { samlName: AWS_ATTRIBUTES[2], profilePath: 'CostCenter' },
        { samlName: AWS_ATTRIBUTES[3], profilePath: 'Project' },
      ],
    });
  });

  it('yields exactly the four attributes of §1.3, NameFormat uri and xs:string, and nothing else', () => {
    expect(attributesOf(xml)).toEqual([
      { name: AWS_ATTRIBUTES[0], nameFormat: ATTRNAME_FORMAT.uri, values: [['xs:string', ROLE_PAIR]] },
      { name: AWS_ATTRIBUTES[1], nameFormat: ATTRNAME_FORMAT.uri, values: [['xs:string', 'jane@example.com']] },
      { name: AWS_ATTRIBUTES[2], nameFormat: ATTRNAME_FORMAT.uri, values: [['xs:string', 'marketing']] },
      { name: AWS_ATTRIBUTES[3], nameFormat: ATTRNAME_FORMAT.uri, values: [['xs:string', 'website']] },
    ]);
    expect(xml).toContain(
      '<saml:AttributeStatement xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        `<saml:Attribute Name="${AWS_ATTRIBUTES[0]}" NameFormat="${ATTRNAME_FORMAT.uri}"><saml:AttributeValue xsi:type="xs:string">${ROLE_PAIR}</saml:AttributeValue></saml:Attribute>` +
        `<saml:Attribute Name="${AWS_ATTRIBUTES[1]}" NameFormat="${ATTRNAME_FORMAT.uri}"><saml:AttributeValue xsi:type="xs:string">jane@example.com</saml:AttributeValue></saml:Attribute>` +
        `<saml:Attribute Name="${AWS_ATTRIBUTES[2]}" NameFormat="${ATTRNAME_FORMAT.uri}"><saml:AttributeValue xsi:type="xs:string">marketing</saml:AttributeValue></saml:Attribute>` +
        `<saml:Attribute Name="${AWS_ATTRIBUTES[3]}" NameFormat="${ATTRNAME_FORMAT.uri}"><saml:AttributeValue xsi:type="xs:string">website</saml:AttributeValue></saml:Attribute>` +
        '</saml:AttributeStatement></saml:Assertion></samlp:Response>',
    );
    for (const gone of ['emailaddress', 'awsTagKeys', 'TransitiveTagKeys', '/upn', 'identities/default', 'schemas.auth0.com']) expect(xml).not.toContain(gone);
  });

  it('sends NameID = user_id, Format persistent: the [emailaddress] probe finds nothing once the rule replaced the mappings (§1.3 finding 3, §3.9)', () => {
    expect(xml).toContain(`<saml:NameID Format="${NAMEID_FORMAT.persistent}">auth0|65f0a1b2c3d4e5f6a7b8c9d0</saml:NameID>`);
    expect(plan.diagnostics.map((d) => d.code)).toEqual(['NAMEID_FALLBACK']);
  });

  it('is addressed to AWS: Destination, Recipient and Audience are the sign-in endpoint; posted to callbacks[0]', () => {
    expect(xml).toContain(`Destination="${AWS_SIGNIN_URL}"`);
    expect(xml).toContain(`Recipient="${AWS_SIGNIN_URL}"`);
    expect(xml).toContain(`<saml:Audience>${AWS_SIGNIN_URL}</saml:Audience>`);
    expect(plan.postUrl).toBe(AWS_SIGNIN_URL);
  });

  it('passes the STS verifier with the registered metadata, and AWS reads the role pair and the two session tags', () => {
    const verified = verifySamlResponse(posted, { idp: { entityId: registered.entityId, certificates: registered.signingCertificates }, now: NOW + 2000 });
    expect(verified.signed).toBe('assertion');
    expect(verified.warnings).toEqual([]);
    expect(verified.attributes.map((a) => a.name)).toEqual(AWS_ATTRIBUTES);
    const aws = readAwsClaims(verified);
    expect(aws).toEqual({
      roles: [{ roleArn: 'arn:aws:iam::013823792818:role/AccessByCostCenter', principalArn: 'arn:aws:iam::013823792818:saml-provider/auth0SamlProvider' }],
      roleSessionName: 'jane@example.com',
      sessionDuration: undefined,
      sessionTags: [
        { key: 'CostCenter', value: 'marketing' },
        { key: 'Project', value: 'website' },
      ],
      transitiveTagKeys: [],
      sourceIdentity: undefined,
      problems: [],
      ignoredRoleValues: [],
    });
  });

  it('xmlsec1 verifies the assertion signature with the registered certificate', () => {
    const verdict = xmlsec1Verify(xml, credential.certificatePem, 'assertion');
    expect(verdict.ok, verdict.output).toBe(true);
  });
});

describe('the Actions migration of the seed (reference/auth0.md §7.5)', async () => {
  const base = classicConfiguration();
  const commands = await runAction(SEED_ACTION, jane());
  const config = applyActionCommands(base, commands);
  const plan = assertionSpec(jane(), config, { now: NOW, clientId: CLIENT_ID });
  const xml = buildResponse(plan.spec, signingOptionsFor(plan.signing, credential));

  it('runs the verbatim Action: four setAttribute calls, nothing else', () => {
    expect(commands.map((c) => (c.kind === 'samlResponse.setAttribute' ? c.name : c.method))).toEqual(AWS_ATTRIBUTES);
  });

  it('keeps the add-on mappings: emailaddress and name come first, then the four AWS attributes', () => {
    expect(attributesOf(xml).map((a) => [a.name, a.nameFormat, a.values])).toEqual([
      ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', ATTRNAME_FORMAT.uri, [['xs:string', 'jane@example.com']]],
      ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', ATTRNAME_FORMAT.uri, [['xs:string', 'Jane Doe']]],
      [AWS_ATTRIBUTES[0], ATTRNAME_FORMAT.uri, [['xs:string', ROLE_PAIR]]],
      [AWS_ATTRIBUTES[1], ATTRNAME_FORMAT.uri, [['xs:string', 'jane@example.com']]],
      [AWS_ATTRIBUTES[2], ATTRNAME_FORMAT.uri, [['xs:string', 'marketing']]],
      [AWS_ATTRIBUTES[3], ATTRNAME_FORMAT.uri, [['xs:string', 'website']]],
    ]);
  });

  it('gives NameID = email, Format persistent: the [emailaddress] probe now succeeds', () => {
    expect(xml).toContain(`<saml:NameID Format="${NAMEID_FORMAT.persistent}">jane@example.com</saml:NameID>`);
    expect(plan.diagnostics).toEqual([]);
  });

  it('passes the STS verifier; AWS reads the same role pair and session tags and ignores the extra claims', () => {
    const verified = verifySamlResponse(encodePostBinding(xml), { idp: { entityId: registered.entityId, certificates: registered.signingCertificates }, now: NOW + 2000 });
    const aws = readAwsClaims(verified);
    expect(aws.roles).toEqual([{ roleArn: 'arn:aws:iam::013823792818:role/AccessByCostCenter', principalArn: 'arn:aws:iam::013823792818:saml-provider/auth0SamlProvider' }]);
    expect(aws.roleSessionName).toBe('jane@example.com');
    expect(aws.sessionTags).toEqual([
      { key: 'CostCenter', value: 'marketing' },
      { key: 'Project', value: 'website' },
    ]);
    expect(aws.problems).toEqual([]);
  });
});
