#!/usr/bin/env node
// Generates src/services/{iam,sts,ec2}/model.ts and types.ts — the wire contract the codec
// (src/services/model/decode.ts, src/http/protocol/encode.ts) reads — from botocore's service
// models, keeping only the operations Tessera serves and the shapes they reach. Run
// `node scripts/gen-models.mjs` after upgrading botocore (python3 -m pip install botocore) and commit
// the output; nothing reads botocore at run time. `--check` writes nothing and exits 1 when the
// committed files differ from what the installed botocore would give.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The operations each service serves. Add a name here and rerun; the shapes follow. */
const OPERATIONS = {
  iam: [
    'CreateSAMLProvider', 'GetSAMLProvider', 'ListSAMLProviders', 'UpdateSAMLProvider', 'DeleteSAMLProvider',
    'CreateRole', 'GetRole', 'ListRoles', 'UpdateRole', 'UpdateAssumeRolePolicy', 'DeleteRole',
    'TagRole', 'UntagRole', 'ListRoleTags',
    'CreatePolicy', 'GetPolicy', 'GetPolicyVersion', 'ListPolicies', 'ListPolicyVersions', 'SetDefaultPolicyVersion',
    'CreatePolicyVersion', 'DeletePolicyVersion', 'DeletePolicy',
    'AttachRolePolicy', 'DetachRolePolicy', 'ListAttachedRolePolicies',
    'PutRolePolicy', 'GetRolePolicy', 'ListRolePolicies', 'DeleteRolePolicy',
    'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary',
    'CreateUser', 'GetUser', 'ListUsers', 'DeleteUser',
    'CreateAccessKey', 'DeleteAccessKey', 'ListAccessKeys', 'UpdateAccessKey',
    'AttachUserPolicy', 'DetachUserPolicy', 'ListAttachedUserPolicies',
    'PutUserPolicy', 'GetUserPolicy', 'ListUserPolicies', 'DeleteUserPolicy',
    'SimulateCustomPolicy', 'SimulatePrincipalPolicy',
  ],
  sts: ['AssumeRoleWithSAML', 'GetCallerIdentity', 'DecodeAuthorizationMessage'],
  ec2: [
    'RunInstances', 'DescribeInstances', 'StartInstances', 'StopInstances', 'TerminateInstances',
    'CreateTags', 'DeleteTags', 'DescribeTags', 'DescribeRegions',
  ],
};

const VERSIONS = { iam: '2010-05-08', sts: '2011-06-15', ec2: '2016-11-15' };

/** The namespace responses carry. EC2's model omits the trailing slash real responses have (aws.md §8.1). */
const XML_NAMESPACES = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
};

/** Names a generated interface or alias must not take: they would shadow TypeScript's globals. */
const TS_GLOBALS = new Set([
  'Array', 'ArrayBuffer', 'BigInt', 'Boolean', 'DataView', 'Date', 'Error', 'EvalError', 'Function', 'Infinity',
  'Intl', 'JSON', 'Map', 'Math', 'NaN', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError', 'ReferenceError',
  'Reflect', 'RegExp', 'Set', 'String', 'Symbol', 'SyntaxError', 'TypeError', 'URIError', 'WeakMap', 'WeakSet',
  'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array',
  'Record', 'Partial', 'Required', 'Readonly', 'Pick', 'Omit', 'Exclude', 'Extract', 'NonNullable', 'ReturnType',
  'Parameters', 'InstanceType', 'Awaited', 'Iterable', 'Iterator', 'PropertyKey', 'Buffer', 'URL', 'Event',
]);

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const [botocoreDir, botocoreVersion] = execFileSync(
  'python3',
  ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__));print(botocore.__version__)'],
  { encoding: 'utf8' },
).trim().split('\n');

function readModel(service) {
  const base = join(botocoreDir, 'data', service, VERSIONS[service], 'service-2.json');
  const text = existsSync(base) ? readFileSync(base, 'utf8') : gunzipSync(readFileSync(`${base}.gz`)).toString('utf8');
  return JSON.parse(text);
}

/** A member reference as the codec needs it: botocore folds the target shape's own locationName in. */
function memberRef(ref, shapes) {
  const target = shapes[ref.shape];
  if (!target) throw new Error(`unknown shape ${ref.shape}`);
  const out = { shape: ref.shape };
  const locationName = ref.locationName ?? target.locationName;
  if (locationName !== undefined) out.locationName = locationName;
  if (ref.queryName !== undefined) out.queryName = ref.queryName;
  if (ref.flattened ?? target.flattened) out.flattened = true;
  return out;
}

const NUMERIC = new Set(['integer', 'long', 'double', 'float']);

function compactShape(name, s, shapes) {
  const out = { type: s.type };
  switch (s.type) {
    case 'structure': {
      const members = {};
      for (const [m, ref] of Object.entries(s.members ?? {})) members[m] = memberRef(ref, shapes);
      out.members = members;
      if (s.required?.length) out.required = [...s.required];
      if (s.exception) out.exception = true;
      if (s.error || s.exception) {
        out.error = {
          code: s.error?.code ?? name,
          httpStatusCode: s.error?.httpStatusCode ?? 400,
          senderFault: s.error?.senderFault ?? false,
        };
      }
      break;
    }
    case 'list':
      out.member = memberRef(s.member, shapes);
      if (s.flattened) out.flattened = true;
      if (s.min !== undefined) out.min = s.min;
      if (s.max !== undefined) out.max = s.max;
      break;
    case 'map':
      out.key = memberRef(s.key, shapes);
      out.value = memberRef(s.value, shapes);
      if (s.flattened) out.flattened = true;
      if (s.min !== undefined) out.min = s.min;
      if (s.max !== undefined) out.max = s.max;
      break;
    case 'string':
      if (s.min !== undefined) out.min = s.min;
      if (s.max !== undefined) out.max = s.max;
      if (s.pattern !== undefined) out.pattern = s.pattern;
      if (s.enum) out.enum = [...s.enum];
      break;
    case 'blob':
      if (s.min !== undefined) out.min = s.min;
      if (s.max !== undefined) out.max = s.max;
      break;
    case 'boolean':
    case 'timestamp':
      break;
    default:
      if (!NUMERIC.has(s.type)) throw new Error(`shape ${name}: unsupported type ${s.type}`);
      // botocore models float and double alike; the codec needs one name for both.
      if (s.type === 'float') out.type = 'double';
      if (s.min !== undefined) out.min = s.min;
      if (s.max !== undefined) out.max = s.max;
  }
  if (s.sensitive) out.sensitive = true;
  return out;
}

function closure(model, operations) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    const s = model.shapes[name];
    if (!s) throw new Error(`unknown shape ${name}`);
    seen.add(name);
    if (s.type === 'structure') for (const ref of Object.values(s.members ?? {})) visit(ref.shape);
    if (s.type === 'list') visit(s.member.shape);
    if (s.type === 'map') { visit(s.key.shape); visit(s.value.shape); }
  };
  for (const op of operations) {
    const o = model.operations[op];
    if (!o) throw new Error(`unknown operation ${op}`);
    if (o.input) visit(o.input.shape);
    if (o.output) visit(o.output.shape);
    for (const e of o.errors ?? []) visit(e.shape);
  }
  return [...seen].sort();
}

const tsName = (name) => (TS_GLOBALS.has(name) ? `Aws${name}` : name);
const propKey = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

function tsType(shapeName, shapes) {
  const s = shapes[shapeName];
  switch (s.type) {
    case 'structure': return tsName(shapeName);
    case 'string': return s.enum ? tsName(shapeName) : 'string';
    case 'integer': case 'long': case 'double': case 'float': return 'number';
    case 'boolean': return 'boolean';
    case 'timestamp': return 'Date';
    case 'blob': return 'Uint8Array';
    case 'list': {
      const t = tsType(s.member.shape, shapes);
      return /^[\w$]+$/.test(t) ? `${t}[]` : `(${t})[]`;
    }
    case 'map': return `Record<string, ${tsType(s.value.shape, shapes)}>`;
    default: throw new Error(`shape ${shapeName}: unsupported type ${s.type}`);
  }
}

function header(service, what) {
  return [
    `// GENERATED by scripts/gen-models.mjs from botocore ${botocoreVersion} (${service}/${VERSIONS[service]}/service-2.json): ${what}.`,
    '// Do not edit; change the operation list in the script and run `node scripts/gen-models.mjs`.',
    '',
    '',
  ].join('\n');
}

function generate(service) {
  const model = readModel(service);
  const ops = [...OPERATIONS[service]].sort();
  const names = closure(model, ops);
  const protocol = model.metadata.protocol;
  if (protocol !== 'query' && protocol !== 'ec2') throw new Error(`${service}: unexpected protocol ${protocol}`);
  if (model.metadata.apiVersion !== VERSIONS[service]) throw new Error(`${service}: unexpected apiVersion`);

  const operations = {};
  for (const op of ops) {
    const o = model.operations[op];
    const out = { name: op };
    if (o.input) out.input = o.input.shape;
    if (o.output) out.output = o.output.shape;
    if (o.output?.resultWrapper) out.resultWrapper = o.output.resultWrapper;
    out.errors = (o.errors ?? []).map((e) => e.shape);
    operations[op] = out;
  }

  const metadata = { service, protocol, apiVersion: model.metadata.apiVersion, xmlNamespace: XML_NAMESPACES[service] };
  let modelTs = header(service, 'the wire contract of the operations Tessera serves');
  modelTs += "import type { ServiceModel } from '../model/types.js';\n\n";
  modelTs += 'export const MODEL: ServiceModel = {\n';
  modelTs += `  metadata: ${JSON.stringify(metadata)},\n`;
  modelTs += '  operations: {\n';
  for (const op of ops) modelTs += `    ${op}: ${JSON.stringify(operations[op])},\n`;
  modelTs += '  },\n  shapes: {\n';
  for (const n of names) modelTs += `    ${propKey(n)}: ${JSON.stringify(compactShape(n, model.shapes[n], model.shapes))},\n`;
  modelTs += '  },\n};\n';

  let typesTs = header(service, 'one interface per structure the served operations reach');
  const blocks = [];
  for (const n of names) {
    const s = model.shapes[n];
    if (s.type === 'string' && s.enum) {
      blocks.push(`export type ${tsName(n)} =\n${s.enum.map((v) => `  | ${JSON.stringify(v)}`).join('\n')};\n`);
    } else if (s.type === 'structure') {
      const required = new Set(s.required ?? []);
      const lines = Object.entries(s.members ?? {}).map(([m, ref]) => {
        const t = tsType(ref.shape, model.shapes);
        return required.has(m) ? `  ${propKey(m)}: ${t};` : `  ${propKey(m)}?: ${t} | undefined;`;
      });
      blocks.push(lines.length ? `export interface ${tsName(n)} {\n${lines.join('\n')}\n}\n` : `export type ${tsName(n)} = Record<string, never>;\n`);
    }
  }
  typesTs += blocks.join('\n');
  return { modelTs, typesTs };
}

let stale = false;
for (const service of Object.keys(OPERATIONS)) {
  const { modelTs, typesTs } = generate(service);
  const dir = join(root, 'src', 'services', service);
  for (const [file, text] of [['model.ts', modelTs], ['types.ts', typesTs]]) {
    const path = join(dir, file);
    if (check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
        console.error(`stale: src/services/${service}/${file}`);
        stale = true;
      }
    } else {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote src/services/${service}/${file}`);
    }
  }
}
if (stale) process.exit(1);
