// Browser helpers for the console's proof in Debian chromium (playwright-core, never `playwright
// install`): launching the browser, an "IdP" origin that serves the very auto-posting form Tessera's
// IdP sends (src/saml/bindings.ts autoPostForm: its CSP, its script hash) so a SAMLResponse reaches
// POST /saml as a cross-site form post, and the console interactions the seed's test needs (stop an
// instance through the confirmation step, read banners and states, open "Why?" with the keyboard).
// The lead's full chain (IdP login page → console) reuses these.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { autoPostForm } from '../../src/saml/bindings.js';

export { startConsoleWorld, CookieClient, csrfOf, XSS } from '../console/world.js';
export type { ConsoleWorld } from '../console/world.js';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless'] });
}

/**
 * A stand-in for an IdP's origin: `GET /post?n=<k>` answers the auto-posting form carrying the k-th
 * registered SAMLResponse to `<console>/saml`. Served on `localhost` while Tessera listens on
 * 127.0.0.1, so the POST is cross-site, as an IdP's is.
 */
export interface AutoPoster {
  readonly origin: string;
  /** Registers a response; resolves the URL whose page posts it. */
  urlFor(samlResponse: string, relayState?: string): string;
  close(): Promise<void>;
}

export async function startAutoPoster(consoleUrl: string): Promise<AutoPoster> {
  const forms: { samlResponse: string; relayState: string }[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const n = Number(url.searchParams.get('n'));
    const f = url.pathname === '/post' && Number.isInteger(n) ? forms[n] : undefined;
    if (f === undefined) {
      res.writeHead(404).end();
      return;
    }
    const form = autoPostForm({ action: `${consoleUrl}/saml`, fields: { SAMLResponse: f.samlResponse, RelayState: f.relayState } });
    res.writeHead(200, { ...form.headers });
    res.end(form.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    urlFor(samlResponse, relayState = '') {
      forms.push({ samlResponse, relayState });
      return `${origin}/post?n=${forms.length - 1}`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Opens the IdP's auto-posting page and waits until the browser lands in the console. */
export async function signInThroughAutoPost(page: Page, poster: AutoPoster, consoleUrl: string, samlResponse: string, relayState = ''): Promise<void> {
  await Promise.all([page.waitForURL(`${consoleUrl}/console**`), page.goto(poster.urlFor(samlResponse, relayState))]);
}

/** The row of an instance in the console's table. */
export function instanceRow(page: Page, instanceId: string) {
  return page.locator(`tr[data-instance-id="${instanceId}"]`);
}

/** The state the table shows for an instance. */
export async function stateOf(page: Page, instanceId: string): Promise<string> {
  return (await instanceRow(page, instanceId).locator('[data-testid=state]').innerText()).trim();
}

/** Start, Stop or Terminate from the table, through the confirmation page; back on the list after. */
export async function instanceAction(page: Page, instanceId: string, action: 'Start' | 'Stop' | 'Terminate'): Promise<void> {
  await instanceRow(page, instanceId).getByRole('link', { name: `${action} ${instanceId}` }).click();
  await page.getByRole('heading', { name: new RegExp(`^${action}`) }).waitFor();
  await Promise.all([page.waitForURL('**/console**'), page.getByRole('button', { name: action, exact: true }).click()]);
  await page.getByRole('heading', { name: /^Instances/ }).waitFor();
}

/** The success or failure banner's text, or undefined. */
export async function bannerText(page: Page, kind: 'success' | 'error'): Promise<string | undefined> {
  const b = page.locator(`[data-testid=banner-${kind}]`);
  return (await b.count()) === 0 ? undefined : (await b.first().innerText()).trim();
}

/** Opens the "Why?" disclosure with the keyboard (focus, Enter) and resolves its text. */
export async function openWhy(page: Page): Promise<string> {
  const summary = page.locator('[data-testid=why] > summary');
  await summary.focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=why][open]').waitFor();
  return (await page.locator('[data-testid=why]').innerText()).trim();
}
