// SP-initiated login (auth0.md §5.1) with someone else's SP: node-saml builds the AuthnRequest
// (HTTP-Redirect, HTTP-POST, signed with its own key), our IdP answers, and node-saml's
// validatePostResponseAsync — InResponseTo checked against its own request cache — accepts the
// response: InResponseTo, Audience (the request's Issuer) and Destination/Recipient (the ACS) as
// Auth0 sets them. Also SSO reuse across requests, ForceAuthn, and signed requests being required
// when the add-on carries a signingCert.

import { inflateRawSync } from 'node:zlib';
import { SAML, ValidateInResponseTo, type SamlConfig } from '@node-saml/node-saml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningCredential, type SigningCredential } from '../../src/saml/keys.js';
import { NS } from '../../src/saml/ns.js';
import { child, parseXmlStrict, textOnly } from '../../src/saml/xml.js';
import { Browser, decodeXml, JANE_EMAIL, JANE_PASSWORD, postedForm, startHarness, type Harness } from './support.js';

const SP_ENTITY = 'urn:test:node-saml-sp';
const ACS = 'https://sp.example.com/saml/acs';
const OTHER_ACS = 'https://sp.example.com/saml/acs2';

let h: Harness;
let clientId: string;
let signedClientId: string;
let idpCertPem: string;
let spCredential: SigningCredential;

function sp(extra: Partial<SamlConfig> = {}): SAML {
  return new SAML({
    entryPoint: `${h.url}/samlp/${clientId}`,
    issuer: SP_ENTITY,
    callbackUrl: ACS,
    idpCert: idpCertPem,
    audience: SP_ENTITY,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: ValidateInResponseTo.always,
    acceptedClockSkewMs: 120_000,
    ...extra,
  });
}

/** The path and query of an absolute URL on our origin. */
function local(url: string): string {
  const u = new URL(url);
  expect(u.origin).toBe(h.url);
  return `${u.pathname}${u.search}`;
}

beforeAll(async () => {
  h = await startHarness();
  h.clock.set(new Date()); // node-saml reads the wall clock
  await h.idp.admin.createUser({ email: JANE_EMAIL, password: JANE_PASSWORD });
  const app = await h.idp.admin.createApplication({ name: 'node-saml SP', callbacks: [ACS, OTHER_ACS], addons: { samlp: { mappings: { email: 'email' }, nameIdentifierProbes: ['email'] } } });
  clientId = app.clientId;
  spCredential = await createSigningCredential({ host: 'sp.example.com', notBefore: Date.now() - 86_400_000 });
  const signedApp = await h.idp.admin.createApplication({ name: 'signed SP', callbacks: [ACS], addons: { samlp: { signingCert: spCredential.certificatePem } } });
  signedClientId = signedApp.clientId;
  idpCertPem = (await new Browser(h.url).get('/pem')).body;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('SP-initiated over HTTP-Redirect', () => {
  const browser = () => new Browser(h.url);
  let shared: Browser;

  it('answers with InResponseTo, the SP as Audience and the ACS as Destination and Recipient; node-saml accepts it', async () => {
    const saml = sp();
    const url = await saml.getAuthorizeUrlAsync('relay-123', undefined, {});
    shared = browser();
    const reply = await shared.login(local(url), JANE_EMAIL, JANE_PASSWORD);
    expect(reply.status, reply.body.slice(0, 400)).toBe(200);
    const form = postedForm(reply.body);
    expect(form.action).toBe(ACS);
    expect(form.RelayState).toBe('relay-123');
    const request = decodeXml(form.SAMLResponse as string);
    const doc = parseXmlStrict(request);
    const response = doc.documentElement as Element;
    const inResponseTo = response.getAttribute('InResponseTo');
    expect(inResponseTo).toMatch(/^_/);
    expect(response.getAttribute('Destination')).toBe(ACS);
    const assertion = child(response, NS.assertion, 'Assertion') as Element;
    const confirmation = child(child(child(assertion, NS.assertion, 'Subject') as Element, NS.assertion, 'SubjectConfirmation') as Element, NS.assertion, 'SubjectConfirmationData') as Element;
    expect(confirmation.getAttribute('Recipient')).toBe(ACS);
    expect(confirmation.getAttribute('InResponseTo')).toBe(inResponseTo);
    const audience = child(child(child(assertion, NS.assertion, 'Conditions') as Element, NS.assertion, 'AudienceRestriction') as Element, NS.assertion, 'Audience') as Element;
    expect(textOnly(audience)).toBe(SP_ENTITY);
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse as string, RelayState: form.RelayState as string });
    expect(profile?.inResponseTo).toBe(inResponseTo);
    expect(profile?.['email']).toBe(JANE_EMAIL);
  });

  it('reuses the SSO session: a second request skips the login page and answers the new request id', async () => {
    const saml = sp();
    const url = await saml.getAuthorizeUrlAsync('', undefined, {});
    const reply = await shared.get(local(url));
    expect(reply.status).toBe(200);
    expect(reply.body).not.toContain('name="password"');
    const form = postedForm(reply.body);
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse as string });
    expect(profile?.nameID).toBe(JANE_EMAIL);
  });

  it('ForceAuthn shows the login page again, even with a live session', async () => {
    const saml = sp({ forceAuthn: true });
    const url = await saml.getAuthorizeUrlAsync('', undefined, {});
    const reply = await shared.get(local(url));
    expect(reply.status).toBe(302);
    const page = await shared.get(reply.headers.get('location') as string);
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="password"');
  });

  it('refuses an AssertionConsumerServiceURL outside the callbacks with 403 and no assertion (S44)', async () => {
    const saml = sp({ callbackUrl: 'https://attacker.example/acs' });
    const url = await saml.getAuthorizeUrlAsync('', undefined, {});
    const reply = await shared.get(local(url));
    expect(reply.status).toBe(403);
    expect(reply.headers.get('content-type')).toContain('text/html');
    expect(reply.body).toContain('Callback URL mismatch');
    expect(reply.body).not.toContain('SAMLResponse');
  });

  it('accepts another allow-listed callback as the ACS', async () => {
    const saml = sp({ callbackUrl: OTHER_ACS });
    const url = await saml.getAuthorizeUrlAsync('', undefined, {});
    const reply = await shared.get(local(url));
    expect(postedForm(reply.body).action).toBe(OTHER_ACS);
  });

  it('refuses IsPassive with a SAML error Response (Responder/NoPassive, no assertion) to the ACS', async () => {
    const saml = sp({ passive: true });
    const url = await saml.getAuthorizeUrlAsync('', undefined, {});
    const reply = await browser().get(local(url));
    expect(reply.status).toBe(200);
    const form = postedForm(reply.body);
    expect(form.action).toBe(ACS);
    const xml = decodeXml(form.SAMLResponse as string);
    expect(xml).not.toContain('Assertion');
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:NoPassive');
    // node-saml reads NoPassive as "nobody is logged in": no profile, no error.
    expect(await saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse as string })).toEqual({ profile: null, loggedOut: false });
  });
});

describe('SP-initiated over HTTP-POST', () => {
  it('a cross-site POST of the AuthnRequest goes through /login, where the SSO session (SameSite=Lax) is found', async () => {
    const browser = new Browser(h.url);
    const first = await browser.login(local(await sp().getAuthorizeUrlAsync('', undefined, {})), JANE_EMAIL, JANE_PASSWORD);
    expect(first.status).toBe(200);
    const saml = sp({ authnRequestBinding: 'HTTP-POST' });
    const html = await saml.getAuthorizeFormAsync('post-relay', undefined, {});
    const samlRequest = /name="SAMLRequest" value="([^"]+)"/.exec(html)?.[1] as string;
    // What a browser sends for the SP's auto-posted form: no cookie (Lax), a foreign Origin.
    const posted = await browser.request(`/samlp/${clientId}`, {
      form: { SAMLRequest: samlRequest, RelayState: 'post-relay' },
      headers: { origin: 'https://sp.example.com', 'sec-fetch-site': 'cross-site', cookie: '' },
    });
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location') as string;
    expect(location).toMatch(/^\/login\?state=/);
    const reply = await browser.get(location);
    expect(reply.status).toBe(200);
    const form = postedForm(reply.body);
    expect(form.RelayState).toBe('post-relay');
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse as string });
    expect(profile?.nameID).toBe(JANE_EMAIL);
  });
});

describe('signed AuthnRequests (the add-on has a signingCert)', () => {
  const signedSp = (extra: Partial<SamlConfig> = {}) =>
    sp({ entryPoint: `${h.url}/samlp/${signedClientId}`, privateKey: spCredential.privateKeyPem, signatureAlgorithm: 'sha256', ...extra });

  it('accepts a request signed with the registered certificate (Redirect query signature)', async () => {
    const url = await signedSp().getAuthorizeUrlAsync('signed-relay', undefined, {});
    expect(url).toContain('Signature=');
    const reply = await new Browser(h.url).login(local(url), JANE_EMAIL, JANE_PASSWORD);
    expect(reply.status).toBe(200);
    expect(postedForm(reply.body).RelayState).toBe('signed-relay');
  });

  it('accepts a request signed enveloped over HTTP-POST', async () => {
    const browser = new Browser(h.url);
    await browser.login(local(await signedSp().getAuthorizeUrlAsync('', undefined, {})), JANE_EMAIL, JANE_PASSWORD);
    const saml = signedSp({ authnRequestBinding: 'HTTP-POST' });
    const html = await saml.getAuthorizeFormAsync('', undefined, {});
    const samlRequest = /name="SAMLRequest" value="([^"]+)"/.exec(html)?.[1] as string;
    // node-saml deflates even what it posts (L-samlp tells the encodings apart by the first byte).
    expect(inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8')).toContain('SignatureValue');
    const posted = await browser.request(`/samlp/${signedClientId}`, { form: { SAMLRequest: samlRequest }, headers: { origin: 'https://sp.example.com', cookie: '' } });
    expect(posted.status).toBe(303);
    const reply = await browser.get(posted.headers.get('location') as string);
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: postedForm(reply.body).SAMLResponse as string });
    expect(profile?.inResponseTo).toBeDefined();
  });

  it('refuses an unsigned request with 403 ("must be signed") and no assertion', async () => {
    const url = await sp({ entryPoint: `${h.url}/samlp/${signedClientId}` }).getAuthorizeUrlAsync('', undefined, {});
    const reply = await new Browser(h.url).get(local(url));
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('must be signed');
    expect(reply.body).not.toContain('SAMLResponse');
  });

  it('refuses a request whose RelayState was changed after signing', async () => {
    const url = await signedSp().getAuthorizeUrlAsync('original', undefined, {});
    const reply = await new Browser(h.url).get(local(url).replace('RelayState=original', 'RelayState=tampered'));
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('signature is invalid');
  });

  it('refuses a request signed by another key', async () => {
    const other = await createSigningCredential({ host: 'evil.example', notBefore: Date.now() - 86_400_000 });
    const url = await signedSp({ privateKey: other.privateKeyPem }).getAuthorizeUrlAsync('', undefined, {});
    const reply = await new Browser(h.url).get(local(url));
    expect(reply.status).toBe(403);
  });
});
