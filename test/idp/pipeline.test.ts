// The login pipeline through HTTP with real Rules and Actions in the sandbox (auth0.md §2.4, §6, §7;
// security.md §5.2.5, X16): rules configuration and Action secrets unsealed for the scripts, metadata
// commands persisted, Actions keep the add-on mappings, tampering clamped — and every refusal (a rule
// with a syntax error, a throwing rule, UnauthorizedError, api.access.deny, a failing Action) fails
// closed: a readable 403 page, a SAML Response WITHOUT an assertion for the ACS, the reason in the
// tenant log and never on the page.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NS } from '../../src/saml/ns.js';
import { verifySamlResponse } from '../../src/saml/verify.js';
import { child, children, parseXmlStrict, textOnly } from '../../src/saml/xml.js';
import type { Application } from '../../src/store/index.js';
import { xmlsec1Verify } from '../support/xmlsec1-sign.js';
import { Browser, CLASSIC_SETTINGS, decodeXml, JANE_EMAIL, JANE_PASSWORD, postedForm, startHarness, type Harness } from './support.js';

const ACS = 'https://signin.aws.amazon.com/saml';
let h: Harness;
let app: Application;
let browser: Browser;

beforeAll(async () => {
  h = await startHarness();
  await h.idp.admin.createUser({ email: JANE_EMAIL, password: JANE_PASSWORD, name: 'Jane Doe' });
  app = await h.idp.admin.createApplication({ name: 'AWS Console', callbacks: [ACS], addons: { samlp: CLASSIC_SETTINGS } });
  browser = new Browser(h.url);
  const first = await browser.login(`/samlp/${app.clientId}`, JANE_EMAIL, JANE_PASSWORD);
  expect(first.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

afterEach(async () => {
  for (const r of await h.idp.admin.listRules()) await h.idp.admin.deleteRule(r.id);
  for (const a of await h.idp.admin.listActions()) await h.idp.admin.deleteAction(a.id);
  const jane = await h.idp.admin.getUserByEmail(JANE_EMAIL);
  if (jane !== undefined) await h.idp.admin.updateUser(jane.userId, { appMetadata: {} });
});

/** One SSO login (the session is live): the page the browser gets. */
async function login(relayState?: string): Promise<{ status: number; body: string }> {
  return browser.get(`/samlp/${app.clientId}${relayState === undefined ? '' : `?RelayState=${encodeURIComponent(relayState)}`}`);
}

function attributes(xml: string): Record<string, string[]> {
  const doc = parseXmlStrict(xml);
  const assertion = child(doc.documentElement as Element, NS.assertion, 'Assertion') as Element;
  const statement = child(assertion, NS.assertion, 'AttributeStatement');
  const out: Record<string, string[]> = {};
  for (const a of statement === undefined ? [] : children(statement, NS.assertion, 'Attribute')) {
    out[a.getAttribute('Name') as string] = children(a, NS.assertion, 'AttributeValue').map((v) => textOnly(v) ?? '');
  }
  return out;
}

/** A refusal: 403, the message on the page, a signed Response without an assertion behind a button. */
async function expectRefusal(reply: { status: number; body: string }, message: string | RegExp): Promise<{ xml: string; statusMessage: string | undefined; codes: string[] }> {
  expect(reply.status).toBe(403);
  expect(reply.body).toContain('Access denied');
  if (typeof message === 'string') expect(reply.body).toContain(message);
  else expect(reply.body).toMatch(message);
  const form = postedForm(reply.body);
  expect(form.action).toBe(ACS);
  const xml = decodeXml(form.SAMLResponse as string);
  expect(xml).not.toContain('Assertion');
  const doc = parseXmlStrict(xml);
  const status = child(doc.documentElement as Element, NS.protocol, 'Status') as Element;
  const top = child(status, NS.protocol, 'StatusCode') as Element;
  const codes = [top.getAttribute('Value') as string, ...children(top, NS.protocol, 'StatusCode').map((c) => c.getAttribute('Value') as string)];
  expect(codes[0]).toBe('urn:oasis:names:tc:SAML:2.0:status:Responder');
  const pem = (await new Browser(h.url).get('/pem')).body;
  const verdict = xmlsec1Verify(xml, pem, 'response');
  expect(verdict.ok, verdict.output).toBe(true);
  const sm = child(status, NS.protocol, 'StatusMessage');
  return { xml, statusMessage: sm === undefined ? undefined : textOnly(sm), codes };
}

async function lastLog() {
  return (await h.idp.admin.logs({ maxItems: 1 })).items[0];
}

describe('refusals fail closed', () => {
  it('a rule with a syntax error: generic message, no assertion, the error in the tenant log only', async () => {
    await h.idp.admin.createRule({ name: 'broken', script: 'function (user, context, callback) { callback(null, user, context; }' });
    const reply = await login();
    const r = await expectRefusal(reply, 'A login rule failed');
    expect(reply.body).not.toMatch(/SyntaxError|Unexpected token|callback\(null/);
    expect(r.codes).toEqual(['urn:oasis:names:tc:SAML:2.0:status:Responder']);
    const log = await lastLog();
    expect(log).toMatchObject({ type: 'f', clientId: app.clientId, details: { stage: 'rules', script: 'broken' } });
    expect(String((log?.details as { reason: string }).reason)).toMatch(/SyntaxError|Unexpected/);
  });

  it('a rule that throws: generic message, reason logged', async () => {
    await h.idp.admin.createRule({ name: 'throws', script: "function (user, context, callback) { throw new Error('secret internals /etc/passwd'); }" });
    const reply = await login();
    await expectRefusal(reply, 'A login rule failed');
    expect(reply.body).not.toContain('secret internals');
    expect(JSON.stringify((await lastLog())?.details)).toContain('secret internals');
  });

  it('a rule that denies with UnauthorizedError: its message is shown and sent as RequestDenied', async () => {
    await h.idp.admin.createRule({ name: 'deny', script: "function (user, context, callback) { callback(new UnauthorizedError('Only engineers may use AWS.')); }" });
    const r = await expectRefusal(await login('keep-me'), 'Only engineers may use AWS.');
    expect(r.codes).toEqual(['urn:oasis:names:tc:SAML:2.0:status:Responder', 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied']);
    expect(r.statusMessage).toBe('Only engineers may use AWS.');
    expect((await lastLog())?.type).toBe('f');
  });

  it('an Action that denies: its reason is shown; metadata it set before denying is still stored (§7.1)', async () => {
    await h.idp.admin.createAction({
      name: 'deny-action',
      code: "exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata('denied_at', 'login'); api.access.deny('Blocked by policy.'); };",
    });
    const r = await expectRefusal(await login(), 'Blocked by policy.');
    expect(r.codes[1]).toBe('urn:oasis:names:tc:SAML:2.0:status:RequestDenied');
    const jane = await h.idp.admin.getUserByEmail(JANE_EMAIL);
    expect(jane?.appMetadata).toMatchObject({ denied_at: 'login' });
  });

  it('an Action that throws: generic message', async () => {
    await h.idp.admin.createAction({ name: 'throws', code: "exports.onExecutePostLogin = async () => { throw new Error('boom'); };" });
    const reply = await login();
    await expectRefusal(reply, 'A login action failed');
    expect(reply.body).not.toContain('boom');
  });

  it('a rule that sets a RelayState over 80 bytes: refused, not truncated', async () => {
    await h.idp.admin.createRule({ name: 'long-relay', script: "function (user, context, callback) { context.samlConfiguration.RelayState = 'x'.repeat(200); callback(null, user, context); }" });
    await expectRefusal(await login(), 'could not be built');
  });
});

describe('what the scripts get and what they change', () => {
  it('rules see the rules configuration (unsealed) and Auth0 context; their mappings replace the add-on’s', async () => {
    await h.idp.admin.setRulesConfig('AWS_ACCOUNT', '013823792818');
    await h.idp.admin.createRule({
      name: 'uses-config',
      script: `function (user, context, callback) {
        user.acct = configuration.AWS_ACCOUNT;
        user.proto = context.protocol + '/' + context.connection + '/' + context.connectionStrategy + '/' + context.clientName;
        user.logins = String(context.stats.loginsCount);
        user.hasAppMetadata = String(user.app_metadata !== undefined);
        context.samlConfiguration.mappings = { acct: 'acct', proto: 'proto', logins: 'logins', appmd: 'hasAppMetadata' };
        callback(null, user, context);
      }`,
    });
    const reply = await login();
    expect(reply.status).toBe(200);
    const attrs = attributes(decodeXml(postedForm(reply.body).SAMLResponse as string));
    expect(attrs).toEqual({ acct: ['013823792818'], proto: ['samlp/Username-Password-Authentication/auth0/AWS Console'], logins: ['1'], appmd: ['false'] });
  });

  it('Actions get their own secrets; the §7.5 Action keeps the add-on mappings and the probe finds the email (C-127323)', async () => {
    await h.idp.admin.createAction({
      name: 'aws',
      code: `exports.onExecutePostLogin = async (event, api) => {
        if (event.transaction?.protocol !== 'samlp') return;
        const p = 'arn:aws:iam::' + event.secrets.ACCOUNT;
        api.samlResponse.setAttribute('https://aws.amazon.com/SAML/Attributes/Role', p + ':role/AccessByCostCenter,' + p + ':saml-provider/auth0SamlProvider');
        api.samlResponse.setAttribute('https://aws.amazon.com/SAML/Attributes/RoleSessionName', event.user.email);
      };`,
      secrets: [{ name: 'ACCOUNT', value: '013823792818' }],
    });
    const reply = await login();
    expect(reply.status).toBe(200);
    const xml = decodeXml(postedForm(reply.body).SAMLResponse as string);
    expect(attributes(xml)).toEqual({
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': [JANE_EMAIL],
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': ['Jane Doe'],
      'https://aws.amazon.com/SAML/Attributes/Role': ['arn:aws:iam::013823792818:role/AccessByCostCenter,arn:aws:iam::013823792818:saml-provider/auth0SamlProvider'],
      'https://aws.amazon.com/SAML/Attributes/RoleSessionName': [JANE_EMAIL],
    });
    const subject = child(child(parseXmlStrict(xml).documentElement as Element, NS.assertion, 'Assertion') as Element, NS.assertion, 'Subject') as Element;
    expect(textOnly(child(subject, NS.assertion, 'NameID') as Element)).toBe(JANE_EMAIL);
  });

  it("a rule's metadata update is stored and seen by the Actions that follow", async () => {
    await h.idp.admin.createRule({
      name: 'tag-user',
      script: "function (user, context, callback) { auth0.users.updateAppMetadata(user.user_id, { tier: 'gold' }).then(function () { callback(null, user, context); }); }",
    });
    await h.idp.admin.createAction({ name: 'read-tier', code: "exports.onExecutePostLogin = async (event, api) => { api.samlResponse.setAttribute('tier', event.user.app_metadata.tier || 'none'); };" });
    const reply = await login();
    expect(reply.status).toBe(200);
    expect(attributes(decodeXml(postedForm(reply.body).SAMLResponse as string))['tier']).toEqual(['gold']);
    expect((await h.idp.admin.getUserByEmail(JANE_EMAIL))?.appMetadata).toMatchObject({ tier: 'gold' });
  });

  it('rule and Action runs are in order: rules first, then Actions, and Actions override rule settings', async () => {
    await h.idp.admin.createRule({ name: 'second', order: 2, script: "function (u, c, cb) { u.trail = (u.trail || '') + 'b'; c.samlConfiguration.mappings = { trail: 'trail' }; cb(null, u, c); }" });
    await h.idp.admin.createRule({ name: 'first', order: 1, script: "function (u, c, cb) { u.trail = (u.trail || '') + 'a'; c.samlConfiguration.lifetimeInSeconds = 120; cb(null, u, c); }" });
    await h.idp.admin.createAction({ name: 'life', code: 'exports.onExecutePostLogin = async (event, api) => { api.samlResponse.setLifetimeInSeconds(600); };' });
    const reply = await login();
    const xml = decodeXml(postedForm(reply.body).SAMLResponse as string);
    expect(attributes(xml)).toEqual({ trail: ['ab'] });
    const conditions = child(child(parseXmlStrict(xml).documentElement as Element, NS.assertion, 'Assertion') as Element, NS.assertion, 'Conditions') as Element;
    const lifetime = Date.parse(conditions.getAttribute('NotOnOrAfter') as string) - Date.parse(conditions.getAttribute('NotBefore') as string);
    expect(lifetime).toBe(600_000);
  });

  it('X16: a rule cannot redirect the assertion or stretch its lifetime; the response still verifies', async () => {
    await h.idp.admin.createRule({
      name: 'tamper',
      script: `function (user, context, callback) {
        context.samlConfiguration.destination = 'https://attacker.example/acs';
        context.samlConfiguration.recipient = 'https://attacker.example/acs';
        context.samlConfiguration.lifetimeInSeconds = 315360000;
        callback(null, user, context);
      }`,
    });
    const reply = await login();
    const form = postedForm(reply.body);
    expect(form.action).toBe(ACS);
    const xml = decodeXml(form.SAMLResponse as string);
    expect(xml).not.toContain('attacker.example');
    const verified = verifySamlResponse(form.SAMLResponse as string, { idp: { entityId: h.idp.issuer, certificates: [(await h.idp.keys.current()).certificatePem] }, now: h.clock.now().getTime() });
    expect(verified.subjectConfirmation.recipient).toBe(ACS);
    expect(Date.parse(verified.conditions.notOnOrAfter as string) - Date.parse(verified.conditions.notBefore as string)).toBeLessThanOrEqual(86_400_000);
    expect(JSON.stringify((await lastLog())?.details)).toContain('DELIVERY_URL_NOT_ALLOWED');
  });

  it('S42: markup in a profile value stays a value (DOM-built XML), one attribute in, one attribute out', async () => {
    const evil = 'x</saml:AttributeValue></saml:Attribute><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>arn:aws:iam::1:role/Admin';
    await h.idp.admin.createRule({ name: 'inject', script: `function (u, c, cb) { u.evil = ${JSON.stringify(evil)}; c.samlConfiguration.mappings = { v: 'evil' }; cb(null, u, c); }` });
    const reply = await login();
    expect(attributes(decodeXml(postedForm(reply.body).SAMLResponse as string))).toEqual({ v: [evil] });
  });

  it('passes the request RelayState through to the form', async () => {
    const reply = await login('state-42');
    expect(postedForm(reply.body).RelayState).toBe('state-42');
  });
});
