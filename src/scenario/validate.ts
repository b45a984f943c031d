// Everything a scenario must satisfy before the first write (docs/scenarios.md "Errors"): names
// unique and well-formed, references between sections resolved, policy documents through the policy
// validator (src/policy validatePolicy, its findings mapped back to the YAML or JSON line), add-on
// settings through the IdP's own parser, SAML metadata through IAM's, rule and Action scripts compiled
// (never run), expectations answerable. It collects every problem; it writes and executes nothing.

import { Script } from 'node:vm';
import { MAX_ACTION_SECRETS, MAX_SCRIPT_CHARS, MAX_SECRET_NAME_CHARS, MAX_SECRET_VALUE_CHARS } from '../idp/admin.js';
import { parseAddonSettings } from '../idp/saml/index.js';
import { POLICY_SIZE_LIMITS, validatePolicy } from '../policy/index.js';
import type { PolicyKind } from '../policy/index.js';
import { lineColumn, parseJson, type JsonNode } from '../policy/json.js';
import { AWS_SIGNIN_URL } from '../saml/ns.js';
import { MetadataError, parseIdpMetadata } from '../saml/metadata.js';
import type { Loc } from './errors.js';
import { ASSUME_ACTION, probeFor, probedActions } from './probes.js';
import type { ClientSpec, ExpectationSpec, Keywords, ManagedPolicySpec, PolicyDocumentSpec, PolicyRef, RoleSpec, Scenario, Tag, TextSource } from './schema.js';
import { at, resolveKeywords, resolveKeywordsDeep } from './schema.js';
import { fieldPath, Issues, locatePath, locInScalar } from './source.js';

/** What the checks assume `##TESSERA_URL##` is before a server has been started. */
export function sampleKeywords(scenario: Pick<Scenario, 'account' | 'region'>): Keywords {
  return { TESSERA_URL: 'http://127.0.0.1:4750', ACCOUNT: scenario.account, REGION: scenario.region };
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const PROVIDER_NAME = /^[\w.-]{1,128}$/;
const IAM_PATH = /^\/([\x21-\x7e]*\/)?$/;
const RULE_NAME = /^[^-\s][a-zA-Z0-9-\s]+[^-\s]$/;
const RULES_CONFIG_KEY = /^[A-Za-z0-9_\-@*+:]{1,127}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const IMAGE_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** A client named by `from: idp:<ref>`, `as`, …: by client_id first, then by name. */
export function findClient(scenario: Scenario, ref: string): ClientSpec | undefined {
  return scenario.idp.clients.find((c) => c.clientId === ref) ?? scenario.idp.clients.find((c) => c.name === ref);
}

/** The managed policy a role names, by scenario name or by ARN. */
export function findPolicy(scenario: Scenario, ref: string): ManagedPolicySpec | undefined {
  return scenario.aws.policies.find((p) => p.name === ref || policyArn(scenario.account, p) === ref);
}

export function policyArn(account: string, p: Pick<ManagedPolicySpec, 'name' | 'policyPath'>): string {
  return `arn:aws:iam::${account}:policy${p.policyPath ?? '/'}${p.name}`;
}

export function roleArn(account: string, r: Pick<RoleSpec, 'name' | 'rolePath'>): string {
  return `arn:aws:iam::${account}:role${r.rolePath ?? '/'}${r.name}`;
}

export function providerArn(account: string, name: string): string {
  return `arn:aws:iam::${account}:saml-provider/${name}`;
}

/** A role by name or ARN. */
export function findRole(scenario: Scenario, ref: string): RoleSpec | undefined {
  return scenario.aws.roles.find((r) => r.name === ref || roleArn(scenario.account, r) === ref);
}

export function findUser(scenario: Scenario, email: string): Scenario['idp']['users'][number] | undefined {
  const lower = email.toLowerCase();
  return scenario.idp.users.find((u) => u.email.toLowerCase() === lower);
}

/** Checks a parsed scenario; every problem goes to `issues`. */
export function validateScenario(scenario: Scenario, issues: Issues): void {
  const keywords = sampleKeywords(scenario);
  checkIdp(scenario, keywords, issues);
  checkAws(scenario, keywords, issues);
  checkExpectations(scenario, issues);
}

function unique<T extends { loc: Loc; path: string }>(items: readonly T[], keyOf: (t: T) => string, what: string, field: string, issues: Issues): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, item);
    else issues.error(item.loc, field === '' ? item.path : fieldPath(item.path, field), `${what} \`${key}\` is defined twice (first at line ${first.loc.line})`);
  }
}

// ---------------------------------------------------------------------------------------------
// idp

function checkIdp(scenario: Scenario, keywords: Keywords, issues: Issues): void {
  const { idp } = scenario;
  unique(idp.users, (u) => u.email.toLowerCase(), 'the user', 'email', issues);
  for (const u of idp.users) {
    if (!EMAIL.test(u.email) || u.email.length > 254) issues.error(at(u, 'email'), fieldPath(u.path, 'email'), `\`${u.email}\` is not an email address`);
    if (u.password !== undefined && Buffer.byteLength(u.password) > 1024) issues.error(at(u, 'password'), fieldPath(u.path, 'password'), 'longer than 1024 bytes');
    if (u.userId !== undefined && !/^auth0\|[A-Za-z0-9_-]{1,64}$/.test(u.userId)) issues.error(at(u, 'user_id'), fieldPath(u.path, 'user_id'), 'must be `auth0|` followed by up to 64 letters, digits, `_` or `-`');
    for (const [field, meta] of [['app_metadata', u.appMetadata], ['user_metadata', u.userMetadata]] as const) {
      for (const key of Object.keys(meta)) {
        if (key.includes('.') || key.includes('$')) issues.error(u.loc, fieldPath(fieldPath(u.path, field), key), 'a metadata key may not contain `.` or `$` (Auth0)');
      }
    }
  }
  unique(idp.clients, (c) => c.name, 'the application', 'name', issues);
  unique(idp.clients, (c) => c.clientId, 'the client_id', 'client_id', issues);
  for (const c of idp.clients) checkClient(c, keywords, issues);
  unique(idp.rules, (r) => r.name, 'the rule', 'name', issues);
  unique(idp.rules.filter((r) => r.order !== undefined), (r) => String(r.order), 'the rule order', 'order', issues);
  for (const r of idp.rules) {
    if (!RULE_NAME.test(r.name) || r.name.length > 256) issues.error(at(r, 'name'), fieldPath(r.path, 'name'), 'must be letters, digits, spaces and `-`, not starting or ending with a space or `-` (Auth0)');
    checkScript(r.script, fieldPath(r.path, 'script'), 'rule', issues);
    for (const w of ruleReferences(scenario, r.script.text)) issues.warn(r.script.loc, fieldPath(r.path, 'script'), w);
  }
  unique(idp.rulesConfigs, (c) => c.key, 'the rules configuration key', 'key', issues);
  for (const c of idp.rulesConfigs) {
    if (!RULES_CONFIG_KEY.test(c.key)) issues.error(at(c, 'key'), fieldPath(c.path, 'key'), 'must be 1 to 127 of letters, digits and `_-@*+:`');
    if (c.value.length === 0 || c.value.length > 4096) issues.error(at(c, 'value'), fieldPath(c.path, 'value'), 'must be 1 to 4096 characters');
  }
  unique(idp.actions, (a) => a.name, 'the Action', 'name', issues);
  for (const a of idp.actions) {
    if (a.name.trim() === '' || a.name.length > 256) issues.error(at(a, 'name'), fieldPath(a.path, 'name'), 'must be 1 to 256 printable characters');
    checkScript(a.code, fieldPath(a.path, 'code'), 'action', issues);
    if (!/onExecutePostLogin/.test(a.code.text)) issues.warn(a.code.loc, fieldPath(a.path, 'code'), 'the code never mentions `exports.onExecutePostLogin`: the Action will do nothing at login');
    if (a.secrets.length > MAX_ACTION_SECRETS) issues.error(at(a, 'secrets'), fieldPath(a.path, 'secrets'), `at most ${MAX_ACTION_SECRETS} secrets`);
    const names = new Set<string>();
    a.secrets.forEach((s, i) => {
      const sp = fieldPath(fieldPath(a.path, 'secrets'), i);
      if (s.name.length > MAX_SECRET_NAME_CHARS || ['__proto__', 'constructor', 'prototype'].includes(s.name)) issues.error(a.loc, fieldPath(sp, 'name'), `must be 1 to ${MAX_SECRET_NAME_CHARS} characters`);
      if (names.has(s.name)) issues.error(a.loc, fieldPath(sp, 'name'), `the secret \`${s.name}\` is given twice`);
      names.add(s.name);
      if (s.value.length > MAX_SECRET_VALUE_CHARS) issues.error(a.loc, fieldPath(sp, 'value'), `longer than ${MAX_SECRET_VALUE_CHARS} characters`);
    });
  }
}

function checkClient(c: ClientSpec, keywords: Keywords, issues: Issues): void {
  const urls = (list: readonly string[], field: string) =>
    list.forEach((raw, i) => {
      const u = resolveKeywords(raw, keywords);
      let ok = false;
      try {
        const url = new URL(u);
        ok = (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
      } catch {
        ok = false;
      }
      if (!ok) issues.error(c.loc, fieldPath(fieldPath(c.path, field), i), `\`${raw}\` is not an absolute http(s) URL (Tessera's own origin is \`##TESSERA_URL##\`)`);
    });
  urls(c.callbacks, 'callbacks');
  urls(c.allowedLogoutUrls, 'allowed_logout_urls');
  if (c.samlp === undefined) return;
  const addonPath = fieldPath(fieldPath(c.path, 'addons'), 'samlp');
  if (c.callbacks.length === 0) issues.error(at(c, 'callbacks'), fieldPath(c.path, 'callbacks'), 'the SAML2 add-on posts to the Application Callback URL (`callbacks[0]`): give one, such as `##TESSERA_URL##/saml`');
  const parsed = parseAddonSettings(resolveKeywordsDeep(c.samlp, keywords));
  const inAddon = (p: string): Loc => (c.samlpNode === undefined ? c.loc : p === '' ? c.samlpNode.loc : locatePath(c.samlpNode, p).loc);
  if (!parsed.ok) {
    for (const e of parsed.errors) issues.error(inAddon(e.path), e.path === '' ? addonPath : `${addonPath}.${e.path}`, e.message);
    return;
  }
  for (const w of parsed.warnings) issues.warn(inAddon(w.path), w.path === '' ? addonPath : `${addonPath}.${w.path}`, w.message);
}

/** `rule.js:3` + the caret line of a V8 SyntaxError stack → line and column inside the script. */
function syntaxPosition(e: Error, file: string): { line: number; column: number } | undefined {
  const lines = (e.stack ?? '').split('\n');
  const head = lines[0] ?? '';
  if (!head.startsWith(`${file}:`)) return undefined;
  const line = Number(head.slice(file.length + 1));
  if (!Number.isInteger(line)) return undefined;
  const caret = (lines[2] ?? '').indexOf('^');
  return { line, column: caret < 0 ? 1 : caret + 1 };
}

/** Compiles (never runs) a rule or an Action the way the sandbox wraps it, and reports a syntax error where it is. */
function checkScript(source: TextSource, path: string, kind: 'rule' | 'action', issues: Issues): void {
  if (source.text.length === 0 || source.text.length > MAX_SCRIPT_CHARS) {
    issues.error(source.loc, path, `must be 1 to ${MAX_SCRIPT_CHARS} characters`);
    return;
  }
  const filename = `tessera-${kind}.js`;
  // The sandbox's wrappers (src/sandbox/runtime.ts): a rule is a function expression — a trailing
  // semicolon breaks it, as it breaks Auth0's (S-bp); an Action is a CommonJS module body.
  const prefix = kind === 'rule' ? '(\n' : '(function (exports, require, module, __filename, __dirname) {';
  const wrapped = kind === 'rule' ? `${prefix}${source.text}\n)` : `${prefix}${source.text}\n})`;
  try {
    new Script(wrapped, { filename, ...(kind === 'rule' ? { lineOffset: -1 } : {}) });
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    const pos = syntaxPosition(e, filename);
    let loc = source.loc;
    if (pos !== undefined) {
      const column = kind === 'action' && pos.line === 1 ? Math.max(1, pos.column - prefix.length) : pos.column;
      if (source.file !== undefined) loc = { file: source.file, line: Math.max(1, pos.line), column };
      else if (source.scalar !== undefined) {
        const lines = source.text.split('\n');
        const offset = lines.slice(0, Math.max(0, pos.line - 1)).reduce((n, l) => n + l.length + 1, 0) + column - 1;
        loc = locInScalar(source.scalar, source.text, Math.min(offset, source.text.length));
      }
    }
    issues.error(loc, path, `${kind === 'rule' ? 'the rule does not compile' : 'the Action does not compile'}: SyntaxError: ${e.message}${kind === 'rule' && /;\s*$/.test(source.text.trim()) ? ' (a rule is a function expression: remove the trailing semicolon)' : ''}`);
  }
}

/** Roles and providers a rule names that the scenario does not define (a typo there fails every login). */
function ruleReferences(scenario: Scenario, script: string): string[] {
  const out: string[] = [];
  for (const m of script.matchAll(/:role\/([\w+=.@-]+)/g)) {
    const name = m[1] as string;
    if (!scenario.aws.roles.some((r) => r.name === name)) out.push(`the script names role \`${name}\`, which \`aws.roles\` does not define`);
  }
  for (const m of script.matchAll(/:saml-provider\/([\w.-]+)/g)) {
    const name = m[1] as string;
    if (!scenario.aws.samlProviders.some((p) => p.name === name)) out.push(`the script names SAML provider \`${name}\`, which \`aws.saml_providers\` does not define`);
  }
  for (const m of script.matchAll(/\b(\d{12})\b/g)) {
    if (m[1] !== scenario.account) {
      out.push(`the script mentions account \`${m[1] as string}\` but the scenario's account is \`${scenario.account}\``);
      break;
    }
  }
  return [...new Set(out)];
}

// ---------------------------------------------------------------------------------------------
// aws

function checkAws(scenario: Scenario, keywords: Keywords, issues: Issues): void {
  const { aws } = scenario;
  if (aws.admin !== undefined) {
    const a = aws.admin;
    if (!/^[A-Z0-9]{16,128}$/.test(a.accessKeyId) || a.accessKeyId.startsWith('ASIA')) issues.error(a.loc, 'aws.admin.access_key_id', 'must be an `AKIA…` id: 16 to 128 upper-case letters and digits');
    if (a.secretAccessKey.length < 16) issues.error(a.loc, 'aws.admin.secret_access_key', 'must be at least 16 characters');
  }
  unique(aws.samlProviders, (p) => p.name, 'the SAML provider', 'name', issues);
  for (const p of aws.samlProviders) {
    if (!PROVIDER_NAME.test(p.name)) issues.error(at(p, 'name'), fieldPath(p.path, 'name'), 'must be 1 to 128 letters, digits, `.`, `_` or `-` (IAM)');
    checkTags(p.tags, p.loc, fieldPath(p.path, 'tags'), issues);
    if (p.metadata.kind === 'idp') {
      const client = findClient(scenario, p.metadata.client);
      if (client === undefined) {
        issues.error(p.metadata.loc, fieldPath(p.path, 'from'), `no application \`${p.metadata.client}\` in \`idp.clients\` (by client_id or name)`);
      } else if (client.samlp === undefined) {
        issues.error(p.metadata.loc, fieldPath(p.path, 'from'), `the application \`${client.name}\` has no SAML2 Web App add-on (\`addons.samlp\`)`);
      } else {
        checkAwsDelivery(client, keywords, issues);
      }
    } else {
      try {
        parseIdpMetadata(resolveKeywords(p.metadata.source.text, keywords));
      } catch (e) {
        if (!(e instanceof MetadataError)) throw e;
        issues.error(p.metadata.source.loc, fieldPath(p.path, 'metadata'), `IAM would refuse this metadata (\`Could not parse metadata\`): ${e.message}`);
      }
    }
  }
  unique(aws.policies, (p) => p.name, 'the policy', 'name', issues);
  for (const p of aws.policies) {
    if (!POLICY_NAME.test(p.name)) issues.error(at(p, 'name'), fieldPath(p.path, 'name'), 'must be 1 to 128 letters, digits or `+=,.@_-` (IAM)');
    if (p.policyPath !== undefined && !IAM_PATH.test(p.policyPath)) issues.error(at(p, 'path'), fieldPath(p.path, 'path'), 'an IAM path starts and ends with `/`');
    checkDocument(p.document, 'identity', POLICY_SIZE_LIMITS.managed, true, keywords, issues);
  }
  unique(aws.roles, (r) => r.name.toLowerCase(), 'the role', 'name', issues);
  for (const r of aws.roles) checkRole(scenario, r, keywords, issues);
  unique(aws.instances, (i) => i.alias, 'the instance', 'id', issues);
  for (const i of aws.instances) {
    if (!IMAGE_ID.test(i.imageId)) issues.error(at(i, 'image'), fieldPath(i.path, 'image'), `\`${i.imageId}\` is not an image id (\`ami-\` and 8 or 17 hex digits)`);
    if (!/^[a-z0-9-]+\.[a-z0-9]+$/.test(i.instanceType)) issues.error(at(i, 'type'), fieldPath(i.path, 'type'), `\`${i.instanceType}\` is not an instance type such as \`t3.micro\``);
    checkTags(i.tags, i.loc, fieldPath(i.path, 'tags'), issues);
  }
}

/**
 * AWS STS accepts a Recipient (and Destination) only at AWS's sign-in URL, and `SAML:aud` in a trust
 * policy is that Recipient. An application whose form posts to Tessera's `/saml` must therefore keep
 * `recipient`/`destination` at `https://signin.aws.amazon.com/saml` — as Auth0 allows recipient ≠ ACS.
 */
function checkAwsDelivery(client: ClientSpec, keywords: Keywords, issues: Issues): void {
  const settings = resolveKeywordsDeep(client.samlp, keywords) as Record<string, unknown> | string;
  if (typeof settings !== 'object' || settings === null) return;
  const callback = client.callbacks[0] === undefined ? undefined : resolveKeywords(client.callbacks[0], keywords);
  const isAws = (u: unknown) => typeof u === 'string' && (u === AWS_SIGNIN_URL || /^https:\/\/[a-z0-9-]+\.signin\.aws\.amazon\.com\/saml$/.test(u));
  for (const field of ['recipient', 'destination'] as const) {
    const value = settings[field] === undefined || settings[field] === '' ? callback : settings[field];
    if (value !== undefined && !isAws(value)) {
      issues.error(
        client.samlpNode === undefined ? client.loc : locatePath(client.samlpNode, field).loc,
        `${fieldPath(fieldPath(client.path, 'addons'), 'samlp')}.${field}`,
        `the ${field === 'recipient' ? 'Recipient' : 'Destination'} would be \`${String(value)}\`, which AWS STS refuses: set \`${field}: ${AWS_SIGNIN_URL}\` (the form still posts to \`callbacks[0]\`)`,
      );
    }
  }
}

function checkTags(tags: readonly Tag[], loc: Loc, path: string, issues: Issues): void {
  if (tags.length > 50) issues.error(loc, path, 'at most 50 tags');
  const seen = new Set<string>();
  for (const t of tags) {
    if (!TAG_KEY.test(t.key)) issues.error(loc, fieldPath(path, t.key), 'a tag key is 1 to 128 letters, digits, spaces or `_.:/=+-@`');
    if (t.key.toLowerCase().startsWith('aws:')) issues.error(loc, fieldPath(path, t.key), 'tag keys starting with `aws:` are reserved for AWS');
    if (!TAG_VALUE.test(t.value)) issues.error(loc, fieldPath(path, t.key), 'a tag value is at most 256 letters, digits, spaces or `_.:/=+-@`');
    if (seen.has(t.key)) issues.error(loc, fieldPath(path, t.key), `the tag \`${t.key}\` is given twice`);
    seen.add(t.key);
  }
}

function checkRole(scenario: Scenario, r: RoleSpec, keywords: Keywords, issues: Issues): void {
  if (!ROLE_NAME.test(r.name)) issues.error(at(r, 'name'), fieldPath(r.path, 'name'), 'must be 1 to 64 letters, digits or `+=,.@_-` (IAM)');
  if (r.rolePath !== undefined && !IAM_PATH.test(r.rolePath)) issues.error(at(r, 'path'), fieldPath(r.path, 'path'), 'an IAM path starts and ends with `/`');
  checkDocument(r.trust, 'trust', POLICY_SIZE_LIMITS.trust, false, keywords, issues);
  // References to SAML providers of this account must be to the scenario's own.
  const trustText = resolveKeywords(r.trust.text, keywords);
  for (const m of trustText.matchAll(/arn:aws:iam::(\d{12}):saml-provider\/([\w.-]+)/g)) {
    const [, account, name] = m as unknown as [string, string, string];
    if (account !== scenario.account) issues.error(r.trust.loc, fieldPath(r.path, 'trust'), `names SAML provider \`${m[0]}\` of account \`${account}\`, not the scenario's \`${scenario.account}\``);
    else if (!scenario.aws.samlProviders.some((p) => p.name === name)) issues.error(r.trust.loc, fieldPath(r.path, 'trust'), `names SAML provider \`${name}\`, which \`aws.saml_providers\` does not define`);
  }
  const refs = (ref: PolicyRef) => {
    if (findPolicy(scenario, ref.ref) === undefined) {
      const names = scenario.aws.policies.map((p) => `\`${p.name}\``).join(', ');
      issues.error(ref.loc, ref.path, `no managed policy \`${ref.ref}\` in \`aws.policies\`${names === '' ? '' : ` (defined: ${names})`}`);
    }
  };
  r.managedPolicies.forEach(refs);
  unique(r.managedPolicies.map((p) => ({ ...p, key: findPolicy(scenario, p.ref)?.name ?? p.ref })), (p) => p.key, 'the attached policy', '', issues);
  if (r.managedPolicies.length > 20) issues.error(at(r, 'policies'), fieldPath(r.path, 'policies'), 'IAM attaches at most 20 managed policies to a role');
  if (r.permissionsBoundary !== undefined) refs(r.permissionsBoundary);
  unique(r.inlinePolicies, (p) => p.name, 'the inline policy', 'name', issues);
  for (const ip of r.inlinePolicies) {
    if (!POLICY_NAME.test(ip.name)) issues.error(at(ip, 'name'), fieldPath(ip.path, 'name'), 'must be 1 to 128 letters, digits or `+=,.@_-` (IAM)');
    checkDocument(ip.document, 'identity', POLICY_SIZE_LIMITS.roleInline, false, keywords, issues);
  }
  checkTags(r.tags, r.loc, fieldPath(r.path, 'tags'), issues);
}

/** Runs the policy validator and maps each finding's JSON path back to its line in the YAML or JSON. */
function checkDocument(doc: PolicyDocumentSpec, kind: PolicyKind, maxSize: number, requireCurrentVersion: boolean, keywords: Keywords, issues: Issues): void {
  const text = resolveKeywords(doc.text, keywords);
  const result = validatePolicy(text, { kind, maxSize, requireCurrentVersion });
  const report = (severity: 'error' | 'warning', findingPath: string, message: string) => {
    const loc = findingLoc(doc, text, findingPath, message);
    const path = findingPath === '' ? doc.path : `${doc.path}.${findingPath}`;
    if (severity === 'error') issues.error(loc, path, message);
    else issues.warn(loc, path, message);
  };
  if (!result.ok) for (const e of result.errors) report('error', e.path, e.message);
  for (const w of result.warnings) report('warning', w.path, w.message);
}

function findingLoc(doc: PolicyDocumentSpec, text: string, findingPath: string, message: string): Loc {
  if (doc.yaml !== undefined) return locatePath(doc.yaml, findingPath).loc;
  const source = doc.source;
  if (source === undefined) return doc.loc;
  let offset: number | undefined;
  const at = /at line (\d+) column (\d+)/.exec(message);
  if (at !== null) {
    const lines = text.split('\n');
    offset = lines.slice(0, Number(at[1]) - 1).reduce((n, l) => n + l.length + 1, 0) + Number(at[2]) - 1;
  } else {
    try {
      offset = locateJson(parseJson(text), findingPath).start;
    } catch {
      offset = undefined;
    }
  }
  if (offset === undefined) return source.loc;
  if (source.file !== undefined) {
    const lc = lineColumn(text, offset);
    return { file: source.file, line: lc.line, column: lc.column };
  }
  return source.scalar === undefined ? source.loc : locInScalar(source.scalar, text, offset);
}

/** locatePath for the policy module's JSON tree. */
function locateJson(root: JsonNode, path: string): JsonNode {
  let node = root;
  let rest = path;
  while (rest.length > 0) {
    if (rest.startsWith('.')) rest = rest.slice(1);
    if (node.kind === 'array') {
      const m = /^\[(\d+)\]/.exec(rest);
      const item = m === null ? undefined : node.items[Number(m[1])];
      if (m === null || item === undefined) return node;
      node = item;
      rest = rest.slice(m[0].length);
    } else if (node.kind === 'object') {
      let best: { key: string; value: JsonNode } | undefined;
      for (const e of node.entries) {
        const next = rest[e.key.length];
        if (rest.startsWith(e.key) && (next === undefined || next === '.' || next === '[') && (best === undefined || e.key.length > best.key.length)) best = e;
      }
      if (best === undefined) return node;
      node = best.value;
      rest = rest.slice(best.key.length);
      if (node.kind !== 'array' && /^\[0\]/.test(rest)) rest = rest.slice(3);
    } else return node;
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// expect

function checkExpectations(scenario: Scenario, issues: Issues): void {
  const first = scenario.expectations[0];
  if (first !== undefined && !scenario.idp.clients.some((c) => c.samlp !== undefined)) {
    issues.error(first.loc, 'expect', 'a check logs in at an application with the SAML2 add-on, and `idp.clients` has none');
  }
  for (const e of scenario.expectations) checkExpectation(scenario, e, issues);
}

function checkExpectation(scenario: Scenario, e: ExpectationSpec, issues: Issues): void {
  const user = findUser(scenario, e.as);
  if (user === undefined) {
    const known = scenario.idp.users.map((u) => `\`${u.email}\``).join(', ');
    issues.error(at(e, 'as'), fieldPath(e.path, 'as'), `no user \`${e.as}\` in \`idp.users\`${known === '' ? '' : ` (defined: ${known})`}`);
  } else if (user.password === undefined) {
    issues.error(at(e, 'as'), fieldPath(e.path, 'as'), `the user \`${e.as}\` has no password: a check logs in with it`);
  }
  if (e.role !== undefined && findRole(scenario, e.role) === undefined) issues.error(at(e, 'role'), fieldPath(e.path, 'role'), `no role \`${e.role}\` in \`aws.roles\` (by name or ARN)`);
  const isAssume = e.action.toLowerCase() === ASSUME_ACTION.toLowerCase();
  const probe = probeFor(e.action);
  if (isAssume) {
    if (e.role === undefined) issues.error(at(e, 'role'), fieldPath(e.path, 'role'), `required with \`${ASSUME_ACTION}\`: the role to assume`);
    if (e.resource.kind !== 'none') issues.error(at(e, 'resource'), fieldPath(e.path, 'resource'), `\`${ASSUME_ACTION}\` acts on the role: give \`role\`, not \`resource\``);
  } else if (probe === undefined) {
    issues.error(at(e, 'action'), fieldPath(e.path, 'action'), `\`${e.action}\` cannot be checked through Tessera's API; checkable: ${[...probedActions(), ASSUME_ACTION].map((a) => `\`${a}\``).join(', ')}`);
  } else {
    if (probe.scope === 'instance' && e.resource.kind === 'none') issues.error(at(e, 'resource'), fieldPath(e.path, 'resource'), `required with \`${probe.action}\`: an instance \`id\` from \`aws.instances\`, or \`{tags: {Key: value}}\``);
    if (!probe.takesTags && e.requestTags.length > 0) issues.error(at(e, 'tags'), fieldPath(e.path, 'tags'), `\`${probe.action}\` carries no tags`);
  }
  if (e.resource.kind === 'instance') {
    const ref = e.resource.ref;
    if (!/^i-[0-9a-f]{8,17}$/.test(ref) && !scenario.aws.instances.some((i) => i.alias === ref)) {
      const known = scenario.aws.instances.map((i) => `\`${i.alias}\``).join(', ');
      issues.error(at(e, 'resource'), fieldPath(e.path, 'resource'), `no instance \`${ref}\` in \`aws.instances\`${known === '' ? '' : ` (defined: ${known})`}`);
    }
  } else if (e.resource.kind === 'tags') {
    const wanted = e.resource.tags;
    const matches = scenario.aws.instances.filter((i) => wanted.every((w) => i.tags.some((t) => t.key === w.key && t.value === w.value)));
    if (matches.length === 0 && wanted.length > 0) issues.error(at(e, 'resource'), fieldPath(e.path, 'resource'), `no instance in \`aws.instances\` has the tags ${wanted.map((t) => `\`${t.key}=${t.value}\``).join(', ')}`);
  }
}
