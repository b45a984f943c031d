// A test SAML IdP for the end-to-end suites: a signing credential (src/saml/keys.ts), its metadata in
// Auth0's shape (src/saml/metadata.ts), and base64 SAMLResponses signed as Auth0 signs them
// (assertion signature, RSA-SHA256, exclusive c14n; src/saml/response.ts) for AWS's sign-in endpoint.
// Also the seed guide's names and IAM documents the e2e suites set up. The clock is an input of every
// assertion; it never fetches anything and never logs its key.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSigningCredential } from '../../src/saml/keys.js';
import type { SigningCredential } from '../../src/saml/keys.js';
import { buildIdpMetadata } from '../../src/saml/metadata.js';
import { AWS_ATTRIBUTE, AWS_AUDIENCE, AWS_SIGNIN_URL, NAMEID_FORMAT } from '../../src/saml/ns.js';
import { buildResponse, encodePostBinding } from '../../src/saml/response.js';
import type { ResponseSpec, SigningOptions } from '../../src/saml/response.js';

export { AWS_AUDIENCE, AWS_SIGNIN_URL };

const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface AssertionOptions {
  /** `[roleArn, providerArn]` pairs: each becomes one Role attribute value `role,provider` (Auth0's order). */
  readonly roles: ReadonlyArray<readonly [roleArn: string, providerArn: string]>;
  readonly sessionName: string;
  /** Session tags: `PrincipalTag:<key>` attributes. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly transitiveTagKeys?: readonly string[];
  readonly sessionDuration?: number;
  readonly sourceIdentity?: string;
  /** Subject NameID (default: the session name, emailAddress format). */
  readonly nameId?: string;
  readonly nameIdFormat?: string;
  /** Issue time (default now). */
  readonly now?: Date | number;
  readonly lifetimeSeconds?: number;
  /** SubjectConfirmationData@Recipient and Response@Destination (default AWS's sign-in URL). */
  readonly recipient?: string;
  /** AudienceRestriction values (default `urn:amazon:webservices`). */
  readonly audiences?: readonly string[];
  readonly extraAttributes?: Readonly<Record<string, unknown>>;
  /** Sign the Response instead of the Assertion. */
  readonly signResponse?: boolean;
}

export interface TestIdp {
  /** `urn:<tenant host>`: the Issuer of every response and the metadata's entityID. */
  readonly entityId: string;
  readonly credential: SigningCredential;
  /** The IdP metadata XML to register with CreateSAMLProvider. */
  readonly metadata: string;
  /** The SAMLResponse as posted to AWS: base64 of the signed XML. */
  assertionFor(options: AssertionOptions): string;
  /** The signed XML itself (for tampering tests). */
  responseXml(options: AssertionOptions): string;
}

export async function createTestIdp(options: { tenant?: string; now?: Date } = {}): Promise<TestIdp> {
  const tenant = options.tenant ?? 'tessera-e2e.eu.auth0.com';
  const entityId = `urn:${tenant}`;
  // The certificate starts a day back so a skewed clock never makes it "not yet valid".
  const credential = await createSigningCredential({ host: tenant, notBefore: new Date((options.now ?? new Date()).getTime() - 86_400_000) });
  const metadata = buildIdpMetadata({
    entityId,
    signingCertificates: [credential.certificateBase64],
    ssoUrl: `https://${tenant}/samlp/e2eClientId`,
    sloUrl: `https://${tenant}/samlp/e2eClientId/logout`,
  });
  const responseXml = (a: AssertionOptions): string => {
    const attributes: Record<string, unknown> = {
      [AWS_ATTRIBUTE.role]: a.roles.length === 1 ? `${a.roles[0]![0]},${a.roles[0]![1]}` : a.roles.map(([r, p]) => `${r},${p}`),
      [AWS_ATTRIBUTE.roleSessionName]: a.sessionName,
    };
    for (const [k, v] of Object.entries(a.tags ?? {})) attributes[`${AWS_ATTRIBUTE.principalTagPrefix}${k}`] = v;
    if (a.transitiveTagKeys !== undefined) attributes['https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys'] = [...a.transitiveTagKeys];
    if (a.sessionDuration !== undefined) attributes[AWS_ATTRIBUTE.sessionDuration] = String(a.sessionDuration);
    if (a.sourceIdentity !== undefined) attributes['https://aws.amazon.com/SAML/Attributes/SourceIdentity'] = a.sourceIdentity;
    Object.assign(attributes, a.extraAttributes ?? {});
    const spec: ResponseSpec = {
      issuer: entityId,
      destination: a.recipient ?? AWS_SIGNIN_URL,
      recipient: a.recipient ?? AWS_SIGNIN_URL,
      audiences: a.audiences ?? [AWS_AUDIENCE],
      nameId: { value: a.nameId ?? a.sessionName, format: a.nameIdFormat ?? NAMEID_FORMAT.emailAddress },
      attributes,
      now: a.now ?? new Date(),
      ...(a.lifetimeSeconds === undefined ? {} : { lifetimeSeconds: a.lifetimeSeconds }),
    };
    const signing: SigningOptions = {
      privateKey: credential.privateKeyPem,
      certificate: credential.certificatePem,
      ...(a.signResponse === true ? { signResponse: true } : {}),
    };
    return buildResponse(spec, signing);
  };
  return {
    entityId,
    credential,
    metadata,
    responseXml,
    assertionFor: (a) => encodePostBinding(responseXml(a)),
  };
}

// --- The seed guide's federation (shared/seed/000_*.txt): names, documents, instances -------------------

/** The seed's account (the guide's rule: `awsAccount = '013823792818'`). */
export const SEED_ACCOUNT = '013823792818';
export const PROVIDER_NAME = 'auth0SamlProvider';
export const POLICY_NAME = 'VirtualMachineAccessByCostCenter';
export const ROLE_NAME = 'AccessByCostCenter';
export const PROVIDER_ARN = `arn:aws:iam::${SEED_ACCOUNT}:saml-provider/${PROVIDER_NAME}`;
export const ROLE_ARN = `arn:aws:iam::${SEED_ACCOUNT}:role/${ROLE_NAME}`;
export const POLICY_ARN = `arn:aws:iam::${SEED_ACCOUNT}:policy/${POLICY_NAME}`;
export const SESSION_NAME = 'jane@example.com';

/** The seed guide's three instances ("Tag AWS instances"): CostCenter and Project tags. */
export const SEED_INSTANCES = [
  { CostCenter: 'marketing', Project: 'website' },
  { CostCenter: 'engineering', Project: 'management_dashboard' },
  { CostCenter: 'marketing', Project: 'community_site' },
] as const;

/**
 * examples/seed-policy.json is the guide's text, with its documentation-templating artefact
 * `<%= "${aws:PrincipalTag/CostCenter}" %>` (DESIGN.md §2); the real policy has the bare variable.
 */
export function seedPolicyDocument(): string {
  const text = readFileSync(join(REPO_ROOT, 'examples', 'seed-policy.json'), 'utf8');
  const policy = JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' ? v.replace(/^<%= "(.*)" %>$/, '$1') : v)) as unknown;
  const out = JSON.stringify(policy);
  if (!out.includes('"ec2:ResourceTag/CostCenter":"${aws:PrincipalTag/CostCenter}"')) throw new Error('the seed policy no longer has its condition');
  return out;
}

/** The trust of a role for SAML 2.0 federation with programmatic and console access (aws.md §1.5). */
export function seedTrustPolicy(providerArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
        Condition: { StringEquals: { 'SAML:aud': AWS_SIGNIN_URL } },
      },
    ],
  });
}

