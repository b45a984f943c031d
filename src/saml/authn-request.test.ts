import { deflateRawSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  authnRequestXml,
  b64,
  deflated,
  IDP_SSO_URL,
  iso,
  makeKeys,
  mutate,
  redirectRequest,
  signXml,
  SP_ACS_URL,
  SP_ENTITY_ID,
  T0,
  type RedirectRequest,
} from '../../test/support/saml-requests.js';
import {
  AUTHN_REQUEST_REJECT_REASONS,
  AuthnRequestError,
  authnRequestStatus,
  parseAuthnRequest,
  type AuthnRequestInput,
  type AuthnRequestOptions,
  type AuthnRequestRejectReason,
  type VerifiedAuthnRequest,
} from './authn-request.js';
import { ALG, NS, STATUS } from './ns.js';
import { STATUS_CODE } from './protocol-message.js';

const sp = makeKeys('sp.example.com');
const attacker = makeKeys('sp.example.com');
const OPTIONS: AuthnRequestOptions = { now: new Date(T0), skewSeconds: 120, expectedDestinations: [IDP_SSO_URL] };
const SIGNED: AuthnRequestOptions = { ...OPTIONS, signingCertificates: [sp.certificatePem] };

function redirectInput(r: RedirectRequest): AuthnRequestInput {
  return { binding: 'redirect', samlRequest: r.fields.samlRequest, relayState: r.fields.relayState, sigAlg: r.fields.sigAlg, signature: r.fields.signature, rawQuery: r.rawQuery };
}
const post = (xml: string, relayState?: string): AuthnRequestInput => ({ binding: 'post', samlRequest: b64(xml), relayState });

function refused(input: AuthnRequestInput, options: AuthnRequestOptions, reason: AuthnRequestRejectReason): AuthnRequestError {
  let error: unknown;
  try {
    parseAuthnRequest(input, options);
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${reason}`).toBeInstanceOf(AuthnRequestError);
  const e = error as AuthnRequestError;
  expect([e.reason, e.detail]).toEqual([reason, e.detail]);
  expect(e.code).toBe(`ERR_SAML_AUTHN_REQUEST_${reason}`);
  expect(e.httpStatus).toBe(400);
  // The public message never echoes the document.
  expect(e.message).not.toMatch(/sp\.example|_a1b2|<|evil/);
  return e;
}

describe('parseAuthnRequest: what it accepts', () => {
  it('reads an unsigned Redirect request (raw DEFLATE) with every field', () => {
    const xml = authnRequestXml({ forceAuthn: 'true' });
    const r = parseAuthnRequest(redirectInput(redirectRequest(xml, { relayState: 'state-1' })), OPTIONS);
    expect(r).toEqual<VerifiedAuthnRequest>({
      id: '_a1b2c3d4e5f60718293a4b5c6d7e8f90',
      issuer: SP_ENTITY_ID,
      issueInstant: iso(T0),
      destination: IDP_SSO_URL,
      assertionConsumerServiceUrl: SP_ACS_URL,
      assertionConsumerServiceIndex: undefined,
      protocolBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
      providerName: undefined,
      forceAuthn: true,
      isPassive: false,
      nameIdPolicyFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      nameIdPolicyAllowCreate: true,
      requestedAuthnContext: { comparison: 'exact', classRefs: ['urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport'], declRefs: [] },
      relayState: 'state-1',
      signed: false,
      signatureAlgorithm: undefined,
      warnings: [],
    });
  });

  it('reads an unsigned POST request (base64 XML) and a deflated POST (node-saml), telling them apart by the first byte', () => {
    const xml = authnRequestXml();
    expect(parseAuthnRequest(post(xml), OPTIONS).id).toBe('_a1b2c3d4e5f60718293a4b5c6d7e8f90');
    expect(parseAuthnRequest({ binding: 'post', samlRequest: deflated(xml) }, OPTIONS).issuer).toBe(SP_ENTITY_ID);
    // …and plain base64 over the Redirect binding (L-samlp accepts both encodings on both methods).
    expect(parseAuthnRequest({ binding: 'redirect', samlRequest: b64(xml) }, OPTIONS).issuer).toBe(SP_ENTITY_ID);
  });

  it('accepts an XML declaration and whitespace as OneLogin and node-saml write them', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${authnRequestXml().replace('><saml:Issuer', '>\n    <saml:Issuer')}`;
    expect(parseAuthnRequest(post(xml), OPTIONS).issuer).toBe(SP_ENTITY_ID);
  });

  it('verifies a signed Redirect request over the raw query octets (rsa-sha256)', () => {
    const r = parseAuthnRequest(redirectInput(redirectRequest(authnRequestXml(), { keys: sp, relayState: 'https://sp.example.com/after?x=1&y=2' })), SIGNED);
    expect(r.signed).toBe(true);
    expect(r.signatureAlgorithm).toBe(ALG.rsaSha256);
    expect(r.relayState).toBe('https://sp.example.com/after?x=1&y=2');
    expect(r.warnings).toEqual([]);
  });

  it('verifies the octets as received whatever the sender\'s percent-encoding (lowercase hex, unescaped `~`)', () => {
    const lower = (s: string): string => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    const r = parseAuthnRequest(redirectInput(redirectRequest(authnRequestXml(), { keys: sp, relayState: 'a b~c', encode: lower })), SIGNED);
    expect([r.signed, r.relayState]).toEqual([true, 'a b~c']);
  });

  it('accepts rsa-sha1 in Redirect with a warning, and refuses it under strict', () => {
    const req = redirectInput(redirectRequest(authnRequestXml(), { keys: sp, sigAlg: ALG.rsaSha1 }));
    const r = parseAuthnRequest(req, SIGNED);
    expect(r.signed).toBe(true);
    expect(r.warnings.join()).toMatch(/sha1/i);
    refused(req, { ...SIGNED, strict: true }, 'ALGORITHM');
  });

  it('verifies a signed POST request (enveloped, exc-c14n) and reads from the signed bytes', () => {
    const xml = signXml(authnRequestXml(), sp);
    const r = parseAuthnRequest(post(xml, 'rs'), SIGNED);
    expect([r.signed, r.assertionConsumerServiceUrl, r.relayState]).toEqual([true, SP_ACS_URL, 'rs']);
  });

  it('verifies a signed POST with a prefixed ds:Signature, rsa-sha1/sha1 (OneLogin\'s default) with a warning', () => {
    const xml = signXml(authnRequestXml(), sp, { prefix: 'ds', signatureAlgorithm: ALG.rsaSha1, digestAlgorithm: ALG.sha1 });
    const r = parseAuthnRequest(post(xml), SIGNED);
    expect(r.signed).toBe(true);
    expect(r.warnings.join()).toMatch(/SHA-1/);
    refused(post(xml), { ...SIGNED, strict: true }, 'ALGORITHM');
  });

  it('tries every configured certificate (rollover)', () => {
    const r = parseAuthnRequest(post(signXml(authnRequestXml(), sp)), { ...OPTIONS, signingCertificates: [attacker.certificatePem, sp.certificateBase64] });
    expect(r.signed).toBe(true);
  });

  it('ignores a signature when no certificate is configured, reporting signed: false', () => {
    const viaPost = parseAuthnRequest(post(signXml(authnRequestXml(), attacker)), OPTIONS);
    expect([viaPost.signed, viaPost.warnings.join()]).toEqual([false, expect.stringMatching(/ignored/)]);
    const viaRedirect = parseAuthnRequest(redirectInput(redirectRequest(authnRequestXml(), { keys: attacker })), OPTIONS);
    expect([viaRedirect.signed, viaRedirect.warnings.join()]).toEqual([false, expect.stringMatching(/ignored/)]);
    // An empty list means none configured.
    expect(parseAuthnRequest(post(authnRequestXml()), { ...OPTIONS, signingCertificates: [] }).signed).toBe(false);
  });

  it('accepts an IssueInstant within the skew, and IsPassive when the caller allows it', () => {
    expect(parseAuthnRequest(post(authnRequestXml({ issueInstant: iso(T0 + 100_000) })), OPTIONS).id).toBeDefined();
    expect(parseAuthnRequest(post(authnRequestXml({ issueInstant: iso(T0 - 400_000) })), OPTIONS).id).toBeDefined();
    expect(parseAuthnRequest(post(authnRequestXml({ isPassive: 'true' })), { ...OPTIONS, allowPassive: true }).isPassive).toBe(true);
  });

  it('accepts a request without Destination when unsigned', () => {
    expect(parseAuthnRequest(post(authnRequestXml({ destination: null })), OPTIONS).destination).toBeUndefined();
  });
});

describe('parseAuthnRequest: every reason of the catalogue', () => {
  it('OVERSIZED: POST value past 100 000 characters, Redirect value past 8 KiB, a deflate bomb, a huge query', () => {
    refused({ binding: 'post', samlRequest: 'PA'.padEnd(100_004, 'A') }, OPTIONS, 'OVERSIZED');
    refused({ binding: 'redirect', samlRequest: 'A'.repeat(9000) }, OPTIONS, 'OVERSIZED');
    const t = performance.now();
    const bomb = deflateRawSync(Buffer.alloc(5e6, 0x20), { level: 9 }).toString('base64');
    refused({ binding: 'redirect', samlRequest: bomb }, OPTIONS, 'OVERSIZED');
    expect(performance.now() - t).toBeLessThan(500);
    refused({ binding: 'redirect', samlRequest: 'x', rawQuery: `SAMLRequest=x&pad=${'a'.repeat(40_000)}` }, OPTIONS, 'OVERSIZED');
  });

  it('OVERSIZED: an AuthnRequest nested past the depth cap', () => {
    const deep = authnRequestXml().replace('</samlp:AuthnRequest>', `<samlp:Extensions>${'<x:a xmlns:x="urn:x">'.repeat(70)}${'</x:a>'.repeat(70)}</samlp:Extensions></samlp:AuthnRequest>`);
    refused(post(deep), OPTIONS, 'OVERSIZED');
  });

  it('MALFORMED: not base64, not DEFLATE, zlib-wrapped, not UTF-8, not XML', () => {
    refused({ binding: 'post', samlRequest: 'not base64!' }, OPTIONS, 'MALFORMED');
    refused({ binding: 'redirect', samlRequest: Buffer.from('garbage-that-is-not-deflate').toString('base64') }, OPTIONS, 'MALFORMED');
    refused({ binding: 'redirect', samlRequest: deflateSync(Buffer.from(authnRequestXml())).toString('base64') }, OPTIONS, 'MALFORMED');
    refused({ binding: 'post', samlRequest: Buffer.from([0x3c, 0xff, 0xfe, 0x3e]).toString('base64') }, OPTIONS, 'MALFORMED');
    refused({ binding: 'post', samlRequest: b64('<samlp:AuthnRequest') }, OPTIONS, 'MALFORMED');
  });

  it('MALFORMED: DOCTYPE, external entity (XXE), billion laughs, comment and processing instruction are refused before parsing', () => {
    const xml = authnRequestXml();
    const body = xml.slice(xml.indexOf('<samlp:AuthnRequest'));
    for (const hostile of [
      `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${body.replace(SP_ENTITY_ID, '&x;')}`,
      `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${body.replace(SP_ENTITY_ID, '&b;')}`,
      `<!DOCTYPE r SYSTEM "http://127.0.0.1:1/d.dtd">${body}`,
      body.replace(SP_ENTITY_ID, 'https://sp.example.com<!---->/metadata'),
      body.replace(SP_ENTITY_ID, '<?p x?>https://sp.example.com/metadata'),
    ]) {
      const e = refused(post(hostile), OPTIONS, 'MALFORMED');
      expect(e.detail).toMatch(/^xml: (DOCTYPE|ENTITY|COMMENT|PROCESSING_INSTRUCTION)/);
    }
  });

  it('MALFORMED: missing ID, a non-NCName ID reflected as InResponseTo (S43), no Issuer, bad IssueInstant', () => {
    refused(post(mutate(authnRequestXml(), (d) => d.documentElement.removeAttribute('ID'))), OPTIONS, 'MALFORMED');
    const quoted = refused(post(authnRequestXml({ id: '_x"/><saml:Attribute' })), OPTIONS, 'MALFORMED');
    expect(quoted.unverifiedRequestId).toBeUndefined();
    const noIssuer = refused(post(authnRequestXml({ issuer: null })), OPTIONS, 'MALFORMED');
    expect(noIssuer.unverifiedRequestId).toBe('_a1b2c3d4e5f60718293a4b5c6d7e8f90');
    for (const instant of ['2026-06-01T12:00:00', '2026-02-30T12:00:00Z', 'yesterday']) refused(post(authnRequestXml({ issueInstant: instant })), OPTIONS, 'MALFORMED');
  });

  it('MALFORMED: ACS index together with URL, a bad boolean, an unknown child, two NameIDPolicy elements', () => {
    refused(post(authnRequestXml({ acsIndex: '1' })), OPTIONS, 'MALFORMED');
    refused(post(authnRequestXml({ acsIndex: '70000', acsUrl: null, protocolBinding: null })), OPTIONS, 'MALFORMED');
    refused(post(authnRequestXml({ forceAuthn: 'yes' })), OPTIONS, 'MALFORMED');
    refused(post(authnRequestXml().replace('</samlp:AuthnRequest>', '<samlp:Evil/></samlp:AuthnRequest>')), OPTIONS, 'MALFORMED');
    refused(post(authnRequestXml().replace('<samlp:RequestedAuthnContext', '<samlp:NameIDPolicy/><samlp:RequestedAuthnContext')), OPTIONS, 'MALFORMED');
  });

  it('MALFORMED: HTTP parameter pollution and decoded values that differ from the raw query', () => {
    const r = redirectRequest(authnRequestXml(), { keys: sp, relayState: 'good' });
    // A duplicate SAMLRequest (the framework reads one, the signature covers the other).
    refused({ ...redirectInput(r), rawQuery: `${r.rawQuery}&SAMLRequest=${encodeURIComponent(deflated(authnRequestXml({ acsUrl: 'https://evil.example/acs' })))}` }, SIGNED, 'MALFORMED');
    refused({ ...redirectInput(r), rawQuery: `${r.rawQuery}&RelayState=evil` }, SIGNED, 'MALFORMED');
    // A percent-encoded parameter name.
    refused({ ...redirectInput(r), rawQuery: r.rawQuery.replace('RelayState=', 'Relay%53tate=') }, SIGNED, 'MALFORMED');
    // The HTTP layer decoded another value than the raw query carries.
    refused({ ...redirectInput(r), relayState: 'evil' }, SIGNED, 'MALFORMED');
    refused({ ...redirectInput(r), samlRequest: deflated(authnRequestXml({ acsUrl: 'https://evil.example/acs' })) }, SIGNED, 'MALFORMED');
    // A query that carries a SAMLResponse too.
    refused({ ...redirectInput(r), rawQuery: `${r.rawQuery}&SAMLResponse=x` }, SIGNED, 'MALFORMED');
  });

  it('RELAY_STATE: longer than 80 bytes (bindings §3.4.3)', () => {
    refused(post(authnRequestXml(), 'r'.repeat(81)), OPTIONS, 'RELAY_STATE');
    refused(redirectInput(redirectRequest(authnRequestXml(), { relayState: 'é'.repeat(41) })), OPTIONS, 'RELAY_STATE');
  });

  it('NOT_AUTHN_REQUEST: a LogoutRequest, a Response, an AuthnRequest in another namespace', () => {
    const e = refused(post(authnRequestXml({ root: { ns: NS.protocol, local: 'LogoutRequest' } })), OPTIONS, 'NOT_AUTHN_REQUEST');
    expect(e.status).toEqual({ code: STATUS.requester, subCode: STATUS_CODE.requestUnsupported });
    refused(post(authnRequestXml({ root: { ns: NS.protocol, local: 'Response' } })), OPTIONS, 'NOT_AUTHN_REQUEST');
    refused(post(authnRequestXml({ root: { ns: 'urn:evil', local: 'AuthnRequest' } })), OPTIONS, 'NOT_AUTHN_REQUEST');
  });

  it('VERSION: 1.1, 3.0 and missing map to VersionMismatch with the right second-level code', () => {
    expect(refused(post(authnRequestXml({ version: '1.1' })), OPTIONS, 'VERSION').status).toEqual({ code: STATUS_CODE.versionMismatch, subCode: STATUS_CODE.requestVersionTooLow });
    expect(refused(post(authnRequestXml({ version: '3.0' })), OPTIONS, 'VERSION').status).toEqual({ code: STATUS_CODE.versionMismatch, subCode: STATUS_CODE.requestVersionTooHigh });
    expect(refused(post(authnRequestXml({ version: null })), OPTIONS, 'VERSION').status).toEqual({ code: STATUS_CODE.versionMismatch });
  });

  it('DESTINATION_MISMATCH: another endpoint, a trailing slash (byte-exact), a signed request without Destination', () => {
    refused(post(authnRequestXml({ destination: 'https://tessera.example.com/samlp/client2' })), OPTIONS, 'DESTINATION_MISMATCH');
    refused(post(authnRequestXml({ destination: `${IDP_SSO_URL}/` })), OPTIONS, 'DESTINATION_MISMATCH');
    refused(post(signXml(authnRequestXml({ destination: null }), sp)), SIGNED, 'DESTINATION_MISMATCH');
    refused(redirectInput(redirectRequest(authnRequestXml({ destination: null }), { keys: sp })), SIGNED, 'DESTINATION_MISMATCH');
  });

  it('STALE and FUTURE: IssueInstant outside [now − maxAge − skew, now + skew]', () => {
    refused(post(authnRequestXml({ issueInstant: iso(T0 - 421_000) })), OPTIONS, 'STALE');
    refused(post(authnRequestXml({ issueInstant: '2000-01-01T00:00:00Z' })), OPTIONS, 'STALE');
    refused(post(authnRequestXml({ issueInstant: iso(T0 - 61_000) })), { ...OPTIONS, maxAgeSeconds: 60, skewSeconds: 0 }, 'STALE');
    refused(post(authnRequestXml({ issueInstant: iso(T0 + 121_000) })), OPTIONS, 'FUTURE');
  });

  it('SIGNATURE_REQUIRED: an unsigned request for an application with a signing certificate', () => {
    refused(post(authnRequestXml()), SIGNED, 'SIGNATURE_REQUIRED');
    refused(redirectInput(redirectRequest(authnRequestXml(), { relayState: 'x' })), SIGNED, 'SIGNATURE_REQUIRED');
    // Signature stripped from a signed Redirect query (S1 on the binding).
    const r = redirectRequest(authnRequestXml(), { keys: sp });
    refused({ ...redirectInput(r), signature: undefined, sigAlg: undefined, rawQuery: r.rawQuery.replace(/&SigAlg=[^&]*&Signature=[^&]*$/, '') }, SIGNED, 'SIGNATURE_REQUIRED');
    // A Redirect request whose only signature is an enveloped one: bindings §3.4.4.1 signs the query.
    refused(redirectInput(redirectRequest(signXml(authnRequestXml(), sp))), SIGNED, 'SIGNATURE_REQUIRED');
  });

  it('SIGNATURE_INVALID (Redirect): tampered message, tampered signature, another key, signature over a different RelayState, SigAlg swapped', () => {
    const good = redirectRequest(authnRequestXml(), { keys: sp, relayState: 'genuine' });
    const evilMessage = deflated(authnRequestXml({ acsUrl: 'https://evil.example/acs' }));
    refused({ ...redirectInput(good), samlRequest: evilMessage, rawQuery: good.rawQuery.replace(/^SAMLRequest=[^&]*/, `SAMLRequest=${encodeURIComponent(evilMessage)}`) }, SIGNED, 'SIGNATURE_INVALID');
    const flipped = Buffer.from(good.fields.signature as string, 'base64');
    flipped[10] = (flipped[10] as number) ^ 1;
    const flippedB64 = flipped.toString('base64');
    refused({ ...redirectInput(good), signature: flippedB64, rawQuery: good.rawQuery.replace(/Signature=[^&]*$/, `Signature=${encodeURIComponent(flippedB64)}`) }, SIGNED, 'SIGNATURE_INVALID');
    refused(redirectInput(redirectRequest(authnRequestXml(), { keys: attacker, relayState: 'genuine' })), SIGNED, 'SIGNATURE_INVALID');
    refused(redirectInput(redirectRequest(authnRequestXml(), { keys: sp, relayState: 'https://evil.example/', signedRelayState: 'genuine' })), SIGNED, 'SIGNATURE_INVALID');
    refused(redirectInput(redirectRequest(authnRequestXml(), { keys: sp, sigAlg: ALG.rsaSha1, signHash: 'sha256' })), SIGNED, 'SIGNATURE_INVALID');
  });

  it('SIGNATURE_INVALID (Redirect): the verifier never re-encodes — a query re-encoded after signing fails', () => {
    // Signed over `a%20b`, sent as `a+b`: same decoded value, different octets (bindings §3.4.4.1).
    const r = redirectRequest(authnRequestXml(), { keys: sp, relayState: 'a b' });
    refused({ ...redirectInput(r), rawQuery: r.rawQuery.replace('RelayState=a%20b', 'RelayState=a+b') }, SIGNED, 'SIGNATURE_INVALID');
  });

  it('SIGNATURE_INVALID (POST): tampered ACS after signing, flipped SignatureValue, another key, attacker certificate in KeyInfo', () => {
    const signed = signXml(authnRequestXml(), sp);
    refused(post(signed.replace(SP_ACS_URL, 'https://evil.example/acs')), SIGNED, 'SIGNATURE_INVALID');
    refused(post(mutate(signed, (d) => {
      const v = d.getElementsByTagNameNS(NS.ds, 'SignatureValue')[0] as Element;
      const text = v.textContent ?? '';
      v.textContent = (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    })), SIGNED, 'SIGNATURE_INVALID');
    refused(post(signXml(authnRequestXml(), attacker, { keyInfo: false })), SIGNED, 'SIGNATURE_INVALID');
    const keyConfusion = refused(post(signXml(authnRequestXml(), attacker)), SIGNED, 'SIGNATURE_INVALID');
    expect(keyConfusion.detail).toMatch(/KeyInfo/);
  });

  it('SIGNATURE_INVALID (POST, XSW): reference to another element, two signatures, ds:Object, signature out of place, a wrapped signed copy', () => {
    const genuine = authnRequestXml();
    // Reference to an element other than the root (S6).
    const otherRef = signXml(genuine.replace('<samlp:NameIDPolicy', '<samlp:Extensions><x:e xmlns:x="urn:x" ID="_ext">e</x:e></samlp:Extensions><samlp:NameIDPolicy'), sp, {
      referenceXpath: "//*[@ID='_ext']",
    });
    expect(refused(post(otherRef), SIGNED, 'SIGNATURE_INVALID').detail).toMatch(/Reference/);
    // Two signatures.
    const signed = signXml(genuine, sp);
    const twice = mutate(signed, (d) => {
      const s = d.getElementsByTagNameNS(NS.ds, 'Signature')[0] as Element;
      d.documentElement.appendChild(s.cloneNode(true));
    });
    refused(post(twice), SIGNED, 'SIGNATURE_INVALID');
    // XSW8: the genuine request inside ds:Object, an evil root signed by nothing.
    const inObject = mutate(signed, (d) => {
      const s = d.getElementsByTagNameNS(NS.ds, 'Signature')[0] as Element;
      const o = d.createElementNS(NS.ds, 'ds:Object');
      s.appendChild(o);
    });
    refused(post(inObject), SIGNED, 'SIGNATURE_INVALID');
    // The Signature moved to the end of the root.
    const moved = mutate(signed, (d) => {
      const s = d.getElementsByTagNameNS(NS.ds, 'Signature')[0] as Element;
      d.documentElement.appendChild(s);
    });
    refused(post(moved), SIGNED, 'SIGNATURE_INVALID');
    // ruby-saml CVE-2024-45409 shape: a forged DigestValue in Extensions.
    const forgedDigest = signed.replace('<samlp:NameIDPolicy', `<samlp:Extensions><ds:DigestValue xmlns:ds="${NS.ds}">AAAA</ds:DigestValue></samlp:Extensions><samlp:NameIDPolicy`);
    refused(post(forgedDigest), SIGNED, 'SIGNATURE_INVALID');
    // A Signature in a look-alike namespace (S30).
    refused(post(signed.replace('<samlp:NameIDPolicy', '<samlp:Extensions><Signature xmlns="urn:evil"/></samlp:Extensions><samlp:NameIDPolicy')), SIGNED, 'SIGNATURE_INVALID');
  });

  it('MALFORMED (POST, XSW): the genuine signed request wrapped inside an evil one, and duplicate IDs', () => {
    const signed = signXml(authnRequestXml(), sp);
    // XSW3/4 shape: evil root (attacker ACS) wrapping the genuine signed request in Extensions.
    const inner = signed.replace(/^<\?xml[^>]*>/, '');
    const wrapped = authnRequestXml({ id: '_evil', acsUrl: 'https://evil.example/acs' }).replace('<samlp:NameIDPolicy', `<samlp:Extensions>${inner}</samlp:Extensions><samlp:NameIDPolicy`);
    expect(refused(post(wrapped), SIGNED, 'MALFORMED').detail).toMatch(/XSW/);
    // Duplicate IDs (XSW7): an element in Extensions carries the root's ID.
    const dup = signed.replace('<samlp:NameIDPolicy', '<samlp:Extensions><x:e xmlns:x="urn:x" ID="_a1b2c3d4e5f60718293a4b5c6d7e8f90"/></samlp:Extensions><samlp:NameIDPolicy');
    expect(refused(post(dup), SIGNED, 'MALFORMED').detail).toMatch(/duplicate ID/);
    // Signed metadata carried inside (XSW-M).
    refused(post(signed.replace('<samlp:NameIDPolicy', `<samlp:Extensions><md:EntityDescriptor xmlns:md="${NS.metadata}" entityID="x"/></samlp:Extensions><samlp:NameIDPolicy`)), SIGNED, 'MALFORMED');
  });

  it('ALGORITHM: HMAC, DSA and unknown SigAlg; HMAC SignatureMethod, c14n with comments, an XSLT transform, an md5 digest', () => {
    for (const sigAlg of [ALG.hmacSha1, 'http://www.w3.org/2000/09/xmldsig#dsa-sha1', 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', 'none', ` ${ALG.rsaSha256}`]) {
      refused(redirectInput(redirectRequest(authnRequestXml(), { keys: sp, sigAlg, signHash: 'sha256' })), SIGNED, 'ALGORITHM');
    }
    const signed = signXml(authnRequestXml(), sp);
    const setAlg = (local: string, value: string): string =>
      mutate(signed, (d) => (d.getElementsByTagNameNS(NS.ds, local)[0] as Element).setAttribute('Algorithm', value));
    refused(post(setAlg('SignatureMethod', ALG.hmacSha1)), SIGNED, 'ALGORITHM');
    refused(post(setAlg('CanonicalizationMethod', ALG.excC14nWithComments)), SIGNED, 'ALGORITHM');
    refused(post(setAlg('DigestMethod', 'http://www.w3.org/2001/04/xmldsig-more#md5')), SIGNED, 'ALGORITHM');
    refused(post(mutate(signed, (d) => (d.getElementsByTagNameNS(NS.ds, 'Transform')[1] as Element).setAttribute('Algorithm', 'http://www.w3.org/TR/1999/REC-xslt-19991116'))), SIGNED, 'ALGORITHM');
  });

  it('IS_PASSIVE: refused as Responder/NoPassive (Auth0 does not support passive authentication)', () => {
    const e = refused(post(authnRequestXml({ isPassive: 'true' })), OPTIONS, 'IS_PASSIVE');
    expect(e.status).toEqual({ code: STATUS.responder, subCode: STATUS.noPassive });
    expect(e.unverifiedRequestId).toBe('_a1b2c3d4e5f60718293a4b5c6d7e8f90');
    expect(parseAuthnRequest(post(authnRequestXml({ isPassive: 'false' })), OPTIONS).isPassive).toBe(false);
  });

  it('UNSUPPORTED_BINDING: a ProtocolBinding other than HTTP-POST', () => {
    const e = refused(post(authnRequestXml({ protocolBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact' })), OPTIONS, 'UNSUPPORTED_BINDING');
    expect(e.status).toEqual({ code: STATUS.responder, subCode: STATUS_CODE.unsupportedBinding });
  });

  it('needs the raw query to verify a Redirect signature: a programming error, not the sender\'s', () => {
    const r = redirectRequest(authnRequestXml(), { keys: sp });
    expect(() => parseAuthnRequest({ ...redirectInput(r), rawQuery: undefined }, SIGNED)).toThrow(TypeError);
  });
});

describe('the AuthnRequest reason catalogue', () => {
  it('gives every reason a distinct code, a status and a public message', () => {
    const codes = new Set<string>();
    for (const reason of AUTHN_REQUEST_REJECT_REASONS) {
      const e = new AuthnRequestError(reason, 'detail', undefined);
      codes.add(e.code);
      expect(e.message.length).toBeGreaterThan(0);
      expect([STATUS.requester, STATUS.responder, STATUS_CODE.versionMismatch]).toContain(authnRequestStatus(reason).code);
      expect(e.status).toEqual(authnRequestStatus(reason));
    }
    expect(codes.size).toBe(AUTHN_REQUEST_REJECT_REASONS.length);
  });

  it('maps the reasons to the statuses documented in the module header', () => {
    expect(Object.fromEntries(AUTHN_REQUEST_REJECT_REASONS.map((r) => [r, authnRequestStatus(r)]))).toEqual({
      OVERSIZED: { code: STATUS.requester },
      MALFORMED: { code: STATUS.requester },
      RELAY_STATE: { code: STATUS.requester },
      NOT_AUTHN_REQUEST: { code: STATUS.requester, subCode: STATUS_CODE.requestUnsupported },
      VERSION: { code: STATUS_CODE.versionMismatch },
      DESTINATION_MISMATCH: { code: STATUS.requester, subCode: STATUS_CODE.requestDenied },
      STALE: { code: STATUS.requester, subCode: STATUS_CODE.requestDenied },
      FUTURE: { code: STATUS.requester, subCode: STATUS_CODE.requestDenied },
      SIGNATURE_REQUIRED: { code: STATUS.requester, subCode: STATUS_CODE.requestDenied },
      SIGNATURE_INVALID: { code: STATUS.requester, subCode: STATUS_CODE.requestDenied },
      ALGORITHM: { code: STATUS.requester, subCode: STATUS_CODE.requestDenied },
      IS_PASSIVE: { code: STATUS.responder, subCode: STATUS.noPassive },
      UNSUPPORTED_BINDING: { code: STATUS.responder, subCode: STATUS_CODE.unsupportedBinding },
    });
  });
});
