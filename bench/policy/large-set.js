// A large, deterministic policy set for the "200 policies × 20 statements" budget (DESIGN §5) and
// a spread of requests against it. Generated from a seeded PRNG, so every run and every machine
// measures the same documents: actions across ten services with `*`/`?` wildcards, ARNs with
// wildcards and policy variables, conditions with variables, set qualifiers and IfExists, and some
// Deny guardrails. Data only; nothing here measures.

import { ACCOUNT } from './seed.js';

export const LARGE_SET_SEED = 0x7e55e7a;

/** mulberry32: small, fast, good enough to pick test data; never for anything secret. */
export function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
const COST_CENTERS = ['marketing', 'engineering', 'finance', 'sales'];
const USERS = ['jane', 'john', 'ana', 'li', 'omar', 'kim', 'sam', 'eva'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const HEX = '0123456789abcdef';

/** The share of Deny statements (guardrails on destructive actions, two conditions each). */
const DENY_SHARE = 0.05;

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const int = (rand, n) => Math.floor(rand() * n);
const hex = (rand, n) => Array.from({ length: n }, () => HEX[int(rand, 16)]).join('');

/**
 * Per service: its actions, a concrete resource ARN for a request (`arn(rand, action)`), and the
 * ARN patterns a policy writes for it (`patterns(rand)`), wildcards and variables included.
 */
const SERVICES = {
  ec2: {
    actions: [
      'DescribeInstances', 'StartInstances', 'StopInstances', 'RebootInstances', 'TerminateInstances', 'RunInstances',
      'CreateTags', 'DeleteTags', 'DescribeVolumes', 'AttachVolume', 'DetachVolume', 'CreateSnapshot',
    ],
    arn: (rand, action) =>
      /Volume/.test(action)
        ? `arn:aws:ec2:${pick(rand, REGIONS)}:${ACCOUNT}:volume/vol-0${hex(rand, 16)}`
        : `arn:aws:ec2:${pick(rand, REGIONS)}:${ACCOUNT}:instance/i-0${hex(rand, 16)}`,
    patterns: (rand) => pick(rand, [
      `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
      `arn:aws:ec2:${pick(rand, REGIONS)}:${ACCOUNT}:instance/*`,
      `arn:aws:ec2:${pick(rand, REGIONS)}:*:volume/*`,
      `arn:aws:ec2:*:*:instance/i-0${HEX[int(rand, 16)]}*`,
      `arn:aws:ec2:us-*-?:${ACCOUNT}:*`,
    ]),
  },
  s3: {
    actions: ['GetObject', 'PutObject', 'DeleteObject', 'GetObjectTagging', 'ListBucket', 'GetBucketPolicy', 'PutBucketPolicy'],
    arn: (rand, action) => {
      const bucket = `${pick(rand, TEAMS)}-data-${int(rand, 8)}`;
      return /Bucket/.test(action) ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/home/${pick(rand, USERS)}/file-${int(rand, 100)}.txt`;
    },
    patterns: (rand) => pick(rand, [
      `arn:aws:s3:::${pick(rand, TEAMS)}-data-*`,
      `arn:aws:s3:::${pick(rand, TEAMS)}-data-${int(rand, 8)}/*`,
      'arn:aws:s3:::*-data-*/home/${aws:username}/*',
      'arn:aws:s3:::${aws:PrincipalTag/team}-data-*',
      'arn:aws:s3:::${aws:PrincipalTag/team}-data-?/*',
    ]),
  },
  iam: {
    actions: ['GetRole', 'ListRoles', 'PassRole', 'CreateRole', 'DeleteRole', 'TagRole', 'GetUser', 'ListUsers'],
    arn: (rand, action) =>
      /User/.test(action)
        ? `arn:aws:iam::${ACCOUNT}:user/${pick(rand, USERS)}`
        : `arn:aws:iam::${ACCOUNT}:role/${pick(rand, TEAMS)}-app-${int(rand, 10)}`,
    patterns: (rand) => pick(rand, [
      `arn:aws:iam::${ACCOUNT}:role/${pick(rand, TEAMS)}-*`,
      `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`,
      'arn:aws:iam::*:role/${aws:PrincipalTag/team}-app-*',
      `arn:aws:iam::${ACCOUNT}:role/*-app-${int(rand, 10)}`,
    ]),
  },
  dynamodb: {
    actions: ['GetItem', 'PutItem', 'Query', 'Scan', 'UpdateItem', 'DeleteItem', 'DescribeTable'],
    arn: (rand) => `arn:aws:dynamodb:${pick(rand, REGIONS)}:${ACCOUNT}:table/${pick(rand, TEAMS)}-orders-${int(rand, 6)}`,
    patterns: (rand) => pick(rand, [
      `arn:aws:dynamodb:*:${ACCOUNT}:table/${pick(rand, TEAMS)}-*`,
      `arn:aws:dynamodb:${pick(rand, REGIONS)}:${ACCOUNT}:table/*/index/*`,
      'arn:aws:dynamodb:*:*:table/${aws:PrincipalTag/team}-*',
      `arn:aws:dynamodb:${pick(rand, REGIONS)}:${ACCOUNT}:table/*-orders-${int(rand, 6)}`,
    ]),
  },
  lambda: {
    actions: ['InvokeFunction', 'GetFunction', 'ListFunctions', 'UpdateFunctionCode', 'CreateFunction'],
    arn: (rand) => `arn:aws:lambda:${pick(rand, REGIONS)}:${ACCOUNT}:function:${pick(rand, TEAMS)}-fn-${int(rand, 10)}`,
    patterns: (rand) => pick(rand, [
      `arn:aws:lambda:*:${ACCOUNT}:function:${pick(rand, TEAMS)}-*`,
      `arn:aws:lambda:${pick(rand, REGIONS)}:${ACCOUNT}:function:*`,
      'arn:aws:lambda:*:*:function:${aws:PrincipalTag/team}-fn-?',
    ]),
  },
  sqs: {
    actions: ['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes', 'PurgeQueue'],
    arn: (rand) => `arn:aws:sqs:${pick(rand, REGIONS)}:${ACCOUNT}:${pick(rand, TEAMS)}-queue-${int(rand, 5)}`,
    patterns: (rand) => pick(rand, [
      `arn:aws:sqs:*:${ACCOUNT}:${pick(rand, TEAMS)}-queue-*`,
      `arn:aws:sqs:${pick(rand, REGIONS)}:${ACCOUNT}:*`,
    ]),
  },
  kms: {
    actions: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey', 'ScheduleKeyDeletion'],
    arn: (rand) => `arn:aws:kms:${pick(rand, REGIONS)}:${ACCOUNT}:key/${hex(rand, 8)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 12)}`,
    patterns: (rand) => pick(rand, [`arn:aws:kms:*:${ACCOUNT}:key/*`, `arn:aws:kms:${pick(rand, REGIONS)}:${ACCOUNT}:key/${HEX[int(rand, 16)]}*`]),
  },
  logs: {
    actions: ['CreateLogStream', 'PutLogEvents', 'DescribeLogGroups', 'GetLogEvents', 'DeleteLogGroup'],
    arn: (rand) => `arn:aws:logs:${pick(rand, REGIONS)}:${ACCOUNT}:log-group:/app/${pick(rand, TEAMS)}:log-stream:s-${int(rand, 50)}`,
    patterns: (rand) => pick(rand, [
      `arn:aws:logs:*:${ACCOUNT}:log-group:/app/${pick(rand, TEAMS)}:*`,
      `arn:aws:logs:${pick(rand, REGIONS)}:*:log-group:*`,
      'arn:aws:logs:*:*:log-group:/app/${aws:PrincipalTag/team}:*',
    ]),
  },
  sts: {
    actions: ['AssumeRole', 'TagSession', 'GetCallerIdentity'],
    arn: (rand) => `arn:aws:iam::${ACCOUNT}:role/${pick(rand, TEAMS)}-app-${int(rand, 10)}`,
    patterns: (rand) => pick(rand, [`arn:aws:iam::${ACCOUNT}:role/*`, `arn:aws:iam::${ACCOUNT}:role/${pick(rand, TEAMS)}-app-*`]),
  },
  cloudwatch: {
    actions: ['PutMetricData', 'GetMetricData', 'ListMetrics', 'DescribeAlarms'],
    arn: () => '*',
    patterns: () => '*',
  },
};
const SERVICE_NAMES = Object.keys(SERVICES);

/** Services requests use but no generated policy names (only `*` statements can reach them). */
const UNGRANTED = {
  rds: {
    actions: ['DescribeDBInstances', 'DeleteDBInstance', 'CreateDBSnapshot'],
    arn: (rand) => `arn:aws:rds:${pick(rand, REGIONS)}:${ACCOUNT}:db:${pick(rand, TEAMS)}-db-${int(rand, 4)}`,
  },
  secretsmanager: {
    actions: ['GetSecretValue', 'PutSecretValue'],
    arn: (rand) => `arn:aws:secretsmanager:${pick(rand, REGIONS)}:${ACCOUNT}:secret:${pick(rand, TEAMS)}/db-${hex(rand, 6)}`,
  },
};
const UNGRANTED_SHARE = 0.15;

/** An action pattern for `service`: exact, verb prefix `Get*`, suffix `*Instances`, `?`, or `svc:*`. */
function actionPattern(rand, service) {
  const name = pick(rand, SERVICES[service].actions);
  const r = rand();
  if (r < 0.45) return `${service}:${name}`;
  if (r < 0.7) return `${service}:${name.match(/^[A-Z][a-z]+/)[0]}*`;
  if (r < 0.8) return `${service}:*${name.match(/[A-Z][a-z]+$/)[0]}`;
  if (r < 0.95) {
    const at = 1 + int(rand, name.length - 1);
    return `${service}:${name.slice(0, at)}?${name.slice(at + 1)}`;
  }
  return `${service}:*`;
}

/** Conditions an Allow statement carries: ABAC with variables, networks, MFA, time, tags. */
const ALLOW_CONDITIONS = [
  () => ['StringEquals', 'ec2:ResourceTag/CostCenter', ['${aws:PrincipalTag/CostCenter}']],
  () => ['StringEquals', 'aws:ResourceTag/team', ['${aws:PrincipalTag/team}']],
  (rand) => ['StringEquals', 'aws:PrincipalTag/CostCenter', [pick(rand, COST_CENTERS), pick(rand, COST_CENTERS)]],
  () => ['StringLike', 's3:prefix', ['home/${aws:username}/*', 'shared/*']],
  (rand) => ['StringEquals', 'aws:RequestedRegion', [pick(rand, REGIONS), pick(rand, REGIONS)]],
  (rand) => ['IpAddress', 'aws:SourceIp', [`10.${int(rand, 4)}.0.0/16`, '192.0.2.0/24']],
  () => ['Bool', 'aws:MultiFactorAuthPresent', ['true']],
  () => ['DateLessThan', 'aws:CurrentTime', ['2030-01-01T00:00:00Z']],
  () => ['ForAnyValue:StringEquals', 'aws:TagKeys', ['CostCenter', 'team']],
  () => ['ForAllValues:StringLike', 'aws:TagKeys', ['team*', 'CostCenter', 'Name']],
  (rand) => ['StringEqualsIgnoreCase', 'aws:PrincipalTag/team', [pick(rand, TEAMS).toUpperCase()]],
  () => ['ArnLike', 'aws:PrincipalArn', [`arn:aws:iam::${ACCOUNT}:role/*-app-*`, `arn:aws:sts::${ACCOUNT}:assumed-role/*`]],
  () => ['StringLikeIfExists', 'ec2:ResourceTag/team', ['${aws:PrincipalTag/team}*']],
  () => ['Null', 'aws:ResourceTag/CostCenter', ['false']],
  () => ['NumericLessThanEquals', 's3:max-keys', ['100']],
];

/** Guardrails a Deny statement carries. */
const DENY_CONDITIONS = [
  () => ['StringNotEquals', 'ec2:ResourceTag/CostCenter', ['${aws:PrincipalTag/CostCenter}']],
  () => ['BoolIfExists', 'aws:MultiFactorAuthPresent', ['false']],
  () => ['NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8', '192.0.2.0/24']],
  () => ['StringNotEqualsIfExists', 'aws:RequestedRegion', ['us-east-1', 'us-west-2']],
  () => ['StringNotLike', 'aws:PrincipalTag/team', ['alpha', 'bravo', 'charlie*']],
  () => ['DateGreaterThan', 'aws:CurrentTime', ['2026-12-31T23:59:59Z']],
];

/** Destructive actions, the ones Deny guardrails name. */
const DESTRUCTIVE = /^(Delete|Terminate|Purge|Schedule|Detach|Stop|PassRole|Put(Bucket|Object))/;

function statement(rand, sid) {
  const deny = rand() < DENY_SHARE;
  const services = [pick(rand, SERVICE_NAMES)];
  if (rand() < 0.2) services.push(pick(rand, SERVICE_NAMES));
  const actions = new Set();
  if (deny) {
    for (let i = 1 + int(rand, 3); i > 0; i--) {
      const service = pick(rand, services);
      const names = SERVICES[service].actions.filter((a) => DESTRUCTIVE.test(a));
      actions.add(names.length > 0 ? `${service}:${pick(rand, names)}` : `${service}:Delete*`);
    }
  } else if (rand() < 0.004) actions.add('*');
  else for (let i = 1 + int(rand, 4); i > 0; i--) actions.add(actionPattern(rand, pick(rand, services)));
  const resources = new Set();
  // A `*` action always comes with scoped resources: one `"Action": "*", "Resource": "*"` would
  // allow every request of the spread and hide the cost of the rest.
  if (!actions.has('*') && rand() < 0.1) resources.add('*');
  else for (let i = 1 + int(rand, 3); i > 0; i--) resources.add(SERVICES[pick(rand, services)].patterns(rand));
  const condition = {};
  const count = deny ? 2 : rand() < 0.3 ? 0 : rand() < 0.6 ? 1 : 2;
  for (let i = 0; i < count; i++) {
    const [operator, key, values] = pick(rand, deny ? DENY_CONDITIONS : ALLOW_CONDITIONS)(rand);
    (condition[operator] ??= {})[key] = values.length === 1 ? values[0] : values;
  }
  const s = { Sid: sid, Effect: deny ? 'Deny' : 'Allow', Action: [...actions], Resource: [...resources] };
  if (count > 0) s.Condition = condition;
  return s;
}

/** `policies` documents (JSON text) of `statements` statements each. */
export function generatePolicies(policies = 200, statements = 20, seed = LARGE_SET_SEED) {
  const rand = prng(seed);
  const out = [];
  for (let p = 0; p < policies; p++) {
    const list = [];
    for (let s = 0; s < statements; s++) list.push(statement(rand, `P${p}S${s}`));
    out.push({ id: `LargeSet${String(p).padStart(3, '0')}`, text: JSON.stringify({ Version: '2012-10-17', Statement: list }) });
  }
  return out;
}

/**
 * `count` requests across the same services: `{ action, resource, context }`, the context a plain
 * object of 9–14 keys, as a front end would build it for a federated session.
 */
export function generateRequests(count = 512, seed = LARGE_SET_SEED ^ 0x5eed) {
  const rand = prng(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    const ungranted = rand() < UNGRANTED_SHARE;
    const catalogue = ungranted ? UNGRANTED : SERVICES;
    const service = pick(rand, Object.keys(catalogue));
    const action = pick(rand, catalogue[service].actions);
    const resource = catalogue[service].arn(rand, action);
    const team = pick(rand, TEAMS);
    const user = pick(rand, USERS);
    const context = {
      'aws:username': user,
      'aws:userid': `AROA${hex(rand, 16).toUpperCase()}:${user}@example.com`,
      'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/${team}-app-${int(rand, 10)}`,
      'aws:PrincipalTag/CostCenter': pick(rand, COST_CENTERS),
      'aws:PrincipalTag/team': team,
      'aws:SourceIp': rand() < 0.7 ? `10.${int(rand, 4)}.${int(rand, 256)}.${int(rand, 256)}` : `203.0.113.${int(rand, 256)}`,
      'aws:MultiFactorAuthPresent': rand() < 0.85 ? 'true' : 'false',
      'aws:CurrentTime': '2026-11-29T07:00:00Z',
      'aws:SecureTransport': 'true',
    };
    if (resource !== '*') context['aws:RequestedRegion'] = resource.split(':')[3] || 'us-east-1';
    if (rand() < 0.8) {
      const cc = rand() < 0.5 ? context['aws:PrincipalTag/CostCenter'] : pick(rand, COST_CENTERS);
      context['aws:ResourceTag/CostCenter'] = cc;
      if (service === 'ec2') context['ec2:ResourceTag/CostCenter'] = cc;
      const rt = rand() < 0.5 ? team : pick(rand, TEAMS);
      context['aws:ResourceTag/team'] = rt;
      if (service === 'ec2') context['ec2:ResourceTag/team'] = rt;
    }
    if (/Tag/.test(action)) context['aws:TagKeys'] = rand() < 0.5 ? ['CostCenter', 'team'] : ['Name', 'owner'];
    if (action === 'ListBucket') {
      context['s3:prefix'] = rand() < 0.6 ? `home/${user}/` : 'private/';
      context['s3:max-keys'] = String(int(rand, 300));
    }
    out.push({ action: `${service}:${action}`, resource, context });
  }
  return out;
}
