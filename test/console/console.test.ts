// The sign-in endpoint and the console through a real server (src/main.ts startTessera on a socket),
// driven as a browser drives them: the IdP's cross-site POST to /saml, cookies, 303s, forms with
// CSRF tokens. The world is the seed guide's, created by the admin through the signed API first.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kernel/index.js';
import { createTestIdp } from '../support/test-idp.js';
import { CookieClient, READER_ROLE_ARN, XSS, csrfOf, startConsoleWorld } from './world.js';
import type { ConsoleWorld, Reply } from './world.js';
import { PROVIDER_ARN, ROLE_ARN } from './world.js';

let world: ConsoleWorld;

beforeAll(async () => {
  world = await startConsoleWorld();
}, 60_000);

afterAll(async () => {
  await world?.close();
});

/** A browser signed in as jane (CostCenter=marketing) with the seed role. */
async function signedIn(assertion = world.assertion()): Promise<CookieClient> {
  const c = new CookieClient(world.url);
  const r = await c.postSamlResponse(assertion);
  expect(r.status, r.body).toBe(303);
  return c;
}

function expectRefusalPage(r: Reply, status: number, code: string): void {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^text\/html/);
  expect(r.body).toContain('Your request included an invalid SAML response. To logout, click <a href="/console/signout">here</a>.');
  expect(r.body).toContain('<h1>Amazon Web Services Sign In</h1>');
  expect(r.body).toContain(`Error Code: ${code}`);
  expect(r.body).toContain('Service: AWSSecurityTokenService');
  expect(r.setCookies.some((c) => c.startsWith('tessera_console=') && !/Max-Age=0/.test(c))).toBe(false);
}

describe('sign-in endpoint POST /saml', () => {
  it('signs in with a valid assertion: a 303 to /console and a session cookie with the right flags', async () => {
    const c = new CookieClient(world.url);
    const r = await c.postSamlResponse(world.assertion());
    expect(r.status).toBe(303);
    expect(r.location).toBe('/console');
    const cookie = r.setCookies.find((s) => s.startsWith('tessera_console='));
    expect(cookie).toBeDefined();
    const value = /^tessera_console=([^;]*)/.exec(cookie as string)?.[1] ?? '';
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    // Plain http: no Secure, no __Host- prefix (browsers would refuse both).
    expect(cookie).not.toContain('Secure');
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie as string)?.[1]);
    expect(maxAge).toBeGreaterThan(3500);
    expect(maxAge).toBeLessThanOrEqual(3600);
    // The store keeps the hash, never the cookie value.
    const raw = await world.tessera.env.store.consoleSessions.get(value, world.tessera.env.clock.now());
    expect(raw).toBeUndefined();
  });

  it('lands in the console: the instances table, the role, session name, tags and expiry', async () => {
    const c = await signedIn();
    const r = await c.request('/console');
    expect(r.status).toBe(200);
    expect(r.body).toContain('AccessByCostCenter/jane@example.com');
    expect(r.body).toContain('<code>CostCenter</code>=<code>marketing</code>');
    expect(r.body).toMatch(/<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">/);
    for (const id of Object.values(world.instances)) expect(r.body).toContain(`data-instance-id="${id}"`);
    expect(r.body).toContain('Instances <span class="muted">(3)</span>');
    expect(r.body).toContain('management_dashboard');
  });

  it('serves every page with the security headers: CSP without script, no framing, no caching', async () => {
    const c = await signedIn();
    const r = await c.request('/console');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).not.toMatch(/<script/i);
    const css = await c.request('/console/assets/console.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('gives a new session id at every sign-in and ends the one the browser held (C4)', async () => {
    const c = await signedIn();
    const first = c.cookies.get('tessera_console');
    const again = await c.postSamlResponse(world.assertion());
    expect(again.status).toBe(303);
    const second = c.cookies.get('tessera_console');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const old = new CookieClient(world.url);
    old.cookies.set('tessera_console', first as string);
    expect((await old.request('/console')).status).toBe(401);
    expect((await c.request('/console')).status).toBe(200);
  });

  it('refuses a replayed POST of the same SAMLResponse: one console session per assertion', async () => {
    const assertion = world.assertion();
    await signedIn(assertion);
    const thief = new CookieClient(world.url);
    const r = await thief.postSamlResponse(assertion);
    expectRefusalPage(r, 400, 'InvalidIdentityToken');
    expect(r.body).toContain('The SAML assertion has already been used');
    expect((await thief.request('/console')).status).toBe(401);
  });

  it('of concurrent POSTs of one SAMLResponse exactly one signs in', async () => {
    const assertion = world.assertion();
    const replies = await Promise.all(Array.from({ length: 6 }, () => new CookieClient(world.url).postSamlResponse(assertion)));
    expect(replies.filter((r) => r.status === 303)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 400)).toHaveLength(5);
  });

  it('answers an assertion signed by an unregistered key with AWS\'s wording and a 400', async () => {
    const stranger = await createTestIdp();
    const forged = stranger.assertionFor({ roles: [[ROLE_ARN, PROVIDER_ARN]], sessionName: 'jane@example.com', tags: { CostCenter: 'engineering' } });
    const r = await new CookieClient(world.url).postSamlResponse(forged);
    expectRefusalPage(r, 400, 'InvalidIdentityToken');
  });

  it('answers garbage, a missing SAMLResponse and a wrong media type with 4xx, never a 500', async () => {
    const c = new CookieClient(world.url);
    expectRefusalPage(await c.postSamlResponse('bm90IGEgcmVzcG9uc2U='), 400, 'InvalidIdentityToken');
    expectRefusalPage(await c.postSamlResponse('%%%'), 400, 'InvalidIdentityToken');
    expectRefusalPage(await c.request('/saml', { form: { RelayState: '/console' } }), 400, 'InvalidIdentityToken');
    const empty = await c.request('/saml', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectRefusalPage(empty, 400, 'InvalidIdentityToken');
    const duplicated = await fetch(`${world.url}/saml`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `SAMLResponse=${encodeURIComponent(world.assertion())}&SAMLResponse=${encodeURIComponent(world.assertion())}`,
    });
    expect(duplicated.status).toBe(400);
    const plain = await c.request('/saml', { method: 'POST', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    const get = await c.request('/saml');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers an STS refusal with its status: a role whose trust does not allow the provider is 403 AccessDenied', async () => {
    const r = await new CookieClient(world.url).postSamlResponse(world.assertion({ roles: [['arn:aws:iam::013823792818:role/NoSuchRole', PROVIDER_ARN]] }));
    expectRefusalPage(r, 403, 'AccessDenied');
    expect(r.body).toContain('Not authorized to perform sts:AssumeRoleWithSAML');
  });

  it('refuses a session name with "\'<> as STS does, and echoes nothing of it unescaped', async () => {
    const r = await new CookieClient(world.url).postSamlResponse(world.assertion({ sessionName: `jane"'<>x` }));
    expectRefusalPage(r, 400, 'InvalidIdentityToken');
    expect(r.body).toContain('RoleSessionName in AuthnResponse must match');
    expect(r.body).not.toContain(`jane"'<>`);
  });

  it('follows a same-origin relative RelayState only (C8)', async () => {
    const go = async (relay: string) => (await new CookieClient(world.url).postSamlResponse(world.assertion(), relay)).location;
    expect(await go('/console/iam')).toBe('/console/iam');
    expect(await go('/console?state=running')).toBe('/console?state=running');
    for (const evil of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/\t/evil.example', 'https://console.aws.amazon.com/ec2/']) {
      expect(await go(evil), evil).toBe('/console');
    }
  });
});

describe('the role chooser', () => {
  const twoRoles = (): string =>
    world.assertion({
      roles: [
        [ROLE_ARN, PROVIDER_ARN],
        [READER_ROLE_ARN, PROVIDER_ARN],
      ],
    });

  async function chooser(c: CookieClient, assertion = twoRoles()): Promise<{ page: Reply; ref: string }> {
    const page = await c.postSamlResponse(assertion);
    expect(page.status).toBe(200);
    const ref = /name="ref" value="([^"]+)"/.exec(page.body)?.[1];
    expect(ref).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return { page, ref: ref as string };
  }

  it('shows AWS\'s "Select a role" page for a response with two role pairs', async () => {
    const c = new CookieClient(world.url);
    const { page } = await chooser(c);
    expect(page.body).toContain('<legend>Select a role:</legend>');
    expect(page.body).toContain('<div class="saml-account-name">Account: 013823792818</div>');
    expect(page.body).toContain(`<input type="radio" name="roleIndex" value="${ROLE_ARN}" class="saml-radio" id="${ROLE_ARN}" checked>`);
    expect(page.body).toContain(`<label for="${READER_ROLE_ARN}" class="saml-role-description">ConsoleReader</label>`);
    expect(page.body).toContain('>Sign In</button>');
    expect(page.body).not.toContain('SAMLResponse');
    expect(c.cookies.get('tessera_signin')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('signs in with the chosen role, once', async () => {
    const c = new CookieClient(world.url);
    const { ref } = await chooser(c);
    const r = await c.post('/saml', { ref, roleIndex: READER_ROLE_ARN });
    expect(r.status, r.body).toBe(303);
    expect(c.cookies.has('tessera_signin')).toBe(false);
    const home = await c.request('/console');
    expect(home.body).toContain('ConsoleReader/jane@example.com');
    const again = await c.post('/saml', { ref, roleIndex: READER_ROLE_ARN });
    expectRefusalPage(again, 400, 'InvalidIdentityToken');
  });

  it('refuses a role the response does not carry', async () => {
    const c = new CookieClient(world.url);
    const { ref } = await chooser(c);
    const r = await c.post('/saml', { ref, roleIndex: 'arn:aws:iam::013823792818:role/Admin' });
    expectRefusalPage(r, 403, 'AccessDenied');
  });

  it('refuses the choice from another browser or another site', async () => {
    const c = new CookieClient(world.url);
    const { ref } = await chooser(c);
    const other = new CookieClient(world.url);
    expect((await other.post('/saml', { ref, roleIndex: ROLE_ARN })).status).toBe(403);
    const c2 = new CookieClient(world.url);
    const second = await chooser(c2);
    const crossSite = await c2.request('/saml', { form: { ref: second.ref, roleIndex: ROLE_ARN }, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    // The reference survived the cross-site attempt: the real page still works.
    expect((await c2.post('/saml', { ref: second.ref, roleIndex: ROLE_ARN })).status).toBe(303);
  });

  it('takes roleIndex with the SAMLResponse itself, as AWS\'s own form posts it', async () => {
    const c = new CookieClient(world.url);
    const r = await c.request('/saml', { form: { SAMLResponse: twoRoles(), roleIndex: READER_ROLE_ARN } });
    expect(r.status).toBe(303);
    expect((await c.request('/console')).body).toContain('ConsoleReader/jane@example.com');
  });
});

describe('instance actions', () => {
  async function stop(c: CookieClient, instance: string, headers: Record<string, string> = {}, csrf?: string): Promise<Reply> {
    const home = await c.request('/console');
    return c.request('/console/ec2/stop', { form: { csrf: csrf ?? csrfOf(home.body), instance, return: '/console' }, headers: { origin: c.origin, ...headers } });
  }

  it('shows a confirmation step before acting', async () => {
    const c = await signedIn();
    const r = await c.request(`/console/ec2/confirm?action=stop&instance=${world.instances.community}&return=%2Fconsole`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<h1>Stop instance?</h1>');
    expect(r.body).toContain('action="/console/ec2/stop"');
    expect(r.body).toContain(`name="instance" value="${world.instances.community}"`);
  });

  it('refuses a stop without the CSRF token, with a wrong one, from another origin or with Origin: null (403)', async () => {
    const c = await signedIn();
    const id = world.instances.community;
    expect((await c.request('/console/ec2/stop', { form: { instance: id }, headers: { origin: c.origin } })).status).toBe(403);
    expect((await stop(c, id, {}, 'x'.repeat(43))).status).toBe(403);
    expect((await stop(c, id, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await stop(c, id, { origin: 'null' })).status).toBe(403);
    // No Origin and no Sec-Fetch-Site: refused; Sec-Fetch-Site: cross-site: refused.
    const home = await c.request('/console');
    expect((await c.request('/console/ec2/stop', { form: { csrf: csrfOf(home.body), instance: id } })).status).toBe(403);
    expect((await c.request('/console/ec2/stop', { form: { csrf: csrfOf(home.body), instance: id }, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    // Nothing was stopped.
    const after = await c.request('/console');
    expect(after.body).toMatch(new RegExp(`data-instance-id="${id}"[\\s\\S]*?state-running`));
  });

  it('stops the marketing instance: "Successfully stopped …" and the state moves to stopping', async () => {
    const c = await signedIn();
    const r = await stop(c, world.instances.website);
    expect(r.status).toBe(303);
    expect(r.location).toBe('/console');
    const page = await c.request('/console');
    expect(page.body).toContain(`<p class="title">Successfully stopped ${world.instances.website}</p>`);
    expect(page.body).toMatch(new RegExp(`data-instance-id="${world.instances.website}"[\\s\\S]*?state-(stopping|stopped)`));
    // The banner shows once.
    expect((await c.request('/console')).body).not.toContain('Successfully stopped');
  });

  it('fails to stop the engineering instance with the encoded message, and "Why?" names both tag values', async () => {
    const c = await signedIn();
    await stop(c, world.instances.dashboard);
    const page = await c.request('/console');
    expect(page.body).toContain(`<p class="title">Failed to stop the instance ${world.instances.dashboard}</p>`);
    expect(page.body).toContain('You are not authorized to perform this operation.');
    expect(page.body).toMatch(/Encoded authorization failure message: <code class="blob"[^>]*>[A-Za-z0-9_-]{40,}<\/code>/);
    const why = /<details class="why"[\s\S]*<\/details><\/details>/.exec(page.body)?.[0] ?? '';
    expect(why).toContain('<summary>Why?</summary>');
    expect(why).toContain('<code>VirtualMachineAccessByCostCenter</code>');
    expect(why).toContain('<code>ec2:ResourceTag/CostCenter</code>');
    expect(why).toContain('<code>aws:PrincipalTag/CostCenter</code>');
    expect(why).toContain('This instance has <code>engineering</code>; your session has <code>marketing</code>.');
    expect(why).toContain('<span class="mismatch">different</span>');
    // And the API agrees: the instance still runs.
    expect(page.body).toMatch(new RegExp(`data-instance-id="${world.instances.dashboard}"[\\s\\S]*?state-running`));
  });

  it('filters by tag, by state and by free text through DescribeInstances filters', async () => {
    const c = await signedIn();
    const byTag = await c.request('/console?tagKey=CostCenter&tagValue=engineering');
    expect(byTag.body).toContain(`data-instance-id="${world.instances.dashboard}"`);
    expect(byTag.body).not.toContain(`data-instance-id="${world.instances.community}"`);
    const byText = await c.request('/console?q=commun');
    expect(byText.body).toContain(`data-instance-id="${world.instances.community}"`);
    expect(byText.body).not.toContain(`data-instance-id="${world.instances.dashboard}"`);
    const byId = await c.request(`/console?q=${world.instances.dashboard}`);
    expect(byId.body).toContain('Instances <span class="muted">(1)</span>');
    const byState = await c.request('/console?state=terminated');
    expect(byState.body).toContain('No instances match.');
    const wild = await c.request('/console?q=*');
    expect(wild.body).toContain('No instances match.');
  });
});

describe('escaping (C9)', () => {
  it('renders an instance tag value <img src=x onerror=alert(1)> as text', async () => {
    const c = await signedIn();
    const r = await c.request('/console');
    expect(r.body).not.toContain(XSS);
    expect(r.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('renders a NameID and attribute values holding "\'<> as text on the assertion page', async () => {
    const nasty = `"'<b>x</b>`;
    const c = await signedIn(world.assertion({ nameId: nasty, extraAttributes: { 'urn:example:note': `</code><script>alert(1)</script>` } }));
    const r = await c.request('/console/assertion');
    expect(r.status).toBe(200);
    expect(r.body).not.toContain('<b>x</b>');
    expect(r.body).not.toContain('<script>');
    expect(r.body).toContain('&quot;&#39;&lt;b&gt;x&lt;/b&gt;');
    expect(r.body).toContain('&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('the last SAML assertion and the IAM view', () => {
  it('shows the decoded assertion: issuer, NameID, conditions, attributes, signature facts', async () => {
    const c = await signedIn();
    const r = await c.request('/console/assertion');
    expect(r.body).toContain(`<code>${world.idp.entityId}</code>`);
    expect(r.body).toContain('<code>jane@example.com</code>');
    expect(r.body).toContain('<code>urn:amazon:webservices</code>');
    expect(r.body).toContain('<code>https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter</code>');
    expect(r.body).toContain('<dt>Signed element</dt><dd><code>assertion</code></dd>');
    expect(r.body).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
  });

  it('shows IAM as IAM answers the session: the seed role may not list roles', async () => {
    const c = await signedIn();
    const r = await c.request('/console/iam');
    expect(r.status).toBe(200);
    expect(r.body).toContain('Failed to list roles');
    expect(r.body).toContain('<code>AccessDenied</code>');
    expect(r.body).toContain('is not authorized to perform: iam:ListRoles');
  });

  it('shows roles, trust, attached policies and SAML providers to a role that may read them', async () => {
    const c = new CookieClient(world.url);
    expect((await c.request('/saml', { form: { SAMLResponse: world.assertion({ roles: [[READER_ROLE_ARN, PROVIDER_ARN]] }) } })).status).toBe(303);
    const r = await c.request('/console/iam');
    expect(r.body).toContain('href="/console/iam/roles/AccessByCostCenter"');
    expect(r.body).toContain(`<code>${PROVIDER_ARN}</code>`);
    const role = await c.request('/console/iam/roles/AccessByCostCenter');
    expect(role.status).toBe(200);
    expect(role.body).toContain('Trust policy');
    expect(role.body).toContain('sts:AssumeRoleWithSAML');
    expect(role.body).toContain('<h3>VirtualMachineAccessByCostCenter</h3>');
    expect(role.body).toContain('ec2:ResourceTag/CostCenter');
  });
});

describe('sign-out and session end', () => {
  it('signs out with a POST carrying the token: the cookie is cleared and the session is gone server-side', async () => {
    const c = await signedIn();
    const id = c.cookies.get('tessera_console') as string;
    const page = await c.request('/console/signout');
    expect(page.status).toBe(200);
    const r = await c.post('/console/signout', { csrf: csrfOf(page.body) });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/console/signed-out');
    expect(r.setCookies.some((s) => s.startsWith('tessera_console=;') && s.includes('Max-Age=0'))).toBe(true);
    const replayed = new CookieClient(world.url);
    replayed.cookies.set('tessera_console', id);
    expect((await replayed.request('/console')).status).toBe(401);
  });

  it('answers an unknown or malformed session cookie with 401 and clears it', async () => {
    const c = new CookieClient(world.url);
    c.cookies.set('tessera_console', 'A'.repeat(43));
    const r = await c.request('/console');
    expect(r.status).toBe(401);
    expect(r.setCookies.some((s) => s.includes('Max-Age=0'))).toBe(true);
    expect((await new CookieClient(world.url).request('/console/iam')).status).toBe(401);
  });

  it('ends the console session when the credentials expire', async () => {
    const clock = new ManualClock(new Date());
    const w = await startConsoleWorld({ clock });
    try {
      const c = new CookieClient(w.url);
      expect((await c.postSamlResponse(w.assertion())).status).toBe(303);
      expect((await c.request('/console')).status).toBe(200);
      clock.advance(3599);
      expect((await c.request('/console')).status).toBe(200);
      clock.advance(2);
      const r = await c.request('/console');
      expect(r.status).toBe(401);
      expect(r.body).toContain('Not signed in');
    } finally {
      await w.close();
    }
  });
});
