import { describe, expect, it } from 'vitest';
import {
  b64,
  IDP_SLO_URL,
  iso,
  logoutRequestXml,
  makeKeys,
  redirectRequest,
  signXml,
  SP_ENTITY_ID,
  T0,
  type RedirectRequest,
} from '../../test/support/saml-requests.js';
import {
  buildLogoutRequest,
  buildLogoutResponse,
  encodeRedirectSigned,
  LOGOUT_REJECT_REASONS,
  LogoutMessageError,
  parseLogoutRequest,
  parseLogoutResponse,
  redirectLocation,
  type LogoutOptions,
  type LogoutRejectReason,
  type LogoutRequestInput,
} from './logout.js';
import { ALG, NS, STATUS } from './ns.js';
import { STATUS_CODE } from './protocol-message.js';
import { childElements, parseXmlStrict, prescan } from './xml.js';

const sp = makeKeys('sp.example.com');
const idp = makeKeys('tessera.example.com');
const IDP_ENTITY_ID = 'urn:tessera.example.com';
const SP_SLO_URL = 'https://sp.example.com/sls';
const OPTIONS: LogoutOptions = { now: T0, skewSeconds: 120, expectedDestinations: [IDP_SLO_URL] };
const SIGNED: LogoutOptions = { ...OPTIONS, signingCertificates: [sp.certificatePem] };
/** What an SP receives our messages with. */
const AT_SP = { now: T0, skewSeconds: 120, expectedDestinations: [SP_SLO_URL], signingCertificates: [idp.certificatePem] };

function redirectInput(r: RedirectRequest): LogoutRequestInput {
  return { binding: 'redirect', samlRequest: r.fields.samlRequest, relayState: r.fields.relayState, sigAlg: r.fields.sigAlg, signature: r.fields.signature, rawQuery: r.rawQuery };
}

function refused(f: () => unknown, reason: LogoutRejectReason): LogoutMessageError {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${reason}`).toBeInstanceOf(LogoutMessageError);
  const e = error as LogoutMessageError;
  expect([e.reason, e.detail]).toEqual([reason, e.detail]);
  expect(e.code).toBe(`ERR_SAML_LOGOUT_${reason}`);
  return e;
}

describe('parseLogoutRequest', () => {
  it('reads an unsigned Redirect LogoutRequest: NameID, SessionIndex, ID, Issuer, RelayState', () => {
    const r = parseLogoutRequest(redirectInput(redirectRequest(logoutRequestXml({ sessionIndexes: ['_s1', '_s2'] }), { relayState: 'bye' })), OPTIONS);
    expect(r).toMatchObject({
      id: '_lr0123456789abcdef0123456789abcd',
      issuer: SP_ENTITY_ID,
      issueInstant: iso(T0),
      destination: IDP_SLO_URL,
      nameId: { value: 'jane@example.com', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' },
      sessionIndexes: ['_s1', '_s2'],
      relayState: 'bye',
      signed: false,
    });
  });

  it('verifies a signed Redirect LogoutRequest and a signed POST LogoutRequest', () => {
    expect(parseLogoutRequest(redirectInput(redirectRequest(logoutRequestXml(), { keys: sp, relayState: 'x' })), SIGNED).signed).toBe(true);
    expect(parseLogoutRequest({ binding: 'post', samlRequest: b64(signXml(logoutRequestXml(), sp)) }, SIGNED).signed).toBe(true);
  });

  it('applies the same signature rules as the AuthnRequest', () => {
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml()) }, SIGNED), 'SIGNATURE_REQUIRED');
    refused(() => parseLogoutRequest(redirectInput(redirectRequest(logoutRequestXml(), { keys: sp, relayState: 'x', signedRelayState: 'y' })), SIGNED), 'SIGNATURE_INVALID');
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(signXml(logoutRequestXml(), sp).replace('jane@example.com', 'admin@example.com')) }, SIGNED), 'SIGNATURE_INVALID');
    refused(() => parseLogoutRequest(redirectInput(redirectRequest(logoutRequestXml(), { keys: sp, sigAlg: ALG.hmacSha1, signHash: 'sha256' })), SIGNED), 'ALGORITHM');
  });

  it('EXPIRED: NotOnOrAfter in the past (node-saml CVE-2023-40178); STALE and FUTURE IssueInstant', () => {
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml({ notOnOrAfter: iso(T0 - 200_000) })) }, OPTIONS), 'EXPIRED');
    expect(parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml({ notOnOrAfter: iso(T0 - 60_000) })) }, OPTIONS).id).toBeDefined();
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml({ notOnOrAfter: '2026-06-01T12:00:00' })) }, OPTIONS), 'MALFORMED');
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml({ issueInstant: iso(T0 - 3_600_000) })) }, OPTIONS), 'STALE');
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml({ issueInstant: iso(T0 + 3_600_000) })) }, OPTIONS), 'FUTURE');
  });

  it('ISSUER_MISMATCH, DESTINATION_MISMATCH, UNSUPPORTED_NAMEID, MALFORMED without NameID, NOT_LOGOUT_REQUEST', () => {
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml({ issuer: 'https://other-sp.example.com' })) }, { ...OPTIONS, expectedIssuers: [SP_ENTITY_ID] }), 'ISSUER_MISMATCH');
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml({ destination: 'https://tessera.example.com/samlp/client2/logout' })) }, OPTIONS), 'DESTINATION_MISMATCH');
    const enc = refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml({ encryptedId: true })) }, OPTIONS), 'UNSUPPORTED_NAMEID');
    expect(enc.status).toEqual({ code: STATUS.requester, subCode: STATUS_CODE.requestUnsupported });
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml({ nameId: null })) }, OPTIONS), 'MALFORMED');
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(logoutRequestXml({ nameId: '' })) }, OPTIONS), 'MALFORMED');
    const authn = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0" IssueInstant="2026-06-01T12:00:00Z"/>';
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(authn) }, OPTIONS), 'NOT_LOGOUT_REQUEST');
  });

  it('refuses a DOCTYPE and a second LogoutRequest wrapped inside (XSW)', () => {
    const xml = logoutRequestXml();
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(`<!DOCTYPE r [<!ENTITY x "y">]>${xml}`) }, OPTIONS), 'MALFORMED');
    const signed = signXml(logoutRequestXml(), sp);
    const wrapped = logoutRequestXml({ id: '_evil', nameId: 'admin@example.com' }).replace('<saml:NameID', `<samlp:Extensions>${signed}</samlp:Extensions><saml:NameID`);
    refused(() => parseLogoutRequest({ binding: 'post', samlRequest: b64(wrapped) }, SIGNED), 'MALFORMED');
  });
});

describe('buildLogoutResponse', () => {
  it('builds the LogoutResponse with DOM calls: attributes, Issuer, signature after Issuer, Status', () => {
    const xml = buildLogoutResponse({ issuer: IDP_ENTITY_ID, destination: SP_SLO_URL, inResponseTo: '_lr1', now: T0, id: '_resp1' }, { privateKey: idp.privateKeyPem, certificate: idp.certificatePem });
    prescan(xml);
    const root = parseXmlStrict(xml).documentElement;
    expect([root.namespaceURI, root.localName, root.getAttribute('ID'), root.getAttribute('InResponseTo'), root.getAttribute('Version'), root.getAttribute('IssueInstant'), root.getAttribute('Destination')]).toEqual([
      NS.protocol, 'LogoutResponse', '_resp1', '_lr1', '2.0', iso(T0), SP_SLO_URL,
    ]);
    expect(childElements(root).map((e) => `${e.namespaceURI === NS.ds ? 'ds' : e.prefix}:${e.localName}`)).toEqual(['saml:Issuer', 'ds:Signature', 'samlp:Status']);
    const verified = parseLogoutResponse({ binding: 'post', samlResponse: b64(xml) }, { ...AT_SP, expectedIssuers: [IDP_ENTITY_ID], expectedInResponseTo: '_lr1' });
    expect(verified).toMatchObject({ id: '_resp1', issuer: IDP_ENTITY_ID, inResponseTo: '_lr1', success: true, signed: true, status: { code: STATUS.success } });
  });

  it('carries a refusal\'s status and message, and keeps markup in values as text (S42)', () => {
    const hostile = 'urn:x"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>';
    const xml = buildLogoutResponse({ issuer: hostile, destination: SP_SLO_URL, inResponseTo: '_lr1', now: T0, status: { code: STATUS.requester, subCode: STATUS_CODE.requestDenied, message: 'no <session> & "done"' } });
    const r = parseLogoutResponse({ binding: 'post', samlResponse: b64(xml) }, { ...AT_SP, signingCertificates: undefined });
    expect(r.issuer).toBe(hostile);
    expect(r.status).toEqual({ code: STATUS.requester, subCode: STATUS_CODE.requestDenied, message: 'no <session> & "done"' });
    expect(r.success).toBe(false);
  });

  it('refuses a non-NCName InResponseTo (S43) and characters XML cannot carry', () => {
    expect(() => buildLogoutResponse({ issuer: IDP_ENTITY_ID, destination: SP_SLO_URL, inResponseTo: '_x"/><a', now: T0 })).toThrow(/NCName/);
    expect(() => buildLogoutResponse({ issuer: 'a\u0001', destination: SP_SLO_URL, inResponseTo: '_x', now: T0 })).toThrow(/character/);
  });

  it('round-trips through the Redirect binding with a query signature', () => {
    const xml = buildLogoutResponse({ issuer: IDP_ENTITY_ID, destination: SP_SLO_URL, inResponseTo: '_lr1', now: T0 });
    const { query } = encodeRedirectSigned({ param: 'SAMLResponse', xml, relayState: 'back to app', privateKey: idp.privateKeyPem });
    const location = redirectLocation(SP_SLO_URL, query);
    const raw = new URL(location).search.slice(1);
    const q = new URLSearchParams(raw);
    const r = parseLogoutResponse(
      { binding: 'redirect', samlResponse: q.get('SAMLResponse') as string, relayState: q.get('RelayState') ?? undefined, sigAlg: q.get('SigAlg') ?? undefined, signature: q.get('Signature') ?? undefined, rawQuery: raw },
      { ...AT_SP, expectedInResponseTo: '_lr1' },
    );
    expect([r.signed, r.relayState, r.success]).toEqual([true, 'back to app', true]);
  });
});

describe('parseLogoutResponse', () => {
  it('IN_RESPONSE_TO_MISMATCH, NOT_LOGOUT_RESPONSE, MALFORMED without Status', () => {
    const xml = buildLogoutResponse({ issuer: IDP_ENTITY_ID, destination: SP_SLO_URL, inResponseTo: '_lr1', now: T0 });
    refused(() => parseLogoutResponse({ binding: 'post', samlResponse: b64(xml) }, { ...AT_SP, signingCertificates: undefined, expectedInResponseTo: '_other' }), 'IN_RESPONSE_TO_MISMATCH');
    const request = buildLogoutRequest({ issuer: IDP_ENTITY_ID, destination: SP_SLO_URL, nameId: { value: 'jane@example.com' }, now: T0 }).xml;
    refused(() => parseLogoutResponse({ binding: 'post', samlResponse: b64(request) }, { ...AT_SP, signingCertificates: undefined }), 'NOT_LOGOUT_RESPONSE');
    const noStatus = xml.replace(/<samlp:Status>.*<\/samlp:Status>/, '');
    refused(() => parseLogoutResponse({ binding: 'post', samlResponse: b64(noStatus) }, { ...AT_SP, signingCertificates: undefined }), 'MALFORMED');
  });

  it('expects a SAMLResponse in the query, not a SAMLRequest', () => {
    const r = redirectRequest(logoutRequestXml());
    refused(() => parseLogoutResponse({ binding: 'redirect', samlResponse: r.fields.samlRequest, rawQuery: r.rawQuery }, OPTIONS), 'MALFORMED');
  });
});

describe('buildLogoutRequest (IdP-initiated SLO)', () => {
  it('builds NameID, SessionIndex, NotOnOrAfter and returns the ID to match the answer', () => {
    const { xml, id } = buildLogoutRequest(
      { issuer: IDP_ENTITY_ID, destination: SP_SLO_URL, nameId: { value: 'jane@example.com', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', spNameQualifier: SP_ENTITY_ID }, sessionIndex: ['_s1', '_s2'], now: T0, reason: 'urn:oasis:names:tc:SAML:2.0:logout:user' },
      { privateKey: idp.privateKeyPem, certificate: idp.certificatePem, signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' },
    );
    expect(id).toMatch(/^_[A-Za-z0-9]{32}$/);
    const r = parseLogoutRequest({ binding: 'post', samlRequest: b64(xml) }, { ...AT_SP, expectedIssuers: [IDP_ENTITY_ID] });
    expect(r).toMatchObject({ id, signed: true, notOnOrAfter: iso(T0 + 300_000), sessionIndexes: ['_s1', '_s2'], reason: 'urn:oasis:names:tc:SAML:2.0:logout:user' });
    expect(r.nameId).toEqual({ value: 'jane@example.com', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', nameQualifier: undefined, spNameQualifier: SP_ENTITY_ID });
    expect(r.warnings.join()).toMatch(/SHA-1/);
  });

  it('refuses an empty NameID and a bad lifetime', () => {
    expect(() => buildLogoutRequest({ issuer: IDP_ENTITY_ID, destination: SP_SLO_URL, nameId: { value: '' }, now: T0 })).toThrow(/NameID/);
    expect(() => buildLogoutRequest({ issuer: IDP_ENTITY_ID, destination: SP_SLO_URL, nameId: { value: 'a' }, now: T0, lifetimeSeconds: 0 })).toThrow(/lifetime/);
  });

  it('signs only with an RSA key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => buildLogoutRequest({ issuer: IDP_ENTITY_ID, destination: SP_SLO_URL, nameId: { value: 'a' }, now: T0 }, { privateKey: ec, certificate: idp.certificatePem })).toThrow(/RSA/);
  });
});

describe('the logout reason catalogue', () => {
  it('gives every reason a distinct code, a status and a public message', () => {
    const codes = new Set(LOGOUT_REJECT_REASONS.map((r) => new LogoutMessageError(r, 'd', undefined).code));
    expect(codes.size).toBe(LOGOUT_REJECT_REASONS.length);
    for (const r of LOGOUT_REJECT_REASONS) {
      const e = new LogoutMessageError(r, 'd', undefined);
      expect(e.message.length).toBeGreaterThan(0);
      expect([STATUS.requester, STATUS_CODE.versionMismatch]).toContain(e.status.code);
    }
  });
});
