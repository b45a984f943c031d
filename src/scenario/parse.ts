// The scenario file's shape (docs/scenarios.md): YAML → the model of schema.ts, every field checked
// for type and presence with its file:line:column, `file:` references read relative to the scenario.
// Cross-references and deep checks (policies, add-on settings, scripts) are validate.ts's. Nothing
// here writes anything or runs anything a file contains.

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Loc } from './errors.js';
import type {
  ActionSpec,
  ClientSpec,
  ExpectationSpec,
  InstanceSpec,
  JsonObject,
  ManagedPolicySpec,
  PolicyDocumentSpec,
  PolicyRef,
  ResourceSelector,
  RoleSpec,
  RuleSpec,
  RulesConfigSpec,
  SamlProviderSpec,
  Scenario,
  Tag,
  TenantSpec,
  TextSource,
  UserSpec,
} from './schema.js';
import { EXPECTED_OUTCOMES } from './schema.js';
import {
  describeKind,
  fieldPath,
  Issues,
  MapReader,
  MAX_SCENARIO_BYTES,
  parseYaml,
  readMap,
  readString,
  readStringList,
  readStringMap,
  toJson,
  type PNode,
} from './source.js';

export const DEFAULT_ACCOUNT = '013823792818';
export const DEFAULT_REGION = 'us-east-1';
/** The tenant domain when a scenario names none: the issuer is `urn:tessera.local`. */
export const DEFAULT_TENANT_DOMAIN = 'tessera.local';
export const DEFAULT_INSTANCE_TYPE = 't3.micro';
export const DEFAULT_IMAGE_ID = 'ami-0abcdef1234567890';
/** A referenced file (script, policy, metadata) larger than this is refused. */
const MAX_REFERENCED_BYTES = 10_000_000;

/** The text a scenario is displayed as: relative to the working directory when under it. */
export function displayPath(file: string, cwd: string): string {
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

export interface ParseContext {
  /** The scenario as displayed in messages. */
  readonly file: string;
  /** Its directory (absolute). */
  readonly dir: string;
  readonly cwd: string;
  readonly issues: Issues;
  /** The file's absolute path (absent for text that is not a file). */
  readonly absolutePath?: string;
}

/** Reads and parses a scenario file; undefined when it is not even a YAML mapping. */
export function parseScenarioFile(path: string, cwd: string, issues: Issues): Scenario | undefined {
  const file = displayPath(path, cwd);
  const abs = resolve(cwd, path);
  let text: string;
  try {
    if (statSync(abs).size > MAX_SCENARIO_BYTES) {
      issues.error({ file, line: 1, column: 1 }, '', `the file is larger than ${MAX_SCENARIO_BYTES} bytes`);
      return undefined;
    }
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    issues.error({ file, line: 1, column: 1 }, '', code === 'ENOENT' ? 'no such file' : `cannot read the file: ${(e as Error).message}`);
    return undefined;
  }
  return parseScenarioText(text, { file, dir: dirname(abs), cwd, issues, absolutePath: abs });
}

export function parseScenarioText(text: string, ctx: ParseContext): Scenario | undefined {
  const root = parseYaml(ctx.file, text, ctx.issues);
  if (root === undefined) return undefined;
  const top = readMap(root, '', ctx.issues);
  if (top === undefined) return undefined;
  const account = top.str('account') ?? DEFAULT_ACCOUNT;
  if (!/^\d{12}$/.test(account)) ctx.issues.error(top.get('account')?.loc ?? top.loc, 'account', 'must be 12 digits (quote it in YAML: `account: "013823792818"`)');
  const region = top.str('region') ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) ctx.issues.error(top.get('region')?.loc ?? top.loc, 'region', 'must be an AWS region name such as `us-east-1`');
  top.accept('description', 'name');
  const idpReader = top.map('idp');
  const idp = readIdp(idpReader, ctx, top.loc);
  const awsReader = top.map('aws');
  const aws = readAws(awsReader, ctx);
  const expectations = top.list('expect').map((node, i) => readExpectation(node, i, ctx)).filter((e): e is ExpectationSpec => e !== undefined);
  top.finish({ expectations: 'the expectations are the list `expect`', applications: 'applications go under `idp.clients`' });

  const world = {
    account,
    region,
    idp: stripSites(idp),
    aws: stripSites(aws),
  };
  const worldHash = createHash('sha256').update(stableJson(world)).digest('hex');
  return { file: ctx.file, absolutePath: ctx.absolutePath ?? resolve(ctx.dir, ctx.file), dir: ctx.dir, account, region, idp, aws, expectations, worldHash };
}

// ---------------------------------------------------------------------------------------------
// Helpers

function seqItems(node: PNode | undefined, path: string, issues: Issues): readonly PNode[] {
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return [];
  if (node.kind !== 'seq') {
    issues.error(node.loc, path, `must be a list, not ${describeKind(node)}`);
    return [];
  }
  return node.items;
}

function tagsOf(r: MapReader, key: string): Tag[] {
  const node = r.get(key);
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return [];
  const path = r.child(key);
  // `{Key: value}`, or AWS's list form `[{Key: k, Value: v}]`.
  if (node.kind === 'seq') {
    const out: Tag[] = [];
    node.items.forEach((item, i) => {
      const m = readMap(item, fieldPath(path, i), r.issues);
      if (m === undefined) return;
      const k = m.str('Key', { required: 'the tag key' });
      const v = m.str('Value', { nonEmpty: false }) ?? '';
      m.finish();
      if (k !== undefined) out.push({ key: k, value: v });
    });
    return out;
  }
  return readStringMap(node, path, r.issues).map((t) => ({ key: t.key, value: t.value }));
}

function jsonObject(r: MapReader, key: string): JsonObject {
  const node = r.get(key);
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return {};
  if (node.kind !== 'map') {
    r.issues.error(node.loc, r.child(key), `must be a mapping, not ${describeKind(node)}`);
    return {};
  }
  return toJson(node) as JsonObject;
}

/** Reads a referenced file relative to the scenario. */
function readReferenced(ref: string, loc: Loc, path: string, ctx: ParseContext): { text: string; file: string } | undefined {
  const abs = resolve(ctx.dir, ref);
  const file = displayPath(abs, ctx.cwd);
  try {
    if (statSync(abs).size > MAX_REFERENCED_BYTES) {
      ctx.issues.error(loc, path, `\`${ref}\` is larger than ${MAX_REFERENCED_BYTES} bytes`);
      return undefined;
    }
    return { text: readFileSync(abs, 'utf8'), file };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    ctx.issues.error(loc, path, code === 'ENOENT' ? `no such file \`${ref}\` (looked for ${file})` : `cannot read \`${ref}\`: ${(e as Error).message}`);
    return undefined;
  }
}

const FILE_REF = /^file:\s*(\S.*?)\s*$/;

/** Inline text, `file: path` written as a string, or a `{file: path}` mapping. */
function textSource(node: PNode | undefined, path: string, ctx: ParseContext, what: string): TextSource | undefined {
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) {
    ctx.issues.error(node?.loc ?? { file: ctx.file, line: 1, column: 1 }, path, `required: ${what}`);
    return undefined;
  }
  if (node.kind === 'map') {
    const m = new MapReader(node, path, ctx.issues);
    const ref = m.str('file', { required: `the file that holds ${what}` });
    m.finish();
    if (ref === undefined) return undefined;
    const read = readReferenced(ref, node.loc, fieldPath(path, 'file'), ctx);
    return read === undefined ? undefined : { text: read.text, file: read.file, loc: node.loc };
  }
  const s = readString(node, path, ctx.issues);
  if (s === undefined || node.kind !== 'scalar') return undefined;
  const m = s.includes('\n') ? null : FILE_REF.exec(s);
  if (m !== null) {
    const read = readReferenced(m[1] as string, node.loc, path, ctx);
    return read === undefined ? undefined : { text: read.text, file: read.file, loc: node.loc };
  }
  return { text: s, scalar: node, loc: node.loc };
}

/** A policy document: YAML, JSON text, or a file. */
function policyDocument(node: PNode | undefined, path: string, ctx: ParseContext, fallback: Loc): PolicyDocumentSpec | undefined {
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) {
    ctx.issues.error(node?.loc ?? fallback, path, 'required: a policy document (YAML, JSON text, or `file: policy.json`)');
    return undefined;
  }
  if (node.kind === 'map' && !(node.entries.length === 1 && node.entries[0]?.key === 'file')) {
    return { text: JSON.stringify(toJson(node)), yaml: node, loc: node.loc, path };
  }
  const source = textSource(node, path, ctx, 'the policy document');
  return source === undefined ? undefined : { text: source.text, source, loc: node.loc, path };
}

function policyRef(node: PNode, path: string, ctx: ParseContext): PolicyRef | undefined {
  const ref = readString(node, path, ctx.issues);
  return ref === undefined ? undefined : { ref, loc: node.loc, path };
}

// ---------------------------------------------------------------------------------------------
// idp

function readIdp(r: MapReader | undefined, ctx: ParseContext, topLoc: Loc): Scenario['idp'] {
  const tenant = readTenant(r, ctx, topLoc);
  if (r === undefined) return { tenant, users: [], clients: [], rules: [], rulesConfigs: [], actions: [] };
  const users = r.list('users').map((n, i) => readUser(n, fieldPath('idp.users', i), ctx)).filter((u): u is UserSpec => u !== undefined);
  if (r.has('clients') && r.has('applications')) ctx.issues.error(r.entry('applications')?.keyLoc ?? r.loc, 'idp.applications', 'give the applications once, under `clients`');
  const clientsKey = r.has('clients') || !r.has('applications') ? 'clients' : 'applications';
  const clients = r.list(clientsKey).map((n, i) => readClient(n, fieldPath(`idp.${clientsKey}`, i), ctx)).filter((c): c is ClientSpec => c !== undefined);
  const rules = r.list('rules').map((n, i) => readRule(n, fieldPath('idp.rules', i), ctx)).filter((x): x is RuleSpec => x !== undefined);
  const rulesConfigs = r.list('rulesConfigs').map((n, i) => readRulesConfig(n, fieldPath('idp.rulesConfigs', i), ctx)).filter((x): x is RulesConfigSpec => x !== undefined);
  let actions = r.list('actions').map((n, i) => readAction(n, fieldPath('idp.actions', i), ctx)).filter((x): x is ActionSpec => x !== undefined);
  const triggers = r.map('triggers');
  if (triggers !== undefined) actions = bindActions(triggers, actions, ctx);
  r.finish({ rules_configs: 'the Deploy CLI spelling is `rulesConfigs`', rulesConfig: 'the Deploy CLI spelling is `rulesConfigs`' });
  return { tenant, users, clients, rules, rulesConfigs, actions };
}

function readTenant(r: MapReader | undefined, ctx: ParseContext, topLoc: Loc): TenantSpec {
  const node = r?.get('tenant');
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return { domain: DEFAULT_TENANT_DOMAIN, loc: r?.loc ?? topLoc, path: 'idp.tenant' };
  let domain: string | undefined;
  let friendlyName: string | undefined;
  if (node.kind === 'map') {
    const m = new MapReader(node, 'idp.tenant', ctx.issues);
    domain = m.str('domain');
    friendlyName = m.str('friendly_name');
    m.finish();
  } else domain = readString(node, 'idp.tenant', ctx.issues);
  domain ??= DEFAULT_TENANT_DOMAIN;
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/.test(domain) || domain.length > 253) {
    ctx.issues.error(node.loc, 'idp.tenant', `\`${domain}\` is not a domain name such as \`example.eu.auth0.com\``);
  }
  return { domain, ...(friendlyName === undefined ? {} : { friendlyName }), loc: node.loc, ...(node.kind === 'map' ? { node } : {}), path: 'idp.tenant' };
}

function readUser(node: PNode, path: string, ctx: ParseContext): UserSpec | undefined {
  const m = readMap(node, path, ctx.issues);
  if (m === undefined) return undefined;
  const email = m.str('email', { required: 'the user\'s email address' });
  const password = m.str('password');
  const spec: UserSpec = {
    email: email ?? '',
    ...(password === undefined ? {} : { password }),
    emailVerified: m.bool('email_verified') ?? true,
    ...optional('name', m.str('name')),
    ...optional('nickname', m.str('nickname')),
    ...optional('givenName', m.str('given_name')),
    ...optional('familyName', m.str('family_name')),
    ...optional('picture', m.str('picture')),
    appMetadata: jsonObject(m, 'app_metadata'),
    userMetadata: jsonObject(m, 'user_metadata'),
    blocked: m.bool('blocked') ?? false,
    ...optional('userId', m.str('user_id')),
    loc: node.loc,
    node: m.node,
    path,
  };
  m.finish({ appMetadata: 'Auth0 spells it `app_metadata`', userMetadata: 'Auth0 spells it `user_metadata`', emailVerified: 'Auth0 spells it `email_verified`' });
  return email === undefined ? undefined : spec;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Auth0-shaped client id (32 alphanumerics) derived from the name, so URLs are stable run to run. */
export function clientIdFor(name: string): string {
  const digest = createHash('sha256').update(`tessera-client\0${name}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 32; i++) out += alphabet[(digest[i] as number) % alphabet.length];
  return out;
}

function readClient(node: PNode, path: string, ctx: ParseContext): ClientSpec | undefined {
  const m = readMap(node, path, ctx.issues);
  if (m === undefined) return undefined;
  const name = m.str('name', { required: 'the application\'s name' });
  const clientId = m.str('client_id');
  if (clientId !== undefined && !/^[A-Za-z0-9]{1,64}$/.test(clientId)) ctx.issues.error(m.get('client_id')?.loc ?? node.loc, fieldPath(path, 'client_id'), 'must be 1 to 64 letters and digits');
  const appType = m.str('app_type');
  if (appType !== undefined && appType !== 'regular_web') ctx.issues.error(m.get('app_type')?.loc ?? node.loc, fieldPath(path, 'app_type'), 'a SAML application is `regular_web`');
  m.accept('description');
  const callbacksNode = m.get('callbacks');
  const callbacks = callbacksNode === undefined ? [] : readStringList(callbacksNode, fieldPath(path, 'callbacks'), ctx.issues);
  const logoutNode = m.get('allowed_logout_urls');
  const allowedLogoutUrls = logoutNode === undefined ? [] : readStringList(logoutNode, fieldPath(path, 'allowed_logout_urls'), ctx.issues);
  let samlp: unknown;
  let samlpNode: PNode | undefined;
  const addons = m.map('addons');
  if (addons !== undefined) {
    samlpNode = addons.get('samlp');
    if (samlpNode !== undefined) samlp = samlpNode.kind === 'scalar' && samlpNode.value === null ? {} : toJson(samlpNode);
    addons.finish({ wsfed: 'only the SAML2 Web App add-on (`samlp`) is supported' });
  }
  const metadata = m.get('client_metadata');
  const clientMetadata = metadata === undefined ? {} : Object.fromEntries(readStringMap(metadata, fieldPath(path, 'client_metadata'), ctx.issues).map((t) => [t.key, t.value]));
  m.finish({ clientId: 'Auth0 spells it `client_id`' });
  if (name === undefined) return undefined;
  return {
    name,
    clientId: clientId ?? clientIdFor(name),
    callbacks,
    allowedLogoutUrls,
    ...(samlp === undefined ? {} : { samlp }),
    ...(samlpNode === undefined ? {} : { samlpNode }),
    clientMetadata,
    loc: node.loc,
    node: m.node,
    path,
  };
}

function readRule(node: PNode, path: string, ctx: ParseContext): RuleSpec | undefined {
  const m = readMap(node, path, ctx.issues);
  if (m === undefined) return undefined;
  const name = m.str('name', { required: 'the rule\'s name' });
  const script = textSource(m.get('script'), fieldPath(path, 'script'), ctx, 'the rule\'s script (inline or `file: ./rules/name.js`)');
  const order = m.int('order', 0, 1_000_000);
  const enabled = m.bool('enabled') ?? true;
  const stage = m.str('stage');
  if (stage !== undefined && stage !== 'login_success') ctx.issues.error(m.get('stage')?.loc ?? node.loc, fieldPath(path, 'stage'), 'only `login_success` rules run in Tessera');
  m.finish();
  if (name === undefined || script === undefined) return undefined;
  return { name, script, ...(order === undefined ? {} : { order }), enabled, loc: node.loc, node: m.node, path };
}

function readRulesConfig(node: PNode, path: string, ctx: ParseContext): RulesConfigSpec | undefined {
  const m = readMap(node, path, ctx.issues);
  if (m === undefined) return undefined;
  const key = m.str('key', { required: 'the configuration key' });
  const value = m.str('value', { required: 'the configuration value' });
  m.finish();
  return key === undefined || value === undefined ? undefined : { key, value, loc: node.loc, node: m.node, path };
}

function readAction(node: PNode, path: string, ctx: ParseContext): ActionSpec | undefined {
  const m = readMap(node, path, ctx.issues);
  if (m === undefined) return undefined;
  const name = m.str('name', { required: 'the Action\'s name' });
  const code = textSource(m.get('code'), fieldPath(path, 'code'), ctx, 'the Action\'s code (inline or `file: ./actions/name/code.js`)');
  const runtime = m.str('runtime');
  if (runtime !== undefined && runtime !== 'node18' && runtime !== 'node22') ctx.issues.error(m.get('runtime')?.loc ?? node.loc, fieldPath(path, 'runtime'), 'must be `node18` or `node22`');
  const deps = m.list('dependencies');
  if (deps.length > 0) ctx.issues.error(deps[0]?.loc ?? node.loc, fieldPath(path, 'dependencies'), 'npm dependencies are not available to Actions in Tessera (use the built-in `require` facades)');
  const secrets: { name: string; value: string }[] = [];
  m.list('secrets').forEach((s, i) => {
    const sp = fieldPath(fieldPath(path, 'secrets'), i);
    const sm = readMap(s, sp, ctx.issues);
    if (sm === undefined) return;
    const sn = sm.str('name', { required: 'the secret\'s name' });
    const sv = sm.str('value', { nonEmpty: false });
    if (sv === undefined && !sm.has('value')) ctx.issues.error(s.loc, fieldPath(sp, 'value'), 'required: the secret\'s value');
    sm.finish();
    if (sn !== undefined && sv !== undefined) secrets.push({ name: sn, value: sv });
  });
  m.list('supported_triggers').forEach((t, i) => {
    const tp = fieldPath(fieldPath(path, 'supported_triggers'), i);
    const tm = readMap(t, tp, ctx.issues);
    if (tm === undefined) return;
    const id = tm.str('id', { required: 'the trigger id' });
    tm.accept('version');
    tm.finish();
    if (id !== undefined && id !== 'post-login') ctx.issues.error(t.loc, fieldPath(tp, 'id'), 'only `post-login` Actions run in Tessera');
  });
  const deployed = m.bool('deployed') ?? true;
  m.finish();
  if (name === undefined || code === undefined) return undefined;
  return { name, code, secrets, bound: deployed, ...(runtime === 'node18' || runtime === 'node22' ? { runtime } : {}), loc: node.loc, node: m.node, path };
}

/** Deploy CLI `triggers: {post-login: [{action_name}]}`: exactly these Actions run, in this order. */
function bindActions(triggers: MapReader, actions: ActionSpec[], ctx: ParseContext): ActionSpec[] {
  const list = triggers.list('post-login');
  triggers.finish();
  const order: string[] = [];
  list.forEach((b, i) => {
    const bp = fieldPath('idp.triggers.post-login', i);
    const bm = readMap(b, bp, ctx.issues);
    if (bm === undefined) return;
    const name = bm.str('action_name', { required: 'the bound Action\'s name' });
    bm.accept('display_name');
    bm.finish();
    if (name === undefined) return;
    const action = actions.find((a) => a.name === name);
    if (action === undefined) ctx.issues.error(b.loc, fieldPath(bp, 'action_name'), `no Action named \`${name}\` in \`idp.actions\``);
    else if (order.includes(name)) ctx.issues.error(b.loc, fieldPath(bp, 'action_name'), `\`${name}\` is bound twice`);
    else if (!action.bound) ctx.issues.error(b.loc, fieldPath(bp, 'action_name'), `\`${name}\` has \`deployed: false\`: a draft cannot be bound`);
    else order.push(name);
  });
  const bound = order.map((n) => ({ ...(actions.find((a) => a.name === n) as ActionSpec), bound: true }));
  const rest = actions.filter((a) => !order.includes(a.name)).map((a) => ({ ...a, bound: false }));
  return [...bound, ...rest];
}

// ---------------------------------------------------------------------------------------------
// aws

function readAws(r: MapReader | undefined, ctx: ParseContext): Scenario['aws'] {
  if (r === undefined) return { samlProviders: [], policies: [], roles: [], instances: [] };
  let admin: Scenario['aws']['admin'];
  const a = r.map('admin');
  if (a !== undefined) {
    const id = a.str('access_key_id', { required: 'the admin access key id (AKIA…)' });
    const secret = a.str('secret_access_key', { required: 'the admin secret access key' });
    a.finish();
    if (id !== undefined && secret !== undefined) admin = { accessKeyId: id, secretAccessKey: secret, loc: a.loc, path: 'aws.admin' };
  }
  const samlProviders = r.list('saml_providers').map((n, i) => readProvider(n, fieldPath('aws.saml_providers', i), ctx)).filter((x): x is SamlProviderSpec => x !== undefined);
  const policies = r.list('policies').map((n, i) => readPolicy(n, fieldPath('aws.policies', i), ctx)).filter((x): x is ManagedPolicySpec => x !== undefined);
  const roles = r.list('roles').map((n, i) => readRole(n, fieldPath('aws.roles', i), ctx)).filter((x): x is RoleSpec => x !== undefined);
  const instances = r.list('instances').map((n, i) => readInstance(n, fieldPath('aws.instances', i), ctx)).filter((x): x is InstanceSpec => x !== undefined);
  r.finish({ samlProviders: 'spell it `saml_providers`', providers: 'spell it `saml_providers`' });
  return { ...(admin === undefined ? {} : { admin }), samlProviders, policies, roles, instances };
}

const IDP_REF = /^idp:(.+)$/;

function readProvider(node: PNode, path: string, ctx: ParseContext): SamlProviderSpec | undefined {
  const m = readMap(node, path, ctx.issues);
  if (m === undefined) return undefined;
  const name = m.str('name', { required: 'the SAML provider\'s name' });
  const from = m.str('from');
  const metadataNode = m.get('metadata');
  let metadata: SamlProviderSpec['metadata'] | undefined;
  if (from !== undefined && metadataNode !== undefined) {
    ctx.issues.error(metadataNode.loc, fieldPath(path, 'metadata'), 'give either `from: idp:<client>` or `metadata`, not both');
  } else if (from !== undefined) {
    const match = IDP_REF.exec(from);
    if (match === null) ctx.issues.error(m.get('from')?.loc ?? node.loc, fieldPath(path, 'from'), 'must be `idp:<client name or client_id>`: the IdP\'s own metadata for that application');
    else metadata = { kind: 'idp', client: (match[1] as string).trim(), loc: m.get('from')?.loc ?? node.loc };
  } else if (metadataNode !== undefined) {
    // `metadata: {from: idp:X}` is accepted too.
    if (metadataNode.kind === 'map' && metadataNode.entries.length === 1 && metadataNode.entries[0]?.key === 'from') {
      const v = readString(metadataNode.entries[0].value, fieldPath(fieldPath(path, 'metadata'), 'from'), ctx.issues);
      const match = v === undefined ? null : IDP_REF.exec(v);
      if (v !== undefined && match === null) ctx.issues.error(metadataNode.loc, fieldPath(fieldPath(path, 'metadata'), 'from'), 'must be `idp:<client name or client_id>`');
      if (match !== null) metadata = { kind: 'idp', client: (match[1] as string).trim(), loc: metadataNode.loc };
    } else {
      const source = textSource(metadataNode, fieldPath(path, 'metadata'), ctx, 'the metadata XML');
      if (source !== undefined) metadata = { kind: 'text', source };
    }
  } else {
    ctx.issues.error(node.loc, path, 'required: `from: idp:<client>` (the IdP\'s metadata for that application) or `metadata` (XML, or `file: metadata.xml`)');
  }
  const tags = tagsOf(m, 'tags');
  m.finish();
  if (name === undefined || metadata === undefined) return undefined;
  return { name, metadata, tags, loc: node.loc, node: m.node, path };
}

function readPolicy(node: PNode, path: string, ctx: ParseContext): ManagedPolicySpec | undefined {
  const m = readMap(node, path, ctx.issues);
  if (m === undefined) return undefined;
  const name = m.str('name', { required: 'the policy\'s name' });
  const policyPath = m.str('path');
  const description = m.str('description');
  const document = policyDocument(m.get('document'), fieldPath(path, 'document'), ctx, node.loc);
  m.finish();
  if (name === undefined || document === undefined) return undefined;
  return { name, ...(policyPath === undefined ? {} : { policyPath }), ...(description === undefined ? {} : { description }), document, loc: node.loc, node: m.node, path };
}

function readRole(node: PNode, path: string, ctx: ParseContext): RoleSpec | undefined {
  const m = readMap(node, path, ctx.issues);
  if (m === undefined) return undefined;
  const name = m.str('name', { required: 'the role\'s name' });
  const rolePath = m.str('path');
  const description = m.str('description');
  const trust = policyDocument(m.get('trust'), fieldPath(path, 'trust'), ctx, node.loc);
  const managedPolicies = m.list('policies').map((n, i) => policyRef(n, fieldPath(fieldPath(path, 'policies'), i), ctx)).filter((x): x is PolicyRef => x !== undefined);
  const inlinePolicies: RoleSpec['inlinePolicies'][number][] = [];
  m.list('inline_policies').forEach((n, i) => {
    const ip = fieldPath(fieldPath(path, 'inline_policies'), i);
    const im = readMap(n, ip, ctx.issues);
    if (im === undefined) return;
    const iname = im.str('name', { required: 'the inline policy\'s name' });
    const doc = policyDocument(im.get('document'), fieldPath(ip, 'document'), ctx, n.loc);
    im.finish();
    if (iname !== undefined && doc !== undefined) inlinePolicies.push({ name: iname, document: doc, loc: n.loc, path: ip });
  });
  const boundaryNode = m.get('permissions_boundary');
  const permissionsBoundary = boundaryNode === undefined ? undefined : policyRef(boundaryNode, fieldPath(path, 'permissions_boundary'), ctx);
  const tags = tagsOf(m, 'tags');
  const maxSessionDuration = m.int('max_session_duration', 3600, 43200);
  m.finish({
    assume_role_policy: 'the trust policy is `trust`',
    AssumeRolePolicyDocument: 'the trust policy is `trust`',
    managed_policies: 'attached managed policies are `policies`',
  });
  if (name === undefined || trust === undefined) return undefined;
  return {
    name,
    ...(rolePath === undefined ? {} : { rolePath }),
    ...(description === undefined ? {} : { description }),
    trust,
    managedPolicies,
    inlinePolicies,
    ...(permissionsBoundary === undefined ? {} : { permissionsBoundary }),
    tags,
    ...(maxSessionDuration === undefined ? {} : { maxSessionDuration }),
    loc: node.loc,
    node: m.node,
    path,
  };
}

function readInstance(node: PNode, path: string, ctx: ParseContext): InstanceSpec | undefined {
  const m = readMap(node, path, ctx.issues);
  if (m === undefined) return undefined;
  const alias = m.str('id', { required: 'a name for the instance that expectations use (EC2 assigns the `i-…` id)' });
  if (alias !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(alias)) ctx.issues.error(m.get('id')?.loc ?? node.loc, fieldPath(path, 'id'), 'must be 1 to 64 letters, digits, `_`, `.`, `:` or `-`');
  if (alias !== undefined && /^i-[0-9a-f]{8,17}$/.test(alias)) ctx.issues.error(m.get('id')?.loc ?? node.loc, fieldPath(path, 'id'), 'looks like an EC2 instance id: EC2 assigns those; choose a name such as `website`');
  const instanceType = m.str('type') ?? DEFAULT_INSTANCE_TYPE;
  const imageId = m.str('image') ?? DEFAULT_IMAGE_ID;
  const tags = tagsOf(m, 'tags');
  m.finish({ instance_type: 'the instance type is `type`', InstanceType: 'the instance type is `type`' });
  if (alias === undefined) return undefined;
  return { alias, instanceType, imageId, tags, loc: node.loc, node: m.node, path };
}

// ---------------------------------------------------------------------------------------------
// expect

function readExpectation(node: PNode, index: number, ctx: ParseContext): ExpectationSpec | undefined {
  const path = fieldPath('expect', index);
  const m = readMap(node, path, ctx.issues);
  if (m === undefined) return undefined;
  m.accept('name', 'description');
  const as = m.str('as', { required: 'the email of the user the check logs in as' });
  const role = m.str('role');
  const action = m.str('action', { required: 'the action, such as `ec2:StopInstances`' });
  let resource: ResourceSelector = { kind: 'none' };
  const resourceNode = m.get('resource');
  if (resourceNode !== undefined && !(resourceNode.kind === 'scalar' && resourceNode.value === null)) {
    if (resourceNode.kind === 'map') {
      const rm = new MapReader(resourceNode, fieldPath(path, 'resource'), ctx.issues);
      const tags = tagsOf(rm, 'tags');
      if (!rm.has('tags')) ctx.issues.error(resourceNode.loc, fieldPath(path, 'resource'), 'a resource is an instance `id` (or `i-…`), or `{tags: {Key: value}}`');
      else if (tags.length === 0) ctx.issues.error(resourceNode.loc, fieldPath(fieldPath(path, 'resource'), 'tags'), 'name at least one tag');
      rm.finish();
      resource = { kind: 'tags', tags };
    } else {
      const ref = readString(resourceNode, fieldPath(path, 'resource'), ctx.issues);
      if (ref !== undefined) resource = { kind: 'instance', ref };
    }
  }
  const requestTags = tagsOf(m, 'tags');
  let expect: ExpectationSpec['expect'] | undefined;
  const expectNode = m.get('expect');
  if (expectNode === undefined) {
    const hint = m.has('allowed') ? 'allowed' : m.has('denied') ? 'denied' : undefined;
    ctx.issues.error(node.loc, fieldPath(path, 'expect'), hint === undefined ? 'required: `expect: allowed` or `expect: denied`' : `write \`expect: ${hint}\``);
    m.accept('allowed', 'denied');
  } else {
    const v = readString(expectNode, fieldPath(path, 'expect'), ctx.issues);
    if (v !== undefined && (EXPECTED_OUTCOMES as readonly string[]).includes(v)) expect = v as ExpectedOutcomeLiteral;
    else if (v !== undefined) ctx.issues.error(expectNode.loc, fieldPath(path, 'expect'), `must be \`allowed\` or \`denied\`, not \`${v}\``);
  }
  const because = m.str('because');
  m.finish();
  if (as === undefined || action === undefined) return undefined;
  return {
    index,
    as,
    ...(role === undefined ? {} : { role }),
    action,
    resource,
    requestTags,
    // INVARIANT: without a valid `expect` an error was recorded, so this placeholder never runs;
    // the rest of the expectation is still checked (every problem at once).
    expect: expect ?? 'allowed',
    ...(because === undefined ? {} : { because }),
    loc: node.loc,
    node: m.node,
    path,
  };
}

type ExpectedOutcomeLiteral = ExpectationSpec['expect'];

// ---------------------------------------------------------------------------------------------
// The world's fingerprint

const SITE_KEYS = new Set(['loc', 'path', 'node', 'yaml', 'scalar', 'samlpNode', 'file']);

/** Drops positions and parse trees, keeps what the world is made of. */
function stripSites(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSites);
  if (value !== null && typeof value === 'object') {
    // Only the model's own objects carry `loc`; user data (app_metadata) keeps every key.
    const sited = Object.hasOwn(value, 'loc');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (sited && SITE_KEYS.has(k)) continue;
      out[k] = stripSites(v);
    }
    return out;
  }
  return value;
}

/** JSON with sorted keys. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

