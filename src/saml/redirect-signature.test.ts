import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certify, derToPem } from '../../test/support/saml-fixtures.js';
import { makeKeys } from '../../test/support/saml-requests.js';
import { decodeRedirectParam } from './bindings.js';
import { ALG } from './ns.js';
import {
  encodeRedirectQuery,
  encodeRedirectSigned,
  formDecode,
  formEncode,
  parseRedirectQuery,
  redirectLocation,
  signedOctets,
  verifyRedirectSignature,
  type RedirectQuery,
} from './redirect-signature.js';

const keys = makeKeys();
const XML = '<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r" Version="2.0" IssueInstant="2026-06-01T12:00:00Z"/>';

function parsed(raw: string, param: 'SAMLRequest' | 'SAMLResponse' = 'SAMLResponse'): RedirectQuery {
  const r = parseRedirectQuery(raw, param);
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  return r.query;
}

describe('formEncode / formDecode', () => {
  it('encodes as Python quote_plus: unreserved kept, space as +, everything else uppercase %XX', () => {
    expect(formEncode('a b~c-d_e.f!\'()*+/=:#?&é')).toBe('a+b~c-d_e.f%21%27%28%29%2A%2B%2F%3D%3A%23%3F%26%C3%A9');
    expect(formEncode(ALG.rsaSha256)).toBe('http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256');
  });

  it('decodes + as space and refuses malformed escapes and invalid UTF-8', () => {
    expect(formDecode('a+b%20c%7e')).toBe('a b c~');
    expect(formDecode('%E0%A4%A')).toBeUndefined();
    expect(formDecode('%FF')).toBeUndefined();
  });
});

describe('parseRedirectQuery', () => {
  it('keeps each SAML parameter\'s octets as received, ignores other parameters and a leading ?', () => {
    const q = parsed('?connection=db&SigAlg=x%3Ay&SAMLResponse=abc%2B&RelayState=a+b&Signature=s%3D&extra');
    expect(q.message).toEqual({ raw: 'SAMLResponse=abc%2B', value: 'abc+' });
    expect(q.relayState).toEqual({ raw: 'RelayState=a+b', value: 'a b' });
    // Bindings §3.4.4.1 order, whatever the order received.
    expect(signedOctets(q)).toBe('SAMLResponse=abc%2B&RelayState=a+b&SigAlg=x%3Ay');
  });

  it('refuses duplicates, encoded names, a missing or conflicting message parameter, and an oversized query', () => {
    for (const [raw, reason] of [
      ['SAMLResponse=a&SAMLResponse=b', 'MALFORMED'],
      ['SAMLResponse=a&Signature=x&Signature=y', 'MALFORMED'],
      ['SAMLResponse=a&Sig%41lg=x', 'MALFORMED'],
      ['SAMLResponse=a&RelayState=%ZZ', 'MALFORMED'],
      ['RelayState=a', 'MALFORMED'],
      ['SAMLResponse=a&SAMLRequest=b', 'MALFORMED'],
      [`SAMLResponse=${'a'.repeat(33_000)}`, 'OVERSIZED'],
    ] as const) {
      const r = parseRedirectQuery(raw, 'SAMLResponse');
      expect([raw.slice(0, 40), r.ok ? 'ok' : r.reason]).toEqual([raw.slice(0, 40), reason]);
    }
  });
});

describe('encodeRedirectSigned and verifyRedirectSignature', () => {
  it('round-trips: the message inflates back, the signature verifies over the octets as sent', () => {
    const { query, parameters } = encodeRedirectSigned({ param: 'SAMLResponse', xml: XML, relayState: 'to /app?x=1', privateKey: keys.privateKeyPem });
    const q = parsed(query);
    expect(decodeRedirectParam(q.message.value)).toBe(XML);
    expect(q.relayState?.value).toBe('to /app?x=1');
    expect(parameters.SigAlg).toBe(ALG.rsaSha256);
    expect(verifyRedirectSignature(q, [keys.certificatePem])).toEqual({ ok: true, algorithm: ALG.rsaSha256, warnings: [] });
  });

  it('signs what OneLogin would rebuild with quote_plus: the signed octets equal the re-encoded values', () => {
    const { query, parameters } = encodeRedirectSigned({ param: 'SAMLResponse', xml: XML, relayState: "a b!'()*~", privateKey: keys.privateKey, sigAlg: 'rsa-sha1' });
    const rebuilt = `SAMLResponse=${formEncode(parameters.SAMLResponse as string)}&RelayState=${formEncode(parameters.RelayState as string)}&SigAlg=${formEncode(parameters.SigAlg as string)}`;
    expect(query.startsWith(`${rebuilt}&Signature=`)).toBe(true);
    const v = verifyRedirectSignature(parsed(query), [keys.certificateBase64]);
    expect(v.ok && v.warnings.length).toBe(1);
  });

  it('omits an empty RelayState, and refuses one over 80 bytes', () => {
    expect(encodeRedirectQuery({ param: 'SAMLRequest', xml: XML, relayState: '' }).query).not.toContain('RelayState');
    expect(() => encodeRedirectQuery({ param: 'SAMLRequest', xml: XML, relayState: 'x'.repeat(81) })).toThrow(/80 bytes/);
  });

  it('refuses a changed RelayState, SigAlg or message, another key, and an EC certificate for an rsa SigAlg', () => {
    const { query } = encodeRedirectSigned({ param: 'SAMLResponse', xml: XML, relayState: 'one', privateKey: keys.privateKeyPem });
    const other = makeKeys();
    const check = (raw: string, certs = [keys.certificatePem]): string => {
      const v = verifyRedirectSignature(parsed(raw), certs);
      return v.ok ? 'ok' : v.reason;
    };
    expect(check(query.replace('RelayState=one', 'RelayState=two'))).toBe('SIGNATURE_INVALID');
    expect(check(query.replace('rsa-sha256', 'rsa-sha512'))).toBe('SIGNATURE_INVALID');
    expect(check(query.replace(/SAMLResponse=./, 'SAMLResponse=A'))).toBe('SIGNATURE_INVALID');
    expect(check(query, [other.certificatePem])).toBe('SIGNATURE_INVALID');
    expect(check(query.replace(/&SigAlg=[^&]*/, ''))).toBe('MALFORMED');
    expect(check(query.replace(/&Signature=[^&]*/, ''))).toBe('SIGNATURE_REQUIRED');
    expect(check(query.replace(/Signature=[^&]*/, 'Signature=%40%40%40%40'))).toBe('MALFORMED');

    // An ECDSA signature under an EC certificate, announced as rsa-sha256: never verified as ECDSA.
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecCert = derToPem(certify(ec.publicKey, { subject: { cn: 'ec.example' }, issuer: { cn: 'ec.example' }, serial: Buffer.from([1]), notBefore: Date.UTC(2024, 0, 1), notAfter: Date.UTC(2034, 0, 1), ca: false }, keys.privateKey));
    const unsigned = `${encodeRedirectQuery({ param: 'SAMLResponse', xml: XML }).query}&SigAlg=${formEncode(ALG.rsaSha256)}`;
    const raw = `${unsigned}&Signature=${formEncode(sign('sha256', Buffer.from(unsigned), ec.privateKey).toString('base64'))}`;
    expect(check(raw, [ecCert])).toBe('SIGNATURE_INVALID');
  });

  it('refuses a non-RSA signing key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => encodeRedirectSigned({ param: 'SAMLRequest', xml: XML, privateKey: ec })).toThrow(/RSA/);
  });
});

describe('redirectLocation', () => {
  it('appends with ? or &, drops a fragment, and refuses non-http(s) endpoints', () => {
    expect(redirectLocation('https://sp.example/sls', 'a=1')).toBe('https://sp.example/sls?a=1');
    expect(redirectLocation('https://sp.example/sls?x=y#frag', 'a=1')).toBe('https://sp.example/sls?x=y&a=1');
    expect(() => redirectLocation('javascript:alert(1)', 'a=1')).toThrow();
    expect(() => redirectLocation('/relative', 'a=1')).toThrow();
  });
});
