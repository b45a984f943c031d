// Issue #6's proof: the seed guide's "Test your setup", in Debian chromium, from nothing but
// `tessera up` with scenarios/seed.yaml — open the application's IdP login URL, log in as the seed's
// user on the real login page, let the IdP's form post the SAMLResponse to the sign-in endpoint,
// land in the console; stopping the marketing instance works, stopping the engineering one fails
// with the encoded message, and "Why?" names both tag values. A screenshot goes to test-results/.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTessera } from '../support/server.js';
import type { RunningTessera } from '../support/server.js';
import { bannerText, instanceAction, launchChromium, openWhy, stateOf } from './support.js';

const RESULTS = resolve(import.meta.dirname, '..', '..', 'test-results');
const SEED = resolve(import.meta.dirname, '..', '..', 'scenarios', 'seed.yaml');

let server: RunningTessera;
let browser: Browser;
let ids: { marketing: string; engineering: string };

async function instanceWith(costCenter: string, project: string): Promise<string> {
  const ec2 = new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: server.admin });
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:CostCenter', Values: [costCenter] }, { Name: 'tag:Project', Values: [project] }] }));
  const id = out.Reservations?.[0]?.Instances?.[0]?.InstanceId;
  if (id === undefined) throw new Error(`the seed has no ${costCenter}/${project} instance`);
  return id;
}

beforeAll(async () => {
  server = await startTessera({ args: ['--scenario', SEED] });
  ids = { marketing: await instanceWith('marketing', 'website'), engineering: await instanceWith('engineering', 'management_dashboard') };
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the seed guide in a browser, from the IdP login page to "Why?"', () => {
  it('logs jane in at the IdP, signs her in to the console, and shows why the engineering instance is refused', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });

    // 1–2. The IdP login URL of the AWS application (what `tessera up` prints), the real login page.
    await page.goto(`${server.url}/samlp/AwsConsole`);
    await page.fill('#username', 'jane@example.com');
    await page.fill('#password', 'jane-demo-password');
    // 3–6. Rules run, the IdP's form posts the SAMLResponse to POST /saml, STS issues the session.
    await Promise.all([page.waitForURL(`${server.url}/console**`, { timeout: 30_000 }), page.click('button[type=submit]')]);
    const header = await page.locator('header').first().innerText();
    expect(header).toContain('AccessByCostCenter/jane@example.com');
    expect(header).toContain('CostCenter');
    expect(header).toContain('marketing');

    // 7. Stop the marketing instance: allowed.
    await instanceAction(page, ids.marketing, 'Stop');
    expect(await bannerText(page, 'success')).toContain(`Successfully stopped ${ids.marketing}`);
    expect(['stopping', 'stopped']).toContain(await stateOf(page, ids.marketing));

    // Stop the engineering instance: UnauthorizedOperation, with the encoded message, and "Why?".
    await instanceAction(page, ids.engineering, 'Stop');
    const failure = await bannerText(page, 'error');
    expect(failure).toContain(`Failed to stop the instance ${ids.engineering}`);
    expect(failure).toContain('You are not authorized to perform this operation.');
    expect(failure).toContain('Encoded authorization failure message:');
    expect(await stateOf(page, ids.engineering)).toBe('running');
    const why = await openWhy(page);
    expect(why).toContain('engineering');
    expect(why).toContain('marketing');
    expect(why).toContain('ec2:ResourceTag/CostCenter');
    expect(why).toContain('aws:PrincipalTag/CostCenter');
    expect(why).toContain('VirtualMachineAccessByCostCenter');

    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'seed-walkthrough.png'), fullPage: true });
    expect(violations).toEqual([]);
    await page.close();
  }, 90_000);
});
