// Auth0 Rules semantics (auth0.md §6) through the real pool: the seed's rule verbatim, order, the callback
// contract, UnauthorizedError, configuration, global per tenant, auth0.users, console limits, fail-closed cases.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSandboxBuilt, JANE, SAML_CONTEXT, SEED_MAPPINGS, SEED_ROLE, seedRuleFromGuide } from '../../test/sandbox/support.js';
import { createSandbox } from './index.js';
import type { RulesOutcome, RulesRun, Sandbox } from './index.js';

/** The seed's rule as the brief quotes it (the guide's copy, without its blank lines, is tested too). */
const SEED_RULE = `function(user, context, callback) {
  var awsAccount = '013823792818';
  var rolePrefix = \`arn:aws:iam::\` + awsAccount;
  var samlIdP = rolePrefix + \`:saml-provider/auth0SamlProvider\`;
  user.awsRole = rolePrefix + \`:role/AccessByCostCenter,\` + samlIdP;
  user.awsRoleSession = user.email;
  user.awsTagKeys = ['CostCenter', 'Project'];
  user.CostCenter = 'marketing';
  user.Project = 'website';
  context.samlConfiguration.mappings = {
    'https://aws.amazon.com/SAML/Attributes/Role': 'awsRole',
    'https://aws.amazon.com/SAML/Attributes/RoleSessionName': 'awsRoleSession',
    'https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter': 'CostCenter',
    'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project': 'Project'
  };
  callback(null, user, context);
}`;

let sandbox: Sandbox;
let tenantSeq = 0;

beforeAll(async () => {
  await ensureSandboxBuilt();
  sandbox = createSandbox({ cpuTimeoutMs: 1_000, wallTimeoutMs: 5_000 });
}, 180_000);
afterAll(async () => {
  await sandbox.close();
});

function rules(...scripts: string[]): RulesRun['rules'] {
  return scripts.map((script, i) => ({ id: `rul_${i + 1}`, name: `rule-${i + 1}`, script }));
}

function run(scripts: string[], extra: Partial<RulesRun> = {}): Promise<RulesOutcome> {
  return sandbox.runRules({ tenant: `rules-${++tenantSeq}`, rules: rules(...scripts), user: JANE, context: SAML_CONTEXT, configuration: {}, ...extra });
}

const PASS = 'function (user, context, callback) { callback(null, user, context); }';

describe("the seed's rule", () => {
  const expected = {
    user: { ...JANE, awsRole: SEED_ROLE, awsRoleSession: 'jane@example.com', awsTagKeys: ['CostCenter', 'Project'], CostCenter: 'marketing', Project: 'website' },
    context: { ...SAML_CONTEXT, samlConfiguration: { ...SAML_CONTEXT.samlConfiguration, mappings: SEED_MAPPINGS } },
  };

  it('runs verbatim and produces exactly the guide’s user and context', async () => {
    const r = await run([SEED_RULE]);
    expect(r).toEqual({ ok: true, ...expected, commands: [], logs: [] });
  });

  it('runs verbatim from the guide text itself (blank lines and trailing space included)', async () => {
    const script = seedRuleFromGuide();
    expect(script).toContain("var rolePrefix = `arn:aws:iam::` + awsAccount; \n");
    const r = await run([script]);
    expect(r).toEqual({ ok: true, ...expected, commands: [], logs: [] });
  });
});

describe('the callback contract', () => {
  it('runs rules in order, each seeing what the previous one passed on', async () => {
    const r = await run([
      'function (user, context, callback) { user.trail = ["a"]; callback(null, user, context); }',
      'function (user, context, callback) { user.trail.push("b"); context.seen = user.trail.join(""); callback(null, user, context); }',
      'function (user, context, callback) { callback(null, { user_id: user.user_id, trail: user.trail.concat("c") }, { n: context.seen }); }',
    ]);
    expect(r).toMatchObject({ ok: true, user: { user_id: 'auth0|jane', trail: ['a', 'b', 'c'] }, context: { n: 'ab' } });
  });

  it('continues after an asynchronous callback (promise chain)', async () => {
    const r = await run(['function (user, context, callback) { Promise.resolve().then(function () { user.late = true; callback(null, user, context); }); }', PASS]);
    expect(r).toMatchObject({ ok: true, user: { late: true } });
  });

  it('UnauthorizedError denies with its message as the public message, and stops the pipeline', async () => {
    const r = await run([
      'function (user, context, callback) { callback(new UnauthorizedError("Access denied: not in marketing")); }',
      'function (user, context, callback) { console.log("must not run"); callback(null, user, context); }',
    ]);
    expect(r).toMatchObject({ ok: false, failure: 'unauthorized', rule: 'rule-1', publicMessage: 'Access denied: not in marketing', logs: [] });
  });

  it('a subclass of UnauthorizedError is still unauthorized', async () => {
    const r = await run(['function (user, context, callback) { class Nope extends UnauthorizedError {} callback(new Nope("nope")); }']);
    expect(r).toMatchObject({ ok: false, failure: 'unauthorized', publicMessage: 'nope' });
  });

  it('any other error is an error, with the message in the reason and no public message', async () => {
    const r = await run([PASS, 'function (user, context, callback) { callback(new Error("directory unavailable")); }']);
    expect(r).toMatchObject({ ok: false, failure: 'error', rule: 'rule-2' });
    if (r.ok) return;
    expect(r.reason).toContain('directory unavailable');
    expect(r.publicMessage).toBeUndefined();
  });

  it('a thrown exception is an error naming the rule and the line', async () => {
    const r = await run([PASS, 'function (user, context, callback) {\n  var x = null;\n  x.boom();\n}']);
    expect(r).toMatchObject({ ok: false, failure: 'error', rule: 'rule-2' });
    if (r.ok) return;
    expect(r.reason).toMatch(/rule `rule-2`: TypeError: .*boom/);
    expect(r.reason).toContain('rules/rule-2.js:3:');
  });

  it('a rejected async rule is an error', async () => {
    const r = await run(['async function (user, context, callback) { await null; throw new Error("async failure"); }']);
    expect(r).toMatchObject({ ok: false, failure: 'error', rule: 'rule-1', reason: expect.stringContaining('async failure') });
  });

  it('a syntax error is an error with a readable reason naming the rule and the position', async () => {
    const r = await sandbox.runRules({
      tenant: 'rules-syntax',
      rules: [{ id: 'rul_1', name: 'Map AWS roles', script: 'function (user, context, callback) {\n  var role = ;\n  callback(null, user, context);\n}' }],
      user: JANE, context: SAML_CONTEXT, configuration: {},
    });
    expect(r).toMatchObject({ ok: false, failure: 'error', rule: 'Map AWS roles' });
    if (r.ok) return;
    expect(r.reason).toMatch(/^rule `Map AWS roles`: SyntaxError: Unexpected token ';' \[rules\/Map-AWS-roles\.js:2:\d+\]$/);
  });

  it('a source that is not a function expression is an error', async () => {
    const r = await run(['42']);
    expect(r).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('not a function expression') });
  });

  it('callback called twice fails the login (security.md §5.2.5), naming the rule', async () => {
    const r = await run([PASS, 'function (user, context, callback) { callback(null, user, context); callback(null, user, context); }', PASS]);
    expect(r).toMatchObject({ ok: false, failure: 'error', rule: 'rule-2', reason: 'rule `rule-2` called callback more than once' });
  });

  it('a callback kept and called again by a later rule is caught as a double call', async () => {
    const r = await run([
      'function (user, context, callback) { global.keep = callback; callback(null, user, context); }',
      'function (user, context, callback) { global.keep(null, user, context); callback(null, user, context); }',
    ]);
    expect(r).toMatchObject({ ok: false, failure: 'error', rule: 'rule-1', reason: expect.stringContaining('more than once') });
  });

  it('a rule that never calls callback times out at once (nothing is left that could call it)', async () => {
    const started = Date.now();
    const r = await run(['function (user, context, callback) { new Promise(function () {}); }']);
    expect(r).toMatchObject({ ok: false, failure: 'timeout', rule: 'rule-1', reason: expect.stringContaining('without calling callback') });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('callback(null) without user and context is an error', async () => {
    const r = await run(['function (user, context, callback) { callback(null); }']);
    expect(r).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('without the user and context') });
  });

  it('a throw after a successful callback still fails the login', async () => {
    const r = await run(['function (user, context, callback) { callback(null, user, context); throw new Error("after"); }']);
    expect(r).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('after') });
  });

  it('no rules: the user and context come back unchanged, as copies', async () => {
    const r = await run([]);
    expect(r).toEqual({ ok: true, user: JANE, context: SAML_CONTEXT, commands: [], logs: [] });
    if (r.ok) expect(r.user).not.toBe(JANE);
  });
});

describe('globals', () => {
  it('configuration is the tenant’s settings, frozen', async () => {
    const r = await run(
      ['function (user, context, callback) { "use strict"; user.key = configuration.API_KEY; try { configuration.API_KEY = "x"; } catch (e) { user.frozen = e instanceof TypeError; } user.same = configuration.API_KEY; callback(null, user, context); }'],
      { configuration: { API_KEY: 'k-123' } },
    );
    expect(r).toMatchObject({ ok: true, user: { key: 'k-123', frozen: true, same: 'k-123' } });
  });

  it('global survives between runs of one tenant and is not seen by another', async () => {
    const script = 'function (user, context, callback) { global.count = (global.count || 0) + 1; user.count = global.count; callback(null, user, context); }';
    const one = (tenant: string): Promise<RulesOutcome> => sandbox.runRules({ tenant, rules: rules(script), user: JANE, context: {}, configuration: {} });
    expect(await one('globals-a')).toMatchObject({ ok: true, user: { count: 1 } });
    expect(await one('globals-a')).toMatchObject({ ok: true, user: { count: 2 } });
    expect(await one('globals-b')).toMatchObject({ ok: true, user: { count: 1 } });
    expect(await one('globals-a')).toMatchObject({ ok: true, user: { count: 3 } });
  });

  it('global is the global object, as in Node', async () => {
    const r = await run(['function (user, context, callback) { user.same = global === globalThis; callback(null, user, context); }']);
    expect(r).toMatchObject({ ok: true, user: { same: true } });
  });

  it('the Auth0 globals cannot be replaced', async () => {
    const r = await run([
      'function (user, context, callback) { "use strict"; var out = []; ["require", "UnauthorizedError", "auth0", "configuration", "global"].forEach(function (k) { try { globalThis[k] = 1; out.push(k + ":replaced"); } catch (e) { out.push(k + ":kept"); } }); user.out = out; callback(null, user, context); }',
    ]);
    expect(r).toMatchObject({ ok: true, user: { out: ['require:kept', 'UnauthorizedError:kept', 'auth0:kept', 'configuration:kept', 'global:kept'] } });
  });
});

describe('auth0.users (restricted management client)', () => {
  it('updateAppMetadata and updateUserMetadata record one command per key, by promise and by callback', async () => {
    const r = await run([
      'function (user, context, callback) { user.app_metadata = user.app_metadata || {}; user.app_metadata.roles = ["admin"]; auth0.users.updateAppMetadata(user.user_id, user.app_metadata).then(function () { callback(null, user, context); }).catch(callback); }',
      'function (user, context, callback) { auth0.users.updateUserMetadata(user.user_id, { theme: "dark", old: null }, function (err) { callback(err, user, context); }); }',
    ]);
    expect(r).toMatchObject({
      ok: true,
      commands: [
        { kind: 'user.setAppMetadata', key: 'roles', value: ['admin'] },
        { kind: 'user.setUserMetadata', key: 'theme', value: 'dark' },
        { kind: 'user.setUserMetadata', key: 'old', value: null },
      ],
    });
  });

  it('refuses to update another user', async () => {
    const r = await run(['function (user, context, callback) { auth0.users.updateAppMetadata("auth0|someone-else", { admin: true }).then(function () { callback(null, user, context); }, callback); }']);
    expect(r).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('may only update the user who is logging in') });
  });

  it('refuses a metadata key that would rewrite a prototype in the IdP', async () => {
    const r = await run(['function (user, context, callback) { auth0.users.updateAppMetadata(user.user_id, JSON.parse(\'{"__proto__": {"isAdmin": true}}\')).then(function () { callback(null, user, context); }, callback); }']);
    expect(r).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('__proto__') });
  });
});

describe('console', () => {
  it('captures lines per rule, formatted like Node', async () => {
    const r = await run([
      'function (user, context, callback) { console.log("user %s has %d roles", user.email, 2); console.error({ a: 1, b: [1, "x"] }); callback(null, user, context); }',
      'function (user, context, callback) { console.info("second", null, undefined, true); callback(null, user, context); }',
    ]);
    expect(r).toMatchObject({
      ok: true,
      logs: [
        { source: 'rule-1', line: 'user jane@example.com has 2 roles' },
        { source: 'rule-1', line: "{ a: 1, b: [ 1, 'x' ] }" },
        { source: 'rule-2', line: 'second null undefined true' },
      ],
    });
  });

  it('keeps 256 characters a line and 100 lines a run, then says how many it dropped', async () => {
    const r = await run(['function (user, context, callback) { console.log("x".repeat(1000)); for (var i = 0; i < 150; i++) console.log("line " + i); callback(null, user, context); }']);
    expect(r.ok).toBe(true);
    expect(r.logs).toHaveLength(101);
    expect(r.logs[0]?.line).toBe('x'.repeat(256));
    expect(r.logs[99]).toEqual({ source: 'rule-1', line: 'line 98' });
    expect(r.logs[100]).toEqual({ source: 'sandbox', line: '51 more log lines dropped (limit 100 per run)' });
  });

  it('cannot forge log lines with control characters', async () => {
    const r = await run(['function (user, context, callback) { console.log("ok\\n[admin] granted\\u0000\\u001b[31m"); callback(null, user, context); }']);
    expect(r.logs).toEqual([{ source: 'rule-1', line: 'ok\\n[admin] granted\uFFFD\uFFFD[31m' }]);
  });

  it('keeps the logs of a failing run', async () => {
    const r = await run(['function (user, context, callback) { console.log("before"); throw new Error("x"); }']);
    expect(r).toMatchObject({ ok: false, logs: [{ source: 'rule-1', line: 'before' }] });
  });
});

describe('inputs and outputs', () => {
  it('inputs are copies: the host objects are never touched', async () => {
    const user = { ...JANE, roles: ['a'] };
    await run(['function (user, context, callback) { user.roles.push("b"); user.email = "x"; callback(null, user, context); }'], { user });
    expect(user).toEqual({ ...JANE, roles: ['a'] });
  });

  it('an oversized rule is refused before it reaches the sandbox', async () => {
    const r = await run([`function (user, context, callback) { /*${'x'.repeat(100_001)}*/ callback(null, user, context); }`]);
    expect(r).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('larger than 100000') });
  });

  it('more than 64 rules, or sources that exceed the channel once encoded, are refused as errors', async () => {
    const many = Array.from({ length: 65 }, () => PASS);
    expect(await run(many)).toMatchObject({ ok: false, failure: 'error', reason: 'more than 64 rules' });
    // 64 × 99 000 control characters: 6.3 MB of source, ~38 MB once JSON-escaped.
    const fat = `function (user, context, callback) { /*${'\u0001'.repeat(99_000)}*/ callback(null, user, context); }`;
    expect(await run(Array.from({ length: 64 }, () => fat))).toMatchObject({ ok: false, failure: 'error', reason: expect.stringContaining('once encoded') });
    expect(await run([PASS])).toMatchObject({ ok: true });
  });

  it('an output that is not JSON fails as output', async () => {
    const r = await run(['function (user, context, callback) { user.big = 10n; callback(null, user, context); }']);
    expect(r).toMatchObject({ ok: false, failure: 'output', reason: expect.stringContaining('BigInt') });
  });

  it('functions and undefined vanish from the output; Dates become strings', async () => {
    const r = await run(['function (user, context, callback) { user.f = function () {}; user.u = undefined; user.d = new Date(0); callback(null, user, context); }']);
    expect(r).toMatchObject({ ok: true, user: { d: '1970-01-01T00:00:00.000Z' } });
    if (r.ok) expect(Object.keys(r.user)).not.toContain('f');
  });
});
