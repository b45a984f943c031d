// The login page and sessions against security.md §6: headers (C9, C10), login CSRF (C1), one generic
// error with uniform work for unknown users (C7), throttles with 429 + Retry-After (C7), a new session
// id at login with only its hash stored (C4), idle expiry, SSO reuse, logout, open redirects (C8),
// escaped output (C9). Each refusal is a readable page with its status: never a 500, never an assertion.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealTransaction, sessionIdHash } from '../../src/idp/index.js';
import { Browser, JANE_EMAIL, JANE_PASSWORD, postedForm, seedWorld, startHarness, type Harness, type SeedWorld } from './support.js';

let h: Harness;
let world: SeedWorld;
let sso: string;

beforeAll(async () => {
  h = await startHarness();
  world = await seedWorld(h.idp);
  sso = `/samlp/${world.app.clientId}`;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** The login page reached from the SSO URL: its HTML and the browser holding its pre-session cookie. */
async function loginPage(browser = new Browser(h.url)): Promise<{ browser: Browser; html: string; location: string }> {
  const start = await browser.get(sso);
  expect(start.status).toBe(302);
  const location = start.headers.get('location') as string;
  const page = await browser.get(location);
  expect(page.status).toBe(200);
  return { browser, html: page.body, location };
}

describe('the login page', () => {
  it('is served with a strict CSP, no framing, no caching and no external assets', async () => {
    const browser = new Browser(h.url);
    const start = await browser.get(sso);
    expect(start.headers.get('location')).toMatch(/^\/login\?state=[A-Za-z0-9_%-]+$/);
    const page = await browser.get(start.headers.get('location') as string);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('script-src');
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.body).not.toMatch(/<script|src="http|href="http|<link/);
    expect(page.body).toContain('name="username"');
    expect(page.body).toContain('continue to AWS Console');
  });

  it('sets the pre-session cookie HttpOnly; SameSite=Lax; Path=/ (no Secure over http)', async () => {
    const browser = new Browser(h.url);
    const start = await browser.get(sso);
    const res = await fetch(new URL(start.headers.get('location') as string, h.url));
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tessera_login='));
    expect(cookie).toMatch(/^tessera_login=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
  });

  it('escapes what it echoes (C9)', async () => {
    const { browser, html } = await loginPage();
    const reply = await browser.submitLogin(html, '"><script>alert(1)</script>@x', 'nope');
    expect(reply.status).toBe(401);
    expect(reply.body).not.toContain('<script>alert(1)</script>');
    expect(reply.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@x');
  });
});

describe('wrong credentials (C7)', () => {
  it('answers a wrong password and an unknown user with the same status and the same message', async () => {
    const a = await loginPage();
    const wrongPassword = await a.browser.submitLogin(a.html, JANE_EMAIL, 'not the password');
    const b = await loginPage();
    const unknownUser = await b.browser.submitLogin(b.html, 'nobody@example.com', 'not the password');
    for (const reply of [wrongPassword, unknownUser]) {
      expect(reply.status).toBe(401);
      expect(reply.body).toContain('Wrong email or password.');
      expect(reply.body).not.toContain('SAMLResponse');
    }
    const message = (r: { body: string }) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(r.body)?.[1];
    expect(message(wrongPassword)).toBe(message(unknownUser));
    const logs = (await h.idp.admin.logs()).items;
    expect(logs.some((l) => l.type === 'fp' && l.userName === JANE_EMAIL)).toBe(true);
    expect(logs.some((l) => l.type === 'fu' && l.userName === 'nobody@example.com')).toBe(true);
  });

  it('spends a password hash on an unknown user too (dummy hash: uniform timing)', async () => {
    const time = async (email: string): Promise<number> => {
      const { browser, html } = await loginPage();
      const t0 = performance.now();
      const reply = await browser.submitLogin(html, email, 'wrong-password-123');
      expect(reply.status).toBe(401);
      return performance.now() - t0;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(JANE_EMAIL));
      unknown.push(await time(`ghost${i}@example.com`));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[1] as number;
    // scrypt at N=2^17 costs tens of ms; without the dummy hash an unknown user would answer in ~1 ms.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('says "blocked" only after a correct password, with 403', async () => {
    await h.idp.admin.createUser({ email: 'blocked@example.com', password: 'blocked-password-1', blocked: true });
    const a = await loginPage();
    const wrong = await a.browser.submitLogin(a.html, 'blocked@example.com', 'wrong');
    expect(wrong.status).toBe(401);
    const b = await loginPage();
    const right = await b.browser.submitLogin(b.html, 'blocked@example.com', 'blocked-password-1');
    expect(right.status).toBe(403);
    expect(right.body).toContain('blocked');
    expect(right.body).not.toContain('SAMLResponse');
  });
});

describe('login CSRF (C1)', () => {
  it('refuses a cross-origin POST /login with valid credentials: 403, no session', async () => {
    const { browser, html } = await loginPage();
    const reply = await browser.submitLogin(html, JANE_EMAIL, JANE_PASSWORD, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('not sent from this site');
    expect(reply.headers.getSetCookie().some((c) => c.startsWith('tessera_session='))).toBe(false);
    expect(browser.cookies.has('tessera_session')).toBe(false);
  });

  it('refuses `Origin: null` from another site, and a POST with neither Origin nor Sec-Fetch-Site', async () => {
    const { browser, html } = await loginPage();
    expect((await browser.submitLogin(html, JANE_EMAIL, JANE_PASSWORD, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await browser.submitLogin(html, JANE_EMAIL, JANE_PASSWORD, { origin: 'null', 'sec-fetch-site': 'same-site' })).status).toBe(403);
    const bare = await browser.request('/login', { form: { username: JANE_EMAIL, password: JANE_PASSWORD } });
    expect(bare.status).toBe(403);
  });

  it('refuses a same-origin POST without the token, or with a token of another pre-session', async () => {
    const a = await loginPage();
    const b = await loginPage();
    const noToken = await a.browser.post('/login', { username: JANE_EMAIL, password: JANE_PASSWORD });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('expired or was not sent from this site');
    // b's token with a's pre-session cookie (an attacker's own token planted in a victim's form).
    const foreign = await a.browser.submitLogin(b.html, JANE_EMAIL, JANE_PASSWORD);
    expect(foreign.status).toBe(403);
    expect(a.browser.cookies.has('tessera_session')).toBe(false);
  });

  it('refuses an altered login state with 400', async () => {
    const { browser, html } = await loginPage();
    const state = /name="state" value="([^"]+)"/.exec(html)?.[1] as string;
    const altered = `${state.slice(0, -4)}AAAA`;
    const reply = await browser.post('/login', { _csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string, state: altered, username: JANE_EMAIL, password: JANE_PASSWORD });
    expect(reply.status).toBe(400);
    expect((await browser.get(`/login?state=${altered}`)).status).toBe(400);
  });
});

describe('sessions (C4)', () => {
  it('issues a NEW random session id at login, replacing one planted before it', async () => {
    const browser = new Browser(h.url);
    const planted = 'A'.repeat(43);
    browser.cookies.set('tessera_session', planted);
    const reply = await browser.login(sso, JANE_EMAIL, JANE_PASSWORD);
    expect(reply.status).toBe(200);
    const cookie = reply.headers.getSetCookie().find((c) => c.startsWith('tessera_session=')) as string;
    expect(cookie).toMatch(/^tessera_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    const id = browser.cookies.get('tessera_session') as string;
    expect(id).not.toBe(planted);
    // The store holds the SHA-256 of the cookie, never the cookie.
    expect(await h.idp.store.idp.idpSessions.get(sessionIdHash(id), h.clock.now())).toMatchObject({ userId: world.jane.userId, clients: [world.app.clientId] });
    expect(await h.idp.store.idp.idpSessions.get(id, h.clock.now())).toBeUndefined();
  });

  it('changes the session id when a signed-in browser logs in again (ForceAuthn), and ends the old one', async () => {
    const browser = new Browser(h.url);
    await browser.login(sso, JANE_EMAIL, JANE_PASSWORD);
    const first = browser.cookies.get('tessera_session') as string;
    // A transaction that demands a fresh login, as an SP's ForceAuthn="true" produces.
    const state = sealTransaction(h.idp.sealer, h.idp.tenant.tenantId, { clientId: world.app.clientId, forceAuthn: true, query: {} }, h.clock.now());
    const page = await browser.get(`/login?state=${encodeURIComponent(state)}`);
    expect(page.body).toContain('name="password"');
    const posted = await browser.submitLogin(page.body, JANE_EMAIL, JANE_PASSWORD);
    expect(posted.status).toBe(200);
    const second = browser.cookies.get('tessera_session') as string;
    expect(second).not.toBe(first);
    expect(await h.idp.store.idp.idpSessions.get(sessionIdHash(first), h.clock.now())).toBeUndefined();
    expect(await h.idp.store.idp.idpSessions.get(sessionIdHash(second), h.clock.now())).toBeDefined();
  });

  it('reuses the SSO session: the second /samlp skips the login page', async () => {
    const browser = new Browser(h.url);
    const first = await browser.login(sso, JANE_EMAIL, JANE_PASSWORD);
    expect(first.status).toBe(200);
    const second = await browser.get(sso);
    expect(second.status).toBe(200);
    expect(second.body).not.toContain('name="password"');
    expect(postedForm(second.body).action).toBe('https://signin.aws.amazon.com/saml');
    const logs = (await h.idp.admin.logs({ maxItems: 1 })).items;
    expect(logs[0]).toMatchObject({ type: 's', details: { sso: true } });
  });

  it('expires an idle session (30 minutes)', async () => {
    const browser = new Browser(h.url);
    await browser.login(sso, JANE_EMAIL, JANE_PASSWORD);
    h.clock.advance(31 * 60);
    try {
      const reply = await browser.get(sso);
      expect(reply.status).toBe(302);
      expect(reply.headers.get('location')).toMatch(/^\/login\?state=/);
    } finally {
      h.clock.advance(-31 * 60);
    }
  });

  it('logs out: the session ends server-side and the cookie is cleared', async () => {
    const browser = new Browser(h.url);
    await browser.login(sso, JANE_EMAIL, JANE_PASSWORD);
    const id = browser.cookies.get('tessera_session') as string;
    const out = await browser.get('/v2/logout');
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie()).toContain('tessera_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    expect(await h.idp.store.idp.idpSessions.get(sessionIdHash(id), h.clock.now())).toBeUndefined();
    // Even a copy of the old cookie is worthless now.
    const replay = await new Browser(h.url).get(sso, { cookie: `tessera_session=${id}` });
    expect(replay.status).toBe(302);
  });
});

describe('open redirects (C8)', () => {
  it('follows a same-origin returnTo path and refuses every other target', async () => {
    for (const bad of ['//evil.example', '/\\evil.example', '/\t/evil.example', 'https://evil.example', 'javascript:alert(1)', '%2F%2Fevil.example', 'https://signin.aws.amazon.com/saml']) {
      const reply = await new Browser(h.url).get(`/v2/logout?returnTo=${encodeURIComponent(bad)}`);
      expect(reply.status, bad).toBe(400);
      expect(reply.headers.get('location'), bad).toBeNull();
    }
    const ok = await new Browser(h.url).get(`/v2/logout?returnTo=${encodeURIComponent('/login')}`);
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('/login');
  });

  it("follows an absolute returnTo only when it is one of the application's allowed logout URLs", async () => {
    const app = await h.idp.admin.createApplication({ name: 'With logout URL', callbacks: ['https://app.example/acs'], allowedLogoutUrls: ['https://app.example/bye'], addons: { samlp: {} } });
    const ok = await new Browser(h.url).get(`/v2/logout?client_id=${app.clientId}&returnTo=${encodeURIComponent('https://app.example/bye')}`);
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('https://app.example/bye');
    const bad = await new Browser(h.url).get(`/v2/logout?client_id=${app.clientId}&returnTo=${encodeURIComponent('https://app.example/other')}`);
    expect(bad.status).toBe(400);
  });
});

describe('rate limiting (C7)', () => {
  let limited: Harness;
  beforeAll(async () => {
    limited = await startHarness({ loginLimits: { accountAttempts: 3, accountWindowSeconds: 900, ipAttempts: 6, ipWindowSeconds: 60 } });
    await limited.idp.admin.createUser({ email: JANE_EMAIL, password: JANE_PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await limited?.close();
  });

  const attempt = async (email: string, password: string) => {
    const browser = new Browser(limited.url);
    const page = await browser.get('/login');
    return browser.submitLogin(page.body, email, password);
  };

  it('answers 429 with Retry-After once an account has used its attempts, even for the right password', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt(JANE_EMAIL, `wrong-${i}`)).status).toBe(401);
    const t0 = performance.now();
    const blocked = await attempt(JANE_EMAIL, JANE_PASSWORD);
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(blocked.body).toContain('Too many login attempts');
    expect(blocked.body).not.toContain('SAMLResponse');
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect((await limited.idp.admin.logs()).items.some((l) => l.type === 'limit_wc')).toBe(true);
    // The window ends: the account opens again by itself (backoff, not lockout).
    limited.clock.advance(901);
    expect((await attempt(JANE_EMAIL, JANE_PASSWORD)).status).toBe(200);
  });

  it('answers 429 once one IP has used its attempts across accounts', async () => {
    limited.clock.advance(61);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt(`spray${i}@example.com`, 'Password1!')).status);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses[6]).toBe(429);
    expect((await limited.idp.admin.logs()).items.some((l) => l.type === 'limit_mu')).toBe(true);
  });
});
