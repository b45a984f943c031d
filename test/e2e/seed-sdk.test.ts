// The seed guide's world built from nothing with other people's client: the AWS SDK for JavaScript v3
// (IAM, STS, EC2) against a real `tessera up` child process. Proves the wire contract end to end:
// SAML provider, ABAC policy, role trust, tagged instances, AssumeRoleWithSAML with a session tag, the
// allowed and the denied StopInstances, the decoded denial, the simulator agreeing, and the SDK's
// modeled exception classes for AWS's error codes.

import { createHash } from 'node:crypto';
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import type { Instance } from '@aws-sdk/client-ec2';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetSAMLProviderCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
  UpdateAccessKeyCommand,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import {
  AssumeRoleWithSAMLCommand,
  DecodeAuthorizationMessageCommand,
  ExpiredTokenException,
  GetCallerIdentityCommand,
  InvalidAuthorizationMessageException,
  InvalidIdentityTokenException,
  STSClient,
} from '@aws-sdk/client-sts';
import type { Credentials as StsCredentials } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, REGION, removeTempDirs, startTessera } from '../support/server.js';
import type { RunningTessera } from '../support/server.js';
import {
  AWS_SIGNIN_URL,
  POLICY_ARN,
  POLICY_NAME,
  PROVIDER_ARN,
  PROVIDER_NAME,
  ROLE_ARN,
  ROLE_NAME,
  SEED_INSTANCES,
  SESSION_NAME,
  createTestIdp,
  seedPolicyDocument,
  seedTrustPolicy,
} from '../support/test-idp.js';
import type { TestIdp } from '../support/test-idp.js';

let server: RunningTessera;
let idp: TestIdp;
let iam: IAMClient;
let ec2: EC2Client;
let sts: STSClient;
/** An STS client with no credentials at all: AssumeRoleWithSAML must go unsigned. */
let anonymousSts: STSClient;

const state: {
  roleId?: string;
  instances: { id: string; tags: Readonly<Record<string, string>> }[];
  session?: StsCredentials;
  encodedDenial?: string;
} = { instances: [] };

function clientConfig(credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return {
    endpoint: server.url,
    region: REGION,
    maxAttempts: 1,
    credentials:
      credentials ??
      (async () => {
        throw new Error('this client must not need credentials');
      }),
  };
}

function sessionClients(): { ec2: EC2Client; sts: STSClient; iam: IAMClient } {
  const c = state.session;
  if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined) throw new Error('no session: AssumeRoleWithSAML did not succeed');
  const creds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  return { ec2: new EC2Client(clientConfig(creds)), sts: new STSClient(clientConfig(creds)), iam: new IAMClient(clientConfig(creds)) };
}

function instance(costCenter: string, project: string): string {
  const found = state.instances.find((i) => i.tags['CostCenter'] === costCenter && i.tags['Project'] === project);
  if (found === undefined) throw new Error(`no ${costCenter}/${project} instance: RunInstances did not succeed`);
  return found.id;
}

const instanceArn = (id: string): string => `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:instance/${id}`;

/** The error a call must raise (its SDK class name, HTTP status and message). */
async function rejection(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string; error: Error }> {
  try {
    const out = await p;
    throw new Error(`expected an error, got success: ${JSON.stringify(out).slice(0, 400)}`);
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number }; Code?: string };
    if (err.message.startsWith('expected an error')) throw err;
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message, error: err };
  }
}

async function waitForState(ids: readonly string[], wanted: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] = [];
  while (Date.now() < deadline) {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [...ids] }));
    last = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name ?? '?');
    if (last.length === ids.length && last.every((s) => s === wanted)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`instances ${ids.join(', ')} did not reach ${wanted} within ${timeoutMs} ms (last: ${last.join(', ')})`);
}

beforeAll(async () => {
  [server, idp] = await Promise.all([startTessera(), createTestIdp()]);
  iam = new IAMClient(clientConfig(server.admin));
  ec2 = new EC2Client(clientConfig(server.admin));
  sts = new STSClient(clientConfig(server.admin));
  anonymousSts = new STSClient(clientConfig());
});

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

describe('the seed guide from nothing, with the AWS SDK v3', () => {
  it('CreateSAMLProvider registers the IdP metadata as auth0SamlProvider', async () => {
    const out = await iam.send(new CreateSAMLProviderCommand({ Name: PROVIDER_NAME, SAMLMetadataDocument: idp.metadata }));
    expect(out.SAMLProviderArn).toBe(PROVIDER_ARN);
    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: PROVIDER_ARN }));
    expect(got.SAMLMetadataDocument).toBe(idp.metadata);
    expect(got.CreateDate).toBeInstanceOf(Date);
  });

  it('CreatePolicy creates VirtualMachineAccessByCostCenter with the real policy variable', async () => {
    const document = seedPolicyDocument();
    const out = await iam.send(new CreatePolicyCommand({ PolicyName: POLICY_NAME, PolicyDocument: document, Description: 'ABAC by CostCenter (seed)' }));
    expect(out.Policy).toMatchObject({ PolicyName: POLICY_NAME, Arn: POLICY_ARN, Path: '/', DefaultVersionId: 'v1', IsAttachable: true, AttachmentCount: 0 });
    expect(out.Policy?.PolicyId).toMatch(/^ANPA[A-Z0-9]{17}$/);
    expect(out.Policy?.CreateDate).toBeInstanceOf(Date);
    const got = await iam.send(new GetPolicyCommand({ PolicyArn: POLICY_ARN }));
    expect(got.Policy?.PolicyId).toBe(out.Policy?.PolicyId);
    // JS v3 returns IAM's URL-encoded document as is (aws.md §7, gotcha 12).
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICY_ARN, VersionId: 'v1' }));
    expect(version.PolicyVersion?.IsDefaultVersion).toBe(true);
    expect(JSON.parse(decodeURIComponent(version.PolicyVersion?.Document ?? ''))).toEqual(JSON.parse(document));
  });

  it('CreateRole creates AccessByCostCenter trusting the provider for AssumeRoleWithSAML and TagSession', async () => {
    const trust = seedTrustPolicy(PROVIDER_ARN);
    const out = await iam.send(new CreateRoleCommand({ RoleName: ROLE_NAME, AssumeRolePolicyDocument: trust, Description: 'Seed role' }));
    state.roleId = out.Role?.RoleId as string;
    // CreateRole answers the role's core (CLI:iam/create-role shows Path, RoleName, RoleId, Arn, CreateDate, document).
    expect(out.Role).toMatchObject({ RoleName: ROLE_NAME, Arn: ROLE_ARN, Path: '/' });
    expect(out.Role?.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(out.Role?.CreateDate).toBeInstanceOf(Date);
    const got = await iam.send(new GetRoleCommand({ RoleName: ROLE_NAME }));
    expect(got.Role).toMatchObject({ RoleId: state.roleId, RoleName: ROLE_NAME, Arn: ROLE_ARN, MaxSessionDuration: 3600, Description: 'Seed role' });
    expect(JSON.parse(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? ''))).toEqual(JSON.parse(trust));
  });

  it('AttachRolePolicy attaches the policy to the role', async () => {
    await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: POLICY_ARN }));
    const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE_NAME }));
    expect(listed.AttachedPolicies).toEqual([{ PolicyName: POLICY_NAME, PolicyArn: POLICY_ARN }]);
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: POLICY_ARN }));
    expect(policy.Policy?.AttachmentCount).toBe(1);
  });

  it('RunInstances launches the seed\'s three tagged instances', async () => {
    for (const tags of SEED_INSTANCES) {
      const out = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-0abcdef1234567890',
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
        }),
      );
      expect(out.OwnerId).toBe(ACCOUNT_ID);
      expect(out.ReservationId).toMatch(/^r-[0-9a-f]{8,17}$/);
      expect(out.Instances).toHaveLength(1);
      const i = out.Instances?.[0] as Instance;
      expect(i.InstanceId).toMatch(/^i-[0-9a-f]{8,17}$/);
      expect(i.State).toEqual({ Code: 0, Name: 'pending' });
      expect(i.InstanceType).toBe('t3.micro');
      expect(Object.fromEntries((i.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual(tags);
      state.instances.push({ id: i.InstanceId as string, tags });
    }
    await waitForState(state.instances.map((i) => i.id), 'running');
  });

  it('AssumeRoleWithSAML (unsigned) issues a session tagged CostCenter=marketing', async () => {
    const assertion = idp.assertionFor({ roles: [[ROLE_ARN, PROVIDER_ARN]], sessionName: SESSION_NAME, tags: { CostCenter: 'marketing', Project: 'website' } });
    const out = await anonymousSts.send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.Credentials?.SecretAccessKey?.length).toBeGreaterThanOrEqual(40);
    expect(out.Credentials?.SessionToken?.length).toBeGreaterThan(0);
    const expires = out.Credentials?.Expiration?.getTime() ?? 0;
    expect(Math.abs(expires - (Date.now() + 3600_000))).toBeLessThan(120_000);
    expect(out.AssumedRoleUser).toEqual({ AssumedRoleId: `${state.roleId}:${SESSION_NAME}`, Arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${ROLE_NAME}/${SESSION_NAME}` });
    expect(out.Subject).toBe(SESSION_NAME);
    expect(out.SubjectType).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(out.Issuer).toBe(idp.entityId);
    expect(out.Audience).toBe(AWS_SIGNIN_URL);
    // NameQualifier = Base64(SHA1(Issuer + AccountId + "/" + ProviderName)) (botocore sts model).
    expect(out.NameQualifier).toBe(createHash('sha1').update(`${idp.entityId}${ACCOUNT_ID}/${PROVIDER_NAME}`).digest('base64'));
    expect(out.PackedPolicySize).toBeGreaterThanOrEqual(0);
    expect(out.PackedPolicySize).toBeLessThanOrEqual(100);
    state.session = out.Credentials as StsCredentials;
  });

  it('GetCallerIdentity with the session credentials names the assumed role session', async () => {
    const out = await sessionClients().sts.send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({
      Account: ACCOUNT_ID,
      Arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${ROLE_NAME}/${SESSION_NAME}`,
      UserId: `${state.roleId}:${SESSION_NAME}`,
    });
  });

  it('StopInstances on a marketing instance is allowed: running → stopping', async () => {
    const id = instance('marketing', 'website');
    const out = await sessionClients().ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(out.StoppingInstances).toEqual([{ InstanceId: id, PreviousState: { Code: 16, Name: 'running' }, CurrentState: { Code: 64, Name: 'stopping' } }]);
  });

  it('StopInstances on the engineering instance is UnauthorizedOperation with an encoded message', async () => {
    const id = instance('engineering', 'management_dashboard');
    const e = await rejection(sessionClients().ec2.send(new StopInstancesCommand({ InstanceIds: [id] })));
    expect(e.name).toBe('UnauthorizedOperation');
    expect(e.status).toBe(403);
    // aws.md §6.10: the current message form (GH:kubernetes-sigs/karpenter#2813; UG troubleshoot_access-denied).
    const principal = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${ROLE_NAME}/${SESSION_NAME}`;
    expect(e.message).toMatch(/^You are not authorized to perform this operation\. /);
    expect(e.message).toContain(`User: ${principal} is not authorized to perform: ec2:StopInstances on resource: ${instanceArn(id)} because no identity-based policy allows the ec2:StopInstances action.`);
    const m = /Encoded authorization failure message: (\S+)$/.exec(e.message);
    expect(m, e.message).not.toBeNull();
    state.encodedDenial = m?.[1] as string;
    // The instance is untouched.
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(d.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('running');
  });

  it('DecodeAuthorizationMessage (admin) shows the principal tag and the resource tag that disagreed', async () => {
    expect(state.encodedDenial).toBeDefined();
    const out = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: state.encodedDenial as string }));
    const decoded = JSON.parse(out.DecodedMessage ?? '') as {
      allowed: boolean;
      explicitDeny: boolean;
      matchedStatements: { items: unknown[] };
      failures: { items: unknown[] };
      context: {
        principal: { id: string; arn: string };
        action: string;
        resource: string;
        conditions: { items: { key: string; values: { items: { value: string }[] } }[] };
      };
    };
    // aws.md §2.2 (CLI:sts/decode-authorization-message): an implicit deny matched no statement.
    expect(decoded.allowed).toBe(false);
    expect(decoded.explicitDeny).toBe(false);
    expect(decoded.matchedStatements.items).toEqual([]);
    expect(decoded.failures.items).toEqual([]);
    const id = instance('engineering', 'management_dashboard');
    expect(decoded.context.principal).toEqual({ id: `${state.roleId}:${SESSION_NAME}`, arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${ROLE_NAME}/${SESSION_NAME}` });
    expect(decoded.context.action).toBe('StopInstances');
    expect(decoded.context.resource).toBe(instanceArn(id));
    const values = (key: string): string[] | undefined =>
      decoded.context.conditions.items.find((c) => c.key.toLowerCase() === key.toLowerCase())?.values.items.map((v) => v.value);
    expect(values('aws:PrincipalTag/CostCenter')).toEqual(['marketing']);
    expect(values('ec2:ResourceTag/CostCenter')).toEqual(['engineering']);
    expect(values('ec2:Region')).toEqual([REGION]);
    for (const item of decoded.context.conditions.items) {
      expect(typeof item.key).toBe('string');
      for (const v of item.values.items) expect(typeof v.value).toBe('string');
    }
  });

  it('SimulatePrincipalPolicy on the role agrees: allowed for marketing\'s instance, implicitDeny for engineering\'s', async () => {
    const simulate = (id: string, resourceCostCenter: string) =>
      iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: ROLE_ARN,
          ActionNames: ['ec2:StopInstances'],
          ResourceArns: [instanceArn(id)],
          ContextEntries: [
            { ContextKeyName: 'aws:PrincipalTag/CostCenter', ContextKeyValues: ['marketing'], ContextKeyType: 'string' },
            { ContextKeyName: 'ec2:ResourceTag/CostCenter', ContextKeyValues: [resourceCostCenter], ContextKeyType: 'string' },
          ],
        }),
      );
    const marketing = instance('marketing', 'community_site');
    const allowed = await simulate(marketing, 'marketing');
    expect(allowed.EvaluationResults).toHaveLength(1);
    expect(allowed.EvaluationResults?.[0]).toMatchObject({ EvalActionName: 'ec2:StopInstances', EvalResourceName: instanceArn(marketing), EvalDecision: 'allowed' });
    const matched = allowed.EvaluationResults?.[0]?.MatchedStatements ?? [];
    expect(matched.length).toBeGreaterThan(0);
    expect(matched.map((s) => s.SourcePolicyId).join(' ')).toContain(POLICY_NAME);
    expect(allowed.IsTruncated).toBe(false);

    const engineering = instance('engineering', 'management_dashboard');
    const denied = await simulate(engineering, 'engineering');
    expect(denied.EvaluationResults?.[0]).toMatchObject({ EvalActionName: 'ec2:StopInstances', EvalResourceName: instanceArn(engineering), EvalDecision: 'implicitDeny' });
    expect(denied.EvaluationResults?.[0]?.MatchedStatements ?? []).toEqual([]);
  });

  it('DescribeInstances filters by tag:CostCenter and pages with NextToken', async () => {
    // Six more marketing instances in one reservation, so a page of 5 cannot hold them all.
    const bulk = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0abcdef1234567890',
        InstanceType: 't3.micro',
        MinCount: 6,
        MaxCount: 6,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'CostCenter', Value: 'marketing' }, { Key: 'Project', Value: 'bulk' }] }],
      }),
    );
    expect(bulk.Instances).toHaveLength(6);
    const marketingIds = [
      ...state.instances.filter((i) => i.tags['CostCenter'] === 'marketing').map((i) => i.id),
      ...(bulk.Instances ?? []).map((i) => i.InstanceId as string),
    ].sort();

    const session = sessionClients().ec2;
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstances({ client: session, pageSize: 5 }, { Filters: [{ Name: 'tag:CostCenter', Values: ['marketing'] }] })) {
      pages++;
      const ids = (page.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId as string);
      expect(ids.length).toBeLessThanOrEqual(5);
      seen.push(...ids);
      if (pages > 10) throw new Error('paging does not end');
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect([...seen].sort()).toEqual(marketingIds);

    const engineering = await session.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:CostCenter', Values: ['engineering'] }] }));
    const engIds = (engineering.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    expect(engIds).toEqual([instance('engineering', 'management_dashboard')]);
    const both = await session.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Project', Values: ['website', 'community_site'] }] }));
    expect((both.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId).sort()).toEqual(
      [instance('marketing', 'website'), instance('marketing', 'community_site')].sort(),
    );
  });

  it('the session can do nothing its policy does not grant', async () => {
    const { iam: sessionIam, sts: sessionSts, ec2: sessionEc2 } = sessionClients();
    const run = await rejection(sessionEc2.send(new RunInstancesCommand({ ImageId: 'ami-0abcdef1234567890', MinCount: 1, MaxCount: 1 })));
    expect([run.name, run.status]).toEqual(['UnauthorizedOperation', 403]);
    const createRole = await rejection(sessionIam.send(new CreateRoleCommand({ RoleName: 'Escalate', AssumeRolePolicyDocument: seedTrustPolicy(PROVIDER_ARN) })));
    expect([createRole.name, createRole.status]).toEqual(['AccessDenied', 403]);
    const decode = await rejection(sessionSts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: state.encodedDenial ?? 'x' })));
    expect([decode.name, decode.status]).toEqual(['AccessDenied', 403]);
  });
});

describe('IAM listings page and documents travel URL-encoded', () => {
  it('ListRoles pages with MaxItems/Marker through the SDK paginator', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `Paged${i}`);
    for (const RoleName of names) await iam.send(new CreateRoleCommand({ RoleName, Path: '/paged/', AssumeRolePolicyDocument: seedTrustPolicy(PROVIDER_ARN) }));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListRoles({ client: iam, pageSize: 3 }, { PathPrefix: '/paged/' })) {
      pages++;
      expect((page.Roles ?? []).length).toBeLessThanOrEqual(3);
      expect(page.IsTruncated).toBe(page.Marker !== undefined);
      seen.push(...(page.Roles ?? []).map((r) => r.RoleName as string));
      if (pages > 10) throw new Error('paging does not end');
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(names);
    const one = await iam.send(new GetRoleCommand({ RoleName: 'Paged3' }));
    expect(one.Role?.Arn).toBe(`arn:aws:iam::${ACCOUNT_ID}:role/paged/Paged3`);
    expect(one.Role?.Path).toBe('/paged/');
  });

  it('inline and managed policy documents come back URL-encoded (JS v3 does not decode them)', async () => {
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Describe', Effect: 'Allow', Action: 'ec2:DescribeRegions', Resource: '*' }] });
    await iam.send(new PutRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: 'inline-describe', PolicyDocument: document }));
    const inline = await iam.send(new GetRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: 'inline-describe' }));
    // aws.md §7 and gotcha 12: RFC 3986 encoding, so the raw member is not JSON.
    expect(inline.PolicyDocument).toMatch(/^%7B/);
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument ?? ''))).toEqual(JSON.parse(document));
    const role = await iam.send(new GetRoleCommand({ RoleName: ROLE_NAME }));
    expect(role.Role?.AssumeRolePolicyDocument).toMatch(/^%7B/);
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICY_ARN, VersionId: 'v1' }));
    expect(version.PolicyVersion?.Document).toMatch(/^%7B/);
  });
});

describe('federation and ABAC edge cases (each one a wrong Allow if it fails)', () => {
  /** A session of the seed role for `tags`, or the error AssumeRoleWithSAML raised. */
  async function assume(tags: Record<string, string>, roleArn = ROLE_ARN, sessionName = SESSION_NAME) {
    const assertion = idp.assertionFor({ roles: [[roleArn, PROVIDER_ARN]], sessionName, tags });
    try {
      const out = await anonymousSts.send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion }));
      const c = out.Credentials as StsCredentials;
      return { ok: true as const, ec2: new EC2Client(clientConfig({ accessKeyId: c.AccessKeyId as string, secretAccessKey: c.SecretAccessKey as string, sessionToken: c.SessionToken as string })) };
    } catch (e) {
      const err = e as Error & { $metadata?: { httpStatusCode?: number } };
      return { ok: false as const, name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
    }
  }

  async function stopOutcome(client: EC2Client, id: string): Promise<string> {
    try {
      const out = await client.send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true }));
      return `succeeded without DryRunOperation: ${JSON.stringify(out)}`;
    } catch (e) {
      return (e as Error).name;
    }
  }

  it('a DryRun StopInstances answers DryRunOperation (412) for marketing and UnauthorizedOperation for engineering', async () => {
    const s = await assume({ CostCenter: 'marketing' });
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    const e = await rejection(s.ec2.send(new StopInstancesCommand({ InstanceIds: [instance('marketing', 'community_site')], DryRun: true })));
    // aws.md §6.10 (OBS GH:getmoto/moto#1980; GH:aws/aws-cli#3127).
    expect([e.name, e.status, e.message]).toEqual(['DryRunOperation', 412, 'Request would have succeeded, but DryRun flag is set.']);
    expect(await stopOutcome(s.ec2, instance('engineering', 'management_dashboard'))).toBe('UnauthorizedOperation');
    // DryRun changed nothing.
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance('marketing', 'community_site')] }));
    expect(d.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('running');
  });

  it('tag values compare case-sensitively: CostCenter=Marketing may not stop a marketing instance', async () => {
    const s = await assume({ CostCenter: 'Marketing' });
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(await stopOutcome(s.ec2, instance('marketing', 'community_site'))).toBe('UnauthorizedOperation');
  });

  it('condition key names are case-insensitive: a session tag key `costcenter` satisfies aws:PrincipalTag/CostCenter', async () => {
    // aws.md §4.3 (DOC UG:reference_policies_elements_condition: key names are case-insensitive).
    const s = await assume({ costcenter: 'marketing' });
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(await stopOutcome(s.ec2, instance('marketing', 'community_site'))).toBe('DryRunOperation');
    expect(await stopOutcome(s.ec2, instance('engineering', 'management_dashboard'))).toBe('UnauthorizedOperation');
  });

  it('a session with no CostCenter tag may stop nothing (the variable has no value)', async () => {
    const s = await assume({ Project: 'website' });
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(await stopOutcome(s.ec2, instance('marketing', 'website'))).toBe('UnauthorizedOperation');
    expect(await stopOutcome(s.ec2, instance('engineering', 'management_dashboard'))).toBe('UnauthorizedOperation');
  });

  it('a tag value that looks like a wildcard is refused or matches only itself, never every instance', async () => {
    for (const value of ['*', '?*', 'engineer*']) {
      const s = await assume({ CostCenter: value });
      if (!s.ok) {
        // aws.md §1.3: tag values match [\p{L}\p{Z}\p{N}_.:/=+\-@]*, so AWS refuses these outright.
        expect(s.status, `${value}: ${s.name} ${s.message}`).toBe(400);
        continue;
      }
      // aws.md §4.5: a substituted value is literal text.
      expect(await stopOutcome(s.ec2, instance('engineering', 'management_dashboard')), value).toBe('UnauthorizedOperation');
      expect(await stopOutcome(s.ec2, instance('marketing', 'website')), value).toBe('UnauthorizedOperation');
    }
  });

  it('a role whose trust lacks sts:TagSession refuses an assertion with session tags (and accepts one without)', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': AWS_SIGNIN_URL } } }],
    });
    await iam.send(new CreateRoleCommand({ RoleName: 'NoTagSession', AssumeRolePolicyDocument: trust }));
    const roleArn = `arn:aws:iam::${ACCOUNT_ID}:role/NoTagSession`;
    // aws.md §1.5 and gotcha 4 (DOC UG:id_session-tags: "the AssumeRole operation fails").
    const tagged = await assume({ CostCenter: 'marketing' }, roleArn);
    expect(tagged.ok ? 'allowed' : [tagged.name, tagged.status]).toEqual(['AccessDenied', 403]);
    const untagged = await assume({}, roleArn);
    expect(untagged.ok, untagged.ok ? '' : `${untagged.name}: ${untagged.message}`).toBe(true);
  });

  it('a role trusting another audience (SAML:aud) refuses the assertion', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: PROVIDER_ARN },
          Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
          Condition: { StringEquals: { 'SAML:aud': 'https://eu-west-1.signin.aws.amazon.com/saml' } },
        },
      ],
    });
    await iam.send(new CreateRoleCommand({ RoleName: 'OtherAudience', AssumeRolePolicyDocument: trust }));
    const s = await assume({ CostCenter: 'marketing' }, `arn:aws:iam::${ACCOUNT_ID}:role/OtherAudience`);
    expect(s.ok ? 'allowed' : [s.name, s.status]).toEqual(['AccessDenied', 403]);
  });

  it('a role trusting another provider refuses an assertion presented for this provider', async () => {
    const trust = seedTrustPolicy(`arn:aws:iam::${ACCOUNT_ID}:saml-provider/SomeoneElse`);
    await iam.send(new CreateRoleCommand({ RoleName: 'OtherProvider', AssumeRolePolicyDocument: trust }));
    const s = await assume({ CostCenter: 'marketing' }, `arn:aws:iam::${ACCOUNT_ID}:role/OtherProvider`);
    expect(s.ok ? 'allowed' : [s.name, s.status]).toEqual(['AccessDenied', 403]);
  });

  it('retagging an instance to marketing lets the marketing session stop it (ABAC follows the tag)', async () => {
    const id = instance('engineering', 'management_dashboard');
    const s = await assume({ CostCenter: 'marketing' });
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(await stopOutcome(s.ec2, id)).toBe('UnauthorizedOperation');
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'CostCenter', Value: 'marketing' }] }));
    try {
      expect(await stopOutcome(s.ec2, id)).toBe('DryRunOperation');
    } finally {
      await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'CostCenter', Value: 'engineering' }] }));
    }
    expect(await stopOutcome(s.ec2, id)).toBe('UnauthorizedOperation');
  });
});

describe('policy types combine as AWS documents (aws.md §4.6)', () => {
  async function session(extra: { Policy?: string; DurationSeconds?: number } = {}, tags: Record<string, string> = { CostCenter: 'marketing' }) {
    const assertion = idp.assertionFor({ roles: [[ROLE_ARN, PROVIDER_ARN]], sessionName: SESSION_NAME, tags });
    const out = await anonymousSts.send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion, ...extra }));
    const c = out.Credentials as StsCredentials;
    return { out, ec2: new EC2Client(clientConfig({ accessKeyId: c.AccessKeyId as string, secretAccessKey: c.SecretAccessKey as string, sessionToken: c.SessionToken as string })) };
  }

  async function dryStop(client: EC2Client, id: string): Promise<string> {
    try {
      await client.send(new StopInstancesCommand({ InstanceIds: [id], DryRun: true }));
      return 'succeeded without DryRunOperation';
    } catch (e) {
      return (e as Error).name;
    }
  }

  it('a session policy narrows the role (it never widens it)', async () => {
    const wide = await session({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] }) });
    expect(await dryStop(wide.ec2, instance('engineering', 'management_dashboard'))).toBe('UnauthorizedOperation');
    expect(await dryStop(wide.ec2, instance('marketing', 'community_site'))).toBe('DryRunOperation');
    const narrow = await session({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }] }) });
    expect(await dryStop(narrow.ec2, instance('marketing', 'community_site'))).toBe('UnauthorizedOperation');
    await narrow.ec2.send(new DescribeInstancesCommand({}));
  });

  it('an explicit Deny in an inline role policy beats the managed Allow, for live sessions too', async () => {
    const live = await session();
    const id = instance('marketing', 'community_site');
    expect(await dryStop(live.ec2, id)).toBe('DryRunOperation');
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: ROLE_NAME,
        PolicyName: 'deny-stop',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ec2:StopInstances', Resource: instanceArn(id) }] }),
      }),
    );
    try {
      expect(await dryStop(live.ec2, id)).toBe('UnauthorizedOperation');
      const e = await rejection(live.ec2.send(new StopInstancesCommand({ InstanceIds: [id] })));
      expect(e.message).toContain('with an explicit deny in an identity-based policy');
    } finally {
      await iam.send(new DeleteRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: 'deny-stop' }));
    }
    expect(await dryStop(live.ec2, id)).toBe('DryRunOperation');
  });

  it('a permissions boundary that does not allow StopInstances denies it', async () => {
    const boundary = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'DescribeOnlyBoundary',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }] }),
      }),
    );
    const live = await session();
    const id = instance('marketing', 'community_site');
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: ROLE_NAME, PermissionsBoundary: boundary.Policy?.Arn as string }));
    try {
      expect(await dryStop(live.ec2, id)).toBe('UnauthorizedOperation');
      await live.ec2.send(new DescribeInstancesCommand({}));
    } finally {
      await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: ROLE_NAME }));
    }
    expect(await dryStop(live.ec2, id)).toBe('DryRunOperation');
  });

  it('detaching the managed policy takes the permission from sessions already issued', async () => {
    const live = await session();
    const id = instance('marketing', 'community_site');
    await iam.send(new DetachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: POLICY_ARN }));
    try {
      expect(await dryStop(live.ec2, id)).toBe('UnauthorizedOperation');
      expect(await rejection(live.ec2.send(new DescribeInstancesCommand({})))).toMatchObject({ name: 'UnauthorizedOperation', status: 403 });
    } finally {
      await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: POLICY_ARN }));
    }
    expect(await dryStop(live.ec2, id)).toBe('DryRunOperation');
  });

  it('DurationSeconds above the role\'s MaxSessionDuration is a ValidationError', async () => {
    const e = await rejection(session({ DurationSeconds: 7200 }));
    // aws.md §1.4 #5 (DOC UG:troubleshoot_saml; OBS GH:Nike-Inc/gimme-aws-creds#54).
    expect([e.name, e.status, e.message]).toEqual(['ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.']);
    const short = await session({ DurationSeconds: 900 });
    const expires = short.out.Credentials?.Expiration?.getTime() ?? 0;
    expect(Math.abs(expires - (Date.now() + 900_000))).toBeLessThan(60_000);
  });

  it('an IAM user\'s access key works only with its own policies, and stops working when deactivated or deleted', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey;
    expect(key?.AccessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(key?.Status).toBe('Active');
    const creds = { accessKeyId: key?.AccessKeyId as string, secretAccessKey: key?.SecretAccessKey as string };
    const aliceSts = new STSClient(clientConfig(creds));
    const aliceIam = new IAMClient(clientConfig(creds));
    const aliceEc2 = new EC2Client(clientConfig(creds));
    expect(await aliceSts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: `arn:aws:iam::${ACCOUNT_ID}:user/alice`, Account: ACCOUNT_ID });
    expect(await rejection(aliceIam.send(new ListRolesCommand({})))).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(await rejection(aliceEc2.send(new DescribeInstancesCommand({})))).toMatchObject({ name: 'UnauthorizedOperation', status: 403 });
    await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: POLICY_ARN }));
    await aliceEc2.send(new DescribeInstancesCommand({}));
    // The seed policy's condition needs a principal tag alice does not have: no stopping.
    expect(await dryStop(aliceEc2, instance('marketing', 'community_site'))).toBe('UnauthorizedOperation');
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: creds.accessKeyId, Status: 'Inactive' }));
    expect(await rejection(aliceSts.send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: creds.accessKeyId, Status: 'Active' }));
    await aliceSts.send(new GetCallerIdentityCommand({}));
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: creds.accessKeyId }));
    expect(await rejection(aliceSts.send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect(await rejection(aliceEc2.send(new DescribeInstancesCommand({})))).toMatchObject({ name: 'AuthFailure', status: 401 });
  });
});

describe('AWS error codes arrive as the SDK\'s modeled exceptions', () => {
  it('GetRole of a missing role → NoSuchEntityException (404)', async () => {
    const e = await rejection(iam.send(new GetRoleCommand({ RoleName: 'NoSuchRole' })));
    expect(e.error).toBeInstanceOf(NoSuchEntityException);
    expect(e.status).toBe(404);
    // aws.md §7 (MOTO:moto/iam/models.py).
    expect(e.message).toBe('The role with name NoSuchRole cannot be found.');
  });

  it('CreateRole of an existing name (any case) → EntityAlreadyExistsException (409)', async () => {
    const e = await rejection(iam.send(new CreateRoleCommand({ RoleName: ROLE_NAME.toLowerCase(), AssumeRolePolicyDocument: seedTrustPolicy(PROVIDER_ARN) })));
    expect(e.error).toBeInstanceOf(EntityAlreadyExistsException);
    expect(e.status).toBe(409);
  });

  it('CreatePolicy of a malformed document → MalformedPolicyDocumentException (400)', async () => {
    const noResource = await rejection(
      iam.send(new CreatePolicyCommand({ PolicyName: 'Broken', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StopInstances"}]}' })),
    );
    expect(noResource.error).toBeInstanceOf(MalformedPolicyDocumentException);
    expect(noResource.status).toBe(400);
    const oldVersion = await rejection(
      iam.send(new CreatePolicyCommand({ PolicyName: 'Old', PolicyDocument: '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}' })),
    );
    expect(oldVersion.error).toBeInstanceOf(MalformedPolicyDocumentException);
    // aws.md §4.1 (OBS GH:Meteor-Community-Packages/Meteor-CollectionFS#630).
    expect(oldVersion.message).toBe('Policy document must be version 2012-10-17 or greater.');
    const notJson = await rejection(iam.send(new CreatePolicyCommand({ PolicyName: 'NotJson', PolicyDocument: '{"Version":' })));
    expect(notJson.error).toBeInstanceOf(MalformedPolicyDocumentException);
  });

  it('AssumeRoleWithSAML with a tampered assertion → InvalidIdentityTokenException (400)', async () => {
    const xml = idp.responseXml({ roles: [[ROLE_ARN, PROVIDER_ARN]], sessionName: SESSION_NAME, tags: { CostCenter: 'marketing' } });
    const tampered = Buffer.from(xml.replace('>marketing<', '>engineering<')).toString('base64');
    expect(tampered).not.toBe(Buffer.from(xml).toString('base64'));
    const e = await rejection(anonymousSts.send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: tampered })));
    expect(e.error).toBeInstanceOf(InvalidIdentityTokenException);
    expect(e.status).toBe(400);
  });

  it('AssumeRoleWithSAML with an assertion issued 10 minutes ago → ExpiredTokenException (400)', async () => {
    const old = idp.assertionFor({ roles: [[ROLE_ARN, PROVIDER_ARN]], sessionName: SESSION_NAME, tags: { CostCenter: 'marketing' }, now: Date.now() - 600_000 });
    const e = await rejection(anonymousSts.send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: old })));
    expect(e.error).toBeInstanceOf(ExpiredTokenException);
    expect(e.status).toBe(400);
    // aws.md §1.4 #10 (OBS GH:Nike-Inc/gimme-aws-creds#251).
    expect(e.message).toBe('Token must be redeemed within 5 minutes of issuance');
  });

  it('AssumeRoleWithSAML for a role the assertion does not grant → AccessDenied (403)', async () => {
    const other = `arn:aws:iam::${ACCOUNT_ID}:role/Admin`;
    const assertion = idp.assertionFor({ roles: [[ROLE_ARN, PROVIDER_ARN]], sessionName: SESSION_NAME, tags: { CostCenter: 'marketing' } });
    const e = await rejection(anonymousSts.send(new AssumeRoleWithSAMLCommand({ RoleArn: other, PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion })));
    expect([e.name, e.status]).toEqual(['AccessDenied', 403]);
    expect(e.message).toBe('Not authorized to perform sts:AssumeRoleWithSAML');
  });

  it('a session token that was altered → InvalidClientTokenId (STS) / AuthFailure (EC2)', async () => {
    const c = state.session;
    expect(c).toBeDefined();
    const token = c?.SessionToken as string;
    const altered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const creds = { accessKeyId: c?.AccessKeyId as string, secretAccessKey: c?.SecretAccessKey as string, sessionToken: altered };
    const s = await rejection(new STSClient(clientConfig(creds)).send(new GetCallerIdentityCommand({})));
    expect([s.name, s.status]).toEqual(['InvalidClientTokenId', 403]);
    const e = await rejection(new EC2Client(clientConfig(creds)).send(new DescribeInstancesCommand({})));
    expect([e.name, e.status]).toEqual(['AuthFailure', 401]);
  });

  it('DecodeAuthorizationMessage of a forged message → InvalidAuthorizationMessageException (400)', async () => {
    const forged = (state.encodedDenial ?? 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').slice(0, -8) + 'AAAAAAAA';
    const e = await rejection(sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: forged })));
    expect(e.error).toBeInstanceOf(InvalidAuthorizationMessageException);
    expect(e.status).toBe(400);
  });

  it('StopInstances of an unknown instance id → InvalidInstanceID.NotFound', async () => {
    const e = await rejection(ec2.send(new StopInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })));
    expect([e.name, e.status]).toEqual(['InvalidInstanceID.NotFound', 400]);
    // aws.md §6.3 (MOTO:moto/ec2/exceptions.py).
    expect(e.message).toBe("The instance ID 'i-0123456789abcdef0' does not exist");
  });
});
