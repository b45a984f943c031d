// The IdP's endpoints (auth0.md §5): metadata, the certificate downloads, the SSO URL's refusals of bad
// input (unknown client, no add-on, malformed, oversized and deflate-bombed SAMLRequests, long
// RelayState, wrong methods) — each a readable HTML page with its status, never a 500, never an
// assertion — and Single Logout with node-saml as the SP (SP-initiated over POST and Redirect,
// IdP-initiated).

import { createHash, X509Certificate } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdHash } from '../../src/idp/index.js';
import { parseIdpMetadata } from '../../src/saml/metadata.js';
import { BINDING, NAMEID_FORMAT } from '../../src/saml/ns.js';
import { Browser, decodeXml, JANE_EMAIL, JANE_PASSWORD, postedForm, seedWorld, startHarness, type Harness, type SeedWorld } from './support.js';

let h: Harness;
let world: SeedWorld;

beforeAll(async () => {
  h = await startHarness();
  h.clock.set(new Date());
  world = await seedWorld(h.idp);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const get = (path: string) => new Browser(h.url).get(path);

/** A readable refusal: an HTML page with the IdP's headers, no SAML message in it. */
function expectPage(reply: { status: number; headers: Headers; body: string }, status: number, text: string): void {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(reply.headers.get('x-frame-options')).toBe('DENY');
  expect(reply.body).toContain(text);
  expect(reply.body).not.toContain('SAMLResponse');
}

describe('metadata and certificates', () => {
  it("GET /samlp/metadata/{clientId} is Auth0's IdP metadata for the application", async () => {
    const reply = await get(`/samlp/metadata/${world.app.clientId}`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const md = parseIdpMetadata(reply.body);
    expect(md.entityId).toBe(`urn:${new URL(h.url).host}`);
    expect(md.ssoServices).toEqual([
      { binding: BINDING.redirect, location: `${h.url}/samlp/${world.app.clientId}` },
      { binding: BINDING.post, location: `${h.url}/samlp/${world.app.clientId}` },
    ]);
    expect(md.sloServices.map((s) => s.location)).toEqual([`${h.url}/samlp/${world.app.clientId}/logout`, `${h.url}/samlp/${world.app.clientId}/logout`]);
    const pem = (await get('/pem')).body;
    expect(md.signingCertificates.map((c) => new X509Certificate(Buffer.from(c.replace(/-----[^-]+-----|\s/g, ''), 'base64')).fingerprint256)).toEqual([new X509Certificate(pem).fingerprint256]);
  });

  it('/pem, /cer, /rawpem and /fingerprint are the same certificate in four forms', async () => {
    const pem = await get('/pem');
    const cer = await fetch(new URL('/cer', h.url));
    const raw = await get('/rawpem');
    const fingerprint = await get('/fingerprint');
    expect(pem.headers.get('content-type')).toBe('application/x-pem-file');
    expect(pem.body).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
    expect(cer.headers.get('content-type')).toBe('application/pkix-cert');
    const der = Buffer.from(await cer.arrayBuffer());
    expect(new X509Certificate(der).fingerprint256).toBe(new X509Certificate(pem.body).fingerprint256);
    expect(raw.body).toBe(der.toString('base64'));
    expect(fingerprint.body).toBe((createHash('sha1').update(der).digest('hex').toUpperCase().match(/../g) ?? []).join(':'));
    expect(new X509Certificate(der).subject).toBe(`CN=${new URL(h.url).host}`);
  });
});

describe('bad input at the SSO URL', () => {
  const sso = () => `/samlp/${world.app.clientId}`;

  it('an unknown client is a 404 page, on every /samlp route', async () => {
    for (const path of ['/samlp/NoSuchClient0000000000000000000', '/samlp/metadata/NoSuchClient0000000000000000000', '/samlp/NoSuchClient0000000000000000000/logout', '/samlp/%3Cscript%3E']) {
      expectPage(await get(path), 404, 'Unknown application');
    }
  });

  it('an application without the SAML2 add-on is a 404 page', async () => {
    const app = await h.idp.admin.createApplication({ name: 'No SAML', callbacks: ['https://app.example/cb'] });
    expectPage(await get(`/samlp/${app.clientId}`), 404, 'SAML is not enabled');
  });

  it('a malformed SAMLRequest is a 400 page: not base64, not DEFLATE, not XML, not an AuthnRequest', async () => {
    const cases = [
      'not base64 at all!',
      Buffer.from('plain text, not deflated').toString('base64'),
      deflateRawSync(Buffer.from('hello, not xml')).toString('base64'),
      deflateRawSync(Buffer.from('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="1bad" Version="2.0"/>')).toString('base64'),
      deflateRawSync(Buffer.from('<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>')).toString('base64'),
    ];
    for (const value of cases) expectPage(await get(`${sso()}?SAMLRequest=${encodeURIComponent(value)}`), 400, 'Invalid SAML request');
  });

  it('an oversized SAMLRequest is refused: over 8 KB in a query, over 100,000 characters in a form, a deflate bomb, a body over 256 KB', async () => {
    expectPage(await get(`${sso()}?SAMLRequest=${'A'.repeat(9000)}`), 400, 'too large');
    const browser = new Browser(h.url);
    expectPage(await browser.request(sso(), { form: { SAMLRequest: 'PD94'.repeat(30_000) } }), 400, 'too large');
    const bomb = deflateRawSync(Buffer.from(`<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${' '.repeat(5_000_000)}</samlp:AuthnRequest>`)).toString('base64');
    expect(bomb.length).toBeLessThan(8192);
    expectPage(await get(`${sso()}?SAMLRequest=${encodeURIComponent(bomb)}`), 400, 'too large');
    const huge = await browser.request(sso(), { form: { SAMLRequest: 'A'.repeat(300_000) } });
    expectPage(huge, 413, 'larger than');
  });

  it('a SAMLRequest given twice is refused (parameter pollution)', async () => {
    expectPage(await get(`${sso()}?SAMLRequest=a&SAMLRequest=b`), 400, 'more than once');
  });

  it('an IdP-initiated RelayState over 80 bytes is a 400 page', async () => {
    expectPage(await get(`${sso()}?RelayState=${'r'.repeat(81)}`), 400, '80 bytes');
  });

  it('a form that is not urlencoded is 415; a wrong method is 405', async () => {
    const browser = new Browser(h.url);
    expectPage(await browser.request(sso(), { method: 'POST', body: '{"SAMLRequest":"x"}', headers: { 'content-type': 'application/json' } }), 415, 'x-www-form-urlencoded');
    const put = await browser.request(sso(), { method: 'PUT' });
    expectPage(put, 405, 'Method not allowed');
    expect(put.headers.get('allow')).toBe('GET, POST');
  });

  it('paths the IdP does not own stay 404 from the server, and the AWS API at / is untouched', async () => {
    expect((await get('/nothing-here')).status).toBe(404);
    expect((await get('/')).body).toContain('AWS Query API');
  });
});

describe('single logout with node-saml as the SP', () => {
  const SLO_CALLBACK = 'https://sp.example.com/saml/slo';
  let clientId: string;
  let redirectClientId: string;
  let idpCert: string;

  beforeAll(async () => {
    const settings = { mappings: { email: 'email' }, nameIdentifierProbes: ['email'], nameIdentifierFormat: NAMEID_FORMAT.emailAddress, logout: { callback: SLO_CALLBACK, slo_enabled: true } };
    clientId = (await h.idp.admin.createApplication({ name: 'SLO SP', callbacks: ['https://sp.example.com/saml/acs'], addons: { samlp: settings } })).clientId;
    redirectClientId = (await h.idp.admin.createApplication({ name: 'SLO SP (Redirect)', callbacks: ['https://sp.example.com/saml/acs'], addons: { samlp: { ...settings, binding: BINDING.redirect } } })).clientId;
    idpCert = (await get('/pem')).body;
  });

  const sp = (id: string) =>
    new SAML({
      entryPoint: `${h.url}/samlp/${id}`,
      logoutUrl: `${h.url}/samlp/${id}/logout`,
      issuer: 'urn:test:slo-sp',
      callbackUrl: 'https://sp.example.com/saml/acs',
      idpCert,
      audience: false,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      // 'always' would read `/Response/@InResponseTo`, which a LogoutResponse does not have (node-saml
      // quirk); with 'ifPresent' its verifyLogoutResponse checks the LogoutResponse's InResponseTo
      // against the request it cached.
      validateInResponseTo: ValidateInResponseTo.ifPresent,
      idpIssuer: h.idp.issuer,
    });

  const profile = { issuer: 'urn:test:slo-sp', nameID: JANE_EMAIL, nameIDFormat: NAMEID_FORMAT.emailAddress };

  it('SP-initiated (Redirect in, POST out): the session ends and a signed LogoutResponse goes to the logout callback', async () => {
    const browser = new Browser(h.url);
    expect((await browser.login(`/samlp/${clientId}`, JANE_EMAIL, JANE_PASSWORD)).status).toBe(200);
    const session = browser.cookies.get('tessera_session') as string;
    const saml = sp(clientId);
    const url = new URL(await saml.getLogoutUrlAsync(profile, 'slo-relay', {}));
    const reply = await browser.get(`${url.pathname}${url.search}`);
    expect(reply.status).toBe(200);
    const form = postedForm(reply.body);
    expect(form.action).toBe(SLO_CALLBACK);
    expect(form.RelayState).toBe('slo-relay');
    expect(decodeXml(form.SAMLResponse as string)).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');
    expect(await saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse as string })).toEqual({ profile: null, loggedOut: true });
    expect(await h.idp.store.idp.idpSessions.get(sessionIdHash(session), h.clock.now())).toBeUndefined();
    expect(browser.cookies.has('tessera_session')).toBe(false);
  });

  it('SP-initiated with the Redirect binding configured: a query-signed LogoutResponse node-saml verifies', async () => {
    const browser = new Browser(h.url);
    await browser.login(`/samlp/${redirectClientId}`, JANE_EMAIL, JANE_PASSWORD);
    const saml = sp(redirectClientId);
    const url = new URL(await saml.getLogoutUrlAsync(profile, '', {}));
    const reply = await browser.get(`${url.pathname}${url.search}`);
    expect(reply.status).toBe(302);
    const location = new URL(reply.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).toBe(SLO_CALLBACK);
    const query = Object.fromEntries(location.searchParams);
    expect(query['Signature']).toBeDefined();
    expect(await saml.validateRedirectAsync(query, location.search.slice(1))).toEqual({ profile: null, loggedOut: true });
  });

  it('IdP-initiated: the session ends and a signed LogoutRequest for the user goes to the logout callback', async () => {
    const browser = new Browser(h.url);
    await browser.login(`/samlp/${clientId}`, JANE_EMAIL, JANE_PASSWORD);
    const reply = await browser.get(`/samlp/${clientId}/logout`);
    expect(reply.status).toBe(200);
    const form = postedForm(reply.body);
    expect(form.action).toBe(SLO_CALLBACK);
    const out = await sp(clientId).validatePostRequestAsync({ SAMLRequest: form.SAMLRequest as string });
    expect(out.loggedOut).toBe(true);
    expect(out.profile.nameID).toBe(JANE_EMAIL);
    expect((await browser.get(`/samlp/${clientId}`)).status).toBe(302);
  });

  it('a logout without a logout callback ends the session and shows the signed-out page', async () => {
    const browser = new Browser(h.url);
    await browser.login(`/samlp/${world.app.clientId}`, JANE_EMAIL, JANE_PASSWORD);
    const reply = await browser.get(`/samlp/${world.app.clientId}/logout`);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('You are signed out');
    expect((await h.idp.admin.logs({ maxItems: 1 })).items[0]?.type).toBe('slo');
  });

  it('a malformed LogoutRequest is a 400 page and ends nothing', async () => {
    const browser = new Browser(h.url);
    await browser.login(`/samlp/${clientId}`, JANE_EMAIL, JANE_PASSWORD);
    const session = browser.cookies.get('tessera_session') as string;
    const bad = deflateRawSync(Buffer.from('<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>')).toString('base64');
    expectPage(await browser.get(`/samlp/${clientId}/logout?SAMLRequest=${encodeURIComponent(bad)}`), 400, 'Invalid logout request');
    expect(await h.idp.store.idp.idpSessions.get(sessionIdHash(session), h.clock.now())).toBeDefined();
  });
});
