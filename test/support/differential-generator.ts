// Generates (policy, request) pairs for the differential test against iam-simulate: identity
// policies, optional permissions boundaries and session policies, and EC2/S3/IAM-like requests whose
// context keys are present, missing, multi-valued or spelled in another case. The shapes lean towards
// ABAC with session tags (aws:PrincipalTag, aws:ResourceTag, aws:RequestTag, aws:TagKeys, variables).
// Deterministic: everything comes from the Prng passed in.

import type { Prng } from './prng.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface PolicyJson {
  Version?: string;
  Statement: StatementJson[];
}
export interface StatementJson {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | boolean | number | (string | boolean | number)[]>>;
}

export type ContextJson = Record<string, string | string[]>;

export interface Pair {
  readonly index: number;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly wildcardOnlyAction: boolean;
  readonly context: ContextJson;
  readonly identity: PolicyJson[];
  readonly boundary: PolicyJson[] | undefined;
  readonly session: PolicyJson | undefined;
}

export const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/eng/app-role`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app-role/alice`;
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;

// ---------------------------------------------------------------------------------------------
// Requests

type Service = 'ec2' | 's3' | 'iam';
interface ActionSpec {
  readonly service: Service;
  readonly name: string;
  /** Resource ARNs this action is requested on; `['*']` for actions without resource-level permissions. */
  readonly resources: readonly string[];
}

const INSTANCES = [
  `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc1234`,
  `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0def5678`,
];
const VOLUMES = [`arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-0aa11`];
const OBJECTS = [
  'arn:aws:s3:::example-bucket/home/alice/notes.txt',
  'arn:aws:s3:::example-bucket/home/eng/plan.md',
  'arn:aws:s3:::example-bucket/team/eng/a:b.txt',
  'arn:aws:s3:::shared-bucket/public/readme',
  'arn:aws:s3:::example-bucket/*literal',
];
const BUCKETS = ['arn:aws:s3:::example-bucket', 'arn:aws:s3:::shared-bucket'];
const ROLES = [`arn:aws:iam::${ACCOUNT}:role/eng/app-role`, `arn:aws:iam::${ACCOUNT}:role/eng-deployer`, `arn:aws:iam::${ACCOUNT}:role/admin`];
const USERS = [`arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${ACCOUNT}:user/bob`];

const ACTIONS: readonly ActionSpec[] = [
  { service: 'ec2', name: 'StartInstances', resources: INSTANCES },
  { service: 'ec2', name: 'StopInstances', resources: INSTANCES },
  { service: 'ec2', name: 'TerminateInstances', resources: INSTANCES },
  { service: 'ec2', name: 'CreateTags', resources: [...INSTANCES, ...VOLUMES] },
  { service: 'ec2', name: 'AttachVolume', resources: [...VOLUMES, ...INSTANCES] },
  { service: 'ec2', name: 'DescribeInstances', resources: ['*'] },
  { service: 'ec2', name: 'DescribeVolumes', resources: ['*'] },
  { service: 's3', name: 'GetObject', resources: OBJECTS },
  { service: 's3', name: 'PutObject', resources: OBJECTS },
  { service: 's3', name: 'DeleteObject', resources: OBJECTS },
  { service: 's3', name: 'ListBucket', resources: BUCKETS },
  { service: 's3', name: 'ListAllMyBuckets', resources: ['*'] },
  { service: 'iam', name: 'PassRole', resources: ROLES },
  { service: 'iam', name: 'TagRole', resources: ROLES },
  { service: 'iam', name: 'GetUser', resources: USERS },
  { service: 'iam', name: 'ListRoles', resources: ['*'] },
];

/** Randomly re-cases a string (IAM reads action and condition-key names case-insensitively). */
function recase(rng: Prng, s: string): string {
  switch (rng.int(0, 3)) {
    case 0:
      return s.toLowerCase();
    case 1:
      return s.toUpperCase();
    default: {
      let out = '';
      for (const c of s) out += rng.chance(0.5) ? c.toUpperCase() : c.toLowerCase();
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Action and resource patterns

const ACTION_PATTERNS: Readonly<Record<Service, readonly string[]>> = {
  ec2: [
    'ec2:*', 'ec2:StartInstances', 'ec2:Start*', 'ec2:*Instances', 'ec2:Stop?nstances', 'ec2:Describe*',
    'ec2:CreateTags', 'ec2:*Tags', 'ec2:TerminateInstances', 'ec2:AttachVolume', 'ec2:*Volume*', 'ec2:?????Instances',
  ],
  s3: ['s3:*', 's3:GetObject', 's3:Get*', 's3:*Object', 's3:PutObject', 's3:List*', 's3:ListBucket', 's3:?etObject', 's3:DeleteObject'],
  iam: ['iam:*', 'iam:PassRole', 'iam:*Role', 'iam:Get*', 'iam:List*', 'iam:TagRole', 'iam:GetUser', 'iam:Pass*'],
};

const RESOURCE_PATTERNS: Readonly<Record<Service, readonly string[]>> = {
  ec2: [
    `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
    `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc1234`,
    'arn:aws:ec2:*:*:volume/*',
    'arn:aws:ec2:*:*:*',
    `arn:aws:ec2:us-?ast-1:${ACCOUNT}:*`,
    `arn:aws:ec2:eu-west-1:*:instance/i-0???5678`,
    'arn:aws:ec2:*:*:instance/${aws:PrincipalTag/instance}',
    'arn:aws:ec2:${aws:RequestedRegion}:*:instance/*',
  ],
  s3: [
    'arn:aws:s3:::example-bucket',
    'arn:aws:s3:::example-bucket/*',
    'arn:aws:s3:::*/home/${aws:username}/*',
    'arn:aws:s3:::example-bucket/home/${aws:PrincipalTag/team}/*',
    "arn:aws:s3:::example-bucket/home/${aws:PrincipalTag/team, 'alice'}/*",
    'arn:aws:s3:::example-bucket/team/${aws:PrincipalTag/team}/*',
    'arn:aws:s3:::example-bucket/${*}literal',
    'arn:aws:s3:::example-bucket/team/*:*',
    'arn:aws:s3:::shared-*',
    'arn:aws:s3:::shared-bucket/*',
  ],
  iam: [
    `arn:aws:iam::${ACCOUNT}:role/*`,
    'arn:aws:iam::*:role/eng/*',
    `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`,
    `arn:aws:iam::${ACCOUNT}:role/\${aws:PrincipalTag/team}-*`,
    `arn:aws:iam::${ACCOUNT}:role/eng*`,
    `arn:aws:iam::${ACCOUNT}:*`,
  ],
};

/** The request a policy is generated for: patterns lean towards matching it. */
interface Target {
  readonly service: Service;
  readonly name: string;
  readonly resource: string;
}

/** A pattern built from the requested action: exact, prefix/suffix wildcards, a `?`. */
function actionLike(rng: Prng, t: Target): string {
  const n = t.name;
  switch (rng.int(0, 4)) {
    case 0:
      return `${t.service}:${n}`;
    case 1:
      return `${t.service}:${n.slice(0, rng.int(1, n.length - 1))}*`;
    case 2:
      return `${t.service}:*${n.slice(rng.int(1, n.length - 1))}`;
    case 3: {
      const i = rng.int(0, n.length - 1);
      return `${t.service}:${n.slice(0, i)}?${n.slice(i + 1)}`;
    }
    default:
      return `${t.service}:*`;
  }
}

/** A pattern built from the requested resource: exact, or one ARN component or the id tail widened. */
function resourceLike(rng: Prng, t: Target): string {
  if (t.resource === '*') return '*';
  const parts = t.resource.split(':');
  switch (rng.int(0, 3)) {
    case 0:
      return t.resource;
    case 1: {
      const i = rng.int(3, 4);
      if (parts[i] !== '') parts[i] = '*';
      return parts.join(':');
    }
    case 2: {
      const last = parts.length - 1;
      const tail = parts[last] as string;
      parts[last] = `${tail.slice(0, rng.int(0, tail.length - 1))}*`;
      return parts.join(':');
    }
    default: {
      const last = parts.length - 1;
      const tail = parts[last] as string;
      const i = rng.int(0, tail.length - 1);
      parts[last] = `${tail.slice(0, i)}?${tail.slice(i + 1)}`;
      return parts.join(':');
    }
  }
}

function actionPatterns(rng: Prng, t: Target): string | string[] {
  const service = t.service;
  const n = rng.chance(0.7) ? 1 : rng.int(2, 3);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    let p: string;
    if (r < 0.05) p = '*';
    else if (r < 0.45) p = actionLike(rng, t);
    else if (r < 0.88) p = rng.pick(ACTION_PATTERNS[service]);
    else p = rng.pick(ACTION_PATTERNS[rng.pick(['ec2', 's3', 'iam'] as const)]);
    if (rng.chance(0.1)) p = recase(rng, p);
    out.push(p);
  }
  return out.length === 1 && rng.chance(0.6) ? (out[0] as string) : out;
}

function resourcePatterns(rng: Prng, t: Target): string | string[] {
  const service = t.service;
  const n = rng.chance(0.75) ? 1 : rng.int(2, 3);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.25) out.push('*');
    else if (r < 0.45) out.push(resourceLike(rng, t));
    else if (r < 0.9) out.push(rng.pick(RESOURCE_PATTERNS[service]));
    else out.push(rng.pick(RESOURCE_PATTERNS[rng.pick(['ec2', 's3', 'iam'] as const)]));
  }
  return out.length === 1 && rng.chance(0.6) ? (out[0] as string) : out;
}

// ---------------------------------------------------------------------------------------------
// Condition keys: each with the operator families that suit it, values for policies and requests

type Family = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Ip' | 'Arn' | 'Binary';

interface KeySpec {
  readonly key: string;
  readonly family: Family;
  readonly multi: boolean;
  /** Values a policy may name (before variables and wildcards are added). */
  readonly policy: readonly string[];
  /** Values a request may carry. */
  readonly request: readonly string[];
  /** How likely a request carries the key. */
  readonly present: number;
}

const TEAMS = ['eng', 'ops', 'Eng', 'finance', '*', 'eng-deployer'];
const KEYS: readonly KeySpec[] = [
  { key: 'aws:PrincipalTag/team', family: 'String', multi: false, policy: ['eng', 'ops', 'Eng', 'e*', 'eng-?'], request: TEAMS, present: 0.8 },
  { key: 'aws:PrincipalTag/cost-center', family: 'String', multi: false, policy: ['123', '456', '1*'], request: ['123', '456', '789'], present: 0.6 },
  { key: 'aws:ResourceTag/team', family: 'String', multi: false, policy: ['eng', 'ops', 'Eng', 'e*'], request: TEAMS, present: 0.6 },
  { key: 'ec2:ResourceTag/project', family: 'String', multi: false, policy: ['alpha', 'beta', 'a*'], request: ['alpha', 'beta', 'Alpha'], present: 0.5 },
  { key: 'aws:RequestTag/team', family: 'String', multi: false, policy: ['eng', 'ops', 'e*'], request: TEAMS, present: 0.4 },
  { key: 'aws:username', family: 'String', multi: false, policy: ['alice', 'bob', 'a*'], request: ['alice', 'bob', 'Alice'], present: 0.5 },
  { key: 's3:prefix', family: 'String', multi: false, policy: ['home/', 'home/*', 'home/${aws:username}/*', 'public/'], request: ['home/', 'home/alice/', 'public/', 'home/alice/x'], present: 0.3 },
  { key: 'aws:RequestedRegion', family: 'String', multi: false, policy: ['us-east-1', 'eu-*'], request: ['us-east-1', 'eu-west-1'], present: 0.6 },
  { key: 'aws:TagKeys', family: 'String', multi: true, policy: ['team', 'cost-center', 'Team', 'project', 'team*'], request: ['team', 'cost-center', 'Team', 'project', 'owner'], present: 0.5 },
  { key: 'aws:CalledVia', family: 'String', multi: true, policy: ['athena.amazonaws.com', 'cloudformation.amazonaws.com', '*.amazonaws.com'], request: ['athena.amazonaws.com', 'cloudformation.amazonaws.com', 'dynamodb.amazonaws.com'], present: 0.3 },
  { key: 'aws:MultiFactorAuthAge', family: 'Numeric', multi: false, policy: ['0', '300', '3600', '1.5'], request: ['0', '299', '300', '301', '3600', '7200', '1.5'], present: 0.5 },
  { key: 's3:max-keys', family: 'Numeric', multi: false, policy: ['10', '100'], request: ['5', '10', '100', '1000'], present: 0.3 },
  { key: 'aws:CurrentTime', family: 'Date', multi: false, policy: ['2024-01-01T00:00:00Z', '2024-06-01', '2025-01-01T12:00:00+02:00', '2024-06-01T00:00:00.000Z'], request: ['2023-12-31T23:59:59Z', '2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z', '2025-01-01T10:00:00Z', '2026-02-03T04:05:06Z'], present: 0.7 },
  { key: 'aws:EpochTime', family: 'Date', multi: false, policy: ['1704067200', '2024-06-01T00:00:00Z'], request: ['1704067200', '1717200000', '1717199999'], present: 0.4 },
  { key: 'aws:TokenIssueTime', family: 'Date', multi: false, policy: ['2024-01-01T00:00:00Z', '2024-06-01'], request: ['2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z'], present: 0.4 },
  { key: 'aws:SecureTransport', family: 'Bool', multi: false, policy: ['true', 'false'], request: ['true', 'false'], present: 0.7 },
  { key: 'aws:MultiFactorAuthPresent', family: 'Bool', multi: false, policy: ['true', 'false'], request: ['true', 'false'], present: 0.4 },
  { key: 'aws:SourceIp', family: 'Ip', multi: false, policy: ['203.0.113.0/24', '10.0.0.0/8', '2001:db8::/32', '192.0.2.1', '192.0.2.1/32'], request: ['203.0.113.7', '10.1.2.3', '2001:db8::1', '192.0.2.1', '198.51.100.1'], present: 0.7 },
  { key: 'aws:PrincipalArn', family: 'Arn', multi: false, policy: [ROLE, `arn:aws:iam::*:role/*`, `arn:aws:iam::${ACCOUNT}:role/eng/*`, `arn:aws:iam::${ACCOUNT}:user/*`, `arn:aws:iam::${ACCOUNT}:role/\${aws:PrincipalTag/team}/*`], request: [ROLE, USER, `arn:aws:iam::${ACCOUNT}:role/ops/app-role`], present: 0.7 },
  { key: 'aws:SourceArn', family: 'Arn', multi: false, policy: ['arn:aws:s3:::example-bucket', 'arn:aws:s3:::*', `arn:aws:sns:*:${ACCOUNT}:topic`], request: ['arn:aws:s3:::example-bucket', 'arn:aws:s3:::other', `arn:aws:sns:us-east-1:${ACCOUNT}:topic`], present: 0.3 },
  { key: 'custom:Blob', family: 'Binary', multi: false, policy: ['QmluYXJ5VmFsdWU=', 'b3RoZXI='], request: ['QmluYXJ5VmFsdWU=', 'b3RoZXI=', 'bm9wZQ=='], present: 0.3 },
];

const OPERATORS: Readonly<Record<Family, readonly string[]>> = {
  String: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'],
  Numeric: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'],
  Date: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
  Bool: ['Bool'],
  Ip: ['IpAddress', 'NotIpAddress'],
  Arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
  Binary: ['BinaryEquals'],
};

const STRING_VARIABLES = [
  '${aws:PrincipalTag/team}',
  '${aws:username}',
  "${aws:PrincipalTag/team, 'eng'}",
  "${aws:PrincipalTag/team,'eng'}",
  'team-${aws:PrincipalTag/team}',
  '${aws:ResourceTag/team}',
  '${AWS:PrincipalTag/TEAM}',
  '${*}',
  'e${?}g',
];

function stringValue(rng: Prng, spec: KeySpec, operator: string): string {
  const r = rng.next();
  if (r < 0.3 && spec.key !== 'aws:TagKeys' && spec.key !== 'aws:CalledVia') return rng.pick(STRING_VARIABLES);
  const v = rng.pick(spec.policy);
  // Wildcards are meaningful only for Like operators; elsewhere they are literal characters.
  if (!operator.includes('Like') && v.includes('*') && rng.chance(0.7)) return rng.pick(spec.policy.filter((x) => !/[*?]/.test(x)));
  return v;
}

function policyValues(rng: Prng, spec: KeySpec, operator: string): string | boolean | number | (string | boolean | number)[] {
  const n = rng.chance(0.65) ? 1 : rng.int(2, 3);
  const values: (string | boolean | number)[] = [];
  for (let i = 0; i < n; i++) {
    let v: string | boolean | number = spec.family === 'String' ? stringValue(rng, spec, operator) : rng.pick(spec.policy);
    // The grammar lets numbers and booleans be written unquoted.
    if (spec.family === 'Bool' && rng.chance(0.4)) v = v === 'true';
    if (spec.family === 'Numeric' && rng.chance(0.3)) v = Number(v);
    values.push(v);
  }
  return values.length === 1 && rng.chance(0.6) ? (values[0] as string | boolean | number) : values;
}

interface GeneratedCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: string | boolean | number | (string | boolean | number)[];
}

function condition(rng: Prng, keys: readonly KeySpec[]): GeneratedCondition {
  const spec = rng.pick(keys);
  let key = spec.key;
  if (rng.chance(0.15)) key = recase(rng, key);
  if (rng.chance(0.1)) {
    return { operator: 'Null', key, values: rng.chance(0.3) ? rng.chance(0.5) : rng.pick(['true', 'false']) };
  }
  const base = rng.pick(OPERATORS[spec.family]);
  let operator = base;
  const q = rng.next();
  if (spec.multi ? q < 0.8 : q < 0.12) operator = `${rng.chance(0.5) ? 'ForAllValues' : 'ForAnyValue'}:${operator}`;
  if (rng.chance(0.2)) operator += 'IfExists';
  return { operator, key, values: policyValues(rng, spec, base) };
}

function statement(rng: Prng, t: Target, allowBias: number): StatementJson {
  const s: StatementJson = { Effect: rng.chance(allowBias) ? 'Allow' : 'Deny' };
  if (rng.chance(0.85)) s.Action = actionPatterns(rng, t);
  else s.NotAction = actionPatterns(rng, t);
  if (rng.chance(0.85)) s.Resource = resourcePatterns(rng, t);
  else s.NotResource = resourcePatterns(rng, t);
  const r = rng.next();
  const ops = r < 0.35 ? 0 : r < 0.75 ? 1 : r < 0.95 ? 2 : 3;
  if (ops > 0) {
    const block: NonNullable<StatementJson['Condition']> = {};
    for (let i = 0; i < ops; i++) {
      const c = condition(rng, KEYS);
      const inner = (block[c.operator] ??= {});
      // Multiple keys under one operator are ANDed; the same key twice would be a duplicate JSON key.
      if (!Object.keys(inner).some((k) => k.toLowerCase() === c.key.toLowerCase())) inner[c.key] = c.values;
    }
    s.Condition = block;
  }
  return s;
}

function policy(rng: Prng, t: Target, allowBias: number, minStatements: number, maxStatements: number): PolicyJson {
  const statements: StatementJson[] = [];
  for (let i = rng.int(minStatements, maxStatements); i > 0; i--) statements.push(statement(rng, t, allowBias));
  const p: PolicyJson = { Version: '2012-10-17', Statement: statements };
  // Without Version 2012-10-17, `${…}` is literal text (IAM: policy variables need the current version).
  if (rng.chance(0.02)) delete p.Version;
  return p;
}

// ---------------------------------------------------------------------------------------------
// Request context

function requestContext(rng: Prng): ContextJson {
  const out: ContextJson = {};
  for (const spec of KEYS) {
    if (!rng.chance(spec.present)) continue;
    const name = rng.chance(0.15) ? recase(rng, spec.key) : spec.key;
    if (spec.multi) {
      out[name] = rng.subset(spec.request, rng.int(spec.key === 'aws:TagKeys' ? 0 : 1, 3));
    } else {
      out[name] = rng.pick(spec.request);
    }
  }
  if (rng.chance(0.3)) out['aws:PrincipalTag/instance'] = rng.pick(['i-0abc1234', 'i-0def5678', '*']);
  return out;
}

// ---------------------------------------------------------------------------------------------

export function generatePair(rng: Prng, index: number): Pair {
  const spec = rng.pick(ACTIONS);
  const resource = rng.pick(spec.resources);
  const action = rng.chance(0.1) ? recase(rng, `${spec.service}:${spec.name}`) : `${spec.service}:${spec.name}`;
  const identity: PolicyJson[] = [];
  const t: Target = { service: spec.service, name: spec.name, resource };
  for (let i = rng.chance(0.75) ? 1 : 2; i > 0; i--) identity.push(policy(rng, t, 0.7, 1, 3));
  const boundary = rng.chance(0.3) ? [policy(rng, t, 0.85, 1, 2)] : undefined;
  const session = rng.chance(0.2) ? policy(rng, t, 0.85, 1, 2) : undefined;
  const principal = session !== undefined || rng.chance(0.5) ? SESSION : rng.chance(0.5) ? ROLE : USER;
  return {
    index,
    principal,
    action,
    resource,
    wildcardOnlyAction: resource === '*',
    context: requestContext(rng),
    identity,
    boundary,
    session,
  };
}
