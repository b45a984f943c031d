// Model-driven fuzzing of every operation in every action table over HTTP: seeded-random requests
// built from the operation's input shape (src/services/<svc>/model.ts) — members present or absent,
// hostile strings, out-of-range and mistyped numbers, odd list indices, wrong nesting, unknown
// parameters — signed as the admin and sent to a live `tessera up`. The server must never answer 5xx,
// must always answer a well-formed success or error document of the right protocol with its request
// id, and must still serve GetCallerIdentity afterwards. Then the same requests as a CostCenter=marketing
// session of the seed role: nothing outside the seed policy may ever succeed (a wrong Allow), and every
// Start/Stop that succeeds must be on a marketing instance. Reproduce with FUZZ_SEED=<seed> FUZZ_N=<n>;
// FUZZ_STATS=1 shows how far the requests get.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListShape, MapShape, MemberRef, ServiceModel, Shape, StructureShape } from '../../src/services/model/types.js';
import { SERVICES } from '../../src/services/registry.js';
import { SERVICE_NAMES } from '../../src/services/types.js';
import type { ServiceName } from '../../src/services/types.js';
import type { SigningCredentials } from '../../src/sigv4/index.js';
import { Prng } from '../support/prng.js';
import { parseXml, readWireError, removeTempDirs, requestIdHeader, signedCall, startTessera, xmlAll, xmlText } from '../support/server.js';
import type { HttpResult, RunningTessera } from '../support/server.js';
import { createTestIdp, seedPolicyDocument, seedTrustPolicy } from '../support/test-idp.js';
import type { TestIdp } from '../support/test-idp.js';

const SEED = process.env['FUZZ_SEED'] ?? 'tessera-fuzz-1';
const N = Number(process.env['FUZZ_N'] ?? 60);
const REQUEST_TIMEOUT_MS = 5_000;
/** FUZZ_STATS=1 prints each operation's answers by code: how deep the random requests reach. */
const STATS = process.env['FUZZ_STATS'] === '1';
const ACCOUNT = '013823792818';

// --- Hostile values ------------------------------------------------------------------------------------

const WEIRD_STRINGS: readonly string[] = [
  '', ' ', '%', '%%', '%00', '%zz', '+', '\u0000', 'a\u0000b', '<', '>', '&', '"', "'", '<a>', '</Error>', ']]>', '<![CDATA[x]]>',
  '&lt;&#0;&#x0;', '&#xD800;', 'ü', 'Ωmega', '€', '😀', '\u{10FFFF}', '\uFEFF', '\u202Eevil', '\r\n', '\t', '\\', '../../etc/passwd',
  '${aws:username}', '${*}', '*', '?', 'null', 'undefined', 'NaN', 'true', '-1', '1e309', '__proto__', 'constructor', 'toString',
  'hasOwnProperty', 'arn:aws:iam::013823792818:role/fuzz-role', 'arn:aws:iam::aws:policy/AdministratorAccess', 'arn:', 'arn:aws:iam:::',
  '{"Version":"2012-10-17"}', '[]', '{}', 'A'.repeat(129), 'a'.repeat(2049), 'é'.repeat(300),
];

const NUMBERS: readonly string[] = ['0', '-1', '1', '5', '1000', '1001', '3599', '43201', '2147483648', '9007199254740993', '1e309', '-0', '1.5', 'NaN', 'abc', '', ' 7', '0x10', '+3', '١٢'];
const BOOLEANS: readonly string[] = ['true', 'false', 'TRUE', 'False', '1', '0', 'yes', ''];
const TIMESTAMPS: readonly string[] = ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z', '0', '1700000000', 'garbage', '9999-99-99T99:99:99Z', ''];
const INDICES: readonly string[] = ['0', '1001', '99999999', '-1', 'x', '01', ' 1', '1.5', '4294967297'];
const UNKNOWN_KEYS: readonly string[] = [
  'Foo', 'foo.bar', 'Tags.member.1.Nope', '__proto__', '__proto__.polluted', 'constructor.prototype.polluted', 'member', '.', '..', 'a..b',
  'X-Amz-Credential', 'X-Amz-Signature', 'Action.1', 'Version.x', '', 'ü', 'A'.repeat(300),
];

/** Policies: valid identity and trust documents, broken JSON, hostile and huge ones. */
function policyPool(providerArn: string): string[] {
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  return [
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}',
    '{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:ec2:*:*:instance/${aws:username}"}}',
    seedTrustPolicy(providerArn),
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/CostCenter":"${aws:PrincipalTag/CostCenter}"}}}]}',
    '{"Version":"2008-10-17","Statement":[]}',
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NoSuchOperator":{"a":"b"}}}]}',
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StopInstances","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"not-a-date"},"IpAddress":{"aws:SourceIp":"999.1.1.1/77"}}}]}',
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRoleWithSAML"}]}',
    '{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"ec2:*","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"ec2:*","Resource":"*"}]}',
    '{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}',
    '{"Version":', '', 'null', '[]', '"string"', '{"__proto__":{"polluted":true},"Version":"2012-10-17","Statement":[]}',
    deep,
    `{"Version":"2012-10-17","Statement":[${Array.from({ length: 400 }, (_, i) => `{"Sid":"S${i}","Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}`).join(',')}]}`,
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"' + '*'.repeat(3000) + 'a"}]}',
  ];
}

// --- The wire form of a random input (botocore's QuerySerializer and EC2Serializer) -------------------------

type Pair = [string, string];

interface Ctx {
  readonly rng: Prng;
  readonly service: ServiceName;
  readonly model: ServiceModel;
  readonly pools: Pools;
  readonly out: Pair[];
  /** false: only plausible values (pools, enums, in-range numbers), so requests reach the handler. */
  readonly chaos: boolean;
}

interface Pools {
  readonly byMember: Readonly<Record<string, readonly string[]>>;
  readonly policies: readonly string[];
}

const ucfirst = (s: string): string => (s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1));
const lcfirst = (s: string): string => (s.length === 0 ? s : s[0]!.toLowerCase() + s.slice(1));
const join = (prefix: string, name: string): string => (prefix === '' ? name : `${prefix}.${name}`);

function memberKey(ctx: Ctx, ref: MemberRef, name: string): string {
  if (ctx.model.metadata.protocol === 'query') return ref.locationName ?? name;
  const key = ref.queryName ?? (ref.locationName !== undefined ? ucfirst(ref.locationName) : name);
  // EC2 clients also send the lower-case first letter (`dryRun`, aws.md §6.1).
  return ctx.chaos && ctx.rng.chance(0.05) ? lcfirst(key) : key;
}

function hostile(rng: Prng): string {
  if (rng.chance(0.03)) return rng.pick(['x', 'é', '😀', '<', '%']).repeat(rng.int(20_000, 110_000));
  if (rng.chance(0.3)) {
    let s = '';
    const n = rng.int(1, 40);
    for (let i = 0; i < n; i++) s += String.fromCodePoint(rng.chance(0.7) ? rng.int(0x20, 0x7e) : rng.pick([0, 9, 10, 13, 0x7f, 0xa0, 0xff, 0x100, 0x2028, 0xd7ff, 0xe000, 0xfffd, 0x1f600, 0x10ffff]));
    return s;
  }
  return rng.pick(WEIRD_STRINGS);
}

function stringValue(ctx: Ctx, memberName: string, shapeName: string, shape: Extract<Shape, { type: 'string' }>): string {
  const { rng, pools } = ctx;
  const pool = pools.byMember[`${ctx.service}:${memberName}`] ?? pools.byMember[memberName];
  if (pool === undefined && (shapeName === 'policyDocumentType' || shapeName === 'sessionPolicyDocumentType')) {
    if (!ctx.chaos && rng.chance(0.6)) return pools.policies[0] as string;
    if (!ctx.chaos || rng.chance(0.85)) return rng.pick(pools.policies);
  }
  // A pool's first entry is the canonical good value: plausible requests mostly use it.
  if (pool !== undefined && !ctx.chaos && rng.chance(0.7)) return pool[0] as string;
  if (pool !== undefined && (!ctx.chaos || rng.chance(0.65))) return rng.pick(pool);
  if (shape.enum !== undefined && (!ctx.chaos || rng.chance(0.6))) {
    const e = rng.pick(shape.enum);
    return ctx.chaos && rng.chance(0.1) ? e.toUpperCase() : e;
  }
  if (!ctx.chaos || rng.chance(0.35)) {
    const min = shape.min ?? 1;
    const max = Math.min(shape.max ?? 64, 64);
    const len = rng.int(Math.min(min, max), Math.max(min, max));
    let s = '';
    for (let i = 0; i < len; i++) s += rng.pick([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.@=,+']);
    return s;
  }
  return hostile(rng);
}

function scalarValue(ctx: Ctx, memberName: string, shapeName: string, shape: Shape): string {
  const { rng } = ctx;
  switch (shape.type) {
    case 'string':
      return stringValue(ctx, memberName, shapeName, shape);
    case 'integer':
    case 'long':
    case 'double': {
      if (!ctx.chaos) {
        if (memberName === 'MaxCount' || memberName === 'MinCount') return String(rng.int(1, 3));
        return String(rng.int(shape.min ?? 0, shape.max ?? Math.max(shape.min ?? 0, 100)));
      }
      if (rng.chance(0.5) && shape.min !== undefined && shape.max !== undefined) return String(rng.int(shape.min, shape.max));
      if (rng.chance(0.3)) return String(rng.int(0, memberName === 'MaxCount' || memberName === 'MinCount' ? 3 : 100));
      if (rng.chance(0.2) && shape.min !== undefined) return String(shape.min - 1);
      if (rng.chance(0.2) && shape.max !== undefined) return String(shape.max + 1);
      return rng.pick(NUMBERS);
    }
    case 'boolean':
      return ctx.chaos ? rng.pick(BOOLEANS) : rng.pick(['true', 'false']);
    case 'timestamp':
      return rng.pick(TIMESTAMPS);
    case 'blob':
      return rng.chance(0.5) ? Buffer.from(hostile(rng)).toString('base64') : hostile(rng);
    default:
      return hostile(rng);
  }
}

function listIndex(ctx: Ctx, i: number): string {
  return ctx.chaos && ctx.rng.chance(0.06) ? ctx.rng.pick(INDICES) : String(i);
}

function emit(ctx: Ctx, key: string, memberName: string, shapeName: string, depth: number): void {
  const { rng, model } = ctx;
  const shape = model.shapes[shapeName];
  if (shape === undefined) throw new Error(`model: unknown shape ${shapeName}`);
  // Wrong types: a scalar where an aggregate is expected, or children under a scalar.
  if (!ctx.chaos) {
    /* plausible requests keep the model's nesting */
  } else if (shape.type === 'structure' || shape.type === 'list' || shape.type === 'map') {
    if (rng.chance(0.04)) {
      ctx.out.push([key, hostile(rng)]);
      return;
    }
  } else if (rng.chance(0.03)) {
    ctx.out.push([`${key}.${rng.pick(['member.1', '1', 'Key', 'entry.1.key'])}`, hostile(rng)]);
    return;
  }
  if (depth > 5) return;
  switch (shape.type) {
    case 'structure':
      emitStructure(ctx, key, shape, depth);
      return;
    case 'list':
      emitList(ctx, key, memberName, shape, depth);
      return;
    case 'map':
      emitMap(ctx, key, shape, depth);
      return;
    default:
      ctx.out.push([key, scalarValue(ctx, memberName, shapeName, shape)]);
  }
}

function emitStructure(ctx: Ctx, prefix: string, shape: StructureShape, depth: number): void {
  const required = new Set(shape.required ?? []);
  for (const [name, ref] of Object.entries(shape.members)) {
    const p = required.has(name) ? (ctx.chaos ? 0.9 : 1) : depth === 0 ? 0.45 : ctx.chaos ? 0.6 : 0.3;
    if (!ctx.rng.chance(p)) continue;
    emit(ctx, join(prefix, memberKey(ctx, ref, name)), name, ref.shape, depth + 1);
  }
}

function emitList(ctx: Ctx, prefix: string, memberName: string, shape: ListShape, depth: number): void {
  const { rng } = ctx;
  const n = !ctx.chaos ? rng.int(1, 2) : rng.chance(0.1) ? 0 : rng.chance(0.05) ? rng.int(20, 60) : rng.int(1, 3);
  const itemName = memberName;
  if (ctx.model.metadata.protocol === 'ec2') {
    // EC2Serializer: every list is flattened, `Name.N`, 1-based; an empty list sends nothing.
    for (let i = 1; i <= n; i++) emit(ctx, `${prefix}.${listIndex(ctx, i)}`, itemName, shape.member.shape, depth + 1);
    return;
  }
  if (n === 0) {
    ctx.out.push([prefix, '']);
    return;
  }
  let listPrefix: string;
  if (shape.flattened === true) {
    const name = shape.member.locationName;
    listPrefix = name === undefined ? prefix : [...prefix.split('.').slice(0, -1), name].join('.');
  } else listPrefix = `${prefix}.${shape.member.locationName ?? 'member'}`;
  for (let i = 1; i <= n; i++) emit(ctx, `${listPrefix}.${listIndex(ctx, i)}`, itemName, shape.member.shape, depth + 1);
}

function emitMap(ctx: Ctx, prefix: string, shape: MapShape, depth: number): void {
  const { rng } = ctx;
  const n = rng.int(0, 3);
  const full = shape.flattened === true ? prefix : `${prefix}.entry`;
  for (let i = 1; i <= n; i++) {
    const idx = listIndex(ctx, i);
    emit(ctx, `${full}.${idx}.${shape.key.locationName ?? 'key'}`, 'key', shape.key.shape, depth + 1);
    emit(ctx, `${full}.${idx}.${shape.value.locationName ?? 'value'}`, 'value', shape.value.shape, depth + 1);
  }
}

function randomRequest(rng: Prng, service: ServiceName, operation: string, pools: Pools): Pair[] {
  const model = SERVICES[service].model;
  const op = model.operations[operation];
  const out: Pair[] = [];
  // A third plausible (reaches the handler), a third plausible but for one hostile value, a third chaos.
  const mode = rng.pick(['plausible', 'one-bad', 'chaos'] as const);
  const ctx: Ctx = { rng, service, model, pools, out, chaos: mode === 'chaos' };
  if (op?.input !== undefined) {
    const input = model.shapes[op.input];
    if (input?.type === 'structure') emitStructure(ctx, '', input, 0);
  }
  if (mode === 'one-bad' && out.length > 0) {
    const i = rng.int(0, out.length - 1);
    const [key] = out[i] as Pair;
    out[i] = rng.chance(0.8) ? [key, hostile(rng)] : [key.replace(/\.(\d+)(?=\.|$)/, `.${rng.pick(INDICES)}`), (out[i] as Pair)[1]];
  }
  if (mode !== 'chaos') return out;
  const unknown = rng.chance(0.25) ? rng.int(1, 4) : 0;
  for (let i = 0; i < unknown; i++) out.push([rng.pick(UNKNOWN_KEYS), hostile(rng)]);
  // A repeated name (the first value wins at the server) now and then.
  if (out.length > 0 && rng.chance(0.05)) out.push([rng.pick(out)[0], hostile(rng)]);
  return out.slice(0, 990);
}

// --- Judging an answer --------------------------------------------------------------------------------

/** Why an answer breaks the contract, or undefined when it keeps it. */
function violation(service: ServiceName, operation: string, r: HttpResult): string | undefined {
  if (r.status >= 500) {
    let code = '?';
    try {
      code = readWireError(r.body).code;
    } catch {
      /* reported below as the body */
    }
    return `HTTP ${r.status} ${code}: ${r.body.slice(0, 300)}`;
  }
  const rid = requestIdHeader(r);
  if (rid === null || rid === '') return `HTTP ${r.status} without an x-amzn-RequestId header`;
  const model = SERVICES[service].model;
  if (r.status === 200) {
    let doc: Document;
    try {
      doc = parseXml(r.body);
    } catch (e) {
      return `success body is not well-formed XML: ${(e as Error).message.slice(0, 300)}`;
    }
    const root = doc.documentElement as Element;
    if (root.localName !== `${operation}Response`) return `success root <${root.tagName}>, not <${operation}Response>`;
    const ns = root.namespaceURI ?? '';
    if (ns !== model.metadata.xmlNamespace) return `success namespace ${ns}, not ${model.metadata.xmlNamespace}`;
    const bodyId = model.metadata.protocol === 'ec2' ? xmlText(doc, 'requestId') : xmlText(doc, 'ResponseMetadata', 'RequestId');
    if (bodyId !== rid) return `success request id ${bodyId} ≠ header ${rid}`;
    return undefined;
  }
  try {
    const e = readWireError(r.body);
    const expected = model.metadata.protocol === 'ec2' ? 'ec2' : 'query';
    if (e.protocol !== expected) return `HTTP ${r.status} ${e.code} in the ${e.protocol} error format, not ${expected}`;
    if (e.requestId !== rid) return `error request id ${e.requestId} ≠ header ${rid}`;
    if (e.message === '') return `HTTP ${r.status} ${e.code} without a message`;
  } catch (err) {
    return `HTTP ${r.status}: ${(err as Error).message.slice(0, 300)}`;
  }
  return undefined;
}

function describeRequest(params: readonly Pair[]): string {
  return params.map(([k, v]) => `${k}=${JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v)}`).join('&').slice(0, 600);
}

// --- The live server and its fixtures ------------------------------------------------------------------

let server: RunningTessera;
let idp: TestIdp;
let pools: Pools;
let restarts = 0;

async function adminCall(service: ServiceName, action: string, params: Record<string, string>): Promise<Document | undefined> {
  const r = await signedCall(server, service, action, params, { timeoutMs: REQUEST_TIMEOUT_MS }).catch(() => undefined);
  return r?.status === 200 ? parseXml(r.body) : undefined;
}

/** Real entities the random requests can hit (best effort: an action not yet served leaves its pool names dangling). */
async function seedFixtures(): Promise<Pools> {
  const providerArn = `arn:aws:iam::${ACCOUNT}:saml-provider/fuzz-provider`;
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/fuzz-role`;
  const policyArn = `arn:aws:iam::${ACCOUNT}:policy/fuzz-policy`;
  await adminCall('iam', 'CreateSAMLProvider', { Name: 'fuzz-provider', SAMLMetadataDocument: idp.metadata });
  await adminCall('iam', 'CreatePolicy', { PolicyName: 'fuzz-policy', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}' });
  await adminCall('iam', 'CreateRole', { RoleName: 'fuzz-role', AssumeRolePolicyDocument: seedTrustPolicy(providerArn) });
  await adminCall('iam', 'AttachRolePolicy', { RoleName: 'fuzz-role', PolicyArn: policyArn });
  await adminCall('iam', 'CreateUser', { UserName: 'fuzz-user' });
  const key = await adminCall('iam', 'CreateAccessKey', { UserName: 'fuzz-user' });
  const accessKeyId = key === undefined ? 'AKIAFUZZFUZZFUZZ0001' : (xmlAll(key, 'AccessKeyId')[0] ?? 'AKIAFUZZFUZZFUZZ0001');
  const run = await adminCall('ec2', 'RunInstances', {
    ImageId: 'ami-0abcdef1234567890',
    MinCount: '2',
    MaxCount: '2',
    'TagSpecification.1.ResourceType': 'instance',
    'TagSpecification.1.Tag.1.Key': 'CostCenter',
    'TagSpecification.1.Tag.1.Value': 'marketing',
  });
  const instances = run === undefined ? [] : xmlAll(run, 'instanceId');
  const instanceIds = [...instances, 'i-0123456789abcdef0', 'i-', 'i-zzzz', 'vol-0123456789abcdef0', ''];
  const assertion = idp.assertionFor({ roles: [[roleArn, providerArn]], sessionName: 'fuzz@example.com', tags: { CostCenter: 'marketing' } });
  const names = ['fuzz-role', 'FUZZ-ROLE', 'fuzz-user', 'fuzz-policy', 'fuzz-provider', 'fuzz-missing', 'a', 'x'.repeat(64)];
  const arns = [roleArn, policyArn, providerArn, `arn:aws:iam::${ACCOUNT}:user/fuzz-user`, 'arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::999999999999:role/fuzz-role', `arn:aws:iam::${ACCOUNT}:policy/fuzz-missing`, `arn:aws:sts::${ACCOUNT}:assumed-role/fuzz-role/s`, 'arn:aws:ec2:us-east-1:013823792818:instance/*', 'not-an-arn-but-long-enough'];
  return {
    policies: policyPool(providerArn),
    byMember: {
      AssumeRolePolicyDocument: [seedTrustPolicy(providerArn), ...policyPool(providerArn)],
      RoleName: names,
      UserName: names,
      PolicyName: names,
      'iam:Name': names,
      // Mostly the right kind of ARN, so requests get past the syntax checks; the rest are wrong kinds.
      PolicyArn: [...Array(12).fill(policyArn), ...arns],
      PermissionsBoundary: [...Array(12).fill(policyArn), ...arns],
      SAMLProviderArn: [...Array(12).fill(providerArn), ...arns],
      RoleArn: [...Array(12).fill(roleArn), ...arns],
      PrincipalArn: [...Array(12).fill(providerArn), ...arns],
      PolicySourceArn: [...Array(6).fill(roleArn), ...Array(6).fill(`arn:aws:iam::${ACCOUNT}:user/fuzz-user`), ...arns],
      CallerArn: arns,
      ResourceOwner: arns,
      ResourceArns: ['arn:aws:ec2:us-east-1:013823792818:instance/i-0123456789abcdef0', ...arns],
      arn: [policyArn, ...arns],
      Path: ['/', '/a/b/', 'a', '//', '/\u0000/'],
      PathPrefix: ['/', '/a', 'x'],
      VersionId: ['v1', 'v2', 'v0', 'v999', 'V1', '1'],
      AccessKeyId: [accessKeyId, 'AKIAFUZZFUZZFUZZ0001', server.admin.accessKeyId],
      SAMLMetadataDocument: [
        idp.metadata,
        idp.metadata.replace('<', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><'),
        `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><EntityDescriptor>${'&c;'.repeat(200)}</EntityDescriptor>`,
        'x'.repeat(1500),
        `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e">${' '.repeat(1200)}</EntityDescriptor>`,
      ],
      SAMLAssertion: [assertion, assertion, Buffer.from('<samlp:Response/>').toString('base64'), 'not base64 at all!!', Buffer.from('x'.repeat(3000)).toString('base64')],
      EncodedMessage: ['AAAA', 'garbage-message', 'x'.repeat(10240), '\n'],
      ActionNames: ['ec2:StopInstances', 'iam:CreateRole', 'sts:AssumeRoleWithSAML', '*', 'ec2:*', 'nocolon', 's3:GetObject'],
      ResourceHandlingOption: ['EC2-VPC-InstanceStore', 'EC2-Classic-EBS', 'bogus'],
      ContextKeyName: ['aws:PrincipalTag/CostCenter', 'ec2:ResourceTag/CostCenter', 'aws:CurrentTime', 'aws:SourceIp', 'aws:TagKeys', 'bogus'],
      ContextKeyValues: ['marketing', '2024-01-01T00:00:00Z', '10.0.0.1', 'not-an-ip', 'true'],
      Marker: ['AAAA', 'x', '1', '-1', 'eyJvZmZzZXQiOjF9'],
      NextToken: ['AAAA', 'x', '1', '-1', 'eyJvZmZzZXQiOjF9'],
      InstanceIds: instanceIds,
      Resources: [...instanceIds, 'ami-0abcdef1234567890'],
      'ec2:Name': ['tag:CostCenter', 'tag-key', 'tag-value', 'instance-state-name', 'instance-id', 'instance-type', 'resource-id', 'resource-type', 'key', 'value', 'region-name', 'endpoint', 'opt-in-status', 'launch-time', 'bogus-filter', 'tag:'],
      Values: ['marketing', '*', '?', 'running', '\\*', 'us-east-1', 'i-*', ''],
      RegionNames: ['us-east-1', 'eu-west-1', 'xx-nowhere-1'],
      Key: ['CostCenter', 'Project', 'aws:reserved', 'costcenter'],
      Value: ['marketing', 'engineering', ''],
      ImageId: ['ami-0abcdef1234567890', 'ami-', 'ami-zzz'],
      TagKeys: ['CostCenter', 'aws:x'],
      ResourceType: ['instance', 'volume', 'image'],
    },
  };
}

async function start(): Promise<void> {
  server = await startTessera({ lifetimeMs: 600_000 });
  pools = await seedFixtures();
}

/** A request that timed out means the server is wedged: it is replaced, so later operations still run. */
async function restart(): Promise<void> {
  restarts++;
  await server.kill();
  await start();
}

beforeAll(async () => {
  idp = await createTestIdp();
  await start();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

const OPERATIONS: Array<[ServiceName, string]> = SERVICE_NAMES.flatMap((service) => Object.keys(SERVICES[service].actions).map((op): [ServiceName, string] => [service, op]));

describe(`fuzzing every served operation (${N} requests each, seed ${SEED})`, () => {
  it('serves at least one operation per service', () => {
    for (const service of SERVICE_NAMES) expect(OPERATIONS.some(([s]) => s === service), service).toBe(true);
  });

  it.each(OPERATIONS)('%s:%s never answers 5xx and always answers a well-formed document', async (service, operation) => {
    const rng = new Prng(`${SEED}/${service}/${operation}`);
    const problems: string[] = [];
    const histogram = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const params = randomRequest(rng, service, operation, pools);
      let r: HttpResult;
      try {
        r = await signedCall(server, service, operation, params, { timeoutMs: REQUEST_TIMEOUT_MS });
      } catch (e) {
        problems.push(`#${i} no answer within ${REQUEST_TIMEOUT_MS} ms (${(e as Error).message}); server ${server.pid} replaced\n    ${describeRequest(params)}`);
        await restart();
        continue;
      }
      if (STATS) {
        let code = String(r.status);
        try {
          if (r.status !== 200) code = readWireError(r.body).code;
        } catch {
          /* counted as the status */
        }
        histogram.set(code, (histogram.get(code) ?? 0) + 1);
        if (process.env['FUZZ_TRACE'] === `${service}:${operation}`) console.log(r.status, r.body.slice(0, 400), '\n   ', describeRequest(params));
      }
      const v = violation(service, operation, r);
      if (v !== undefined) problems.push(`#${i} ${v}\n    ${describeRequest(params)}`);
    }
    if (STATS) console.log(`${service}:${operation} ${JSON.stringify(Object.fromEntries(histogram))}`);
    expect(problems, `${problems.length} of ${N} requests broke the contract (FUZZ_SEED=${SEED}):\n${problems.slice(0, 6).join('\n')}`).toEqual([]);
  });

  it('the server still answers GetCallerIdentity, was never replaced, and logged no unhandled error', async () => {
    const r = await signedCall(server, 'sts', 'GetCallerIdentity');
    expect(r.status).toBe(200);
    expect(xmlText(parseXml(r.body), 'GetCallerIdentityResult', 'Arn')).toBe(`arn:aws:iam::${ACCOUNT}:root`);
    expect(restarts).toBe(0);
    const errors = server
      .stderr()
      .split('\n')
      .filter((l) => l.includes('"level":"error"'));
    expect(errors.slice(0, 5).map((l) => l.slice(0, 400))).toEqual([]);
  });
});

// --- A federated session must never be allowed more than its policy grants ---------------------------------

/**
 * What the seed policy (VirtualMachineAccessByCostCenter) lets a CostCenter=marketing session do, plus
 * what needs no permission (GetCallerIdentity) and what the role trust decides (AssumeRoleWithSAML).
 * Start/Stop are allowed only on marketing instances, checked on every success.
 */
const SESSION_MAY: ReadonlySet<string> = new Set(['sts:GetCallerIdentity', 'sts:AssumeRoleWithSAML', 'ec2:DescribeInstances', 'ec2:StartInstances', 'ec2:StopInstances']);

describe(`fuzzing every operation as a CostCenter=marketing session of the seed role (seed ${SEED})`, () => {
  let session: SigningCredentials | undefined;
  let sessionFailure = '';
  let sessionPools: Pools;

  beforeAll(async () => {
    // Its own provider, role and policy: the admin phase above may have deleted or changed the shared fixtures.
    const providerArn = `arn:aws:iam::${ACCOUNT}:saml-provider/fuzz-abac-provider`;
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/fuzz-abac`;
    await adminCall('iam', 'CreateSAMLProvider', { Name: 'fuzz-abac-provider', SAMLMetadataDocument: idp.metadata });
    await adminCall('iam', 'CreatePolicy', { PolicyName: 'fuzz-abac', PolicyDocument: seedPolicyDocument() });
    await adminCall('iam', 'CreateRole', { RoleName: 'fuzz-abac', AssumeRolePolicyDocument: seedTrustPolicy(providerArn) });
    await adminCall('iam', 'AttachRolePolicy', { RoleName: 'fuzz-abac', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/fuzz-abac` });
    const own: string[] = [];
    for (const costCenter of ['marketing', 'engineering']) {
      const run = await adminCall('ec2', 'RunInstances', {
        ImageId: 'ami-0abcdef1234567890', MinCount: '1', MaxCount: '1',
        'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'CostCenter', 'TagSpecification.1.Tag.1.Value': costCenter,
      });
      if (run !== undefined) own.push(...xmlAll(run, 'instanceId'));
    }
    // The session's requests aim mostly at these two: one it may start and stop, one it may not.
    sessionPools = { ...pools, byMember: { ...pools.byMember, InstanceIds: [...own, ...own, ...(pools.byMember['InstanceIds'] ?? [])], Resources: [...own, ...(pools.byMember['Resources'] ?? [])] } };
    const assertion = idp.assertionFor({ roles: [[roleArn, providerArn]], sessionName: 'fuzz-session', tags: { CostCenter: 'marketing' } });
    const r = await signedCall(server, 'sts', 'AssumeRoleWithSAML', { RoleArn: roleArn, PrincipalArn: providerArn, SAMLAssertion: assertion }, { credentials: 'unsigned' });
    sessionFailure = `${r.status} ${r.body.slice(0, 400)}`;
    if (r.status === 200) {
      const doc = parseXml(r.body);
      session = {
        accessKeyId: xmlText(doc, 'AssumeRoleWithSAMLResult', 'Credentials', 'AccessKeyId') as string,
        secretAccessKey: xmlText(doc, 'AssumeRoleWithSAMLResult', 'Credentials', 'SecretAccessKey') as string,
        sessionToken: xmlText(doc, 'AssumeRoleWithSAMLResult', 'Credentials', 'SessionToken') as string,
      };
    }
  }, 60_000);

  /** The CostCenter tag of each instance now (the session cannot change tags, so also at decision time). */
  async function costCenters(ids: readonly string[]): Promise<Map<string, string | undefined>> {
    const params: Record<string, string> = {};
    ids.forEach((id, i) => (params[`InstanceId.${i + 1}`] = id));
    const r = await signedCall(server, 'ec2', 'DescribeInstances', params);
    const out = new Map<string, string | undefined>();
    if (r.status !== 200) return out;
    const doc = parseXml(r.body);
    const items = doc.getElementsByTagName('instancesSet');
    for (let k = 0; k < items.length; k++) {
      for (let n = items.item(k)?.firstChild ?? null; n !== null; n = n.nextSibling) {
        if (n.nodeType !== 1) continue;
        let cc: string | undefined;
        const tagSet = (n as Element).getElementsByTagName('tagSet').item(0);
        for (let t = tagSet?.firstChild ?? null; t !== null; t = t.nextSibling) {
          if (t.nodeType === 1 && xmlText(t as Element, 'key') === 'CostCenter') cc = xmlText(t as Element, 'value');
        }
        out.set(xmlText(n as Element, 'instanceId') as string, cc);
      }
    }
    return out;
  }

  it('has a session', () => {
    expect(session, `AssumeRoleWithSAML for the fuzz session failed: ${sessionFailure}`).toBeDefined();
  });

  // Found by this fuzzer (seed hunt-a): a required list whose only item is malformed decoded as empty,
  // and the action answered 200 to a caller without the permission.
  it.each([
    ['ec2', 'TerminateInstances', [['InstanceId.1.1', 'i-0123456789abcdef0']]],
    ['ec2', 'CreateTags', [['ResourceId.1.x', 'i-0123456789abcdef0'], ['Tag.1.Key', 'CostCenter'], ['Tag.1.Value', 'marketing']]],
    ['ec2', 'DeleteTags', [['ResourceId.1.x', 'i-0123456789abcdef0']]],
    ['iam', 'UntagRole', [['RoleName', 'fuzz-abac'], ['TagKeys.member.1.x', 'k']]],
  ] as const)('%s:%s with a malformed required list is no way around authorization', async (service, operation, params) => {
    expect(session).toBeDefined();
    const r = await signedCall(server, service, operation, params, { credentials: session as SigningCredentials });
    expect(r.status, `WRONG ALLOW: ${r.body.slice(0, 300)}`).not.toBe(200);
  });

  it.each(OPERATIONS)('%s:%s allows the session nothing the seed policy does not grant', async (service, operation) => {
    expect(session).toBeDefined();
    const credentials = session as SigningCredentials;
    const rng = new Prng(`${SEED}/session/${service}/${operation}`);
    const problems: string[] = [];
    const may = SESSION_MAY.has(`${service}:${operation}`);
    const histogram = new Map<string, number>();
    for (let i = 0; i < Math.ceil(N / 2); i++) {
      const params = randomRequest(rng, service, operation, sessionPools);
      let r: HttpResult;
      try {
        r = await signedCall(server, service, operation, params, { credentials, timeoutMs: REQUEST_TIMEOUT_MS });
      } catch (e) {
        problems.push(`#${i} no answer (${(e as Error).message})\n    ${describeRequest(params)}`);
        continue;
      }
      const v = violation(service, operation, r);
      if (v !== undefined) problems.push(`#${i} ${v}\n    ${describeRequest(params)}`);
      let code = String(r.status);
      if (r.status !== 200) {
        try {
          code = readWireError(r.body).code;
        } catch {
          /* reported by violation() */
        }
      }
      if (STATS) histogram.set(code, (histogram.get(code) ?? 0) + 1);
      const granted = r.status === 200 || code === 'DryRunOperation';
      if (granted && !may) problems.push(`#${i} WRONG ALLOW: ${code} for ${service}:${operation}\n    ${describeRequest(params)}`);
      if (granted && (operation === 'StartInstances' || operation === 'StopInstances')) {
        // A success names its instances; a DryRunOperation ("would have succeeded") vouches for the requested ones.
        const ids = r.status === 200 ? xmlAll(parseXml(r.body), 'instanceId') : [...new Map([...params].reverse()).entries()].filter(([k]) => /^[Ii]nstanceId\.\d+$/.test(k)).map(([, v]) => v); // first value of a name wins, as at the server
        const tags = await costCenters(ids);
        for (const id of ids) {
          if (tags.get(id) !== 'marketing') problems.push(`#${i} WRONG ALLOW: ${operation} of ${id} (CostCenter=${tags.get(id)})\n    ${describeRequest(params)}`);
        }
      }
    }
    if (STATS) console.log(`session ${service}:${operation} ${JSON.stringify(Object.fromEntries(histogram))}`);
    expect(problems, `${problems.length} problems (FUZZ_SEED=${SEED}):\n${problems.slice(0, 6).join('\n')}`).toEqual([]);
  });
});
