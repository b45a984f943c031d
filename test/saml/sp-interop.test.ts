// Interop proof for the IdP's incoming SAML messages and its SLO answers, with other people's SPs:
// - OneLogin's python3-saml (Debian python3-onelogin-saml2) produces AuthnRequests and LogoutRequests
//   in both bindings, signed and unsigned: ours parses and verifies them;
// - OneLogin's process_slo and LogoutResponse/LogoutRequest validation accept what we send back,
//   Redirect-signed (its rebuild-and-verify and its verify-from-raw-query paths) and POST-signed;
// - xmlsec1 verifies our enveloped signatures on LogoutResponse and LogoutRequest;
// - node-saml (@node-saml/node-saml) as an SP: its signed AuthnRequests and LogoutRequests parse and
//   verify with ours, and it verifies our Redirect-signed LogoutResponse and POST-signed LogoutRequest.
// Every check also shows it has teeth (a tampered or mis-keyed message is refused). Nothing is skipped.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { describe, expect, it } from 'vitest';
import { AuthnRequestError, parseAuthnRequest, type AuthnRequestInput, type AuthnRequestOptions } from '../../src/saml/authn-request.js';
import { encodePostBinding } from '../../src/saml/bindings.js';
import { createSigningCredential } from '../../src/saml/keys.js';
import {
  buildLogoutRequest,
  buildLogoutResponse,
  encodeRedirectSigned,
  LogoutMessageError,
  parseLogoutRequest,
  parseLogoutResponse,
  redirectLocation,
  type LogoutOptions,
} from '../../src/saml/logout.js';
import { ALG, NS } from '../../src/saml/ns.js';
import { makeKeys } from '../support/saml-requests.js';
import { XMLSEC1 } from '../support/xmlsec1-sign.js';

const SYSTEM_PYTHON = '/usr/bin/python3';
const HELPER = join(import.meta.dirname, '..', 'support', 'onelogin-sp-messages.py');

it('has its independent implementations installed (python3-onelogin-saml2, xmlsec1, node-saml)', () => {
  expect(existsSync(XMLSEC1), `${XMLSEC1} is missing: apt-get install -y xmlsec1`).toBe(true);
  expect(
    existsSync(SYSTEM_PYTHON) && spawnSync(SYSTEM_PYTHON, ['-c', 'import onelogin.saml2.auth'], { stdio: 'ignore' }).status === 0,
    'python3-onelogin-saml2 is missing: apt-get install -y python3-onelogin-saml2',
  ).toBe(true);
  expect(typeof SAML).toBe('function');
});

const TENANT = 'tessera.example.com';
const IDP_ENTITY_ID = `urn:${TENANT}`;
const SSO_URL = `https://${TENANT}/samlp/client1`;
const SLO_URL = `https://${TENANT}/samlp/client1/logout`;
const SP_ENTITY_ID = 'https://sp.example.com/metadata';
const ACS_URL = 'https://sp.example.com/acs';
const SLS_URL = 'https://sp.example.com/sls';

const idp = await createSigningCredential({ host: TENANT, notBefore: Date.UTC(2024, 0, 1) });
const idpSigning = { privateKey: idp.privateKeyPem, certificate: idp.certificatePem };
const sp = makeKeys('sp.example.com');
const stranger = makeKeys('sp.example.com');

const authnOptions = (signed: boolean): AuthnRequestOptions => ({
  now: new Date(),
  skewSeconds: 120,
  expectedDestinations: [SSO_URL],
  ...(signed ? { signingCertificates: [sp.certificatePem] } : {}),
});
const logoutOptions = (signed: boolean): LogoutOptions => ({
  now: Date.now(),
  skewSeconds: 120,
  expectedDestinations: [SLO_URL],
  expectedIssuers: [SP_ENTITY_ID],
  ...(signed ? { signingCertificates: [sp.certificatePem] } : {}),
});

// ---------------------------------------------------------------- OneLogin driver

interface OneLoginOut {
  readonly url?: string;
  readonly saml_request?: string;
  readonly request_id?: string;
  readonly xml?: string;
  readonly redirect?: string | null;
  readonly errors?: string[];
  readonly error_reason?: string | null;
  readonly valid?: boolean;
  readonly error?: string | null;
  readonly status?: string | null;
  readonly signature_valid?: boolean;
  readonly signature_error?: string | null;
}

function oneLogin(op: string, args: Record<string, unknown> = {}, security: Record<string, unknown> = {}, idpCertificate: string = idp.certificatePem): OneLoginOut {
  const input = {
    op,
    sp: { entity_id: SP_ENTITY_ID, acs_url: ACS_URL, sls_url: SLS_URL, private_key: sp.privateKeyPem, certificate: sp.certificatePem },
    idp: { entity_id: IDP_ENTITY_ID, sso_url: SSO_URL, slo_url: SLO_URL, certificate: idpCertificate },
    security: { wantMessagesSigned: true, ...security },
    ...args,
  };
  return JSON.parse(execFileSync(SYSTEM_PYTHON, ['-W', 'ignore', HELPER], { input: JSON.stringify(input), encoding: 'utf8' })) as OneLoginOut;
}

/** What our endpoint receives from a Redirect URL: the decoded fields and the raw query. */
function fromUrl(url: string): { rawQuery: string; get: (name: string) => string | undefined } {
  const rawQuery = new URL(url).search.slice(1);
  const q = new URLSearchParams(rawQuery);
  return { rawQuery, get: (name) => q.get(name) ?? undefined };
}

function authnRedirectInput(url: string): AuthnRequestInput {
  const q = fromUrl(url);
  return { binding: 'redirect', samlRequest: q.get('SAMLRequest') as string, relayState: q.get('RelayState'), sigAlg: q.get('SigAlg'), signature: q.get('Signature'), rawQuery: q.rawQuery };
}

function reasonOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof AuthnRequestError || e instanceof LogoutMessageError) return e.reason;
    throw e;
  }
  return 'accepted';
}

// ---------------------------------------------------------------- xmlsec1

function xmlsec1VerifyMessage(xml: string, certificatePem: string, kind: 'LogoutResponse' | 'LogoutRequest'): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-slo-xmlsec1-'));
  try {
    writeFileSync(join(dir, 'cert.pem'), certificatePem);
    writeFileSync(join(dir, 'msg.xml'), xml);
    const run = spawnSync(XMLSEC1, ['--verify', '--pubkey-cert-pem', join(dir, 'cert.pem'), '--id-attr:ID', `${NS.protocol}:${kind}`, join(dir, 'msg.xml')], { encoding: 'utf8' });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- OneLogin → us: AuthnRequest

const ONELOGIN_ALGS = [
  { name: 'rsa-sha256', security: { signatureAlgorithm: ALG.rsaSha256, digestAlgorithm: ALG.sha256 }, sha1: false },
  { name: 'rsa-sha1 (OneLogin\'s default)', security: {}, sha1: true },
] as const;

describe('OneLogin python3-saml AuthnRequests parse and verify with ours', () => {
  it('HTTP-Redirect, unsigned: ID, Issuer, ACS, NameIDPolicy, RequestedAuthnContext, RelayState', () => {
    const out = oneLogin('authn_request_redirect', { relay_state: 'https://sp.example.com/after' });
    const r = parseAuthnRequest(authnRedirectInput(out.url as string), authnOptions(false));
    expect(r).toMatchObject({
      id: out.request_id,
      issuer: SP_ENTITY_ID,
      destination: SSO_URL,
      assertionConsumerServiceUrl: ACS_URL,
      protocolBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
      forceAuthn: false,
      isPassive: false,
      nameIdPolicyFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      requestedAuthnContext: { comparison: 'exact', classRefs: ['urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport'] },
      relayState: 'https://sp.example.com/after',
      signed: false,
    });
  });

  for (const alg of ONELOGIN_ALGS) {
    it(`HTTP-Redirect, signed ${alg.name}: verifies over the raw query, ForceAuthn read`, () => {
      const out = oneLogin('authn_request_redirect', { relay_state: 'https://sp.example.com/a b', force_authn: true }, { authnRequestsSigned: true, ...alg.security });
      const r = parseAuthnRequest(authnRedirectInput(out.url as string), authnOptions(true));
      expect([r.id, r.signed, r.forceAuthn, r.relayState]).toEqual([out.request_id, true, true, 'https://sp.example.com/a b']);
      expect(r.warnings.some((w) => /sha1/i.test(w))).toBe(alg.sha1);
    });

    it(`HTTP-POST, signed ${alg.name} with OneLogin's add_sign (ds: prefix, xmlsec): verifies`, () => {
      const out = oneLogin('authn_request_post', { sign: true }, alg.name === 'rsa-sha256' ? alg.security : { signatureAlgorithm: ALG.rsaSha1, digestAlgorithm: ALG.sha1 });
      expect(out.xml).toContain('<ds:Signature');
      const r = parseAuthnRequest({ binding: 'post', samlRequest: out.saml_request as string, relayState: 'rs' }, authnOptions(true));
      expect([r.id, r.signed, r.issuer, r.assertionConsumerServiceUrl]).toEqual([out.request_id, true, SP_ENTITY_ID, ACS_URL]);
    });
  }

  it('HTTP-POST, unsigned: parses; refused as SIGNATURE_REQUIRED when the application has a signing certificate', () => {
    const out = oneLogin('authn_request_post', { force_authn: true });
    expect(parseAuthnRequest({ binding: 'post', samlRequest: out.saml_request as string }, authnOptions(false))).toMatchObject({ id: out.request_id, forceAuthn: true, signed: false });
    expect(reasonOf(() => parseAuthnRequest({ binding: 'post', samlRequest: out.saml_request as string }, authnOptions(true)))).toBe('SIGNATURE_REQUIRED');
  });

  it('IsPassive from OneLogin is refused as IS_PASSIVE (Responder/NoPassive)', () => {
    const out = oneLogin('authn_request_redirect', { is_passive: true }, { authnRequestsSigned: true });
    expect(reasonOf(() => parseAuthnRequest(authnRedirectInput(out.url as string), authnOptions(true)))).toBe('IS_PASSIVE');
  });

  it('has teeth: another SP key, a RelayState changed in the URL, a tampered POST body', () => {
    const out = oneLogin('authn_request_redirect', { relay_state: 'https://sp.example.com/after' }, { authnRequestsSigned: true, signatureAlgorithm: ALG.rsaSha256 });
    const input = authnRedirectInput(out.url as string);
    expect(reasonOf(() => parseAuthnRequest(input, { ...authnOptions(true), signingCertificates: [stranger.certificatePem] }))).toBe('SIGNATURE_INVALID');
    const moved = { ...input, relayState: 'https://evil.example/', rawQuery: (input.rawQuery as string).replace(/RelayState=[^&]*/, 'RelayState=https%3A%2F%2Fevil.example%2F') };
    expect(reasonOf(() => parseAuthnRequest(moved, authnOptions(true)))).toBe('SIGNATURE_INVALID');
    const post = oneLogin('authn_request_post', { sign: true }, { signatureAlgorithm: ALG.rsaSha256, digestAlgorithm: ALG.sha256 });
    const tampered = encodePostBinding((post.xml as string).replace(ACS_URL, 'https://evil.example/acs'));
    expect(reasonOf(() => parseAuthnRequest({ binding: 'post', samlRequest: tampered }, authnOptions(true)))).toBe('SIGNATURE_INVALID');
  });
});

// ---------------------------------------------------------------- OneLogin → us → OneLogin: SP-initiated SLO

describe('SP-initiated SLO with OneLogin: its LogoutRequest in, our LogoutResponse out', () => {
  for (const signed of [false, true]) {
    it(`HTTP-Redirect LogoutRequest${signed ? ', signed' : ''}: NameID, SessionIndex, ID, Issuer`, () => {
      const out = oneLogin('logout_request_redirect', { relay_state: 'https://sp.example.com/bye', name_id: 'jane@example.com', session_index: '_sess1' }, { logoutRequestSigned: signed, signatureAlgorithm: ALG.rsaSha256 });
      const q = fromUrl(out.url as string);
      const r = parseLogoutRequest(
        { binding: 'redirect', samlRequest: q.get('SAMLRequest') as string, relayState: q.get('RelayState'), sigAlg: q.get('SigAlg'), signature: q.get('Signature'), rawQuery: q.rawQuery },
        logoutOptions(signed),
      );
      expect(r).toMatchObject({ id: out.request_id, issuer: SP_ENTITY_ID, destination: SLO_URL, nameId: { value: 'jane@example.com', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }, sessionIndexes: ['_sess1'], relayState: 'https://sp.example.com/bye', signed });
    });

    it(`HTTP-POST LogoutRequest${signed ? ', signed (add_sign)' : ''}: parses${signed ? ' and verifies' : ''}`, () => {
      const out = oneLogin('logout_request_post', { name_id: 'jane@example.com', session_index: '_sess1', sign: signed }, { signatureAlgorithm: ALG.rsaSha256, digestAlgorithm: ALG.sha256 });
      const r = parseLogoutRequest({ binding: 'post', samlRequest: out.saml_request as string }, logoutOptions(signed));
      expect([r.id, r.nameId.value, r.sessionIndexes, r.signed]).toEqual([out.request_id, 'jane@example.com', ['_sess1'], signed]);
    });
  }

  it('a signed LogoutRequest that does not verify is refused (teeth)', () => {
    const out = oneLogin('logout_request_redirect', { name_id: 'jane@example.com' }, { logoutRequestSigned: true, signatureAlgorithm: ALG.rsaSha256 });
    const q = fromUrl(out.url as string);
    const input = { binding: 'redirect' as const, samlRequest: q.get('SAMLRequest') as string, relayState: q.get('RelayState'), sigAlg: q.get('SigAlg'), signature: q.get('Signature'), rawQuery: q.rawQuery };
    expect(reasonOf(() => parseLogoutRequest(input, { ...logoutOptions(true), signingCertificates: [stranger.certificatePem] }))).toBe('SIGNATURE_INVALID');
  });

  for (const sigAlg of ['rsa-sha256', 'rsa-sha1'] as const) {
    for (const fromQs of [false, true]) {
      it(`our Redirect LogoutResponse (${sigAlg}) passes OneLogin's process_slo, ${fromQs ? 'verifying from the raw query' : 'rebuilding the query with quote_plus'}`, () => {
        const request = oneLogin('logout_request_redirect', { relay_state: 'https://sp.example.com/bye', name_id: 'jane@example.com' }, { logoutRequestSigned: true });
        const q = fromUrl(request.url as string);
        const lr = parseLogoutRequest({ binding: 'redirect', samlRequest: q.get('SAMLRequest') as string, relayState: q.get('RelayState'), sigAlg: q.get('SigAlg'), signature: q.get('Signature'), rawQuery: q.rawQuery }, logoutOptions(true));
        const xml = buildLogoutResponse({ issuer: IDP_ENTITY_ID, destination: SLS_URL, inResponseTo: lr.id, now: Date.now() });
        const { query } = encodeRedirectSigned({ param: 'SAMLResponse', xml, relayState: lr.relayState, privateKey: idp.privateKeyPem, sigAlg });
        const verdict = oneLogin('process_slo', { url: redirectLocation(SLS_URL, query), from_qs: fromQs, request_id: lr.id });
        expect([verdict.errors, verdict.error_reason]).toEqual([[], null]);
        // Teeth: the same response under another key, and with a changed RelayState.
        const forged = encodeRedirectSigned({ param: 'SAMLResponse', xml, relayState: lr.relayState, privateKey: stranger.privateKeyPem, sigAlg }).query;
        expect(oneLogin('process_slo', { url: redirectLocation(SLS_URL, forged), from_qs: fromQs, request_id: lr.id }).errors).toContain('invalid_logout_response_signature');
        const moved = query.replace(/RelayState=[^&]*/, 'RelayState=https%3A%2F%2Fevil.example%2F');
        expect(oneLogin('process_slo', { url: redirectLocation(SLS_URL, moved), from_qs: fromQs, request_id: lr.id }).errors).toContain('invalid_logout_response_signature');
      });
    }
  }

  it('our POST LogoutResponse (enveloped signature) passes OneLogin\'s LogoutResponse validation, its signature check and xmlsec1', () => {
    const xml = buildLogoutResponse({ issuer: IDP_ENTITY_ID, destination: SLS_URL, inResponseTo: '_lr_onelogin_1', now: Date.now() }, idpSigning);
    const verdict = oneLogin('validate_post', { kind: 'LogoutResponse', message: encodePostBinding(xml), url: SLS_URL, request_id: '_lr_onelogin_1' }, { wantMessagesSigned: false });
    expect(verdict).toMatchObject({ valid: true, error: null, signature_valid: true, signature_error: null, status: 'urn:oasis:names:tc:SAML:2.0:status:Success' });
    expect(xmlsec1VerifyMessage(xml, idp.certificatePem, 'LogoutResponse')).toMatchObject({ ok: true, output: expect.stringContaining('OK') });
    // Teeth.
    const tampered = xml.replace('_lr_onelogin_1', '_lr_onelogin_2');
    expect(oneLogin('validate_post', { kind: 'LogoutResponse', message: encodePostBinding(tampered), url: SLS_URL }, { wantMessagesSigned: false }).signature_valid).toBe(false);
    expect(xmlsec1VerifyMessage(tampered, idp.certificatePem, 'LogoutResponse').ok).toBe(false);
    expect(xmlsec1VerifyMessage(xml, stranger.certificatePem, 'LogoutResponse').ok).toBe(false);
  });
});

// ---------------------------------------------------------------- us → OneLogin → us: IdP-initiated SLO

describe('IdP-initiated SLO with OneLogin: our LogoutRequest out, its LogoutResponse in', () => {
  for (const fromQs of [false, true]) {
    it(`OneLogin's process_slo verifies our Redirect-signed LogoutRequest (${fromQs ? 'raw query' : 'rebuilt query'}), and its signed answer verifies with ours`, () => {
      const { xml, id } = buildLogoutRequest({ issuer: IDP_ENTITY_ID, destination: SLS_URL, nameId: { value: 'jane@example.com', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }, sessionIndex: '_sess1', now: Date.now() });
      const { query } = encodeRedirectSigned({ param: 'SAMLRequest', xml, relayState: 'slo-1', privateKey: idp.privateKeyPem });
      const verdict = oneLogin('process_slo', { url: redirectLocation(SLS_URL, query), from_qs: fromQs }, { logoutResponseSigned: true, signatureAlgorithm: ALG.rsaSha256 });
      expect([verdict.errors, verdict.error_reason]).toEqual([[], null]);
      expect(verdict.redirect?.startsWith(`${SLO_URL}?`)).toBe(true);
      const q = fromUrl(verdict.redirect as string);
      const answer = parseLogoutResponse(
        { binding: 'redirect', samlResponse: q.get('SAMLResponse') as string, relayState: q.get('RelayState'), sigAlg: q.get('SigAlg'), signature: q.get('Signature'), rawQuery: q.rawQuery },
        { ...logoutOptions(true), expectedInResponseTo: id },
      );
      expect([answer.inResponseTo, answer.success, answer.signed, answer.relayState, answer.issuer]).toEqual([id, true, true, 'slo-1', SP_ENTITY_ID]);
      // Teeth: OneLogin refuses our request under another key; we refuse its answer to another request.
      const forged = encodeRedirectSigned({ param: 'SAMLRequest', xml, relayState: 'slo-1', privateKey: stranger.privateKeyPem }).query;
      expect(oneLogin('process_slo', { url: redirectLocation(SLS_URL, forged), from_qs: fromQs }).errors).toContain('invalid_logout_request_signature');
      expect(reasonOf(() => parseLogoutResponse(
        { binding: 'redirect', samlResponse: q.get('SAMLResponse') as string, rawQuery: q.rawQuery },
        { ...logoutOptions(true), expectedInResponseTo: '_another' },
      ))).toBe('IN_RESPONSE_TO_MISMATCH');
    });
  }

  it('our POST LogoutRequest (enveloped signature) passes OneLogin\'s LogoutRequest validation, its signature check and xmlsec1', () => {
    const { xml } = buildLogoutRequest({ issuer: IDP_ENTITY_ID, destination: SLS_URL, nameId: { value: 'jane@example.com' }, sessionIndex: ['_s1', '_s2'], now: Date.now() }, idpSigning);
    const verdict = oneLogin('validate_post', { kind: 'LogoutRequest', message: encodePostBinding(xml), url: SLS_URL }, { wantMessagesSigned: false });
    expect(verdict).toMatchObject({ valid: true, error: null, signature_valid: true });
    expect(xmlsec1VerifyMessage(xml, idp.certificatePem, 'LogoutRequest').ok).toBe(true);
    const tampered = xml.replace('jane@example.com', 'admin@example.com');
    expect(oneLogin('validate_post', { kind: 'LogoutRequest', message: encodePostBinding(tampered), url: SLS_URL }, { wantMessagesSigned: false }).signature_valid).toBe(false);
    expect(xmlsec1VerifyMessage(tampered, idp.certificatePem, 'LogoutRequest').ok).toBe(false);
  });
});

// ---------------------------------------------------------------- node-saml as an SP

function nodeSaml(overrides: Record<string, unknown> = {}): SAML {
  return new SAML({
    entryPoint: SSO_URL,
    logoutUrl: SLO_URL,
    issuer: SP_ENTITY_ID,
    callbackUrl: ACS_URL,
    idpCert: idp.certificatePem,
    idpIssuer: IDP_ENTITY_ID,
    privateKey: sp.privateKeyPem,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    wantAuthnResponseSigned: false,
    ...overrides,
  } as ConstructorParameters<typeof SAML>[0]);
}

describe('node-saml (@node-saml/node-saml 5) as an SP', () => {
  for (const signatureAlgorithm of ['sha256', 'sha1'] as const) {
    it(`getAuthorizeUrlAsync: a ${signatureAlgorithm}-signed Redirect AuthnRequest parses and verifies`, async () => {
      const url = await nodeSaml({ signatureAlgorithm }).getAuthorizeUrlAsync('https://sp.example.com/after?x=1', undefined, {});
      const r = parseAuthnRequest(authnRedirectInput(url), authnOptions(true));
      expect([r.signed, r.issuer, r.assertionConsumerServiceUrl, r.relayState, r.signatureAlgorithm]).toEqual([
        true, SP_ENTITY_ID, ACS_URL, 'https://sp.example.com/after?x=1', signatureAlgorithm === 'sha1' ? ALG.rsaSha1 : ALG.rsaSha256,
      ]);
    });
  }

  it('getAuthorizeUrlAsync without a key: an unsigned request, refused when the application requires signatures', async () => {
    const url = await nodeSaml({ privateKey: undefined }).getAuthorizeUrlAsync('', undefined, {});
    expect(parseAuthnRequest(authnRedirectInput(url), authnOptions(false)).signed).toBe(false);
    expect(reasonOf(() => parseAuthnRequest(authnRedirectInput(url), authnOptions(true)))).toBe('SIGNATURE_REQUIRED');
  });

  for (const skipRequestCompression of [false, true]) {
    it(`HTTP-POST binding: the xml-crypto-signed AuthnRequest (${skipRequestCompression ? 'plain base64' : 'deflated, node-saml\'s default'}) verifies`, async () => {
      const message = await nodeSaml({ authnRequestBinding: 'HTTP-POST', skipRequestCompression }).getAuthorizeMessageAsync('rs-1', undefined, {});
      const r = parseAuthnRequest({ binding: 'post', samlRequest: message.SAMLRequest as string, relayState: message.RelayState as string }, authnOptions(true));
      expect([r.signed, r.relayState, r.signatureAlgorithm]).toEqual([true, 'rs-1', ALG.rsaSha256]);
    });
  }

  it('has teeth: a request signed by another key is refused', async () => {
    const url = await nodeSaml({ privateKey: stranger.privateKeyPem }).getAuthorizeUrlAsync('', undefined, {});
    expect(reasonOf(() => parseAuthnRequest(authnRedirectInput(url), authnOptions(true)))).toBe('SIGNATURE_INVALID');
  });

  it('refuses node-saml\'s URL when its RelayState has characters it signs and sends encoded differently (querystring vs URLSearchParams)', async () => {
    // node-saml signs `querystring.stringify` (`a%20b`) but puts URLSearchParams (`a+b`) in the URL:
    // the octets received are not the octets signed, and bindings §3.4.4.1 verifies the octets received.
    const url = await nodeSaml().getAuthorizeUrlAsync('a b', undefined, {});
    expect(url).toContain('RelayState=a+b');
    expect(reasonOf(() => parseAuthnRequest(authnRedirectInput(url), authnOptions(true)))).toBe('SIGNATURE_INVALID');
  });

  it('getLogoutUrlAsync: its signed LogoutRequest parses and verifies; node-saml verifies our Redirect-signed LogoutResponse', async () => {
    const saml = nodeSaml({ validateInResponseTo: ValidateInResponseTo.always });
    const url = await saml.getLogoutUrlAsync({ nameID: 'jane@example.com', nameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', sessionIndex: '_sess9', issuer: SP_ENTITY_ID }, 'bye', {});
    const q = fromUrl(url);
    const lr = parseLogoutRequest({ binding: 'redirect', samlRequest: q.get('SAMLRequest') as string, relayState: q.get('RelayState'), sigAlg: q.get('SigAlg'), signature: q.get('Signature'), rawQuery: q.rawQuery }, logoutOptions(true));
    expect([lr.signed, lr.nameId.value, lr.sessionIndexes, lr.relayState]).toEqual([true, 'jane@example.com', ['_sess9'], 'bye']);

    const xml = buildLogoutResponse({ issuer: IDP_ENTITY_ID, destination: SLS_URL, inResponseTo: lr.id, now: Date.now() });
    const { query, parameters } = encodeRedirectSigned({ param: 'SAMLResponse', xml, relayState: lr.relayState, privateKey: idp.privateKeyPem });
    const result = await saml.validateRedirectAsync(parameters, query);
    expect(result.loggedOut).toBe(true);
    // Teeth: under another key node-saml refuses it.
    const forged = encodeRedirectSigned({ param: 'SAMLResponse', xml, relayState: lr.relayState, privateKey: stranger.privateKeyPem });
    await expect(nodeSaml().validateRedirectAsync(forged.parameters, forged.query)).rejects.toThrow(/signature/i);
  });

  it('node-saml verifies our POST-signed LogoutRequest (validatePostRequestAsync)', async () => {
    const { xml } = buildLogoutRequest({ issuer: IDP_ENTITY_ID, destination: SLS_URL, nameId: { value: 'jane@example.com' }, sessionIndex: '_s1', now: Date.now() }, idpSigning);
    const result = await nodeSaml().validatePostRequestAsync({ SAMLRequest: encodePostBinding(xml) });
    expect(result.profile?.nameID).toBe('jane@example.com');
    await expect(nodeSaml().validatePostRequestAsync({ SAMLRequest: encodePostBinding(xml.replace('jane@', 'admin@')) })).rejects.toThrow(/signature/i);
  });
});
