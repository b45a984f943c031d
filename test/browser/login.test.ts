// A real browser through the real login page (issue #5 proof): headless Debian chromium driven by
// playwright-core opens the Identity Provider Login URL, is sent to the universal login page, types
// jane's email and password, submits, and the auto-posting form delivers the SAMLResponse to the
// application's ACS — a tiny capture server registered as the callback — where it is verified. The
// page must work under its own CSP (no violation reported), SSO must skip the form the second time,
// and the login page must refuse to be framed (C10).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser as Chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySamlResponse } from '../../src/saml/verify.js';
import { JANE_EMAIL, JANE_PASSWORD, seedWorld, startHarness, type Harness } from '../idp/support.js';

let h: Harness;
let browser: Chromium;
let acs: Server;
let acsUrl: string;
let acsOrigin: string;
let clientId: string;
const captured: Array<Record<string, string>> = [];

beforeAll(async () => {
  h = await startHarness();
  h.clock.set(new Date());
  acs = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/acs') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        captured.push(Object.fromEntries(new URLSearchParams(body)));
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body><h1 id="captured">captured</h1></body></html>');
      });
      return;
    }
    if (req.url === '/frame') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<html><body><iframe id="victim" src="${h.url}/login"></iframe></body></html>`);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => acs.listen(0, '127.0.0.1', r));
  acsOrigin = `http://127.0.0.1:${(acs.address() as AddressInfo).port}`;
  acsUrl = `${acsOrigin}/acs`;
  clientId = (await seedWorld(h.idp, [acsUrl])).app.clientId;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (acs ? acs.close(() => r()) : r()));
  await h?.close();
});

describe('the login page in chromium', () => {
  it('logs jane in through the real form and the auto-posting form delivers a SAMLResponse that verifies', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${h.url}/samlp/${clientId}?RelayState=from-the-browser`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await expect(page.title()).resolves.toContain('Log in');
    await page.fill('#username', JANE_EMAIL);
    await page.fill('#password', JANE_PASSWORD);
    await Promise.all([page.waitForURL(acsUrl), page.click('button[type=submit]')]);
    await page.waitForSelector('#captured');
    expect(captured).toHaveLength(1);
    const post = captured[0] as Record<string, string>;
    expect(post['RelayState']).toBe('from-the-browser');
    const verified = verifySamlResponse(post['SAMLResponse'] as string, {
      idp: { entityId: h.idp.issuer, certificates: [(await h.idp.keys.current()).certificatePem] },
      now: h.clock.now().getTime(),
      recipients: [acsUrl],
    });
    expect(verified.attributes.map((a) => [a.name, a.values[0]])).toEqual([
      ['https://aws.amazon.com/SAML/Attributes/Role', 'arn:aws:iam::013823792818:role/AccessByCostCenter,arn:aws:iam::013823792818:saml-provider/auth0SamlProvider'],
      ['https://aws.amazon.com/SAML/Attributes/RoleSessionName', JANE_EMAIL],
      ['https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter', 'marketing'],
      ['https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project', 'website'],
    ]);
    const cookies = await context.cookies(h.url);
    const session = cookies.find((c) => c.name === 'tessera_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(violations).toEqual([]);

    // SSO: the same browser goes straight through, no form.
    await Promise.all([page.waitForURL(acsUrl), page.goto(`${h.url}/samlp/${clientId}`)]);
    await page.waitForSelector('#captured');
    expect(captured).toHaveLength(2);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('shows the generic error for a wrong password and keeps the typed email', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.url}/samlp/${clientId}`);
    await page.fill('#username', JANE_EMAIL);
    await page.fill('#password', 'not her password');
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    await expect(page.textContent('.error')).resolves.toBe('Wrong email or password.');
    await expect(page.inputValue('#username')).resolves.toBe(JANE_EMAIL);
    await context.close();
  });

  it('refuses to be framed (frame-ancestors / X-Frame-Options)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${acsOrigin}/frame`);
    await page.waitForTimeout(500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const framed = frame === undefined ? '' : await frame.content().catch(() => '');
    expect(framed).not.toContain('name="username"');
    await context.close();
  });
});
