// Test-only SAML fixtures for the verifier's attack corpus (reference/security.md §2, §8): RSA keys and
// X.509 certificates made here (own DER writer, node:crypto), Auth0-shaped responses built with
// @xmldom/xmldom DOM calls and signed with xml-crypto at test time from an injected clock, and the
// helpers the attack builders use to clone, move, mutate, re-sign and encode. Never imports the IdP's
// own builder or signer (src/saml/response.ts, keys.ts): the verifier is tested against an independent
// producer. Signed XML is never committed.

import { createHash, createSign, createVerify, generateKeyPairSync, sign as rsaSign, type KeyObject } from 'node:crypto';
import { DOMImplementation, DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { ExclusiveCanonicalization, SignedXml, type SignatureAlgorithm, type HashAlgorithm } from 'xml-crypto';
import { ALG, AWS_ATTRIBUTE, AWS_AUDIENCE, AWS_SIGNIN_URL, BEARER, NAMEID_FORMAT, NS, STATUS } from '../../src/saml/ns.js';
import type { TrustedIdp } from '../../src/saml/types.js';

// ---------------------------------------------------------------------------------------------
// Identities: the genuine user, and the "evil edit" E(x) of security.md §2.

export const IDP_ENTITY_ID = 'urn:corp-test.eu.auth0.com';
export const OTHER_IDP_ENTITY_ID = 'urn:other-idp.example.com';
export const ACCOUNT = '123456789012';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/Corp`;
export const GENUINE_NAMEID = 'alice@corp.example';
export const GENUINE_ROLE = `arn:aws:iam::${ACCOUNT}:role/ReadOnly,${PROVIDER_ARN}`;
/** The second genuine pair, written provider-first (AWS accepts either order). */
export const GENUINE_ROLE_REVERSED = `${PROVIDER_ARN},arn:aws:iam::${ACCOUNT}:role/Developer`;
export const GENUINE_SESSION_NAME = 'alice';
export const EVIL_NAMEID = 'admin@corp.example';
export const EVIL_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
export const EVIL_ROLE = `${EVIL_ROLE_ARN},${PROVIDER_ARN}`;
export const EVIL_SESSION_NAME = 'admin';

export const RESPONSE_ID = '_8f1c2d3e4b5a69788796';
export const ASSERTION_ID = '_YSoKASc1xAjztcYa6GvoVrwWgfDjEVDD';
export const EVIL_ID = '_evil';
export const SESSION_INDEX = '_VqtdmWGUdGF9sch1CzcgRncWD3VUTPXD';

/** The injected clock every fixture is generated from (never the wall clock). */
export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0, 0);

export const iso = (ms: number): string => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// Keys and certificates. A tiny DER writer: enough for v3 RSA certificates with sha256WithRSA.

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, body: Buffer): Buffer => tlv(0xa0 + n, body);
const derNull = Buffer.from([0x05, 0x00]);
function derInteger(value: Buffer): Buffer {
  let v = value;
  while (v.length > 1 && v[0] === 0 && ((v[1] as number) & 0x80) === 0) v = v.subarray(1);
  if (((v[0] as number) & 0x80) !== 0) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}
function derOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  const out: number[] = [40 * (parts[0] as number) + (parts[1] as number)];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}
function derTime(ms: number): Buffer {
  const s = iso(ms).replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  const year = new Date(ms).getUTCFullYear();
  return year < 2050 ? tlv(0x17, Buffer.from(s.slice(2), 'ascii')) : tlv(0x18, Buffer.from(s, 'ascii'));
}
const SHA256_WITH_RSA = seq(derOid('1.2.840.113549.1.1.11'), derNull);

export interface DistinguishedName {
  readonly cn: string;
  readonly o?: string;
}
function derName(dn: DistinguishedName): Buffer {
  const rdns = [set(seq(derOid('2.5.4.3'), tlv(0x0c, Buffer.from(dn.cn, 'utf8'))))];
  if (dn.o !== undefined) rdns.unshift(set(seq(derOid('2.5.4.10'), tlv(0x0c, Buffer.from(dn.o, 'utf8')))));
  return seq(...rdns);
}

export interface CertificateFields {
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly serial: Buffer;
  readonly notBefore: number;
  readonly notAfter: number;
  /** basicConstraints CA:TRUE (Auth0 tenant certificates and our test CA have it). */
  readonly ca: boolean;
}

/** An RSA key pair and a certificate for its public key, in every form the fixtures need. */
export interface TestKey {
  readonly name: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly privateKeyPem: string;
  readonly certDer: Buffer;
  readonly certPem: string;
  /** Base64 DER without armour or line breaks, as in KeyInfo and metadata. */
  readonly certBase64: string;
  readonly fields: CertificateFields;
}

export function derToPem(der: Buffer): string {
  const b64 = der.toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;
}

/** Writes and signs (sha256WithRSA) a certificate for `publicKey`. */
export function certify(publicKey: KeyObject, fields: CertificateFields, signingKey: KeyObject): Buffer {
  const extensions = fields.ca
    ? explicit(3, seq(seq(derOid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq(tlv(0x01, Buffer.from([0xff])))))))
    : Buffer.alloc(0);
  const tbs = seq(
    explicit(0, derInteger(Buffer.from([2]))),
    derInteger(fields.serial),
    SHA256_WITH_RSA,
    derName(fields.issuer),
    seq(derTime(fields.notBefore), derTime(fields.notAfter)),
    derName(fields.subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = rsaSign('sha256', tbs, signingKey);
  return seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
}

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
}

function assemble(name: string, pair: { privateKey: KeyObject; publicKey: KeyObject }, fields: CertificateFields, signer: KeyObject): TestKey {
  const certDer = certify(pair.publicKey, fields, signer);
  return {
    name,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    certDer,
    certPem: derToPem(certDer),
    certBase64: certDer.toString('base64'),
    fields,
  };
}

/** A self-signed RSA-2048 key and certificate, Auth0-tenant style (CN = host, long validity, CA:TRUE). */
export function createSelfSignedKey(name: string, cn: string, serialSeed: string = name): TestKey {
  const pair = keyPair();
  const fields: CertificateFields = {
    subject: { cn },
    issuer: { cn },
    serial: createHash('sha256').update(serialSeed).digest().subarray(0, 9),
    notBefore: Date.UTC(2024, 0, 1),
    notAfter: Date.UTC(2037, 8, 9),
    ca: true,
  };
  return assemble(name, pair, fields, pair.privateKey);
}

/** S15(b) "certificate cloning" (SAMLRaider): same subject, issuer, serial and validity as `template`, the attacker's key. */
export function cloneCertificate(name: string, template: TestKey, attacker: { privateKey: KeyObject; publicKey: KeyObject }): TestKey {
  return assemble(name, attacker, template.fields, attacker.privateKey);
}

/** S15(d): a leaf certificate issued by `ca` (standing in for a public CA) for a fresh key. */
export function issueCertificate(name: string, ca: TestKey, subject: DistinguishedName): TestKey {
  const pair = keyPair();
  const fields: CertificateFields = {
    subject,
    issuer: ca.fields.subject,
    serial: createHash('sha256').update(name).digest().subarray(0, 12),
    notBefore: Date.UTC(2025, 0, 1),
    notAfter: Date.UTC(2027, 0, 1),
    ca: false,
  };
  return assemble(name, pair, fields, ca.privateKey);
}

export interface FixtureKeys {
  /** The test IdP's signing key (the registered one). */
  readonly idp: TestKey;
  /** The IdP's next key, for rollover (same CN, new key and serial). */
  readonly idpNext: TestKey;
  /** A self-signed attacker key (S15a). */
  readonly attacker: TestKey;
  /** The IdP's certificate fields with the attacker's key (S15b). */
  readonly attackerClone: TestKey;
  /** An attacker certificate issued by a "public" CA (S15d). */
  readonly attackerCaIssued: TestKey;
  /** Another registered IdP (S16). */
  readonly otherIdp: TestKey;
}

let cachedKeys: FixtureKeys | undefined;

/** RSA key generation is slow: once per test file (module instance), then shared by every builder. */
export function fixtureKeys(): FixtureKeys {
  if (cachedKeys !== undefined) return cachedKeys;
  const idp = createSelfSignedKey('idp', 'corp-test.eu.auth0.com');
  const idpNext = createSelfSignedKey('idp-next', 'corp-test.eu.auth0.com');
  const attacker = createSelfSignedKey('attacker', 'attacker.example');
  const attackerClone = cloneCertificate('attacker-clone', idp, { privateKey: attacker.privateKey, publicKey: attacker.publicKey });
  const ca = createSelfSignedKey('public-ca', 'Test Public Root CA');
  const attackerCaIssued = issueCertificate('attacker-ca-issued', ca, { cn: 'corp-test.eu.auth0.com', o: 'Attacker Ltd' });
  const otherIdp = createSelfSignedKey('other-idp', 'other-idp.example.com');
  cachedKeys = { idp, idpNext, attacker, attackerClone, attackerCaIssued, otherIdp };
  return cachedKeys;
}

// ---------------------------------------------------------------------------------------------
// The Auth0-shaped response, built with DOM calls (never string templates).

export interface SpecAttribute {
  readonly name: string;
  readonly values: readonly string[];
  readonly nameFormat?: string;
}

export interface ResponseSpec {
  readonly issuer: string;
  /** The Response's own Issuer; null leaves it out. */
  readonly responseIssuer: string | null;
  readonly responseId: string;
  readonly assertionId: string;
  readonly destination: string | null;
  readonly inResponseTo: string | null;
  readonly status: string;
  readonly nameId: string;
  readonly nameIdFormat: string;
  readonly recipient: string;
  /** One inner list per AudienceRestriction element. */
  readonly audienceRestrictions: readonly (readonly string[])[];
  readonly responseIssueInstant: string;
  readonly issueInstant: string;
  readonly notBefore: string | null;
  readonly notOnOrAfter: string | null;
  readonly scdNotOnOrAfter: string | null;
  readonly authnInstant: string;
  readonly sessionNotOnOrAfter: string | null;
  readonly attributes: readonly SpecAttribute[];
  /** Further AttributeStatements (S38: an attribute repeated across statements). */
  readonly extraAttributeStatements: readonly (readonly SpecAttribute[])[];
}

export const URI_FORMAT = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';

export function defaultAttributes(): SpecAttribute[] {
  return [
    { name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', values: [GENUINE_NAMEID] },
    { name: AWS_ATTRIBUTE.role, values: [GENUINE_ROLE, GENUINE_ROLE_REVERSED] },
    { name: AWS_ATTRIBUTE.roleSessionName, values: [GENUINE_SESSION_NAME] },
    { name: `${AWS_ATTRIBUTE.principalTagPrefix}Department`, values: ['engineering'] },
    { name: `${AWS_ATTRIBUTE.principalTagPrefix}CostCenter`, values: ['1234'] },
    { name: AWS_ATTRIBUTE.transitiveTagKeys, values: ['Department'] },
  ];
}

/** The spec of baseline `B` at `now` (Auth0: NotBefore = AuthnInstant = IssueInstant, lifetime 3600 s). */
export function responseSpec(now: number, overrides: Partial<ResponseSpec> = {}): ResponseSpec {
  return {
    issuer: IDP_ENTITY_ID,
    responseIssuer: overrides.issuer ?? IDP_ENTITY_ID,
    responseId: RESPONSE_ID,
    assertionId: ASSERTION_ID,
    destination: AWS_SIGNIN_URL,
    inResponseTo: null,
    status: STATUS.success,
    nameId: GENUINE_NAMEID,
    nameIdFormat: NAMEID_FORMAT.emailAddress,
    recipient: AWS_SIGNIN_URL,
    audienceRestrictions: [[AWS_AUDIENCE]],
    responseIssueInstant: iso(now + 5),
    issueInstant: iso(now),
    notBefore: iso(now),
    notOnOrAfter: iso(now + 3600_000),
    scdNotOnOrAfter: iso(now + 3600_000),
    authnInstant: iso(now),
    sessionNotOnOrAfter: null,
    attributes: defaultAttributes(),
    extraAttributeStatements: [],
    ...overrides,
  };
}

export interface ResponseParts {
  readonly doc: Document;
  readonly response: Element;
  readonly assertion: Element;
  readonly subject: Element;
  readonly nameId: Element;
  readonly conditions: Element;
}

function el(doc: Document, parent: Node, ns: string, qname: string, attrs: ReadonlyArray<readonly [string, string | null]> = [], text?: string): Element {
  const e = doc.createElementNS(ns, qname);
  for (const [k, v] of attrs) if (v !== null) e.setAttribute(k, v);
  if (text !== undefined) e.appendChild(doc.createTextNode(text));
  parent.appendChild(e);
  return e;
}

function attributeStatement(doc: Document, assertion: Element, attributes: readonly SpecAttribute[]): void {
  const st = el(doc, assertion, NS.assertion, 'saml:AttributeStatement');
  st.setAttributeNS(NS.xmlns, 'xmlns:xs', NS.xs);
  st.setAttributeNS(NS.xmlns, 'xmlns:xsi', NS.xsi);
  for (const a of attributes) {
    const attr = el(doc, st, NS.assertion, 'saml:Attribute', [
      ['Name', a.name],
      ['NameFormat', a.nameFormat ?? URI_FORMAT],
    ]);
    for (const v of a.values) {
      const value = el(doc, attr, NS.assertion, 'saml:AttributeValue', [], v);
      value.setAttributeNS(NS.xsi, 'xsi:type', 'xs:string');
    }
  }
}

/** Builds the unsigned Response document of reference/auth0.md §4.1 with DOM calls. */
export function buildResponse(spec: ResponseSpec): ResponseParts {
  const doc = new DOMImplementation().createDocument(NS.protocol, 'samlp:Response', null);
  const response = doc.documentElement;
  response.setAttributeNS(NS.xmlns, 'xmlns:samlp', NS.protocol);
  response.setAttribute('ID', spec.responseId);
  if (spec.inResponseTo !== null) response.setAttribute('InResponseTo', spec.inResponseTo);
  response.setAttribute('Version', '2.0');
  response.setAttribute('IssueInstant', spec.responseIssueInstant);
  if (spec.destination !== null) response.setAttribute('Destination', spec.destination);
  if (spec.responseIssuer !== null) {
    const ri = el(doc, response, NS.assertion, 'saml:Issuer', [], spec.responseIssuer);
    ri.setAttributeNS(NS.xmlns, 'xmlns:saml', NS.assertion);
  }
  const status = el(doc, response, NS.protocol, 'samlp:Status');
  el(doc, status, NS.protocol, 'samlp:StatusCode', [['Value', spec.status]]);

  const assertion = el(doc, response, NS.assertion, 'saml:Assertion');
  assertion.setAttributeNS(NS.xmlns, 'xmlns:saml', NS.assertion);
  assertion.setAttribute('Version', '2.0');
  assertion.setAttribute('ID', spec.assertionId);
  assertion.setAttribute('IssueInstant', spec.issueInstant);
  el(doc, assertion, NS.assertion, 'saml:Issuer', [], spec.issuer);
  const subject = el(doc, assertion, NS.assertion, 'saml:Subject');
  const nameId = el(doc, subject, NS.assertion, 'saml:NameID', [['Format', spec.nameIdFormat]], spec.nameId);
  const sc = el(doc, subject, NS.assertion, 'saml:SubjectConfirmation', [['Method', BEARER]]);
  el(doc, sc, NS.assertion, 'saml:SubjectConfirmationData', [
    ['InResponseTo', spec.inResponseTo],
    ['NotOnOrAfter', spec.scdNotOnOrAfter],
    ['Recipient', spec.recipient],
  ]);
  const conditions = el(doc, assertion, NS.assertion, 'saml:Conditions', [
    ['NotBefore', spec.notBefore],
    ['NotOnOrAfter', spec.notOnOrAfter],
  ]);
  for (const restriction of spec.audienceRestrictions) {
    const ar = el(doc, conditions, NS.assertion, 'saml:AudienceRestriction');
    for (const a of restriction) el(doc, ar, NS.assertion, 'saml:Audience', [], a);
  }
  const authn = el(doc, assertion, NS.assertion, 'saml:AuthnStatement', [
    ['AuthnInstant', spec.authnInstant],
    ['SessionIndex', SESSION_INDEX],
    ['SessionNotOnOrAfter', spec.sessionNotOnOrAfter],
  ]);
  const ctx = el(doc, authn, NS.assertion, 'saml:AuthnContext');
  el(doc, ctx, NS.assertion, 'saml:AuthnContextClassRef', [], 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified');
  attributeStatement(doc, assertion, spec.attributes);
  for (const extra of spec.extraAttributeStatements) attributeStatement(doc, assertion, extra);
  return { doc, response, assertion, subject, nameId, conditions };
}

export function unsignedXml(now: number, overrides: Partial<ResponseSpec> = {}, tweak?: (parts: ResponseParts) => void): string {
  const parts = buildResponse(responseSpec(now, overrides));
  tweak?.(parts);
  return serialize(parts.doc);
}

// ---------------------------------------------------------------------------------------------
// Signing (xml-crypto 6), as Auth0 does: enveloped, exc-c14n, right after the element's Issuer.

const RESPONSE_XPATH = `/*[local-name(.)='Response' and namespace-uri(.)='${NS.protocol}']`;
const ASSERTION_XPATH = `${RESPONSE_XPATH}/*[local-name(.)='Assertion' and namespace-uri(.)='${NS.assertion}']`;
const issuerOf = (xpath: string): string => `${xpath}/*[local-name(.)='Issuer' and namespace-uri(.)='${NS.assertion}']`;
export const XPATH = { response: RESPONSE_XPATH, assertion: ASSERTION_XPATH, issuerOf } as const;

export type KeyInfoMode =
  | { readonly kind: 'cert'; readonly cert: TestKey }
  | { readonly kind: 'none' }
  | { readonly kind: 'raw'; readonly content: string };

export interface SignOptions {
  /** Which element (default: the Assertion); or `xpath` for anything else. */
  readonly target?: 'assertion' | 'response';
  readonly xpath?: string;
  /** Where the Signature goes (default: right after the target's Issuer). */
  readonly location?: { readonly reference: string; readonly action: 'append' | 'prepend' | 'before' | 'after' };
  /** The signing key (default: the test IdP); the certificate in KeyInfo defaults to the key's own. */
  readonly key?: TestKey;
  readonly keyInfo?: KeyInfoMode;
  /** Raw signing material instead of the key's RSA private key (S18: an HMAC keyed with the certificate). */
  readonly privateKey?: string | Buffer;
  readonly signatureAlgorithm?: string;
  readonly digestAlgorithm?: string;
  readonly c14n?: string;
  readonly transforms?: readonly string[];
  readonly prefix?: string;
  /** `Reference URI=""` (the whole document). */
  readonly emptyUri?: boolean;
  /** A second Reference (S8) to another element. */
  readonly extraReferenceXpath?: string;
  /** Last-minute changes to the signer (register the odd algorithm an attack needs). */
  readonly configure?: (signer: SignedXml) => void;
}

const ENV = ALG.envelopedSignature;
const EXC = ALG.excC14n;

export function signXml(xml: string, o: SignOptions = {}): string {
  const key = o.key ?? fixtureKeys().idp;
  const keyInfo = o.keyInfo ?? { kind: 'cert', cert: key };
  const getKeyInfoContent =
    keyInfo.kind === 'none'
      ? () => null
      : keyInfo.kind === 'raw'
        ? () => keyInfo.content
        : () => `<X509Data><X509Certificate>${keyInfo.cert.certBase64}</X509Certificate></X509Data>`;
  const signer = new SignedXml({
    privateKey: o.privateKey ?? key.privateKeyPem,
    publicCert: key.certPem,
    signatureAlgorithm: o.signatureAlgorithm ?? ALG.rsaSha256,
    canonicalizationAlgorithm: o.c14n ?? EXC,
    getKeyInfoContent,
  });
  o.configure?.(signer);
  const target = o.target ?? 'assertion';
  const xpath = o.xpath ?? (target === 'assertion' ? ASSERTION_XPATH : RESPONSE_XPATH);
  signer.addReference({
    xpath,
    transforms: [...(o.transforms ?? [ENV, EXC])],
    digestAlgorithm: o.digestAlgorithm ?? ALG.sha256,
    ...(o.emptyUri === true ? { isEmptyUri: true } : {}),
  });
  if (o.extraReferenceXpath !== undefined) {
    signer.addReference({ xpath: o.extraReferenceXpath, transforms: [ENV, EXC], digestAlgorithm: o.digestAlgorithm ?? ALG.sha256 });
  }
  signer.computeSignature(xml, {
    prefix: o.prefix ?? '',
    location: o.location ?? { reference: issuerOf(target === 'assertion' ? ASSERTION_XPATH : RESPONSE_XPATH), action: 'after' },
  });
  return signer.getSignedXml();
}

/** A SignatureMethod xml-crypto does not have, under any URI: RSA PKCS#1 v1.5 with `hash`. */
export function rsaAlgorithmNamed(uri: string, hash: 'sha1' | 'sha256' = 'sha256'): new () => SignatureAlgorithm {
  return class {
    getSignature(signedInfo: string | Buffer, privateKey: string | Buffer | KeyObject): string {
      return createSign(`RSA-${hash.toUpperCase()}`).update(signedInfo).sign(privateKey as KeyObject, 'base64');
    }
    verifySignature(material: string, key: string | Buffer | KeyObject, signatureValue: string): boolean {
      return createVerify(`RSA-${hash.toUpperCase()}`).update(material).verify(key as KeyObject, signatureValue, 'base64');
    }
    getAlgorithmName(): string {
      return uri;
    }
  } as unknown as new () => SignatureAlgorithm;
}

/** A DigestMethod that always writes `digest` (S31: "the canonicalizer yielded nothing"). */
export function fixedDigest(uri: string, digest: string): new () => HashAlgorithm {
  return class {
    getHash(): string {
      return digest;
    }
    getAlgorithmName(): string {
      return uri;
    }
  } as unknown as new () => HashAlgorithm;
}

/** A transform or c14n URI xml-crypto does not know, applied as exclusive c14n, so a test can sign with it. */
export function transformNamed(uri: string): new () => ExclusiveCanonicalization {
  return class extends ExclusiveCanonicalization {
    override getAlgorithmName(): string {
      return uri;
    }
  } as unknown as new () => ExclusiveCanonicalization;
}

export interface Baselines {
  /** Assertion signed (Auth0's default). */
  readonly B: string;
  /** Response signed, assertion unsigned. */
  readonly B_resp: string;
  /** Both signed. */
  readonly B_both: string;
}

export interface SignatureChoice {
  readonly signatureAlgorithm?: string;
  readonly digestAlgorithm?: string;
  readonly key?: TestKey;
}

/** Signs `xml` as B (assertion), B_resp (response) or B_both (assertion, then response). */
export function signAs(xml: string, shape: keyof Baselines, o: SignatureChoice & Omit<SignOptions, 'target'> = {}): string {
  if (shape === 'B') return signXml(xml, { ...o, target: 'assertion' });
  if (shape === 'B_resp') return signXml(xml, { ...o, target: 'response' });
  return signXml(signXml(xml, { ...o, target: 'assertion' }), { ...o, target: 'response' });
}

export function baselines(now: number, overrides: Partial<ResponseSpec> = {}, o: SignatureChoice = {}): Baselines {
  const xml = unsignedXml(now, overrides);
  return { B: signAs(xml, 'B', o), B_resp: signAs(xml, 'B_resp', o), B_both: signAs(xml, 'B_both', o) };
}

// ---------------------------------------------------------------------------------------------
// DOM helpers: parse, serialize, find, clone, move, mutate, encode.

const fail = (m: string): never => {
  throw new Error(`fixture XML does not parse: ${m}`);
};

export function parse(xml: string): Document {
  return new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml') as unknown as Document;
}

export function serialize(node: Node): string {
  return new XMLSerializer().serializeToString(node as never);
}

/** Parses, lets `f` edit the DOM, serializes. */
export function mutate(xml: string, f: (doc: Document) => void): string {
  const doc = parse(xml);
  f(doc);
  return serialize(doc);
}

export const b64 = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');

/** A byte-level edit on serialized XML; the search text must occur exactly once. */
export function replaceOnce(xml: string, search: string, replacement: string): string {
  const first = xml.indexOf(search);
  if (first < 0 || xml.indexOf(search, first + 1) >= 0) throw new Error(`replaceOnce: \`${search.slice(0, 60)}\` must occur exactly once`);
  return xml.slice(0, first) + replacement + xml.slice(first + search.length);
}

/** Every descendant element `{ns}local` of `root`, document order. */
export function all(root: Node, ns: string | null, local: string): Element[] {
  const out: Element[] = [];
  const walk = (n: Node): void => {
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const e = c as Element;
      if (e.localName === local && (ns === null || e.namespaceURI === ns)) out.push(e);
      walk(e);
    }
  };
  walk(root);
  return out;
}

/** The first descendant `{ns}local`; throws when there is none (a fixture bug, not a test outcome). */
export function the(root: Node, ns: string, local: string): Element {
  const found = all(root, ns, local)[0];
  if (found === undefined) throw new Error(`fixture: no {${ns}}${local}`);
  return found;
}

/** The direct child `{ns}local` of `parent`, or undefined. */
export function childNS(parent: Element, ns: string, local: string): Element | undefined {
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === local) return c as Element;
  }
  return undefined;
}

export const responseOf = (doc: Document): Element => doc.documentElement;
export const assertionOf = (doc: Document): Element => the(doc, NS.assertion, 'Assertion');
export function signatureOf(parent: Element): Element {
  const s = childNS(parent, NS.ds, 'Signature');
  if (s === undefined) throw new Error('fixture: element has no ds:Signature child');
  return s;
}

export function setText(e: Element, text: string): void {
  while (e.firstChild !== null) e.removeChild(e.firstChild);
  e.appendChild(e.ownerDocument.createTextNode(text));
}

export function remove(n: Node): void {
  n.parentNode?.removeChild(n);
}

/** A deep copy of `e`, owned by `doc` (not yet inserted). */
export function cloneInto(doc: Document, e: Element): Element {
  return doc.importNode(e, true) as Element;
}

export function insertAfter(node: Node, ref: Node): void {
  ref.parentNode?.insertBefore(node, ref.nextSibling);
}

/** Element children `{ns}local` of `parent` (its own content only, never a nested copy). */
export function childrenNS(parent: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === local) out.push(c as Element);
  }
  return out;
}

/** The AttributeValue elements of the attribute `name` in `assertion`'s own AttributeStatements. */
export function attributeValueElements(assertion: Element, name: string): Element[] {
  return childrenNS(assertion, NS.assertion, 'AttributeStatement')
    .flatMap((st) => childrenNS(st, NS.assertion, 'Attribute'))
    .filter((a) => a.getAttribute('Name') === name)
    .flatMap((a) => childrenNS(a, NS.assertion, 'AttributeValue'));
}

/**
 * E(x) of security.md §2: NameID → admin@corp.example, Role → …:role/Admin, RoleSessionName → admin.
 * Edits `assertion`'s own Subject and statements only (an XSW copy nested in its Signature stays genuine).
 */
export function applyEvil(assertion: Element): Element {
  for (const subject of childrenNS(assertion, NS.assertion, 'Subject')) {
    for (const nameId of childrenNS(subject, NS.assertion, 'NameID')) setText(nameId, EVIL_NAMEID);
  }
  const roleValues = attributeValueElements(assertion, AWS_ATTRIBUTE.role);
  roleValues.forEach((v, i) => (i === 0 ? setText(v, EVIL_ROLE) : remove(v)));
  for (const v of attributeValueElements(assertion, AWS_ATTRIBUTE.roleSessionName)) setText(v, EVIL_SESSION_NAME);
  for (const v of attributeValueElements(assertion, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress')) setText(v, EVIL_NAMEID);
  return assertion;
}

/** exc-c14n of `e` without its enveloped Signature child, digested: what a forger puts in DigestValue. */
export function digestOf(e: Element, hash: 'sha1' | 'sha256' = 'sha256'): string {
  const copy = e.cloneNode(true) as Element;
  const sig = childNS(copy, NS.ds, 'Signature');
  if (sig !== undefined) copy.removeChild(sig);
  const canonical = new ExclusiveCanonicalization().process(copy as never, {}).toString();
  return createHash(hash).update(canonical).digest('base64');
}

/**
 * What xml-crypto alone (default settings, the pinned certificate, no Tessera policy) says about every
 * ds:Signature in `xml`: true when all verify. An attack for which this holds is real — only the
 * verifier's structural policy stands between it and acceptance.
 */
export function xmlCryptoAloneAccepts(xml: string, certPem: string): boolean {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  const signatures = all(doc, NS.ds, 'Signature');
  if (signatures.length === 0) return false;
  for (const s of signatures) {
    const v = new SignedXml({ publicCert: certPem });
    try {
      v.loadSignature(s);
      if (!v.checkSignature(xml)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The registered trust for the test IdP (its entityID and certificate). */
export function trustedIdp(certs: readonly TestKey[] = [fixtureKeys().idp], entityId: string = IDP_ENTITY_ID): TrustedIdp {
  return { entityId, certificates: certs.map((c) => c.certPem) };
}
