// The seed guide's "Test your setup" in a real browser (Debian chromium, playwright-core): a page on
// another site auto-posts a SAMLResponse to POST /saml, as an IdP's form does; the browser lands in
// the console; stopping the marketing instance succeeds (banner, state stopping/stopped); stopping
// the engineering instance fails with the encoded message, and "Why?" — opened with the keyboard —
// names both tag values. No script runs (the XSS tag value stays text), no CSP violation is
// reported, the console refuses to be framed, and a screenshot is written to test-results/console.png
// (docs/console.png, the README's, is a copy of one such run).

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bannerText,
  instanceAction,
  instanceRow,
  launchChromium,
  openWhy,
  signInThroughAutoPost,
  startAutoPoster,
  startConsoleWorld,
  stateOf,
} from './support.js';
import type { AutoPoster, ConsoleWorld } from './support.js';

// Tests never rewrite tracked files: screenshots go to the git-ignored test-results/.
const DOCS = resolve(import.meta.dirname, '..', '..', 'test-results');

let world: ConsoleWorld;
let poster: AutoPoster;
let browser: Browser;

beforeAll(async () => {
  world = await startConsoleWorld();
  poster = await startAutoPoster(world.url);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await poster?.close();
  await world?.close();
});

describe('the console in chromium', () => {
  it('signs in through an auto-posted SAMLResponse, stops the marketing instance, fails on the engineering one and explains why', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    const violations: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });

    await signInThroughAutoPost(page, poster, world.url, world.assertion());
    expect(new URL(page.url()).pathname).toBe('/console');
    await expect(page.locator('[data-testid=assumed-role]').innerText()).resolves.toBe('AccessByCostCenter/jane@example.com');
    await expect(page.locator('[data-testid=session-tags]').innerText()).resolves.toContain('CostCenter=marketing');
    const cookies = await context.cookies(world.url);
    const session = cookies.find((c) => c.name === 'tessera_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    // Stop the marketing (website) instance: confirmation, then AWS's success banner.
    const { website, dashboard } = world.instances;
    expect(await stateOf(page, website)).toBe('running');
    await instanceAction(page, website, 'Stop');
    expect(await bannerText(page, 'success')).toBe(`Successfully stopped ${website}`);
    expect(['stopping', 'stopped']).toContain(await stateOf(page, website));

    // Stop the engineering (dashboard) instance: AWS's failure banner with the encoded message.
    await instanceAction(page, dashboard, 'Stop');
    const failure = (await bannerText(page, 'error')) ?? '';
    expect(failure).toContain(`Failed to stop the instance ${dashboard}`);
    expect(failure).toContain('You are not authorized to perform this operation.');
    expect(failure).toMatch(/Encoded authorization failure message:\s*[A-Za-z0-9_-]{40,}/);
    expect(await stateOf(page, dashboard)).toBe('running');

    // "Why?", opened from the keyboard, names both tag values and the statement.
    const why = await openWhy(page);
    expect(why).toContain('engineering');
    expect(why).toContain('marketing');
    expect(why).toContain('ec2:ResourceTag/CostCenter');
    expect(why).toContain('aws:PrincipalTag/CostCenter');
    expect(why).toContain('VirtualMachineAccessByCostCenter');
    expect(why).toContain('This instance has engineering; your session has marketing.');

    // The XSS tag value is text, and nothing ran.
    await expect(instanceRow(page, world.instances.community).innerText()).resolves.toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(violations).toEqual([]);

    mkdirSync(DOCS, { recursive: true });
    await page.locator('[data-testid=why]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(DOCS, 'console.png'), fullPage: true });
    await context.close();
  });

  it('works from the keyboard alone: skip link, filter form, and the sign-out button', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInThroughAutoPost(page, poster, world.url, world.assertion());
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to main content');
    await page.getByLabel('Tag key').fill('CostCenter');
    await page.getByLabel('Tag value').fill('engineering');
    await page.getByLabel('Tag value').press('Enter');
    await page.waitForURL('**/console?**');
    await expect(page.locator('tr[data-instance-id]').count()).resolves.toBe(1);
    await Promise.all([page.waitForURL('**/console/signed-out'), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.goto(`${world.url}/console`);
    await expect(page.getByRole('heading', { name: 'Not signed in' }).count()).resolves.toBe(1);
    await context.close();
  });

  it('refuses to be framed by another site (C10)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInThroughAutoPost(page, poster, world.url, world.assertion());
    await page.setContent(`<html><body><iframe id="victim" src="${world.url}/console"></iframe></body></html>`);
    await page.waitForTimeout(500);
    const frame = page.frames().find((f) => f.url().startsWith(world.url));
    const framedText = frame === undefined ? '' : await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    expect(framedText).not.toContain('Instances');
    await context.close();
  });
});
