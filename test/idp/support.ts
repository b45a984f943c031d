// Shared by the IdP suites: a whole Tessera in-process through the real composition root
// (src/main.ts startTessera: file SQLite store, sealer, sandbox pool, HTTP server with the API and the
// IdP on one origin), the seed guide's IdP world (jane, the AWS application with the classic add-on
// settings of auth0.md §1.1, the guide's rule verbatim), and a tiny cookie-keeping HTTP "browser".

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/kernel/index.js';
import type { Clock } from '../../src/kernel/index.js';
import type { Idp, LoginLimits } from '../../src/idp/index.js';
import { startTessera, type Tessera } from '../../src/main.js';
import type { Application, IdpUser, Rule } from '../../src/store/index.js';
import { ensureSandboxBuilt, seedRuleFromGuide } from '../sandbox/support.js';

export const ADMIN = { accessKeyId: 'AKIAIDPTESTADMIN0001', secretAccessKey: 'idp-tests/admin+secret/only-for-tests-0000' };
export const JANE_EMAIL = 'jane@example.com';
export const JANE_PASSWORD = 'correct horse battery staple';
export const AWS_SIGNIN = 'https://signin.aws.amazon.com/saml';

/** reference/auth0.md §1.1, the settings JSON as an admin pastes it into the add-on. */
export const CLASSIC_SETTINGS = `{ "audience": "https://signin.aws.amazon.com/saml",
  "mappings": { "email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                "name":  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name" },
  "createUpnClaim": false, "passthroughClaimsWithNoMapping": false, "mapUnknownClaimsAsIs": false,
  "mapIdentities": false,
  "nameIdentifierFormat": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
  "nameIdentifierProbes": ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"] }`;

export interface Harness {
  readonly tessera: Tessera;
  readonly idp: Idp;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly clock: ManualClock;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly loginLimits?: Partial<LoginLimits>;
  readonly clock?: Clock;
  /** An existing data directory (a restart); kept on close. A fresh temporary one by default, removed on close. */
  readonly dataDir?: string;
  readonly port?: number;
}

/** Generous limits so a suite's own wrong-password tests never trip the per-IP throttle. */
export const TEST_LIMITS: Partial<LoginLimits> = { ipAttempts: 1000 };

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  await ensureSandboxBuilt();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-idp-'));
  const clock = new ManualClock(new Date());
  const tessera = await startTessera({
    dataDir,
    host: '127.0.0.1',
    port: options.port ?? 0,
    environment: { TESSERA_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, TESSERA_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey },
    clock: options.clock ?? clock,
    log: () => {},
    idp: { sandbox: { cpuTimeoutMs: 2_000, wallTimeoutMs: 10_000 }, loginLimits: options.loginLimits ?? TEST_LIMITS },
  });
  return {
    tessera,
    idp: tessera.idp,
    url: tessera.url,
    clock,
    async close() {
      await tessera.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SeedWorld {
  readonly jane: IdpUser;
  readonly app: Application;
  readonly rule: Rule;
}

/** jane, the AWS Console application (callback = AWS sign-in, classic settings) and the guide's rule, verbatim. */
export async function seedWorld(idp: Idp, callbacks: readonly string[] = [AWS_SIGNIN]): Promise<SeedWorld> {
  const jane = await idp.admin.createUser({ email: JANE_EMAIL, password: JANE_PASSWORD, emailVerified: true, name: 'Jane Doe', givenName: 'Jane', familyName: 'Doe' });
  const app = await idp.admin.createApplication({ name: 'AWS Console', callbacks, addons: { samlp: CLASSIC_SETTINGS } });
  const rule = await idp.admin.createRule({ name: 'AWS Session Tags', script: seedRuleFromGuide(), order: 1 });
  return { jane, app, rule };
}

// ------------------------------------------------------------------ a cookie-keeping client

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** One browser profile: keeps cookies per name (our cookies are host-only, Path=/), follows nothing. */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  async request(path: string, init: { method?: string; form?: Record<string, string> | URLSearchParams; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0 && headers['cookie'] === undefined) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined = init.body;
    if (init.form !== undefined) {
      body = (init.form instanceof URLSearchParams ? init.form : new URLSearchParams(init.form)).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    const res = await fetch(new URL(path, this.origin), { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, redirect: 'manual', ...(body === undefined ? {} : { body }) });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq).trim();
      const value = (pair ?? '').slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, body: await res.text() };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request(path, { headers });
  }

  /** A same-origin form post, as a browser sends it from one of our pages. */
  post(path: string, form: Record<string, string> | URLSearchParams, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request(path, { form, headers: { origin: this.origin, 'sec-fetch-site': 'same-origin', ...headers } });
  }

  /** Follows the redirect to /login, fills the form and posts it; returns the POST's reply. */
  async login(startPath: string, email: string, password: string, headers: Record<string, string> = {}): Promise<Reply> {
    const start = await this.get(startPath);
    let page = start;
    if (start.status === 302 || start.status === 303) page = await this.get(start.headers.get('location') as string);
    if (page.status !== 200 || !page.body.includes('name="_csrf"')) return page; // SSO: the form was skipped
    return this.submitLogin(page.body, email, password, headers);
  }

  submitLogin(loginPageHtml: string, email: string, password: string, headers: Record<string, string> = {}): Promise<Reply> {
    const fields = hiddenFields(loginPageHtml);
    return this.post('/login', { ...fields, username: email, password }, headers);
  }
}

function unescapeHtml(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] as string);
}

/** Every `<input type="hidden" name=… value=…>` of a page. */
export function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1] as string] = unescapeHtml(m[2] as string);
  return out;
}

/** The auto-post form (or the denied page's form): its action and fields. */
export function postedForm(html: string): { action: string; SAMLResponse?: string; SAMLRequest?: string; RelayState?: string } {
  const action = /<form method="post"(?: name="hiddenform")? action="([^"]+)"/.exec(html)?.[1];
  if (action === undefined) throw new Error(`no form in the page:\n${html.slice(0, 800)}`);
  return { action: unescapeHtml(action), ...hiddenFields(html) };
}

export function decodeXml(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}
