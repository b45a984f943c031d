// Auth0 post-login Actions semantics (auth0.md §7) through the real pool: the §7.5 migration of the seed's
// rule, every api method, deny, secrets per action, cache, wasExecuted, and the fail-closed cases.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSandboxBuilt, JANE } from '../../test/sandbox/support.js';
import { createSandbox, SAML_RESPONSE_SETTER_NAMES, SAML_RESPONSE_SETTERS } from './index.js';
import type { ActionsOutcome, ActionsRun, Sandbox, SamlResponseSetter } from './index.js';

/** auth0.md §7.5, verbatim. */
const AWS_ACTION = `exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction?.protocol !== 'samlp') return;
  const acct = '013823792818', p = \`arn:aws:iam::\${acct}\`;
  api.samlResponse.setAttribute('https://aws.amazon.com/SAML/Attributes/Role', \`\${p}:role/AccessByCostCenter,\${p}:saml-provider/auth0SamlProvider\`);
  api.samlResponse.setAttribute('https://aws.amazon.com/SAML/Attributes/RoleSessionName', event.user.email);
  api.samlResponse.setAttribute('https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter', 'marketing');
  api.samlResponse.setAttribute('https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project', 'website');
};`;

const EVENT = { user: { ...JANE, app_metadata: {}, user_metadata: {} }, transaction: { protocol: 'samlp' }, client: { client_id: 'aws', name: 'AWS' } };

let sandbox: Sandbox;
let tenantSeq = 0;

beforeAll(async () => {
  await ensureSandboxBuilt();
  sandbox = createSandbox({ cpuTimeoutMs: 1_000, wallTimeoutMs: 5_000 });
}, 180_000);
afterAll(async () => {
  await sandbox.close();
});

type Src = string | { code: string; secrets?: Record<string, string>; name?: string };

function actions(...sources: Src[]): ActionsRun['actions'] {
  return sources.map((s, i) => {
    const o = typeof s === 'string' ? { code: s } : s;
    return { id: `act_${i + 1}`, name: o.name ?? `action-${i + 1}`, code: o.code, secrets: o.secrets ?? {} };
  });
}

function run(sources: Src[], extra: Partial<ActionsRun> = {}): Promise<ActionsOutcome> {
  return sandbox.runActions({ tenant: `actions-${++tenantSeq}`, actions: actions(...sources), event: EVENT, ...extra });
}

const body = (js: string): string => `exports.onExecutePostLogin = async (event, api) => { ${js} };`;

describe('the AWS action of auth0.md §7.5', () => {
  it('sets the four AWS attributes, in order', async () => {
    expect(await run([AWS_ACTION])).toEqual({
      ok: true,
      logs: [],
      commands: [
        { kind: 'samlResponse.setAttribute', name: 'https://aws.amazon.com/SAML/Attributes/Role', value: 'arn:aws:iam::013823792818:role/AccessByCostCenter,arn:aws:iam::013823792818:saml-provider/auth0SamlProvider' },
        { kind: 'samlResponse.setAttribute', name: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName', value: 'jane@example.com' },
        { kind: 'samlResponse.setAttribute', name: 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter', value: 'marketing' },
        { kind: 'samlResponse.setAttribute', name: 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project', value: 'website' },
      ],
    });
  });

  it('does nothing for another protocol', async () => {
    expect(await sandbox.runActions({ tenant: 'aws-oidc', actions: actions(AWS_ACTION), event: { ...EVENT, transaction: { protocol: 'oidc-basic-profile' } } })).toEqual({ ok: true, commands: [], logs: [] });
  });
});

describe('api.samlResponse', () => {
  const sample: Record<string, unknown> = { string: 'urn:x', boolean: false, 'positive-number': 600, 'string[]': ['email', 'upn'] };
  const valueFor = (m: SamlResponseSetter): unknown => {
    const spec = SAML_RESPONSE_SETTERS[m];
    return typeof spec === 'string' ? sample[spec] : spec[spec.length - 1];
  };

  it('records every setter of §7.3 with its value, in call order, and returns api for chaining', async () => {
    const calls = SAML_RESPONSE_SETTER_NAMES.map((m) => `if (api.samlResponse.${m}(${JSON.stringify(valueFor(m))}) !== api) throw new Error('no chaining');`).join('\n');
    const r = await run([body(`${calls}\napi.samlResponse.setAttribute('a', { n: 1 }); api.samlResponse.setAttribute('gone', undefined);`)]);
    expect(r).toEqual({
      ok: true,
      logs: [],
      commands: [
        ...SAML_RESPONSE_SETTER_NAMES.map((m) => ({ kind: 'samlResponse.set', method: m, value: valueFor(m) })),
        { kind: 'samlResponse.setAttribute', name: 'a', value: { n: 1 } },
        { kind: 'samlResponse.setAttribute', name: 'gone', value: null },
      ],
    });
  });

  const wrong: [string, string][] = [
    ['setLifetimeInSeconds', '"3600"'],
    ['setLifetimeInSeconds', '-5'],
    ['setSignResponse', '"true"'],
    ['setSignatureAlgorithm', '"none"'],
    ['setDigestAlgorithm', '"md5"'],
    ['setEncryptionAlgorithm', '"aes128-cbc"'],
    ['setNameIdentifierProbes', '"email"'],
    ['setNameIdentifierProbes', '[1]'],
    ['setAudience', '42'],
    ['setCert', '{}'],
  ];
  for (const [method, arg] of wrong) {
    it(`${method}(${arg}) throws a TypeError inside the action, as Auth0 would`, async () => {
      const r = await run([body(`api.samlResponse.${method}(${arg});`)]);
      expect(r).toMatchObject({ ok: false, failure: 'error', action: 'action-1', reason: expect.stringContaining(`TypeError: api.samlResponse.${method} expects`) });
    });
  }

  it('a wrong type can be caught by the action, which then goes on', async () => {
    const r = await run([body('try { api.samlResponse.setSignatureAlgorithm("none"); } catch (e) { api.samlResponse.setSignatureAlgorithm("rsa-sha256"); }')]);
    expect(r).toEqual({ ok: true, logs: [], commands: [{ kind: 'samlResponse.set', method: 'setSignatureAlgorithm', value: 'rsa-sha256' }] });
  });

  it('setAttribute refuses a value that is not JSON', async () => {
    const r = await run([body('api.samlResponse.setAttribute("x", function () {});')]);
    expect(r).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('JSON-serialisable') });
  });

  it('records the value at call time, not at the end', async () => {
    const r = await run([body('const roles = ["a"]; api.samlResponse.setAttribute("roles", roles); roles.push("b");')]);
    expect(r).toMatchObject({ ok: true, commands: [{ value: ['a'] }] });
  });
});

describe('api.user, api.idToken, api.accessToken', () => {
  it('records metadata and custom claims', async () => {
    const r = await run([
      body('api.user.setAppMetadata("plan", "gold").user.setUserMetadata("theme", null); api.idToken.setCustomClaim("https://tessera/roles", ["a"]); api.accessToken.setCustomClaim("https://tessera/tier", 2);'),
    ]);
    expect(r).toEqual({
      ok: true,
      logs: [],
      commands: [
        { kind: 'user.setAppMetadata', key: 'plan', value: 'gold' },
        { kind: 'user.setUserMetadata', key: 'theme', value: null },
        { kind: 'idToken.setCustomClaim', name: 'https://tessera/roles', value: ['a'] },
        { kind: 'accessToken.setCustomClaim', name: 'https://tessera/tier', value: 2 },
      ],
    });
  });

  it('refuses a prototype key or an empty name', async () => {
    expect(await run([body('api.user.setAppMetadata("__proto__", { isAdmin: true });')])).toMatchObject({ ok: false, failure: 'error' });
    expect(await run([body('api.idToken.setCustomClaim("", 1);')])).toMatchObject({ ok: false, failure: 'error' });
  });
});

describe('api.access.deny', () => {
  it('records the denial, keeps the commands before it, and stops the later actions', async () => {
    const r = await run([
      body('api.user.setAppMetadata("seen", true);'),
      body('api.access.deny("only marketing may sign in"); api.user.setAppMetadata("after", 1);'),
      body('console.log("must not run"); api.samlResponse.setAttribute("x", 1);'),
    ]);
    expect(r).toEqual({
      ok: true,
      logs: [],
      commands: [
        { kind: 'user.setAppMetadata', key: 'seen', value: true },
        { kind: 'access.deny', reason: 'only marketing may sign in' },
        { kind: 'user.setAppMetadata', key: 'after', value: 1 },
      ],
    });
  });

  it('needs a string reason', async () => {
    expect(await run([body('api.access.deny({});')])).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('reason must be a string') });
  });
});

describe('event and secrets', () => {
  it('each action sees only its own secrets, and its own copy of the event', async () => {
    const r = await run([
      { code: body('console.log(JSON.stringify(event.secrets)); event.user.email = "changed"; event.extra = 1;'), secrets: { A: 'one' } },
      { code: body('console.log(JSON.stringify(event.secrets), event.user.email, String(event.extra));'), secrets: { B: 'two' } },
    ]);
    expect(r).toMatchObject({
      ok: true,
      logs: [
        { source: 'action-1', line: '{"A":"one"}' },
        { source: 'action-2', line: '{"B":"two"} jane@example.com undefined' },
      ],
    });
  });

  it('secrets are read-only', async () => {
    const r = await run([{ code: body('"use strict"; event.secrets.A = "x";'), secrets: { A: 'one' } }]);
    expect(r).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('read only') });
  });

  it('api.rules.wasExecuted answers from the rules that ran in this login', async () => {
    const r = await run([body('console.log(api.rules.wasExecuted("rul_1"), api.rules.wasExecuted("rul_9"));')], { executedRules: ['rul_1'] });
    expect(r).toMatchObject({ ok: true, logs: [{ line: 'true false' }] });
  });

  it('has no UnauthorizedError route: actions only deny', async () => {
    const r = await run([body('throw new UnauthorizedError("x");')]);
    expect(r).toMatchObject({ ok: false, failure: 'error' });
  });
});

describe('api.cache', () => {
  it('persists per tenant between runs, with Auth0’s record shape', async () => {
    const tenant = 'cache-tenant';
    const first = await sandbox.runActions({
      tenant,
      actions: actions(body('const w = api.cache.set("token", "abc", { ttl: 60000 }); console.log(w.type, typeof w.record.expires_at);')),
      event: EVENT,
    });
    expect(first).toMatchObject({ ok: true, logs: [{ line: 'success number' }] });
    const second = await sandbox.runActions({
      tenant,
      actions: actions(body('const r = api.cache.get("token"); console.log(r.value, r.expires_at > Date.now()); api.cache.delete("token"); console.log(String(api.cache.get("token")));')),
      event: EVENT,
    });
    expect(second).toMatchObject({ ok: true, logs: [{ line: 'abc true' }, { line: 'undefined' }] });
    const other = await sandbox.runActions({ tenant: 'cache-other', actions: actions(body('console.log(String(api.cache.get("token")));')), event: EVENT });
    expect(other).toMatchObject({ ok: true, logs: [{ line: 'undefined' }] });
  });

  it('keeps a value ≤ 4 KB and ≤ 8 KB in total', async () => {
    const r = await run([
      body('const log = (w) => console.log(w.type + (w.code ? " " + w.code : "")); log(api.cache.set("a", "x".repeat(4097))); log(api.cache.set("a", "x".repeat(4000))); log(api.cache.set("b", "x".repeat(4000))); log(api.cache.set("c", "x".repeat(1000))); log(api.cache.set("d", 5));'),
    ]);
    expect(r).toMatchObject({ ok: true, logs: [{ line: 'error VALUE_TOO_LARGE' }, { line: 'success' }, { line: 'success' }, { line: 'error CACHE_FULL' }, { line: 'error INVALID_ARGUMENT' }] });
  });

  it('expires entries: the earlier of ttl and expires_at wins', async () => {
    const r = await run([body('const now = Date.now(); const w = api.cache.set("k", "v", { ttl: 3600000, expires_at: now + 1000 }); console.log(w.record.expires_at - now <= 1000); api.cache.set("gone", "v", { ttl: 1 }); const t = Date.now(); while (Date.now() - t < 5) {} console.log(String(api.cache.get("gone")));')]);
    expect(r).toMatchObject({ ok: true, logs: [{ line: 'true' }, { line: 'undefined' }] });
  });
});

describe('failing closed', () => {
  it('a module that does not export onExecutePostLogin is an error', async () => {
    expect(await run(['exports.onContinuePostLogin = async () => {};'])).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('does not export onExecutePostLogin') });
  });

  it('module.exports = { onExecutePostLogin } works too', async () => {
    expect(await run(['module.exports = { onExecutePostLogin: async (event, api) => { api.idToken.setCustomClaim("c", 1); } };'])).toMatchObject({ ok: true, commands: [{ name: 'c' }] });
  });

  it('a syntax error names the action and the position', async () => {
    const r = await run([{ name: 'Set AWS attributes', code: 'exports.onExecutePostLogin = async (event, api) => {\n  api.samlResponse.setAttribute(;\n};' }]);
    expect(r).toMatchObject({ ok: false, failure: 'error', action: 'Set AWS attributes' });
    if (!r.ok) expect(r.reason).toMatch(/^action `Set AWS attributes`: SyntaxError: .*\[actions\/Set-AWS-attributes\.js:2:\d+\]$/);
  });

  it('a throw or a rejection is an error naming the action', async () => {
    expect(await run([body(''), body('throw new Error("lookup failed");')])).toMatchObject({ ok: false, failure: 'error', action: 'action-2', reason: expect.stringContaining('lookup failed') });
    expect(await run(['exports.onExecutePostLogin = (event, api) => Promise.reject(new RangeError("nope"));'])).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('RangeError: nope') });
  });

  it('a promise that never settles is a timeout, at once', async () => {
    expect(await run(['exports.onExecutePostLogin = () => new Promise(() => {});'])).toMatchObject({ ok: false, failure: 'timeout', action: 'action-1' });
  });

  it('api.redirect is not available for SAML logins', async () => {
    expect(await run([body('api.redirect.sendUserTo("https://example.com");')])).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('not supported') });
  });

  it('an api object kept for later cannot add commands to a later login', async () => {
    const tenant = 'kept-api';
    await sandbox.runActions({ tenant, actions: actions(body('global.keptApi = api;')), event: EVENT });
    const r = await sandbox.runActions({ tenant, actions: actions(body('global.keptApi.access.deny("forged");')), event: EVENT });
    expect(r).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('after its action finished') });
  });

  it('more than 1000 commands fail as output, even when the action swallows the error', async () => {
    const r = await run([body('for (let i = 0; i < 2000; i++) { try { api.samlResponse.setAttribute("a" + i, i); } catch (e) {} }')]);
    expect(r).toMatchObject({ ok: false, failure: 'output', reason: expect.stringContaining('more than 1000') });
  });

  it('the module top level runs once per tenant isolate, as in a warm Auth0 container', async () => {
    const tenant = 'module-once';
    const code = 'let loads = (global.loads = (global.loads || 0) + 1); exports.onExecutePostLogin = async () => { console.log(String(global.loads)); };';
    const one = (): Promise<ActionsOutcome> => sandbox.runActions({ tenant, actions: actions(code), event: EVENT });
    expect(await one()).toMatchObject({ logs: [{ line: '1' }] });
    expect(await one()).toMatchObject({ logs: [{ line: '1' }] });
  });
});
