// Issue #8: two `tessera up` processes on different ports sharing one PostgreSQL database, as two
// nodes behind a load balancer. What one node gives out (a console session, STS credentials, a CSRF
// token) works on the other; a state change made through one is read through the other; concurrent
// Start/Stop from both nodes follow AWS's state rules with exactly one winner per transition; the
// login rate limit counts attempts on both nodes together; each node's audit log names the node.
// Needs PostgreSQL at TESSERA_TEST_DATABASE_URL (default 127.0.0.1:5432, trust): fails, never skips.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumeRoleWithSaml, idpLogin } from '../../src/scenario/federation.js';
import { AwsClient, Browser, parseForms } from '../../src/scenario/http.js';
import type { SigningCredentials } from '../../src/sigv4/index.js';
import { REPO_ROOT, parseXml, removeTempDirs, runTessera, signedCall, startTessera, tempDir, xmlAll, xmlText } from '../support/server.js';
import type { RunningTessera } from '../support/server.js';

const BASE_URL = process.env['TESSERA_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATABASE = `tessera_nodes_${randomBytes(6).toString('hex')}`;
const MASTER_KEY = randomBytes(32).toString('base64');
const JANE = { email: 'jane@example.com', password: 'jane-demo-password' };

function databaseUrl(name: string): string {
  const u = new URL(BASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BASE_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

let a: RunningTessera;
let b: RunningTessera;
let publicUrl: string;

beforeAll(async () => {
  await admin((c) => c.query(`CREATE DATABASE ${DATABASE}`));
  const [portA, portB] = [await freePort(), await freePort()];
  publicUrl = `http://127.0.0.1:${portA}`;
  // Behind a load balancer every node has the same public URL (the IdP's issuer, callbacks and the
  // console's origin); here node A's own URL plays the load balancer's.
  const env = { TESSERA_DATABASE_URL: databaseUrl(DATABASE), TESSERA_MASTER_KEY: MASTER_KEY, TESSERA_PUBLIC_URL: publicUrl };
  a = await startTessera({ env, args: ['--port', String(portA), '--scenario', join(REPO_ROOT, 'scenarios', 'seed.yaml'), '--node-id', 'node-a'], readyTimeoutMs: 30_000 });
  // The world is applied once, by the first node; the second serves the same store.
  // Node B sits behind a "load balancer" on loopback: it believes X-Forwarded-For from 127.0.0.1.
  b = await startTessera({ env: { ...env, TESSERA_TRUSTED_PROXIES: '127.0.0.1' }, args: ['--port', String(portB), '--node-id', 'node-b'], readyTimeoutMs: 30_000 });
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  removeTempDirs();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
}, 60_000);

async function describeStates(node: RunningTessera, credentials?: SigningCredentials & { sessionToken?: string }): Promise<Map<string, string>> {
  const r = await signedCall(node, 'ec2', 'DescribeInstances', {}, credentials === undefined ? {} : { credentials });
  expect(r.status, r.body).toBe(200);
  const doc = parseXml(r.body);
  const out = new Map<string, string>();
  const items = doc.getElementsByTagName('instancesSet');
  for (let i = 0; i < items.length; i++) {
    for (const item of Array.from((items[i] as Element).childNodes).filter((n): n is Element => (n as Element).tagName === 'item')) {
      const id = xmlText(item, 'instanceId');
      const state = xmlText(item, 'instanceState', 'name');
      if (id !== undefined && state !== undefined) out.set(id, state);
    }
  }
  return out;
}

async function marketingInstances(): Promise<string[]> {
  const r = await signedCall(a, 'ec2', 'DescribeInstances', { 'Filter.1.Name': 'tag:CostCenter', 'Filter.1.Value.1': 'marketing' });
  expect(r.status, r.body).toBe(200);
  return xmlAll(parseXml(r.body), 'instanceId');
}

async function waitFor(node: RunningTessera, ids: readonly string[], state: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const states = await describeStates(node);
    if (ids.every((id) => states.get(id) === state)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`instances ${ids.join(', ')} did not reach ${state}`);
}

describe('two nodes on one PostgreSQL store', () => {
  it('serve one world: the admin key, the scenario and the IdP signing key are the same on both', async () => {
    const [onA, onB] = [await describeStates(a), await describeStates(b)];
    expect(onA.size).toBe(3);
    expect([...onB]).toEqual([...onA]);
    const [pemA, pemB] = await Promise.all([fetch(`${a.url}/pem`).then((r) => r.text()), fetch(`${b.url}/pem`).then((r) => r.text())]);
    expect(pemA).toContain('BEGIN CERTIFICATE');
    expect(pemB).toBe(pemA);
    expect(b.stdout()).toContain('(shared)');
    expect(b.stdout()).not.toContain(MASTER_KEY);
  });

  it('accepts on node B the STS credentials obtained on node A, with the same ABAC decision', async () => {
    const browser = new Browser();
    const login = await idpLogin(browser, `${a.url}/samlp/AwsConsole`, JANE.email, JANE.password);
    expect(login.ok, JSON.stringify(login)).toBe(true);
    if (!login.ok) return;
    const pair = login.roles[0];
    expect(pair).toBeDefined();
    const assumed = await assumeRoleWithSaml(new AwsClient(a.url, 'us-east-1'), login.samlResponse, pair as NonNullable<typeof pair>);
    expect(assumed.ok, JSON.stringify(assumed)).toBe(true);
    if (!assumed.ok) return;
    const session = { accessKeyId: assumed.credentials.AccessKeyId, secretAccessKey: assumed.credentials.SecretAccessKey, sessionToken: assumed.credentials.SessionToken };
    const who = await signedCall(b, 'sts', 'GetCallerIdentity', {}, { credentials: session });
    expect(who.status, who.body).toBe(200);
    expect(xmlText(parseXml(who.body), 'GetCallerIdentityResult', 'Arn')).toMatch(/assumed-role\/AccessByCostCenter\/jane@example.com$/);
    // The same assertion again, now at node B: redeemed once is redeemed everywhere (P16, S33).
    const replay = await assumeRoleWithSaml(new AwsClient(b.url, 'us-east-1'), login.samlResponse, pair as NonNullable<typeof pair>);
    expect(replay).toMatchObject({ ok: false, code: 'InvalidIdentityToken', message: 'The SAML assertion has already been used' });
    // Marketing may stop a marketing instance through B (DryRun), not an engineering one.
    const states = await describeStates(a);
    const engineering = await signedCall(a, 'ec2', 'DescribeInstances', { 'Filter.1.Name': 'tag:CostCenter', 'Filter.1.Value.1': 'engineering' });
    const engineeringId = xmlAll(parseXml(engineering.body), 'instanceId')[0] as string;
    const marketingId = (await marketingInstances())[0] as string;
    expect(states.has(engineeringId) && states.has(marketingId)).toBe(true);
    const allowed = await signedCall(b, 'ec2', 'StopInstances', { 'InstanceId.1': marketingId, DryRun: 'true' }, { credentials: session });
    expect(allowed.status, allowed.body).toBe(412);
    const denied = await signedCall(b, 'ec2', 'StopInstances', { 'InstanceId.1': engineeringId, DryRun: 'true' }, { credentials: session });
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('UnauthorizedOperation');
  });

  it('serves on node B the console session signed in on node A', async () => {
    const browser = new Browser();
    const login = await idpLogin(browser, `${a.url}/samlp/AwsConsole`, JANE.email, JANE.password);
    expect(login.ok).toBe(true);
    if (!login.ok) return;
    // The IdP's form posts to the sign-in endpoint (/saml on the public URL = node A).
    const signin = await fetch(`${a.url}/saml`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: publicUrl },
      body: new URLSearchParams({ SAMLResponse: login.samlResponse }).toString(),
      redirect: 'manual',
    });
    expect([302, 303], await signin.clone().text()).toContain(signin.status);
    const cookie = signin.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] as string)
      .find((c) => c.startsWith('tessera_console='));
    expect(cookie).toBeDefined();
    const onB = await fetch(`${b.url}/console`, { headers: { cookie: cookie as string }, redirect: 'manual' });
    const page = await onB.text();
    expect(onB.status, page.slice(0, 500)).toBe(200);
    expect(page).toContain('jane@example.com');
    for (const id of await marketingInstances()) expect(page).toContain(id);
    // The same SAML response posted again, now to node B's sign-in endpoint: the one-time claim is
    // shared, so no second console session is made (P16).
    const replayed = await fetch(`${b.url}/saml`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: publicUrl },
      body: new URLSearchParams({ SAMLResponse: login.samlResponse }).toString(),
      redirect: 'manual',
    });
    expect(replayed.status).not.toBe(303);
    expect(await replayed.text()).toContain('The SAML assertion has already been used');
    expect(replayed.headers.getSetCookie().some((c) => c.startsWith('tessera_console=') && !/Max-Age=0/i.test(c))).toBe(false);
    // Without the cookie node B sends the browser to sign in.
    const anonymous = await fetch(`${b.url}/console`, { redirect: 'manual' });
    expect(anonymous.status).not.toBe(200);
  });

  it('reads through node B an instance stopped through node A', async () => {
    const id = (await marketingInstances())[1] as string;
    await waitFor(a, [id], 'running');
    const stop = await signedCall(a, 'ec2', 'StopInstances', { 'InstanceId.1': id });
    expect(stop.status, stop.body).toBe(200);
    expect(xmlText(parseXml(stop.body), 'instancesSet', 'item', 'currentState', 'name')).toBe('stopping');
    expect(['stopping', 'stopped']).toContain((await describeStates(b)).get(id));
    await waitFor(b, [id], 'stopped');
    const start = await signedCall(b, 'ec2', 'StartInstances', { 'InstanceId.1': id });
    expect(start.status, start.body).toBe(200);
    await waitFor(a, [id], 'running');
  }, 30_000);

  it('lets exactly one of concurrent Stop (then Start) calls from both nodes make each transition', async () => {
    const ids = await marketingInstances();
    await waitFor(a, ids, 'running');
    const params = Object.fromEntries(ids.map((id, i) => [`InstanceId.${i + 1}`, id]));
    for (const [action, from, to] of [
      ['StopInstances', 'running', 'stopped'],
      ['StartInstances', 'stopped', 'running'],
      ['StopInstances', 'running', 'stopped'],
      ['StartInstances', 'stopped', 'running'],
    ] as const) {
      const calls = await Promise.all(Array.from({ length: 8 }, (_, i) => signedCall(i % 2 === 0 ? a : b, 'ec2', action, params)));
      const winners = new Map<string, number>();
      for (const r of calls) {
        // AWS: Stop of a stopping instance answers 200 (no change); Start of a stopping one is IncorrectInstanceState.
        if (r.status !== 200) {
          expect(r.body).toContain('IncorrectInstanceState');
          continue;
        }
        const doc = parseXml(r.body);
        const items = Array.from(doc.getElementsByTagName('item')).filter((n) => n.parentNode && (n.parentNode as Element).tagName === 'instancesSet');
        for (const item of items) {
          const id = xmlText(item, 'instanceId') as string;
          if (xmlText(item, 'previousState', 'name') === from) winners.set(id, (winners.get(id) ?? 0) + 1);
        }
      }
      // Compare-and-set across nodes: each instance left `from` exactly once.
      expect(Object.fromEntries(winners)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
      await waitFor(b, ids, to);
    }
  }, 60_000);

  it('counts failed logins on both nodes against one limit', async () => {
    const user = 'nobody-throttled@example.com';
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const node = i % 2 === 0 ? a : b;
      const browser = new Browser();
      const page = await browser.get(`${node.url}/samlp/AwsConsole`);
      const form = parseForms(page.body).find((f) => f.fields.has('_csrf'));
      expect(form, page.body.slice(0, 300)).toBeDefined();
      // Post to this node whatever the form's absolute action says (the load balancer's URL).
      const action = new URL((form as NonNullable<typeof form>).action || page.url, page.url);
      const posted = await browser.submit(page.url, { ...(form as NonNullable<typeof form>), action: `${node.url}${action.pathname}${action.search}` }, { username: user, password: 'wrong-password' });
      statuses.push(posted.status);
    }
    // 10 failures per account per 15 minutes (DEFAULT_LOGIN_LIMITS), wherever they land.
    expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  }, 60_000);

  it('sees the client behind a trusted proxy in aws:SourceIp, and ignores the header from anyone else', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } }],
    });
    expect((await signedCall(a, 'iam', 'CreateUser', { UserName: 'office' })).status).toBe(200);
    expect((await signedCall(a, 'iam', 'PutUserPolicy', { UserName: 'office', PolicyName: 'FromTheOffice', PolicyDocument: policy })).status).toBe(200);
    const key = parseXml((await signedCall(a, 'iam', 'CreateAccessKey', { UserName: 'office' })).body);
    const office = { accessKeyId: xmlAll(key, 'AccessKeyId')[0] as string, secretAccessKey: xmlAll(key, 'SecretAccessKey')[0] as string };
    expect(office.accessKeyId).toMatch(/^AKIA/);
    const via = (node: RunningTessera, xff: string) =>
      signedCall(node, 'ec2', 'DescribeInstances', {}, { credentials: office, tamper: (r) => r.headers.push(['x-forwarded-for', xff]) });
    // Node B trusts its peer (127.0.0.1): the client is the address the proxy appended.
    const allowed = await via(b, '198.51.100.7');
    expect(allowed.status, allowed.body).toBe(200);
    expect((await via(b, '203.0.113.1')).status).toBe(403);
    // A forged entry left of the one the proxy appended is not believed.
    expect((await via(b, '198.51.100.7, 203.0.113.1')).status).toBe(403);
    // An entry that is not an address is refused, not blamed on the proxy (whose address a policy may trust).
    const unknown = await via(b, 'unknown');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('<Code>InvalidRequest</Code>');
    // Node A trusts no proxy: the header is ignored and the caller is 127.0.0.1.
    expect((await via(a, '198.51.100.7')).status).toBe(403);
  });

  it('refuses to start a node without the master key, or with another one', async () => {
    const url = databaseUrl(DATABASE);
    const without = await runTessera(['up', '--store', url, '--port', '0', '--data', tempDir(), '--scenario', 'none']);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('a shared store needs TESSERA_MASTER_KEY');
    const other = await runTessera(['up', '--port', '0', '--data', tempDir(), '--scenario', 'none'], {
      env: { TESSERA_DATABASE_URL: url, TESSERA_MASTER_KEY: randomBytes(32).toString('base64') },
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("the store's sealing key does not open with this master key");
    // The world is in the store already: applying it again from another node is refused whole, with the way out.
    const again = await runTessera(['up', '--port', '0', '--data', tempDir(), '--scenario', join(REPO_ROOT, 'scenarios', 'seed.yaml')], {
      env: { TESSERA_DATABASE_URL: url, TESSERA_MASTER_KEY: MASTER_KEY, TESSERA_PUBLIC_URL: publicUrl },
      timeoutMs: 30_000,
    });
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toContain('start this one with --scenario none');
    expect((await describeStates(b)).size).toBe(3);
    const bad = await runTessera(['up', '--store', 'mysql://db/tessera', '--port', '0', '--data', tempDir(), '--scenario', 'none'], { env: { TESSERA_MASTER_KEY: MASTER_KEY } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('postgres://');
  });

  it('writes each node its own audit log, every record naming its node', async () => {
    await new Promise((r) => setTimeout(r, 50));
    for (const [node, name] of [
      [a, 'node-a'],
      [b, 'node-b'],
    ] as const) {
      const lines = readFileSync(join(node.dataDir, 'audit.log'), 'utf8').trim().split('\n');
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines) expect((JSON.parse(line) as { tesseraNodeId?: string }).tesseraNodeId).toBe(name);
    }
  });
});
