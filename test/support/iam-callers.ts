// Test principals and fixtures for the IAM role and SAML provider action tests: IAM users made
// directly in the store (inline policies, an access key sealed as the services seal it), managed
// policies, a trust policy and IdP metadata. Only the store and the sealer: no IAM action is used.

import { iamArn } from '../../src/kernel/index.js';
import { buildIdpMetadata } from '../../src/saml/metadata.js';
import type { SigningCredentials } from '../../src/sigv4/index.js';
import type { Tag } from '../../src/store/port.js';
import { failure, TEST_ACCOUNT, type TestServices } from './services.js';
import type { ApiOutcome } from '../../src/services/invoke.js';
import { createSelfSignedKey, type TestKey } from './saml-fixtures.js';

export const ACCOUNT = TEST_ACCOUNT;
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/Auth0`;

/** The canonical SAML trust policy (aws.md §1.5). */
export function samlTrustPolicy(providerArn: string = PROVIDER_ARN): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
        Principal: { Federated: providerArn },
        Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
      },
    ],
  });
}

export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export function policy(...statements: readonly Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export function allow(action: string | readonly string[], resource: string | readonly string[] = '*'): Statement {
  return { Effect: 'Allow', Action: action, Resource: resource };
}

/**
 * Creates IAM user `name` with one inline policy per entry of `policies` and an active access key,
 * straight in the store; resolves the credentials to sign with.
 */
export async function createUser(
  t: TestServices,
  name: string,
  policies: Readonly<Record<string, string>>,
  tags: readonly Tag[] = [],
): Promise<SigningCredentials & { arn: string }> {
  const { env } = t;
  const arn = iamArn(env.accountId, `user/${name}`);
  await env.store.users.create({ userId: env.ids.uniqueId('AIDA'), userName: name, path: '/', arn, createDate: t.clock.now(), tags });
  for (const [policyName, policyDocument] of Object.entries(policies)) {
    await env.store.users.putInlinePolicy(name, { policyName, policyDocument });
  }
  const accessKeyId = env.ids.accessKeyId('AKIA');
  const secret = env.ids.secretAccessKey();
  await env.store.accessKeys.create({
    accessKeyId,
    userName: name,
    secretSealed: env.sealer.seal('access-key-secret', Buffer.from(secret), accessKeyId),
    status: 'Active',
    createDate: t.clock.now(),
  });
  return { accessKeyId, secretAccessKey: secret, arn };
}

/** A customer managed policy made straight in the store; resolves its ARN. */
export async function createManagedPolicy(t: TestServices, name: string, document: string = policy(allow('ec2:Describe*'))): Promise<string> {
  const arn = iamArn(t.env.accountId, `policy/${name}`);
  await t.env.store.policies.create({
    policyId: t.env.ids.uniqueId('ANPA'),
    policyName: name,
    path: '/',
    arn,
    policyDocument: document,
    createDate: t.clock.now(),
    tags: [],
  });
  return arn;
}

/** AWS's identity-policy denial sentence (IAM User Guide, troubleshoot_access-denied). */
export function expectDenied(outcome: ApiOutcome, userArn: string, action: string, resource: string, explicit = false): void {
  const e = failure(outcome);
  const on = resource === '*' ? '' : ` on resource: ${resource}`;
  const because = explicit ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
  if (e.code !== 'AccessDenied' || e.httpStatus !== 403 || e.message !== `User: ${userArn} is not authorized to perform: ${action}${on} ${because}`) {
    throw new Error(`expected AccessDenied for ${action} on ${resource}, got ${e.code} ${e.httpStatus}: ${e.message}`);
  }
}

let idpKey: TestKey | undefined;

/** Auth0-shaped IdP metadata with a real RSA-2048 signing certificate (generated once per file). */
export function idpMetadata(entityId = 'urn:tessera-test.eu.auth0.com', extraRootAttributes: Readonly<Record<string, string>> = {}): string {
  idpKey ??= createSelfSignedKey('iam-test-idp', 'tessera-test.eu.auth0.com');
  const xml = buildIdpMetadata({
    entityId,
    signingCertificates: [idpKey.certBase64],
    ssoUrl: 'https://tessera-test.eu.auth0.com/samlp/client',
    sloUrl: 'https://tessera-test.eu.auth0.com/samlp/client/logout',
  });
  let attrs = '';
  for (const [k, v] of Object.entries(extraRootAttributes)) attrs += ` ${k}="${v}"`;
  return attrs === '' ? xml : xml.replace('<EntityDescriptor ', `<EntityDescriptor${attrs} `);
}

/** Form parameters of a tag list: `Tags.member.N.Key/Value`. */
export function tagParams(tags: readonly (readonly [string, string])[], prefix = 'Tags'): Record<string, string> {
  const out: Record<string, string> = {};
  tags.forEach(([k, v], i) => {
    out[`${prefix}.member.${i + 1}.Key`] = k;
    out[`${prefix}.member.${i + 1}.Value`] = v;
  });
  return out;
}

/** Creates role `name` as the admin (trust policy: SAML); extra form parameters are added. */
export async function createRole(t: TestServices, name: string, extra: Readonly<Record<string, string>> = {}): Promise<Record<string, unknown>> {
  const outcome = await t.call('iam', 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: samlTrustPolicy(), ...extra });
  if (!outcome.ok) throw new Error(`CreateRole ${name}: ${outcome.error.code}: ${outcome.error.message}`);
  return outcome.output as Record<string, unknown>;
}

export function roleArnOf(name: string, path = '/'): string {
  return `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
}
