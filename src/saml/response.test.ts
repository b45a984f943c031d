import { createDecipheriv, generateKeyPairSync, privateDecrypt, constants as cryptoConstants } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { describe, expect, it } from 'vitest';
import { createSigningCredential } from './keys.js';
import { ALG, ATTRNAME_FORMAT, AWS_ATTRIBUTE, AWS_AUDIENCE, AWS_SIGNIN_URL, NAMEID_FORMAT, NS, STATUS } from './ns.js';
import {
  attributeNameFormat,
  attributeValueOf,
  buildErrorResponse,
  buildResponse,
  buildUnsignedResponse,
  encodePostBinding,
  ENCRYPTION_URI,
  randomAssertionId,
  randomResponseId,
  randomSessionIndex,
  SamlBuildError,
  type ResponseSpec,
  type SigningOptions,
} from './response.js';
import { childElements, children, parseXmlStrict, prescan, textOnly } from './xml.js';

const NOW = Date.UTC(2024, 2, 12, 20, 53, 5, 219);
const idp = await createSigningCredential({ host: 'tessera.example.com', notBefore: Date.UTC(2024, 0, 1) });
const signing: SigningOptions = { privateKey: idp.privateKeyPem, certificate: idp.certificatePem };
const IDS = { response: '_f42f69fd86ac873403e7', assertion: '_P3oonoH5X35ou5MiOmyDlmNLx4G9Ml3U', sessionIndex: '_0OmGDAoMr0e3pEh4x31QYBbMKCMA-0wb' };

const INJECTION =
  'x</saml:AttributeValue></saml:Attribute><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>arn:aws:iam::1:role/Admin,arn:aws:iam::1:saml-provider/Corp</saml:AttributeValue></saml:Attribute><saml:Attribute Name="x"><saml:AttributeValue>';

function spec(overrides: Partial<ResponseSpec> = {}): ResponseSpec {
  return {
    issuer: 'urn:tessera.example.com',
    destination: AWS_SIGNIN_URL,
    recipient: AWS_SIGNIN_URL,
    audiences: [AWS_AUDIENCE],
    nameId: { value: 'jane@example.com', format: NAMEID_FORMAT.emailAddress },
    attributes: {
      [AWS_ATTRIBUTE.role]: ['arn:aws:iam::013823792818:role/Eng,arn:aws:iam::013823792818:saml-provider/Tessera'],
      [AWS_ATTRIBUTE.roleSessionName]: 'jane@example.com',
      [`${AWS_ATTRIBUTE.principalTagPrefix}CostCenter`]: 'marketing',
    },
    now: NOW,
    ids: IDS,
    ...overrides,
  };
}

/** Parses our output with the verifier's own hardened parser (no DTD, PI, comment; one root). */
function parse(xml: string): Element {
  prescan(xml);
  return parseXmlStrict(xml).documentElement as Element;
}

function names(el: Element): string[] {
  return childElements(el).map((c) => `${c.prefix ? `${c.prefix}:` : ''}${c.localName}`);
}

function only(el: Element, ns: string, local: string): Element {
  const found = children(el, ns, local);
  expect(found).toHaveLength(1);
  return found[0] as Element;
}

function attributes(assertion: Element): Array<{ name: string | null; format: string | null; values: Array<{ type: string | null; text: string | undefined }> }> {
  const statement = only(assertion, NS.assertion, 'AttributeStatement');
  return children(statement, NS.assertion, 'Attribute').map((a) => ({
    name: a.getAttribute('Name'),
    format: a.hasAttribute('NameFormat') ? a.getAttribute('NameFormat') : null,
    values: children(a, NS.assertion, 'AttributeValue').map((v) => ({ type: v.getAttributeNS(NS.xsi, 'type'), text: textOnly(v) })),
  }));
}

function checkWithXmlCrypto(xml: string, signature: Element): boolean {
  const verifier = new SignedXml({ publicCert: idp.certificatePem });
  verifier.loadSignature(signature as never);
  return verifier.checkSignature(xml);
}

describe('buildResponse: the shape of Auth0 responses (reference/auth0.md §4)', () => {
  const xml = buildResponse(spec({ inResponseTo: '_48354bb4-1fd7-442a-82a3-50dc5240c74f' }), signing);
  const response = parse(xml);
  const assertion = only(response, NS.assertion, 'Assertion');

  it('has no XML prolog and starts with the samlp:Response of the Auth0 attribute order', () => {
    expect(xml.startsWith('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_f42f69fd86ac873403e7" InResponseTo="_48354bb4-1fd7-442a-82a3-50dc5240c74f" Version="2.0" IssueInstant="2024-03-12T20:53:05.219Z" Destination="https://signin.aws.amazon.com/saml">')).toBe(true);
    expect(xml).not.toContain('<?xml');
  });

  it('orders the Response as Issuer, Status, Assertion and the Assertion as Issuer, Signature, Subject, Conditions, AuthnStatement, AttributeStatement', () => {
    expect(names(response)).toEqual(['saml:Issuer', 'samlp:Status', 'saml:Assertion']);
    expect(names(assertion)).toEqual(['saml:Issuer', 'Signature', 'saml:Subject', 'saml:Conditions', 'saml:AuthnStatement', 'saml:AttributeStatement']);
    expect(xml).toContain('<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Version="2.0" ID="_P3oonoH5X35ou5MiOmyDlmNLx4G9Ml3U" IssueInstant="2024-03-12T20:53:05.219Z"><saml:Issuer>urn:tessera.example.com</saml:Issuer><Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');
  });

  it('writes the same Issuer in Response and Assertion and a Success status', () => {
    expect(textOnly(only(response, NS.assertion, 'Issuer'))).toBe('urn:tessera.example.com');
    expect(textOnly(only(assertion, NS.assertion, 'Issuer'))).toBe('urn:tessera.example.com');
    expect(xml).toContain(`<samlp:Status><samlp:StatusCode Value="${STATUS.success}"/></samlp:Status>`);
  });

  it('writes NameID with its Format and a bearer SubjectConfirmation with NotOnOrAfter, Recipient and InResponseTo', () => {
    expect(xml).toContain(
      '<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">jane@example.com</saml:NameID>' +
        '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="2024-03-12T21:53:05.219Z" Recipient="https://signin.aws.amazon.com/saml" InResponseTo="_48354bb4-1fd7-442a-82a3-50dc5240c74f"/></saml:SubjectConfirmation></saml:Subject>',
    );
  });

  it('sets NotBefore and AuthnInstant to IssueInstant and NotOnOrAfter to IssueInstant + 3600 s', () => {
    expect(xml).toContain(
      '<saml:Conditions NotBefore="2024-03-12T20:53:05.219Z" NotOnOrAfter="2024-03-12T21:53:05.219Z"><saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction></saml:Conditions>' +
        '<saml:AuthnStatement AuthnInstant="2024-03-12T20:53:05.219Z" SessionIndex="_0OmGDAoMr0e3pEh4x31QYBbMKCMA-0wb"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>',
    );
  });

  it('declares xs and xsi on the AttributeStatement and types each value', () => {
    expect(xml).toContain('<saml:AttributeStatement xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue xsi:type="xs:string">arn:aws:iam::013823792818:role/Eng,arn:aws:iam::013823792818:saml-provider/Tessera</saml:AttributeValue></saml:Attribute>');
  });

  it('signs the Assertion with an unprefixed enveloped exc-c14n RSA-SHA256 signature referencing its ID, with the certificate in KeyInfo', () => {
    const signature = only(assertion, NS.ds, 'Signature');
    expect(signature.prefix).toBeNull();
    const signedInfo = only(signature, NS.ds, 'SignedInfo');
    expect(only(signedInfo, NS.ds, 'CanonicalizationMethod').getAttribute('Algorithm')).toBe(ALG.excC14n);
    expect(only(signedInfo, NS.ds, 'SignatureMethod').getAttribute('Algorithm')).toBe(ALG.rsaSha256);
    const reference = only(signedInfo, NS.ds, 'Reference');
    expect(reference.getAttribute('URI')).toBe('#_P3oonoH5X35ou5MiOmyDlmNLx4G9Ml3U');
    const transforms = children(only(reference, NS.ds, 'Transforms'), NS.ds, 'Transform').map((t) => t.getAttribute('Algorithm'));
    expect(transforms).toEqual([ALG.envelopedSignature, ALG.excC14n]);
    expect(only(reference, NS.ds, 'DigestMethod').getAttribute('Algorithm')).toBe(ALG.sha256);
    const cert = only(only(only(signature, NS.ds, 'KeyInfo'), NS.ds, 'X509Data'), NS.ds, 'X509Certificate');
    expect(textOnly(cert)).toBe(idp.certificateBase64);
    expect(children(response, NS.ds, 'Signature')).toHaveLength(0);
    expect(checkWithXmlCrypto(xml, signature)).toBe(true);
  });
});

describe('buildResponse: signing options', () => {
  it('signs the Response instead of the Assertion with signResponse, right after the Response Issuer', () => {
    const xml = buildResponse(spec(), { ...signing, signResponse: true });
    const response = parse(xml);
    expect(names(response)).toEqual(['saml:Issuer', 'Signature', 'samlp:Status', 'saml:Assertion']);
    const assertion = only(response, NS.assertion, 'Assertion');
    expect(children(assertion, NS.ds, 'Signature')).toHaveLength(0);
    const signature = only(response, NS.ds, 'Signature');
    expect(only(only(signature, NS.ds, 'SignedInfo'), NS.ds, 'Reference').getAttribute('URI')).toBe(`#${IDS.response}`);
    expect(checkWithXmlCrypto(xml, signature)).toBe(true);
  });

  it('uses rsa-sha1 and sha1 on request', () => {
    const xml = buildResponse(spec(), { ...signing, signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' });
    expect(xml).toContain(`<SignatureMethod Algorithm="${ALG.rsaSha1}"/>`);
    expect(xml).toContain(`<DigestMethod Algorithm="${ALG.sha1}"/>`);
    const signature = only(only(parse(xml), NS.assertion, 'Assertion'), NS.ds, 'Signature');
    expect(checkWithXmlCrypto(xml, signature)).toBe(true);
  });

  it('accepts a cached KeyObject and a base64 certificate', async () => {
    const { createPrivateKey } = await import('node:crypto');
    const xml = buildResponse(spec(), { privateKey: createPrivateKey(idp.privateKeyPem), certificate: idp.certificateBase64 });
    const signature = only(only(parse(xml), NS.assertion, 'Assertion'), NS.ds, 'Signature');
    expect(checkWithXmlCrypto(xml, signature)).toBe(true);
  });

  it('refuses a signing key that is not an RSA private key (algorithm confusion)', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => buildResponse(spec(), { ...signing, privateKey: ec })).toThrow(expect.objectContaining({ code: 'ERR_SAML_BUILD_SIGNING_KEY' }));
    expect(() => buildResponse(spec(), { ...signing, privateKey: 'not a key' })).toThrow(expect.objectContaining({ code: 'ERR_SAML_BUILD_SIGNING_KEY' }));
  });

  it('produces a different signature value when a signed byte changes (sanity of the self-check)', () => {
    const xml = buildResponse(spec(), signing);
    const tampered = xml.replace('marketing', 'engineering');
    const signature = only(only(parse(tampered), NS.assertion, 'Assertion'), NS.ds, 'Signature');
    expect(checkWithXmlCrypto(tampered, signature)).toBe(false);
  });
});

describe('buildResponse: S42 XML injection into what we sign stays text', () => {
  const hostile = ['<', '&', '"', "'", ']]>', '-->', '?>', '<!DOCTYPE x [<!ENTITY e "x">]>', INJECTION, '</saml:AttributeValue><saml:Attribute Name="x">', '"]]>'];

  it('keeps every hostile value a single text value of its own attribute, byte for byte', () => {
    const attrs: Record<string, unknown> = { email: hostile, [AWS_ATTRIBUTE.role]: 'arn:aws:iam::1:role/Eng,arn:aws:iam::1:saml-provider/Corp' };
    const xml = buildResponse(spec({ attributes: attrs, nameId: { value: INJECTION } }), signing);
    const assertion = only(parse(xml), NS.assertion, 'Assertion');
    const read = attributes(assertion);
    expect(read.map((a) => a.name)).toEqual(['email', AWS_ATTRIBUTE.role]);
    expect(read[0]?.values.map((v) => v.text)).toEqual(hostile);
    expect(read[1]?.values).toHaveLength(1);
    expect(textOnly(only(only(assertion, NS.assertion, 'Subject'), NS.assertion, 'NameID'))).toBe(INJECTION);
    expect(checkWithXmlCrypto(xml, only(assertion, NS.ds, 'Signature'))).toBe(true);
  });

  it('keeps markup in attribute names, issuer and URLs as attribute or text values', () => {
    const evil = 'x" Injected="1><saml:Attribute Name="y';
    const xml = buildResponse(spec({ attributes: { [evil]: 'v' }, issuer: 'urn:a</saml:Issuer><x>', destination: 'https://a/"><x' }), signing);
    const response = parse(xml);
    const assertion = only(response, NS.assertion, 'Assertion');
    expect(attributes(assertion).map((a) => a.name)).toEqual([evil]);
    expect(textOnly(only(assertion, NS.assertion, 'Issuer'))).toBe('urn:a</saml:Issuer><x>');
    expect(response.getAttribute('Destination')).toBe('https://a/"><x');
  });

  it('writes CR as the LF every parser reads and keeps tabs and newlines', () => {
    const xml = buildResponse(spec({ attributes: { note: 'a\r\nb\rc\td\ne' } }), signing);
    expect(attributes(only(parse(xml), NS.assertion, 'Assertion'))[0]?.values[0]?.text).toBe('a\nb\nc\td\ne');
  });

  it('refuses characters XML cannot carry instead of emitting ill-formed XML', () => {
    for (const bad of ['\u0000', '\u0001', '\u001f', '\uD800', '\uFFFE']) {
      expect(() => buildResponse(spec({ attributes: { name: `a${bad}b` } }), signing)).toThrow(
        expect.objectContaining({ code: 'ERR_SAML_BUILD_XML_CHAR' }),
      );
    }
    expect(() => buildResponse(spec({ nameId: { value: 'a\u0007' } }), signing)).toThrow(SamlBuildError);
    // astral characters are fine
    const xml = buildResponse(spec({ attributes: { name: 'J\u{1F600}ne' } }), signing);
    expect(attributes(only(parse(xml), NS.assertion, 'Assertion'))[0]?.values[0]?.text).toBe('J\u{1F600}ne');
  });

  it('refuses an InResponseTo that is not an NCName (S43, reflected request ID)', () => {
    for (const bad of ['_x"/><saml:Attribute', '1abc', '', 'a b', 'x'.repeat(257)]) {
      expect(() => buildResponse(spec({ inResponseTo: bad }), signing)).toThrow(expect.objectContaining({ code: 'ERR_SAML_BUILD_INVALID_ID' }));
    }
    expect(() => buildResponse(spec({ ids: { response: 'has space' } }), signing)).toThrow(expect.objectContaining({ code: 'ERR_SAML_BUILD_INVALID_ID' }));
  });
});

describe('buildResponse: attributes (reference/auth0.md §3.7, §3.8)', () => {
  it('types strings, booleans, numbers and everything else as Auth0 does', () => {
    const when = new Date(Date.UTC(2020, 7, 12, 17, 56, 57));
    const xml = buildUnsignedResponse(
      spec({ attributes: { s: 'x', b: false, n: 1000, f: 1.5, d: when, o: { a: 1 }, z: null, inf: Infinity } }),
    );
    const read = attributes(only(parse(xml), NS.assertion, 'Assertion'));
    expect(read.map((a) => [a.name, a.values[0]?.type, a.values[0]?.text])).toEqual([
      ['s', 'xs:string', 'x'],
      ['b', 'xs:boolean', 'false'],
      ['n', 'xs:double', '1000'],
      ['f', 'xs:double', '1.5'],
      ['d', 'xs:anyType', String(when)],
      ['o', 'xs:anyType', '[object Object]'],
      ['z', 'xs:anyType', 'null'],
      ['inf', 'xs:anyType', 'Infinity'],
    ]);
  });

  it('types every value xs:anyType when typedAttributes is false and omits NameFormat when asked', () => {
    const xml = buildUnsignedResponse(spec({ attributes: { s: 'x', b: true }, typedAttributes: false, includeAttributeNameFormat: false }));
    const read = attributes(only(parse(xml), NS.assertion, 'Assertion'));
    expect(read).toEqual([
      { name: 's', format: null, values: [{ type: 'xs:anyType', text: 'x' }] },
      { name: 'b', format: null, values: [{ type: 'xs:anyType', text: 'true' }] },
    ]);
  });

  it('emits one Attribute with one typed AttributeValue per array element, skipping undefined values and empty arrays', () => {
    const xml = buildUnsignedResponse(spec({ attributes: new Map<string, unknown>([['roles', ['r1', undefined, 'r2', true]], ['gone', undefined], ['none', []]]) }));
    const read = attributes(only(parse(xml), NS.assertion, 'Assertion'));
    expect(read).toEqual([
      {
        name: 'roles',
        format: ATTRNAME_FORMAT.basic,
        values: [
          { type: 'xs:string', text: 'r1' },
          { type: 'xs:string', text: 'r2' },
          { type: 'xs:boolean', text: 'true' },
        ],
      },
    ]);
  });

  it('keeps an empty AttributeStatement when there are no attributes', () => {
    const xml = buildUnsignedResponse(spec({ attributes: {} }));
    expect(xml).toContain('<saml:AttributeStatement xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>');
  });

  it('infers NameFormat as node-saml: URI → uri, xs:Name → basic, else unspecified', () => {
    const cases: Array<[string, string]> = [
      ['https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project', ATTRNAME_FORMAT.uri],
      ['urn:test:1:2:3', ATTRNAME_FORMAT.uri],
      ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', ATTRNAME_FORMAT.uri],
      ['email', ATTRNAME_FORMAT.basic],
      ['awsTagKeys', ATTRNAME_FORMAT.basic],
      ['RoleID', ATTRNAME_FORMAT.basic],
      ['First Name', ATTRNAME_FORMAT.unspecified],
      ['123~oo', ATTRNAME_FORMAT.unspecified],
      ['http://bad%zzescape', ATTRNAME_FORMAT.unspecified],
      [':x', ATTRNAME_FORMAT.basic],
      ['-x', ATTRNAME_FORMAT.unspecified],
    ];
    for (const [name, format] of cases) expect([name, attributeNameFormat(name)]).toEqual([name, format]);
  });

  it('types values with attributeValueOf exactly like the builder', () => {
    expect(attributeValueOf('a', true)).toEqual({ type: 'xs:string', text: 'a' });
    expect(attributeValueOf(3, false)).toEqual({ type: 'xs:anyType', text: '3' });
  });
});

describe('buildResponse: inputs', () => {
  it('generates Auth0-shaped random IDs when none are injected', () => {
    expect(randomResponseId()).toMatch(/^_[0-9a-f]{20}$/);
    expect(randomAssertionId()).toMatch(/^_[A-Za-z0-9]{32}$/);
    expect(randomSessionIndex()).toMatch(/^_[A-Za-z0-9_-]{32}$/);
    const a = parse(buildResponse(spec({ ids: undefined as never }), signing));
    const b = parse(buildResponse(spec({ ids: {} }), signing));
    expect(a.getAttribute('ID')).toMatch(/^_[0-9a-f]{20}$/);
    expect(a.getAttribute('ID')).not.toBe(b.getAttribute('ID'));
    expect(only(a, NS.assertion, 'Assertion').getAttribute('ID')).toMatch(/^_[A-Za-z0-9]{32}$/);
  });

  it('omits InResponseTo when IdP-initiated and AudienceRestriction when there is no audience', () => {
    const xml = buildUnsignedResponse(spec({ audiences: [] }));
    expect(xml).not.toContain('InResponseTo');
    expect(xml).toContain('<saml:Conditions NotBefore="2024-03-12T20:53:05.219Z" NotOnOrAfter="2024-03-12T21:53:05.219Z"/>');
  });

  it('honours lifetimeSeconds, authnContextClassRef and a Date clock', () => {
    const xml = buildUnsignedResponse(spec({ now: new Date(NOW), lifetimeSeconds: 300, authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport' }));
    expect(xml).toContain('NotOnOrAfter="2024-03-12T20:58:05.219Z"');
    expect(xml).toContain('<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>');
  });

  it('defaults the NameID Format to unspecified and refuses an empty NameID', () => {
    expect(buildUnsignedResponse(spec({ nameId: { value: 'u' } }))).toContain(`<saml:NameID Format="${NAMEID_FORMAT.unspecified}">u</saml:NameID>`);
    expect(() => buildUnsignedResponse(spec({ nameId: { value: '' } }))).toThrow(expect.objectContaining({ code: 'ERR_SAML_BUILD_NAMEID_EMPTY' }));
  });

  it('refuses a bad clock or lifetime', () => {
    expect(() => buildUnsignedResponse(spec({ now: Number.NaN }))).toThrow(expect.objectContaining({ code: 'ERR_SAML_BUILD_CLOCK' }));
    expect(() => buildUnsignedResponse(spec({ lifetimeSeconds: 0 }))).toThrow(expect.objectContaining({ code: 'ERR_SAML_BUILD_LIFETIME' }));
    expect(() => buildUnsignedResponse(spec({ lifetimeSeconds: 1.5 }))).toThrow(expect.objectContaining({ code: 'ERR_SAML_BUILD_LIFETIME' }));
  });

  it('encodes for HTTP-POST as base64 of UTF-8 without line breaks', () => {
    const xml = buildResponse(spec({ attributes: { name: 'Zoë' } }), signing);
    const b64 = encodePostBinding(xml);
    expect(b64).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(b64, 'base64').toString('utf8')).toBe(xml);
  });
});

describe('buildErrorResponse', () => {
  it('writes a Responder status with a StatusMessage and no Assertion', () => {
    const xml = buildErrorResponse({ issuer: 'urn:t', destination: AWS_SIGNIN_URL, statusMessage: 'access denied <by rule>', now: NOW, ids: { response: '_e' } });
    expect(xml).toBe(
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_e" Version="2.0" IssueInstant="2024-03-12T20:53:05.219Z" Destination="https://signin.aws.amazon.com/saml">' +
        '<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">urn:t</saml:Issuer>' +
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"/><samlp:StatusMessage>access denied &lt;by rule&gt;</samlp:StatusMessage></samlp:Status></samlp:Response>',
    );
  });

  it('nests a second-level status, echoes InResponseTo and signs the Response when asked', () => {
    const xml = buildErrorResponse(
      { issuer: 'urn:t', destination: AWS_SIGNIN_URL, statusCode: STATUS.requester, subStatusCode: STATUS.authnFailed, inResponseTo: '_req1', now: NOW },
      signing,
    );
    const response = parse(xml);
    expect(response.getAttribute('InResponseTo')).toBe('_req1');
    expect(names(response)).toEqual(['saml:Issuer', 'Signature', 'samlp:Status']);
    expect(xml).toContain(`<samlp:StatusCode Value="${STATUS.requester}"><samlp:StatusCode Value="${STATUS.authnFailed}"/></samlp:StatusCode>`);
    expect(checkWithXmlCrypto(xml, only(response, NS.ds, 'Signature'))).toBe(true);
  });

  it('refuses to call Success an error', () => {
    expect(() => buildErrorResponse({ issuer: 'urn:t', destination: AWS_SIGNIN_URL, statusCode: STATUS.success, now: NOW })).toThrow(
      expect.objectContaining({ code: 'ERR_SAML_BUILD_STATUS' }),
    );
  });
});

describe('buildResponse: sign-then-encrypt', () => {
  const sp = generateKeyPairSync('rsa', { modulusLength: 2048 });

  /** Decrypts with node:crypto only: RSA-OAEP(SHA-1) key transport, AES-256-CBC or -GCM content. */
  function decrypt(xml: string, privateKey: typeof sp.privateKey): { assertionXml: string; algorithm: string | null } {
    const response = parse(xml);
    const encrypted = only(response, NS.assertion, 'EncryptedAssertion');
    const data = only(encrypted, NS.xenc, 'EncryptedData');
    expect(data.getAttribute('Type')).toBe(ENCRYPTION_URI.element);
    const algorithm = only(data, NS.xenc, 'EncryptionMethod').getAttribute('Algorithm');
    const encryptedKey = only(only(data, NS.ds, 'KeyInfo'), NS.xenc, 'EncryptedKey');
    expect(only(encryptedKey, NS.xenc, 'EncryptionMethod').getAttribute('Algorithm')).toBe(ENCRYPTION_URI.rsaOaepMgf1p);
    const wrapped = Buffer.from(textOnly(only(only(encryptedKey, NS.xenc, 'CipherData'), NS.xenc, 'CipherValue')) ?? '', 'base64');
    const key = privateDecrypt({ key: privateKey, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped);
    const content = Buffer.from(textOnly(only(only(data, NS.xenc, 'CipherData'), NS.xenc, 'CipherValue')) ?? '', 'base64');
    let plain: Buffer;
    if (algorithm === ENCRYPTION_URI['aes256-gcm']) {
      const d = createDecipheriv('aes-256-gcm', key, content.subarray(0, 12));
      d.setAuthTag(content.subarray(content.length - 16));
      plain = Buffer.concat([d.update(content.subarray(12, content.length - 16)), d.final()]);
    } else {
      const d = createDecipheriv('aes-256-cbc', key, content.subarray(0, 16));
      plain = Buffer.concat([d.update(content.subarray(16)), d.final()]);
    }
    return { assertionXml: plain.toString('utf8'), algorithm };
  }

  for (const algorithm of ['aes256-cbc', 'aes256-gcm'] as const) {
    it(`encrypts the signed Assertion (${algorithm}) and the decrypted Assertion's signature verifies`, async () => {
      const cert = await spCertFor(sp.privateKey);
      const xml = buildResponse(spec({ attributes: { email: INJECTION } }), signing, { certificate: cert, algorithm });
      const response = parse(xml);
      expect(names(response)).toEqual(['saml:Issuer', 'samlp:Status', 'saml:EncryptedAssertion']);
      expect(xml).not.toContain('jane@example.com');
      const { assertionXml, algorithm: uri } = decrypt(xml, sp.privateKey);
      expect(uri).toBe(ENCRYPTION_URI[algorithm]);
      const assertion = parse(assertionXml);
      expect(assertion.localName).toBe('Assertion');
      expect(assertion.getAttribute('ID')).toBe(IDS.assertion);
      expect(attributes(assertion)[0]?.values[0]?.text).toBe(INJECTION);
      expect(checkWithXmlCrypto(assertionXml, only(assertion, NS.ds, 'Signature'))).toBe(true);
    });
  }

  it('signs the Response over the EncryptedAssertion with signResponse', async () => {
    const cert = await spCertFor(sp.privateKey);
    const xml = buildResponse(spec(), { ...signing, signResponse: true }, { certificate: cert, algorithm: 'aes256-gcm' });
    const response = parse(xml);
    expect(names(response)).toEqual(['saml:Issuer', 'Signature', 'samlp:Status', 'saml:EncryptedAssertion']);
    expect(checkWithXmlCrypto(xml, only(response, NS.ds, 'Signature'))).toBe(true);
    const assertion = parse(decrypt(xml, sp.privateKey).assertionXml);
    expect(children(assertion, NS.ds, 'Signature')).toHaveLength(0);
  });

  it('uses fresh keys: two encryptions of one response differ', async () => {
    const cert = await spCertFor(sp.privateKey);
    const a = buildResponse(spec(), signing, { certificate: cert });
    const b = buildResponse(spec(), signing, { certificate: cert });
    expect(a).not.toBe(b);
  });
});

/** A certificate for an existing SP key (the SP registers a certificate, not a bare key). */
async function spCertFor(privateKey: import('node:crypto').KeyObject): Promise<string> {
  const { certifyKey } = await import('./keys.js');
  return certifyKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { host: 'sp.example', notBefore: NOW }).certificatePem;
}
