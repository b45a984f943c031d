// The console suites' world: an in-process Tessera (src/main.ts startTessera on a free port, its own
// data directory, a scrubbed environment), the seed guide's federation created by the admin through
// the signed API (SAML provider from a test IdP, the ABAC policy, the role, a second read-only role,
// the three tagged instances — one carrying an XSS tag value), and a cookie-keeping HTTP client that
// behaves as a browser does for forms and redirects. Reused by test/browser (the lead's full chain).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/kernel/index.js';
import type { Clock } from '../../src/kernel/index.js';
import { startTessera } from '../../src/main.js';
import type { Tessera } from '../../src/main.js';
import { parseXml, signedCall, xmlAll } from '../support/server.js';
import {
  POLICY_ARN,
  POLICY_NAME,
  PROVIDER_ARN,
  PROVIDER_NAME,
  ROLE_ARN,
  ROLE_NAME,
  createTestIdp,
  seedPolicyDocument,
  seedTrustPolicy,
} from '../support/test-idp.js';
import type { TestIdp } from '../support/test-idp.js';

export { POLICY_ARN, PROVIDER_ARN, ROLE_ARN, ROLE_NAME };

/** A second role the same provider may assume: reads everything (IAM and EC2), changes nothing. */
export const READER_ROLE_NAME = 'ConsoleReader';
export const READER_ROLE_ARN = `arn:aws:iam::013823792818:role/${READER_ROLE_NAME}`;
export const XSS = '<img src=x onerror=alert(1)>';

export interface ConsoleWorld {
  readonly tessera: Tessera;
  readonly url: string;
  readonly idp: TestIdp;
  readonly instances: { readonly website: string; readonly dashboard: string; readonly community: string };
  /** A SAMLResponse (base64) for jane, CostCenter=marketing, with the given roles (default: the seed role). */
  assertion(options?: { roles?: ReadonlyArray<readonly [string, string]>; sessionName?: string; nameId?: string; tags?: Record<string, string>; now?: Date; extraAttributes?: Record<string, unknown> }): string;
  close(): Promise<void>;
}

function server(t: Tessera) {
  return { url: t.url, host: new URL(t.url).host, admin: t.admin };
}

async function admin(t: Tessera, service: 'iam' | 'ec2', action: string, params: Record<string, string>): Promise<string> {
  const r = await signedCall(server(t), service, action, params);
  if (r.status !== 200) throw new Error(`${service}:${action} failed (${r.status}): ${r.body.slice(0, 500)}`);
  return r.body;
}

async function runInstance(t: Tessera, tags: Record<string, string>): Promise<string> {
  const params: Record<string, string> = {
    ImageId: 'ami-0abcdef1234567890',
    InstanceType: 't3.micro',
    MinCount: '1',
    MaxCount: '1',
    'TagSpecification.1.ResourceType': 'instance',
  };
  Object.entries(tags).forEach(([k, v], i) => {
    params[`TagSpecification.1.Tag.${i + 1}.Key`] = k;
    params[`TagSpecification.1.Tag.${i + 1}.Value`] = v;
  });
  const body = await admin(t, 'ec2', 'RunInstances', params);
  const id = xmlAll(parseXml(body), 'instanceId')[0];
  if (id === undefined) throw new Error(`RunInstances answered no instance id: ${body.slice(0, 300)}`);
  return id;
}

/** Waits until the instances have settled from `pending` to `running` (EC2's lazily settled state machine). */
async function allRunning(t: Tessera, ids: readonly string[]): Promise<void> {
  const params: Record<string, string> = {};
  ids.forEach((id, i) => (params[`InstanceId.${i + 1}`] = id));
  for (let i = 0; i < 200; i++) {
    const states = xmlAll(parseXml(await admin(t, 'ec2', 'DescribeInstances', params)), 'name');
    if (states.length === ids.length && states.every((s) => s === 'running')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the instances did not reach running');
}

export async function startConsoleWorld(options: { clock?: Clock; idpNow?: Date } = {}): Promise<ConsoleWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-console-'));
  const tessera = await startTessera({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    environment: {},
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    log: () => {},
  });
  try {
    const idp = await createTestIdp(options.idpNow === undefined ? {} : { now: options.idpNow });
    await admin(tessera, 'iam', 'CreateSAMLProvider', { Name: PROVIDER_NAME, SAMLMetadataDocument: idp.metadata });
    await admin(tessera, 'iam', 'CreatePolicy', { PolicyName: POLICY_NAME, PolicyDocument: seedPolicyDocument() });
    await admin(tessera, 'iam', 'CreateRole', { RoleName: ROLE_NAME, AssumeRolePolicyDocument: seedTrustPolicy(PROVIDER_ARN), Description: 'The seed role' });
    await admin(tessera, 'iam', 'AttachRolePolicy', { RoleName: ROLE_NAME, PolicyArn: POLICY_ARN });
    await admin(tessera, 'iam', 'CreateRole', { RoleName: READER_ROLE_NAME, AssumeRolePolicyDocument: seedTrustPolicy(PROVIDER_ARN), Description: 'Read-only' });
    await admin(tessera, 'iam', 'PutRolePolicy', {
      RoleName: READER_ROLE_NAME,
      PolicyName: 'ReadEverything',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'ec2:Describe*'], Resource: '*' }] }),
    });
    const website = await runInstance(tessera, { Name: 'website', CostCenter: 'marketing', Project: 'website' });
    const dashboard = await runInstance(tessera, { Name: 'dashboard', CostCenter: 'engineering', Project: 'management_dashboard' });
    const community = await runInstance(tessera, { Name: 'community', CostCenter: 'marketing', Project: 'community_site', Note: XSS });
    // A manual clock never moves by itself: move it past EC2's pending → running transition.
    if (options.clock instanceof ManualClock) options.clock.advance(5);
    await allRunning(tessera, [website, dashboard, community]);
    return {
      tessera,
      url: tessera.url,
      idp,
      instances: { website, dashboard, community },
      assertion(a = {}) {
        return idp.assertionFor({
          roles: a.roles ?? [[ROLE_ARN, PROVIDER_ARN]],
          sessionName: a.sessionName ?? 'jane@example.com',
          tags: a.tags ?? { CostCenter: 'marketing' },
          ...(a.nameId === undefined ? {} : { nameId: a.nameId }),
          ...(a.extraAttributes === undefined ? {} : { extraAttributes: a.extraAttributes }),
          now: a.now ?? options.clock?.now() ?? new Date(),
        });
      },
      async close() {
        await tessera.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await tessera.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// A browser-like HTTP client: keeps cookies, follows nothing by itself (tests look at each hop)

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly setCookies: string[];
  readonly location: string | null;
}

export class CookieClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  get origin(): string {
    return new URL(this.base).origin;
  }

  async request(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; cookies?: boolean } = {}): Promise<Reply> {
    const headers = new Headers(init.headers ?? {});
    if (init.cookies !== false && this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    let body: string | undefined;
    if (init.form !== undefined) {
      body = new URLSearchParams(init.form).toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    const res = await fetch(new URL(path, this.base), { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, redirect: 'manual', ...(body === undefined ? {} : { body }) });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq);
      const value = (pair ?? '').slice(eq + 1);
      if (/Max-Age=0\b/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, body: await res.text(), setCookies, location: res.headers.get('location') };
  }

  /** A POST as the console's own pages send it: same Origin. */
  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request(path, { form, headers: { origin: this.origin, ...headers } });
  }

  /** The IdP's auto-posted form: a cross-site POST (the IdP's origin), as browsers send it. */
  postSamlResponse(samlResponse: string, relayState = ''): Promise<Reply> {
    return this.request('/saml', { form: { SAMLResponse: samlResponse, RelayState: relayState }, headers: { origin: 'https://tessera-e2e.eu.auth0.com' } });
  }
}

/** The value of `name="csrf"` in a page. */
export function csrfOf(html: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(html);
  if (m === null) throw new Error('no CSRF token in the page');
  return m[1] as string;
}
