// sts:AssumeRoleWithSAML through the invoke pipeline, unsigned as the SDKs send it: SAML responses
// built and signed by the independent test producer (test/support/saml-fixtures.ts) and by the IdP's
// own builder, a provider registered from metadata, roles with trust policies; then the issued
// credentials used (and abused) against GetCallerIdentity.

import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, randomIds } from '../../../kernel/index.js';
import { createServiceEnv } from '../../../main.js';
import { policySize } from '../../../policy/index.js';
import { createSigningCredential } from '../../../saml/keys.js';
import { buildIdpMetadata } from '../../../saml/metadata.js';
import { AWS_ATTRIBUTE, AWS_SIGNIN_URL, NAMEID_FORMAT } from '../../../saml/ns.js';
import { buildResponse as buildIdpResponse, encodePostBinding } from '../../../saml/response.js';
import { open as openSqliteStore } from '../../../store/sqlite/index.js';
import type { Role, Tag } from '../../../store/port.js';
import { memoryAuditSink } from '../../audit.js';
import { invoke } from '../../invoke.js';
import type { ApiOutcome } from '../../invoke.js';
import { Sealer } from '../../sealer.js';
import { openSessionToken } from '../../session.js';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import {
  b64,
  fixtureKeys,
  iso,
  replaceOnce,
  signAs,
  T0,
  unsignedXml,
  IDP_ENTITY_ID,
  type ResponseSpec,
  type SpecAttribute,
  type TestKey,
} from '../../../../test/support/saml-fixtures.js';
import type { AssumeRoleWithSAMLResponse, GetCallerIdentityResponse } from '../types.js';

const keys = fixtureKeys();
const PROVIDER_NAME = 'Corp';
const PROVIDER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${PROVIDER_NAME}`;
const ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/ReadOnly`;
const DEV_ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/engineering/Developer`;
const EMAIL_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';
const STATIC_SIGNIN_URL = 'https://signin.aws.amazon.com/static/saml';

/** The console's "SAML 2.0 federation" trust policy, with session tags (IAM User Guide, id_roles_create_for-idp_saml). */
function trustPolicy(actions: readonly string[] = ['sts:AssumeRoleWithSAML', 'sts:TagSession'], condition?: Record<string, unknown>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER_ARN },
        Action: actions,
        Condition: condition ?? { StringEquals: { 'SAML:aud': AWS_SIGNIN_URL } },
      },
    ],
  });
}

function attrs(overrides: { role?: readonly string[]; sessionName?: readonly string[] | null; extra?: readonly SpecAttribute[]; tags?: readonly SpecAttribute[] } = {}): SpecAttribute[] {
  const out: SpecAttribute[] = [
    { name: EMAIL_CLAIM, values: ['alice@corp.example'] },
    { name: AWS_ATTRIBUTE.role, values: overrides.role ?? [`${ROLE_ARN},${PROVIDER_ARN}`] },
  ];
  if (overrides.sessionName !== null) out.push({ name: AWS_ATTRIBUTE.roleSessionName, values: overrides.sessionName ?? ['alice'] });
  out.push(
    ...(overrides.tags ?? [
      { name: `${AWS_ATTRIBUTE.principalTagPrefix}Department`, values: ['engineering'] },
      { name: `${AWS_ATTRIBUTE.principalTagPrefix}CostCenter`, values: ['1234'] },
      { name: AWS_ATTRIBUTE.transitiveTagKeys, values: ['Department'] },
    ]),
  );
  out.push(...(overrides.extra ?? []));
  return out;
}

let assertions = 0;

/**
 * A base64 SAML Response issued at `at` (default T0), signed by `key` (default: the registered IdP
 * key), with an assertion ID of its own: STS redeems each assertion once (P16).
 */
function saml(overrides: Partial<ResponseSpec> = {}, o: { at?: number; key?: TestKey; shape?: 'B' | 'B_resp' | 'B_both' } = {}): string {
  const xml = unsignedXml(o.at ?? T0, { attributes: attrs(), assertionId: `_assertion${++assertions}`, ...overrides });
  return b64(signAs(xml, o.shape ?? 'B', o.key === undefined ? {} : { key: o.key }));
}

let t: TestServices;
let readOnly: Role;

async function createRole(name: string, trust: string, extra: { path?: string; maxSessionDuration?: number; tags?: Tag[] } = {}): Promise<Role> {
  const path = extra.path ?? '/';
  return t.store.roles.create({
    roleId: t.env.ids.uniqueId('AROA'),
    roleName: name,
    path,
    arn: `arn:aws:iam::${TEST_ACCOUNT}:role${path}${name}`,
    assumeRolePolicyDocument: trust,
    maxSessionDuration: extra.maxSessionDuration ?? 3600,
    createDate: new Date(T0 - 86_400_000),
    tags: extra.tags ?? [],
  });
}

/** Registers a SAML provider as an administrator would: IAM CreateSAMLProvider, signed by the admin. */
async function registerProvider(name: string, metadata: string): Promise<string> {
  const out = ok<{ SAMLProviderArn: string }>(await t.call('iam', 'CreateSAMLProvider', { Name: name, SAMLMetadataDocument: metadata }));
  expect(out.SAMLProviderArn).toBe(`arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${name}`);
  return out.SAMLProviderArn;
}

async function setTrust(role: string, trust: string): Promise<void> {
  await t.store.roles.update(role, { assumeRolePolicyDocument: trust });
}

function assume(assertion: string, params: Record<string, string> = {}, role = ROLE_ARN): Promise<ApiOutcome> {
  return t.call('sts', 'AssumeRoleWithSAML', { RoleArn: role, PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion, ...params }, { credentials: 'unsigned' });
}

function denied(outcome: ApiOutcome): void {
  expect(failure(outcome)).toEqual({ code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithSAML', httpStatus: 403 });
}

function sessionCredentials(out: AssumeRoleWithSAMLResponse): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

beforeEach(async () => {
  t = await createTestServices({ now: new Date(T0) });
  await registerProvider(
    PROVIDER_NAME,
    buildIdpMetadata({
      entityId: IDP_ENTITY_ID,
      signingCertificates: [keys.idp.certBase64],
      ssoUrl: 'https://corp-test.eu.auth0.com/samlp/client',
      sloUrl: 'https://corp-test.eu.auth0.com/samlp/client/logout',
    }),
  );
  readOnly = await createRole('ReadOnly', trustPolicy());
});
afterEach(async () => {
  await t.close();
});

describe('AssumeRoleWithSAML: issuing credentials', () => {
  it('answers an unsigned call with every response field AWS derives', async () => {
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml()));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials?.SessionToken.length).toBeGreaterThan(100);
    expect(out.Credentials?.Expiration).toEqual(new Date(T0 + 3600_000));
    expect(out.AssumedRoleUser).toEqual({ AssumedRoleId: `${readOnly.roleId}:alice`, Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ReadOnly/alice` });
    // (Department + engineering + CostCenter + 1234) = 35 characters of 2048 → ceil(1.7) %.
    expect(out.PackedPolicySize).toBe(2);
    expect(out.Subject).toBe('alice@corp.example');
    // Not a SAML 2.0 nameid-format: returned unmodified (STS model, SubjectType).
    expect(out.SubjectType).toBe(NAMEID_FORMAT.emailAddress);
    expect(out.Issuer).toBe(IDP_ENTITY_ID);
    expect(out.Audience).toBe(AWS_SIGNIN_URL);
    expect(out.NameQualifier).toBe(createHash('sha1').update(`${IDP_ENTITY_ID}${TEST_ACCOUNT}/${PROVIDER_NAME}`).digest('base64'));
    expect(out.SourceIdentity).toBeUndefined();
  });

  it('renders the AssumeRoleWithSAMLResult XML an SDK parses', async () => {
    const answer = await t.http('sts', 'AssumeRoleWithSAML', { RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: saml() }, { credentials: 'unsigned' });
    expect(answer.status).toBe(200);
    const body = String(answer.body);
    expect(body).toContain('<AssumeRoleWithSAMLResult>');
    expect(body).toMatch(/<AccessKeyId>ASIA[A-Z2-7]{16}<\/AccessKeyId>/);
    expect(body).toContain('<Expiration>2026-06-01T13:00:00Z</Expiration>');
    expect(body).toContain(`<Arn>arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ReadOnly/alice</Arn>`);
    expect(body).toContain('<PackedPolicySize>2</PackedPolicySize>');
  });

  it('strips the SAML 2.0 nameid-format prefix from SubjectType', async () => {
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml({ nameId: '_a1b2c3', nameIdFormat: NAMEID_FORMAT.transient })));
    expect(out.Subject).toBe('_a1b2c3');
    expect(out.SubjectType).toBe('transient');
  });

  it('names the assumed role without its path', async () => {
    const dev = await createRole('Developer', trustPolicy(), { path: '/engineering/' });
    const assertion = saml({ attributes: attrs({ role: [`${DEV_ROLE_ARN},${PROVIDER_ARN}`] }) });
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(assertion, {}, DEV_ROLE_ARN));
    expect(out.AssumedRoleUser).toEqual({ AssumedRoleId: `${dev.roleId}:alice`, Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/alice` });
  });

  it('accepts a Response-signed and a doubly signed response', async () => {
    expect(ok(await assume(saml({}, { shape: 'B_resp' })))).toHaveProperty('AssumedRoleUser');
    expect(ok(await assume(saml({}, { shape: 'B_both' })))).toHaveProperty('AssumedRoleUser');
  });

  it('accepts the response of Tessera\'s own IdP builder (Auth0 shape, the seed\'s attributes)', async () => {
    const idp = await createSigningCredential({ host: 'tessera.example', notBefore: new Date(T0 - 86_400_000) });
    const provider = await registerProvider(
      'Tessera',
      buildIdpMetadata({ entityId: 'urn:tessera.example', signingCertificates: [idp.certificatePem], ssoUrl: 'https://tessera.example/samlp/c', sloUrl: 'https://tessera.example/samlp/c/logout' }),
    );
    const role = `arn:aws:iam::${TEST_ACCOUNT}:role/EC2Operator`;
    await createRole('EC2Operator', trustPolicy(['sts:AssumeRoleWithSAML', 'sts:TagSession']).replace(PROVIDER_ARN, provider));
    const xml = buildIdpResponse(
      {
        issuer: 'urn:tessera.example',
        destination: AWS_SIGNIN_URL,
        recipient: AWS_SIGNIN_URL,
        audiences: ['urn:amazon:webservices'],
        nameId: { value: 'jane@example.com', format: NAMEID_FORMAT.emailAddress },
        attributes: {
          [AWS_ATTRIBUTE.role]: `${role},${provider}`,
          [AWS_ATTRIBUTE.roleSessionName]: 'jane@example.com',
          [`${AWS_ATTRIBUTE.principalTagPrefix}CostCenter`]: 'marketing',
          [`${AWS_ATTRIBUTE.principalTagPrefix}Project`]: 'website',
        },
        now: T0,
      },
      { privateKey: idp.privateKeyPem, certificate: idp.certificatePem },
    );
    const out = ok<AssumeRoleWithSAMLResponse>(
      await t.call('sts', 'AssumeRoleWithSAML', { RoleArn: role, PrincipalArn: provider, SAMLAssertion: encodePostBinding(xml) }, { credentials: 'unsigned' }),
    );
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/EC2Operator/jane@example.com`);
    const claims = openSessionToken(t.env.sealer, out.Credentials!.SessionToken, out.Credentials!.AccessKeyId);
    expect(claims?.tags).toEqual([{ key: 'CostCenter', value: 'marketing' }, { key: 'Project', value: 'website' }]);
  });

  it('seals the whole session into the token', async () => {
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml()));
    const claims = openSessionToken(t.env.sealer, out.Credentials!.SessionToken, out.Credentials!.AccessKeyId);
    expect(claims).toMatchObject({
      accessKeyId: out.Credentials!.AccessKeyId,
      secretAccessKey: out.Credentials!.SecretAccessKey,
      accountId: TEST_ACCOUNT,
      roleArn: ROLE_ARN,
      roleId: readOnly.roleId,
      roleName: 'ReadOnly',
      sessionName: 'alice',
      tags: [{ key: 'Department', value: 'engineering' }, { key: 'CostCenter', value: '1234' }],
      transitiveTagKeys: ['Department'],
      sessionPolicyArns: [],
      federatedProvider: PROVIDER_ARN,
      issuer: IDP_ENTITY_ID,
      subject: 'alice@corp.example',
      subjectType: NAMEID_FORMAT.emailAddress,
      nameQualifier: out.NameQualifier,
      issuedAt: T0 / 1000,
      expiresAt: T0 / 1000 + 3600,
    });
    expect(claims?.sessionPolicy).toBeUndefined();
    expect(claims?.sourceIdentity).toBeUndefined();
  });

  it('audits the assumed role, session name and tags, never the assertion', async () => {
    const assertion = saml();
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(assertion));
    const record = t.auditRecords.at(-1)!;
    expect(record.eventName).toBe('AssumeRoleWithSAML');
    expect(record.requestParameters).toMatchObject({ SAMLAssertion: 'HIDDEN_DUE_TO_SECURITY_REASONS', RoleArn: ROLE_ARN });
    expect(record.tessera).toMatchObject({
      assumedRoleUser: { assumedRoleId: out.AssumedRoleUser!.AssumedRoleId, arn: out.AssumedRoleUser!.Arn },
      roleSessionName: 'alice',
      principalTags: { Department: 'engineering', CostCenter: '1234' },
      transitiveTagKeys: ['Department'],
      accessKeyId: out.Credentials!.AccessKeyId,
    });
    const text = JSON.stringify(record);
    expect(text).not.toContain(assertion.slice(0, 200));
    expect(text).not.toContain(out.Credentials!.SecretAccessKey);
    expect(text).not.toContain(out.Credentials!.SessionToken);
    expect(record.tesseraDecisions).toEqual([
      expect.objectContaining({ action: 'sts:AssumeRoleWithSAML', resource: ROLE_ARN, decision: 'allowed' }),
      expect.objectContaining({ action: 'sts:TagSession', resource: ROLE_ARN, decision: 'allowed' }),
    ]);
  });

  it('computes NameQualifier as AWS documents it (the MySAMLIdP vector)', async () => {
    // The documented vector needs account 123456789012: a control plane of that account, called as the
    // HTTP layer calls invoke (unsigned form POST).
    const account = '123456789012';
    const store = await openSqliteStore({ path: ':memory:' });
    try {
      const env = await createServiceEnv({
        store,
        sealer: new Sealer(randomBytes(32)),
        audit: memoryAuditSink(),
        accountId: account,
        admin: { accessKeyId: 'AKIAADMINTESTKEY0002', secretAccessKey: 'another-admin-secret-for-tests-000000000' },
        clock: new ManualClock(new Date(T0)),
        ids: randomIds,
        log: () => {},
      });
      const provider = `arn:aws:iam::${account}:saml-provider/MySAMLIdP`;
      const role = `arn:aws:iam::${account}:role/TestSaml`;
      await store.samlProviders.create({
        arn: provider,
        name: 'MySAMLIdP',
        samlMetadataDocument: buildIdpMetadata({ entityId: 'https://example.com/saml', signingCertificates: [keys.idp.certBase64], ssoUrl: 'https://example.com/sso', sloUrl: 'https://example.com/slo' }),
        createDate: new Date(T0),
        tags: [],
      });
      await store.roles.create({
        roleId: 'AROADBQP57FF2AEXAMPLE',
        roleName: 'TestSaml',
        path: '/',
        arn: role,
        assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithSAML' }] }),
        maxSessionDuration: 3600,
        createDate: new Date(T0),
        tags: [],
      });
      const assertion = saml({
        issuer: 'https://example.com/saml',
        attributes: [
          { name: AWS_ATTRIBUTE.role, values: [`${role},${provider}`] },
          { name: AWS_ATTRIBUTE.roleSessionName, values: ['SamlExample'] },
        ],
      });
      const form = new URLSearchParams({ Action: 'AssumeRoleWithSAML', Version: '2011-06-15', RoleArn: role, PrincipalArn: provider, SAMLAssertion: assertion });
      const outcome = await invoke(env, {
        request: { method: 'POST', path: '/', headers: [['host', 'sts.amazonaws.com'], ['content-type', 'application/x-www-form-urlencoded; charset=utf-8']], body: form.toString() },
        params: new Map(form),
        transport: { sourceIp: '127.0.0.1', secure: true },
      });
      const out = ok<AssumeRoleWithSAMLResponse>(outcome);
      expect(out.NameQualifier).toBe('1uAJanUnBc2XeUkHURMht+xam2c=');
      expect(out.AssumedRoleUser).toEqual({ AssumedRoleId: 'AROADBQP57FF2AEXAMPLE:SamlExample', Arn: 'arn:aws:sts::123456789012:assumed-role/TestSaml/SamlExample' });
      // No session policy and no tags: nothing is packed, no PackedPolicySize.
      expect(out.PackedPolicySize).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

describe('AssumeRoleWithSAML: the Role pairs', () => {
  it('accepts a pair written provider-first', async () => {
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml({ attributes: attrs({ role: [`${PROVIDER_ARN},${ROLE_ARN}`] }) })));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ReadOnly/alice`);
  });

  it('chooses the requested role among several pairs', async () => {
    const dev = await createRole('Developer', trustPolicy(), { path: '/engineering/' });
    const both = () => saml({ attributes: attrs({ role: [`${ROLE_ARN},${PROVIDER_ARN}`, ` ${PROVIDER_ARN} , ${DEV_ROLE_ARN} `] }) });
    const a = ok<AssumeRoleWithSAMLResponse>(await assume(both(), {}, DEV_ROLE_ARN));
    expect(a.AssumedRoleUser?.AssumedRoleId).toBe(`${dev.roleId}:alice`);
    const b = ok<AssumeRoleWithSAMLResponse>(await assume(both(), {}, ROLE_ARN));
    expect(b.AssumedRoleUser?.AssumedRoleId).toBe(`${readOnly.roleId}:alice`);
  });

  it('redeems an assertion once (P16, S33): again, for another of its roles, or concurrently, it is refused', async () => {
    await createRole('Developer', trustPolicy(), { path: '/engineering/' });
    const assertion = saml({ attributes: attrs({ role: [`${ROLE_ARN},${PROVIDER_ARN}`, `${DEV_ROLE_ARN},${PROVIDER_ARN}`] }) });
    // A refused attempt (DurationSeconds above the role's maximum) does not use it up.
    expect(failure(await assume(assertion, { DurationSeconds: '7200' })).code).toBe('ValidationError');
    ok(await assume(assertion, {}, DEV_ROLE_ARN));
    const replayed = { code: 'InvalidIdentityToken', message: 'The SAML assertion has already been used', httpStatus: 400 };
    expect(failure(await assume(assertion, {}, DEV_ROLE_ARN))).toEqual(replayed);
    expect(failure(await assume(assertion, {}, ROLE_ARN))).toEqual(replayed);
    // Concurrent redemptions of a fresh assertion: exactly one wins.
    const fresh = saml();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => assume(fresh)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    for (const o of outcomes.filter((x) => !x.ok)) expect(failure(o)).toEqual(replayed);
  });

  it('refuses a role the assertion does not name, even one whose trust policy would allow', async () => {
    await createRole('Admin', trustPolicy());
    denied(await assume(saml(), {}, `arn:aws:iam::${TEST_ACCOUNT}:role/Admin`));
    const out = failure(await assume(saml({ attributes: attrs({ role: [`${ROLE_ARN},arn:aws:iam::${TEST_ACCOUNT}:saml-provider/Other`] }) })));
    expect(out.code).toBe('AccessDenied');
  });

  it('refuses an assertion without a Role attribute', async () => {
    denied(await assume(saml({ attributes: attrs().filter((a) => a.name !== AWS_ATTRIBUTE.role) })));
  });

  it('answers a missing role exactly as a refusing trust policy (no role enumeration)', async () => {
    const ghost = `arn:aws:iam::${TEST_ACCOUNT}:role/Ghost`;
    denied(await assume(saml({ attributes: attrs({ role: [`${ghost},${PROVIDER_ARN}`] }) }), {}, ghost));
    // Same name, another path: not this role.
    const wrongPath = `arn:aws:iam::${TEST_ACCOUNT}:role/other/ReadOnly`;
    denied(await assume(saml({ attributes: attrs({ role: [`${wrongPath},${PROVIDER_ARN}`] }) }), {}, wrongPath));
    await setTrust('ReadOnly', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/Other` }, Action: 'sts:AssumeRoleWithSAML' }] }));
    denied(await assume(saml()));
  });
});

describe('AssumeRoleWithSAML: request checks before the assertion', () => {
  it('refuses a RoleArn that is not a role ARN', async () => {
    expect(failure(await assume(saml(), {}, PROVIDER_ARN))).toEqual({ code: 'ValidationError', message: 'Request ARN is invalid', httpStatus: 400 });
  });

  it('refuses a PrincipalArn that is not a SAML provider ARN', async () => {
    const out = await t.call('sts', 'AssumeRoleWithSAML', { RoleArn: ROLE_ARN, PrincipalArn: ROLE_ARN, SAMLAssertion: saml() }, { credentials: 'unsigned' });
    expect(failure(out)).toEqual({ code: 'ValidationError', message: 'Principal ARN is invalid', httpStatus: 400 });
  });

  it('refuses a provider of another account', async () => {
    const out = await t.call('sts', 'AssumeRoleWithSAML', { RoleArn: ROLE_ARN, PrincipalArn: 'arn:aws:iam::111122223333:saml-provider/Corp', SAMLAssertion: saml() }, { credentials: 'unsigned' });
    expect(failure(out)).toEqual({ code: 'ValidationError', message: 'Principal exists outside the account of the Role being assumed.', httpStatus: 400 });
  });

  it('refuses an unknown provider', async () => {
    const out = await t.call('sts', 'AssumeRoleWithSAML', { RoleArn: ROLE_ARN, PrincipalArn: `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/Nope`, SAMLAssertion: saml() }, { credentials: 'unsigned' });
    expect(failure(out)).toEqual({ code: 'InvalidIdentityToken', message: "Specified provider doesn't exist.", httpStatus: 400 });
  });

  it('refuses parameters outside the model (decoder)', async () => {
    const out = failure(await assume('abc'));
    expect(out.code).toBe('ValidationError');
    expect(out.message).not.toContain('abc');
  });
});

describe('AssumeRoleWithSAML: verifying the assertion', () => {
  it('refuses a response altered after signing', async () => {
    const xml = signAs(unsignedXml(T0, { attributes: attrs() }), 'B');
    const tampered = b64(replaceOnce(xml, '>engineering<', '>finance<'));
    expect(failure(await assume(tampered))).toEqual({ code: 'InvalidIdentityToken', message: 'Response signature invalid', httpStatus: 400 });
  });

  it('refuses a response signed by a key the provider did not register', async () => {
    expect(failure(await assume(saml({}, { key: keys.attacker })))).toEqual({ code: 'InvalidIdentityToken', message: 'Response signature invalid', httpStatus: 400 });
    expect(failure(await assume(saml({}, { key: keys.otherIdp }))).message).toBe('Response signature invalid');
  });

  it('logs the precise reason of a rejection, never in the answer', async () => {
    await assume(saml({}, { key: keys.attacker }));
    // The attacker's certificate rides in KeyInfo: refused before any cryptography (CVE-2024-32962).
    expect(t.auditRecords.at(-1)?.tessera).toEqual({ samlRejectReason: 'SIG_KEYINFO_MISMATCH' });
    expect(failure(await assume(saml({}, { key: keys.otherIdp }))).message).not.toContain('KEYINFO');
  });

  it('refuses an issuer that is not the provider\'s entityID', async () => {
    expect(failure(await assume(saml({ issuer: 'urn:other-idp.example.com' })))).toEqual({
      code: 'InvalidIdentityToken',
      message: 'Issuer not present in specified provider',
      httpStatus: 400,
    });
  });

  it('refuses an expired response', async () => {
    const assertion = saml({ notOnOrAfter: iso(T0 + 60_000), scdNotOnOrAfter: iso(T0 + 60_000) });
    t.clock.set(new Date(T0 + 4 * 60_000));
    expect(failure(await assume(assertion))).toEqual({ code: 'ExpiredTokenException', message: 'Response has expired', httpStatus: 400 });
  });

  it('refuses a response redeemed more than 5 minutes after issuance', async () => {
    const assertion = saml();
    t.clock.set(new Date(T0 + 8 * 60_000));
    expect(failure(await assume(assertion))).toEqual({
      code: 'ExpiredTokenException',
      message: 'Token must be redeemed within 5 minutes of issuance',
      httpStatus: 400,
    });
  });

  it('refuses a Recipient that is not an AWS sign-in endpoint', async () => {
    const out = failure(await assume(saml({ recipient: 'https://evil.example/saml' })));
    expect(out.code).toBe('InvalidIdentityToken');
    expect(out.message).not.toContain('evil');
  });

  it('refuses a response the IdP marked as failed', async () => {
    const out = failure(await assume(saml({ status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }, { shape: 'B_both' })));
    expect(out).toMatchObject({ code: 'IDPRejectedClaim', httpStatus: 403 });
  });
});

describe('AssumeRoleWithSAML: the AWS attributes', () => {
  it('requires RoleSessionName and its pattern', async () => {
    expect(failure(await assume(saml({ attributes: attrs({ sessionName: null }) })))).toEqual({
      code: 'InvalidIdentityToken',
      message: 'RoleSessionName is required in AuthnResponse',
      httpStatus: 400,
    });
    expect(failure(await assume(saml({ attributes: attrs({ sessionName: ['alice smith'] }) })))).toEqual({
      code: 'InvalidIdentityToken',
      message: 'RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}',
      httpStatus: 400,
    });
  });

  it('refuses more than 50 session tags', async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ name: `${AWS_ATTRIBUTE.principalTagPrefix}k${i}`, values: ['v'] }));
    expect(failure(await assume(saml({ attributes: attrs({ tags }) })))).toEqual({ code: 'ValidationError', message: 'Unable to validate tags', httpStatus: 400 });
    const fifty = tags.slice(0, 50);
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml({ attributes: attrs({ tags: fifty }) })));
    expect(openSessionToken(t.env.sealer, out.Credentials!.SessionToken, out.Credentials!.AccessKeyId)?.tags).toHaveLength(50);
  });

  it('refuses two tag keys that differ only in case', async () => {
    const tags = [
      { name: `${AWS_ATTRIBUTE.principalTagPrefix}Department`, values: ['engineering'] },
      { name: `${AWS_ATTRIBUTE.principalTagPrefix}department`, values: ['finance'] },
    ];
    expect(failure(await assume(saml({ attributes: attrs({ tags }) })))).toEqual({ code: 'ValidationError', message: 'Unable to validate tags', httpStatus: 400 });
  });

  it('refuses reserved, over-long and multi-valued tags', async () => {
    const cases: SpecAttribute[][] = [
      [{ name: `${AWS_ATTRIBUTE.principalTagPrefix}aws:team`, values: ['x'] }],
      [{ name: `${AWS_ATTRIBUTE.principalTagPrefix}${'k'.repeat(129)}`, values: ['x'] }],
      [{ name: `${AWS_ATTRIBUTE.principalTagPrefix}Team`, values: ['v'.repeat(257)] }],
      [{ name: `${AWS_ATTRIBUTE.principalTagPrefix}Team`, values: ['a', 'b'] }],
      [{ name: `${AWS_ATTRIBUTE.principalTagPrefix}Team`, values: ['a;b'] }],
    ];
    for (const tags of cases) expect(failure(await assume(saml({ attributes: attrs({ tags }) }))).message).toBe('Unable to validate tags');
  });

  it('requires transitive tag keys to be session tag keys', async () => {
    const tags = [
      { name: `${AWS_ATTRIBUTE.principalTagPrefix}Department`, values: ['engineering'] },
      { name: AWS_ATTRIBUTE.transitiveTagKeys, values: ['Project'] },
    ];
    expect(failure(await assume(saml({ attributes: attrs({ tags }) })))).toMatchObject({ code: 'ValidationError', httpStatus: 400 });
  });

  it('needs sts:TagSession in the trust policy when the assertion carries tags', async () => {
    await setTrust('ReadOnly', trustPolicy(['sts:AssumeRoleWithSAML']));
    denied(await assume(saml()));
    expect(t.auditRecords.at(-1)?.tesseraDecisions).toEqual([
      expect.objectContaining({ action: 'sts:AssumeRoleWithSAML', decision: 'allowed' }),
      expect.objectContaining({ action: 'sts:TagSession', decision: 'implicitDeny' }),
    ]);
    // Without tags (nor transitive keys) the same trust policy is enough.
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml({ attributes: attrs({ tags: [] }) })));
    expect(out.PackedPolicySize).toBeUndefined();
  });

  it('needs sts:SetSourceIdentity for a SourceIdentity and returns it', async () => {
    const assertion = saml({ attributes: attrs({ extra: [{ name: AWS_ATTRIBUTE.sourceIdentity, values: ['DiegoRamirez'] }] }) });
    denied(await assume(assertion));
    await setTrust('ReadOnly', trustPolicy(['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity']));
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(assertion));
    expect(out.SourceIdentity).toBe('DiegoRamirez');
    expect(openSessionToken(t.env.sealer, out.Credentials!.SessionToken, out.Credentials!.AccessKeyId)?.sourceIdentity).toBe('DiegoRamirez');
  });

  it('refuses a SourceIdentity outside AWS\'s pattern', async () => {
    await setTrust('ReadOnly', trustPolicy(['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity']));
    const assertion = saml({ attributes: attrs({ extra: [{ name: AWS_ATTRIBUTE.sourceIdentity, values: ['aws:admin'] }] }) });
    expect(failure(await assume(assertion))).toEqual({
      code: 'InvalidIdentityToken',
      message: 'Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"',
      httpStatus: 400,
    });
  });
});

describe('AssumeRoleWithSAML: the trust policy and its context', () => {
  it('evaluates SAML:aud against the Recipient, not the Audience', async () => {
    // Both are AWS sign-in endpoints the verifier accepts; the trust policy only allows one of them.
    denied(await assume(saml({ recipient: STATIC_SIGNIN_URL, destination: STATIC_SIGNIN_URL })));
    await setTrust('ReadOnly', trustPolicy(undefined, { StringEquals: { 'SAML:aud': STATIC_SIGNIN_URL } }));
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml({ recipient: STATIC_SIGNIN_URL, destination: STATIC_SIGNIN_URL })));
    expect(out.Audience).toBe(STATIC_SIGNIN_URL);
  });

  it('gives the trust policy the SAML, request-tag, session and role-tag keys', async () => {
    await t.store.roles.tag('ReadOnly', [{ key: 'team', value: 'blue' }]);
    const qualifier = createHash('sha1').update(`${IDP_ENTITY_ID}${TEST_ACCOUNT}/${PROVIDER_NAME}`).digest('base64');
    const condition = {
      StringEquals: {
        'saml:aud': AWS_SIGNIN_URL,
        'saml:iss': IDP_ENTITY_ID,
        'saml:sub': 'alice@corp.example',
        'saml:sub_type': NAMEID_FORMAT.emailAddress,
        'saml:doc': `${TEST_ACCOUNT}/${PROVIDER_NAME}`,
        'saml:namequalifier': qualifier,
        'saml:mail': 'alice@corp.example',
        'saml:edupersonprincipalname': 'alice@corp.example',
        'aws:RequestTag/CostCenter': '1234',
        'sts:RoleSessionName': 'alice',
        'aws:ResourceTag/team': 'blue',
        'iam:ResourceTag/team': 'blue',
      },
      'ForAnyValue:StringEquals': { 'saml:edupersonaffiliation': 'staff' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['Department', 'CostCenter'], 'sts:TransitiveTagKeys': ['Department'] },
      Bool: { 'aws:SecureTransport': 'false' },
      IpAddress: { 'aws:SourceIp': '127.0.0.0/8' },
      DateEquals: { 'aws:CurrentTime': iso(T0).replace(/\.\d{3}Z$/, 'Z') },
    };
    await setTrust('ReadOnly', trustPolicy(undefined, condition));
    const extra: SpecAttribute[] = [
      { name: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1', values: ['member', 'staff'] },
      { name: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6', values: ['alice@corp.example'] },
    ];
    ok(await assume(saml({ attributes: attrs({ extra }) })));
    // One value off and the trust policy no longer allows.
    const other = [{ name: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1', values: ['student'] }, extra[1]!];
    denied(await assume(saml({ attributes: attrs({ extra: other }) })));
  });

  it('ignores the signer of a signed call: the trust policy still decides', async () => {
    await setTrust('ReadOnly', trustPolicy(['sts:AssumeRoleWithSAML', 'sts:TagSession'], { StringEquals: { 'SAML:aud': STATIC_SIGNIN_URL } }));
    // Signed by the account's admin (root): no bypass of the role's trust policy.
    const out = await t.call('sts', 'AssumeRoleWithSAML', { RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: saml() });
    denied(out);
  });

  it('honours an explicit Deny in the trust policy', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'] },
        { Effect: 'Deny', Principal: '*', Action: 'sts:TagSession', Condition: { StringEquals: { 'aws:RequestTag/Department': 'engineering' } } },
      ],
    });
    await setTrust('ReadOnly', trust);
    denied(await assume(saml()));
  });

  it('grants nothing when the stored trust policy does not parse', async () => {
    await setTrust('ReadOnly', '{"Version":"2012-10-17","Statement":[');
    denied(await assume(saml()));
  });
});

describe('AssumeRoleWithSAML: session length', () => {
  it('holds DurationSeconds against the role\'s MaxSessionDuration', async () => {
    expect(failure(await assume(saml(), { DurationSeconds: '7200' }))).toEqual({
      code: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      httpStatus: 400,
    });
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml(), { DurationSeconds: '900' }));
    expect(out.Credentials?.Expiration).toEqual(new Date(T0 + 900_000));
    await t.store.roles.update('ReadOnly', { maxSessionDuration: 43200 });
    const long = ok<AssumeRoleWithSAMLResponse>(await assume(saml(), { DurationSeconds: '43200' }));
    expect(long.Credentials?.Expiration).toEqual(new Date(T0 + 43_200_000));
  });

  it('lets the SessionDuration attribute shorten the session, never lengthen it', async () => {
    const short = saml({ attributes: attrs({ extra: [{ name: AWS_ATTRIBUTE.sessionDuration, values: ['1800'] }] }) });
    expect(ok<AssumeRoleWithSAMLResponse>(await assume(short)).Credentials?.Expiration).toEqual(new Date(T0 + 1800_000));
    const long = saml({ attributes: attrs({ extra: [{ name: AWS_ATTRIBUTE.sessionDuration, values: ['7200'] }] }) });
    expect(ok<AssumeRoleWithSAMLResponse>(await assume(long)).Credentials?.Expiration).toEqual(new Date(T0 + 3600_000));
    // SessionDuration above MaxSessionDuration is no error: only DurationSeconds is checked against it.
    await t.store.roles.update('ReadOnly', { maxSessionDuration: 43200 });
    const longAgain = saml({ attributes: attrs({ extra: [{ name: AWS_ATTRIBUTE.sessionDuration, values: ['7200'] }] }) });
    expect(ok<AssumeRoleWithSAMLResponse>(await assume(longAgain, { DurationSeconds: '10800' })).Credentials?.Expiration).toEqual(new Date(T0 + 7200_000));
  });

  it('ends the session no later than the IdP session (SessionNotOnOrAfter)', async () => {
    const assertion = saml({ sessionNotOnOrAfter: iso(T0 + 1200_000) });
    expect(ok<AssumeRoleWithSAMLResponse>(await assume(assertion)).Credentials?.Expiration).toEqual(new Date(T0 + 1200_000));
  });

  it('refuses an invalid SessionDuration attribute', async () => {
    const bad = saml({ attributes: attrs({ extra: [{ name: AWS_ATTRIBUTE.sessionDuration, values: ['60'] }] }) });
    expect(failure(await assume(bad))).toMatchObject({ code: 'InvalidIdentityToken', httpStatus: 400 });
  });
});

describe('AssumeRoleWithSAML: session policies', () => {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }] });

  it('keeps an inline session policy and reports the packed size', async () => {
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml(), { Policy: policy }));
    expect(out.PackedPolicySize).toBe(Math.ceil((100 * (policySize(policy) + 35)) / 2048));
    expect(openSessionToken(t.env.sealer, out.Credentials!.SessionToken, out.Credentials!.AccessKeyId)?.sessionPolicy).toBe(policy);
  });

  it('packs the same for the same policy however it is formatted', async () => {
    const pretty = JSON.stringify(JSON.parse(policy), null, 4);
    const a = ok<AssumeRoleWithSAMLResponse>(await assume(saml(), { Policy: policy }));
    const b = ok<AssumeRoleWithSAMLResponse>(await assume(saml(), { Policy: pretty }));
    expect(b.PackedPolicySize).toBe(a.PackedPolicySize);
  });

  it('refuses a malformed session policy', async () => {
    expect(failure(await assume(saml(), { Policy: '{"Version":"2012-10-17","Statement":' }))).toEqual({
      code: 'MalformedPolicyDocument',
      message: 'Syntax errors in policy.',
      httpStatus: 400,
    });
    // A session policy names no principal.
    const withPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] });
    expect(failure(await assume(saml(), { Policy: withPrincipal })).code).toBe('MalformedPolicyDocument');
  });

  it('takes managed session policies of the account and refuses unknown ones', async () => {
    const arn = `arn:aws:iam::${TEST_ACCOUNT}:policy/ReadEc2`;
    await t.store.policies.create({ policyId: t.env.ids.uniqueId('ANPA'), policyName: 'ReadEc2', path: '/', arn, policyDocument: policy, createDate: new Date(T0), tags: [] });
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml(), { 'PolicyArns.member.1.arn': arn }));
    expect(out.PackedPolicySize).toBe(Math.ceil((100 * (arn.length + 35)) / 2048));
    expect(openSessionToken(t.env.sealer, out.Credentials!.SessionToken, out.Credentials!.AccessKeyId)?.sessionPolicyArns).toEqual([arn]);
    const missing = failure(await assume(saml(), { 'PolicyArns.member.1.arn': `arn:aws:iam::${TEST_ACCOUNT}:policy/Nope` }));
    expect(missing).toMatchObject({ code: 'ValidationError', httpStatus: 400 });
    const foreign = failure(await assume(saml(), { 'PolicyArns.member.1.arn': 'arn:aws:iam::111122223333:policy/ReadEc2' }));
    expect(foreign.code).toBe('ValidationError');
  });

  it('refuses more than 10 managed session policies', async () => {
    const params: Record<string, string> = {};
    for (let i = 1; i <= 11; i++) params[`PolicyArns.member.${i}.arn`] = `arn:aws:iam::${TEST_ACCOUNT}:policy/P${i}`;
    expect(failure(await assume(saml(), params))).toMatchObject({ code: 'ValidationError', httpStatus: 400 });
  });

  it('refuses policies and tags over the packed limit', async () => {
    // A policy of exactly 2,040 counted characters: 100 % alone, over 100 % with the two tags.
    const base = { Version: '2012-10-17', Statement: [{ Sid: 'S', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }] };
    const pad = 2040 - JSON.stringify(base).length;
    const big = JSON.stringify({ ...base, Statement: [{ ...base.Statement[0], Sid: `S${'x'.repeat(pad)}` }] });
    expect(policySize(big)).toBe(2040);
    const withTags = Math.ceil((100 * (2040 + 35)) / 2048);
    expect(failure(await assume(saml(), { Policy: big }))).toEqual({
      code: 'PackedPolicyTooLarge',
      message: `Packed size of session tags consumes ${withTags}% of allotted space.`,
      httpStatus: 400,
    });
    const noTags = saml({ attributes: attrs({ tags: [] }) });
    expect(ok<AssumeRoleWithSAMLResponse>(await assume(noTags, { Policy: big })).PackedPolicySize).toBe(100);
    const arn = `arn:aws:iam::${TEST_ACCOUNT}:policy/ReadEc2`;
    await t.store.policies.create({ policyId: t.env.ids.uniqueId('ANPA'), policyName: 'ReadEc2', path: '/', arn, policyDocument: policy, createDate: new Date(T0), tags: [] });
    const withArn = Math.ceil((100 * (2040 + arn.length)) / 2048);
    expect(failure(await assume(noTags, { Policy: big, 'PolicyArns.member.1.arn': arn }))).toEqual({
      code: 'PackedPolicyTooLarge',
      message: `Packed policy consumes ${withArn}% of allotted space`,
      httpStatus: 400,
    });
  });
});

describe('AssumeRoleWithSAML: using the credentials', () => {
  it('signs calls as the assumed role', async () => {
    const out = ok<AssumeRoleWithSAMLResponse>(await assume(saml()));
    const me = ok<GetCallerIdentityResponse>(await t.call('sts', 'GetCallerIdentity', {}, { credentials: sessionCredentials(out) }));
    expect(me).toEqual({ Account: TEST_ACCOUNT, Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ReadOnly/alice`, UserId: `${readOnly.roleId}:alice` });
    expect(me.UserId).toMatch(/^AROA[A-Z2-7]{17}:alice$/);
  });

  it('refuses a session token with a flipped byte', async () => {
    const creds = sessionCredentials(ok<AssumeRoleWithSAMLResponse>(await assume(saml())));
    const i = creds.sessionToken.length - 30;
    const flipped = creds.sessionToken.slice(0, i) + (creds.sessionToken[i] === 'A' ? 'B' : 'A') + creds.sessionToken.slice(i + 1);
    const out = await t.call('sts', 'GetCallerIdentity', {}, { credentials: { ...creds, sessionToken: flipped } });
    expect(failure(out)).toMatchObject({ code: 'InvalidClientTokenId', httpStatus: 403 });
  });

  it('refuses a session token presented with another session\'s access key', async () => {
    const a = sessionCredentials(ok<AssumeRoleWithSAMLResponse>(await assume(saml())));
    const b = sessionCredentials(ok<AssumeRoleWithSAMLResponse>(await assume(saml())));
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    const swapped = await t.call('sts', 'GetCallerIdentity', {}, { credentials: { accessKeyId: b.accessKeyId, secretAccessKey: b.secretAccessKey, sessionToken: a.sessionToken } });
    expect(failure(swapped)).toMatchObject({ code: 'InvalidClientTokenId', httpStatus: 403 });
    // And without any token, a temporary key is nothing.
    const bare = await t.call('sts', 'GetCallerIdentity', {}, { credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey } });
    expect(failure(bare).code).toBe('InvalidClientTokenId');
  });

  it('stops working when the session expires', async () => {
    const creds = sessionCredentials(ok<AssumeRoleWithSAMLResponse>(await assume(saml(), { DurationSeconds: '900' })));
    t.clock.advance(899);
    expect(ok(await t.call('sts', 'GetCallerIdentity', {}, { credentials: creds }))).toHaveProperty('Arn');
    t.clock.advance(1);
    expect(failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: creds }))).toMatchObject({ code: 'ExpiredToken', httpStatus: 403 });
  });
});
