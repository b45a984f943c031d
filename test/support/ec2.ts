// Test-only fixtures for the EC2 action tests: instances placed straight into the store in any
// state, IAM users and role sessions holding a given policy, and the seed's ABAC policy. Imported by
// *.test.ts files only; production code must never import it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SigningCredentials } from '../../src/sigv4/index.js';
import type { Instance, InstanceStateName, Tag } from '../../src/store/port.js';
import { sealSessionToken } from '../../src/services/session.js';
import type { TestServices } from './services.js';
import { TEST_ACCOUNT, ok } from './services.js';
import { defaultSubnetId, defaultVpcId, privateAddress } from '../../src/services/ec2/shapes.js';

export const REGION = 'us-east-1';

/** Form parameters as EC2 clients send lists: `InstanceId.1`, `InstanceId.2`, … */
export function list(name: string, values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  values.forEach((v, i) => (out[`${name}.${i + 1}`] = v));
  return out;
}

/** `Tag.N.Key` / `Tag.N.Value` (a tag without `value` sends no Value). */
export function tagParams(prefix: string, tags: readonly { key: string; value?: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  tags.forEach((t, i) => {
    out[`${prefix}.${i + 1}.Key`] = t.key;
    if (t.value !== undefined) out[`${prefix}.${i + 1}.Value`] = t.value;
  });
  return out;
}

/** `Filter.N.Name` / `Filter.N.Value.M`. */
export function filterParams(filters: readonly { name: string; values: readonly string[] }[]): Record<string, string> {
  const out: Record<string, string> = {};
  filters.forEach((f, i) => {
    out[`Filter.${i + 1}.Name`] = f.name;
    f.values.forEach((v, j) => (out[`Filter.${i + 1}.Value.${j + 1}`] = v));
  });
  return out;
}

let counter = 0;

/** A fresh long instance id (`i-` + 17 hex digits). */
export function newInstanceId(): string {
  counter++;
  return `i-${(0xa0000000 + counter).toString(16)}${'0'.repeat(9)}`;
}

/** Places an instance in the store directly, in any state (the state-machine tables need all six). */
export async function seedInstance(
  t: TestServices,
  options: { state?: InstanceStateName; tags?: readonly Tag[]; zone?: string; instanceType?: string; launchTime?: Date; reason?: string } = {},
): Promise<Instance> {
  const instanceId = newInstanceId();
  const zone = options.zone ?? `${REGION}a`;
  const region = zone.slice(0, -1);
  const address = privateAddress(instanceId, zone);
  const [created] = await t.store.instances.create([
    {
      instanceId,
      reservationId: `r-${instanceId.slice(2)}`,
      amiLaunchIndex: 0,
      imageId: 'ami-0abcdef1234567890',
      instanceType: options.instanceType ?? 't3.micro',
      state: options.state ?? 'running',
      stateTransitionReason: options.reason ?? '',
      launchTime: options.launchTime ?? t.clock.now(),
      availabilityZone: zone,
      privateIpAddress: address.ip,
      privateDnsName: address.dnsName,
      vpcId: defaultVpcId(TEST_ACCOUNT, region),
      subnetId: defaultSubnetId(TEST_ACCOUNT, zone),
      tags: options.tags ?? [],
    },
  ]);
  return created as Instance;
}

/** The state DescribeInstances shows for one instance. */
export async function stateOf(t: TestServices, instanceId: string, credentials?: SigningCredentials): Promise<string | undefined> {
  const out = ok<{ Reservations?: { Instances?: { State?: { Name?: string } }[] }[] }>(
    await t.call('ec2', 'DescribeInstances', list('InstanceId', [instanceId]), credentials === undefined ? {} : { credentials }),
  );
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

/** The seed's permissions policy (examples/seed-policy.json) with the guide's templating artefact replaced by the real variable (DESIGN.md §2). */
export function seedPolicy(): string {
  const text = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'seed-policy.json'), 'utf8');
  return text.replace('<%= \\"${aws:PrincipalTag/CostCenter}\\" %>', '${aws:PrincipalTag/CostCenter}');
}

/**
 * Temporary credentials of a session of a new role holding `policy` inline: the role carries
 * `roleTags`, the session `sessionTags` (sealed into the token as STS would).
 */
export async function roleSession(
  t: TestServices,
  options: { policy: string; roleName?: string; roleTags?: readonly Tag[]; sessionTags?: readonly Tag[]; sessionName?: string },
): Promise<SigningCredentials> {
  const roleName = options.roleName ?? `role-${++counter}`;
  const roleId = t.env.ids.uniqueId('AROA');
  const roleArn = `arn:aws:iam::${TEST_ACCOUNT}:role/${roleName}`;
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: TEST_ACCOUNT }, Action: 'sts:AssumeRole' }] });
  await t.store.roles.create({
    roleId,
    roleName,
    path: '/',
    arn: roleArn,
    assumeRolePolicyDocument: trust,
    maxSessionDuration: 3600,
    createDate: t.clock.now(),
    tags: options.roleTags ?? [],
  });
  await t.store.roles.putInlinePolicy(roleName, { policyName: 'permissions', policyDocument: options.policy });
  const accessKeyId = t.env.ids.accessKeyId('ASIA');
  const secretAccessKey = t.env.ids.secretAccessKey();
  const issuedAt = Math.floor(t.clock.now().getTime() / 1000);
  const sessionToken = sealSessionToken(t.env.sealer, {
    accessKeyId,
    secretAccessKey,
    accountId: TEST_ACCOUNT,
    roleArn,
    roleId,
    roleName,
    sessionName: options.sessionName ?? 'jane@example.com',
    tags: options.sessionTags ?? [],
    transitiveTagKeys: [],
    sessionPolicyArns: [],
    issuedAt,
    expiresAt: issuedAt + 3600,
  });
  return { accessKeyId, secretAccessKey, sessionToken };
}

/** Long-term credentials of a new IAM user holding `policy` inline. */
export async function userWithPolicy(t: TestServices, policy: string, userName = `user-${++counter}`): Promise<SigningCredentials> {
  await t.store.users.create({
    userId: t.env.ids.uniqueId('AIDA'),
    userName,
    path: '/',
    arn: `arn:aws:iam::${TEST_ACCOUNT}:user/${userName}`,
    createDate: t.clock.now(),
    tags: [],
  });
  await t.store.users.putInlinePolicy(userName, { policyName: 'permissions', policyDocument: policy });
  const accessKeyId = t.env.ids.accessKeyId('AKIA');
  const secretAccessKey = t.env.ids.secretAccessKey();
  await t.store.accessKeys.create({
    accessKeyId,
    userName,
    secretSealed: t.env.sealer.seal('access-key-secret', Buffer.from(secretAccessKey, 'utf8'), accessKeyId),
    status: 'Active',
    createDate: t.clock.now(),
  });
  return { accessKeyId, secretAccessKey };
}

/** A policy document of the given statements. */
export function policy(...statements: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export function allow(action: string | readonly string[], resource: string | readonly string[] = '*', condition?: Record<string, unknown>): Record<string, unknown> {
  return { Effect: 'Allow', Action: action, Resource: resource, ...(condition === undefined ? {} : { Condition: condition }) };
}

export function deny(action: string | readonly string[], resource: string | readonly string[] = '*', condition?: Record<string, unknown>): Record<string, unknown> {
  return { Effect: 'Deny', Action: action, Resource: resource, ...(condition === undefined ? {} : { Condition: condition }) };
}
