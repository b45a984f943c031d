// Builds and signs the SAML Response the IdP posts, in the exact shape of Auth0's SAML2 add-on
// (reference/auth0.md §4): DOM calls only, enveloped exclusive-c14n signature after the signed
// element's Issuer, optional sign-then-encrypt, and error responses. It must never build XML from
// string templates (S42, samlify CVE-2026-46490) and never sign XML that came from outside.

import {
  createCipheriv,
  createHash,
  createPrivateKey,
  publicEncrypt,
  randomBytes,
  sign,
  constants as cryptoConstants,
  type KeyObject,
} from 'node:crypto';
import { DOMImplementation, XMLSerializer } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { idRandomBytes } from '../kernel/random.js';
import { certificateToBase64, certificateToDer, derToPem } from './keys.js';
import { ALG, ATTRNAME_FORMAT, BEARER, NAMEID_FORMAT, NS, STATUS } from './ns.js';
import { child } from './xml.js';

export { encodePostBinding } from './bindings.js';

export type SignatureAlgorithmName = 'rsa-sha256' | 'rsa-sha1';
export type DigestAlgorithmName = 'sha256' | 'sha1';
export type ContentEncryptionName = 'aes256-cbc' | 'aes256-gcm';

export const SIGNATURE_ALGORITHM_URI: Readonly<Record<SignatureAlgorithmName, string>> = {
  'rsa-sha256': ALG.rsaSha256,
  'rsa-sha1': ALG.rsaSha1,
};
export const DIGEST_ALGORITHM_URI: Readonly<Record<DigestAlgorithmName, string>> = {
  sha256: ALG.sha256,
  sha1: ALG.sha1,
};
export const ENCRYPTION_URI = {
  'aes256-cbc': 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'aes256-gcm': 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  rsaOaepMgf1p: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  element: 'http://www.w3.org/2001/04/xmlenc#Element',
} as const;

export const DEFAULT_LIFETIME_SECONDS = 3600;
export const DEFAULT_AUTHN_CONTEXT_CLASS_REF = 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified';

/** The output attribute map after mapping (reference/auth0.md §3): name → value or array of values. */
export type AttributeMap = Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;

export interface ResponseIds {
  /** `_` + 20 hex by default. */
  readonly response?: string;
  /** `_` + 32 alphanumerics by default. */
  readonly assertion?: string;
  /** `_` + 32 characters of [A-Za-z0-9_-] by default. */
  readonly sessionIndex?: string;
}

export interface ResponseSpec {
  /** Response and Assertion Issuer (`urn:<tenant host>` by Auth0's default). */
  readonly issuer: string;
  /** Response@Destination (the ACS). */
  readonly destination: string;
  /** SubjectConfirmationData@Recipient. */
  readonly recipient: string;
  /** AudienceRestriction values; the element is omitted when empty (node-saml behaviour). */
  readonly audiences?: readonly string[];
  /** SP-initiated only: the AuthnRequest ID, echoed on Response and SubjectConfirmationData. */
  readonly inResponseTo?: string;
  readonly nameId: { readonly value: string; readonly format?: string };
  readonly attributes?: AttributeMap;
  /** The clock, as an input (ms since the epoch or a Date). */
  readonly now: number | Date;
  readonly lifetimeSeconds?: number;
  readonly authnContextClassRef?: string;
  /** xsi:type inference (default true); false types every value xs:anyType. */
  readonly typedAttributes?: boolean;
  /** NameFormat inference (default true); false omits NameFormat. */
  readonly includeAttributeNameFormat?: boolean;
  /** Injectable IDs for deterministic tests; random by default. */
  readonly ids?: ResponseIds;
}

export interface SigningOptions {
  /** PKCS#8/PKCS#1 PEM (the last one is kept parsed), or a KeyObject the caller holds. */
  readonly privateKey: string | KeyObject;
  /** The matching certificate (PEM or base64 DER), published in KeyInfo. */
  readonly certificate: string;
  readonly signatureAlgorithm?: SignatureAlgorithmName;
  readonly digestAlgorithm?: DigestAlgorithmName;
  /** Sign the Response instead of the Assertion (Auth0's `signResponse`). */
  readonly signResponse?: boolean;
}

export interface EncryptionOptions {
  /** The SP's encryption certificate (PEM or base64 DER); its RSA key wraps the content key. */
  readonly certificate: string;
  /** Auth0's default is aes256-cbc; aes256-gcm is the recommended (authenticated) choice. */
  readonly algorithm?: ContentEncryptionName;
}

export interface ErrorResponseSpec {
  readonly issuer: string;
  readonly destination: string;
  readonly inResponseTo?: string;
  /** Top-level StatusCode: Requester or Responder (default Responder, as node-samlp). */
  readonly statusCode?: string;
  /** Optional second-level StatusCode (e.g. AuthnFailed). */
  readonly subStatusCode?: string;
  readonly statusMessage?: string;
  readonly now: number | Date;
  readonly ids?: Pick<ResponseIds, 'response'>;
}

export type SamlBuildErrorCode =
  | 'ERR_SAML_BUILD_NAMEID_EMPTY'
  | 'ERR_SAML_BUILD_INVALID_ID'
  | 'ERR_SAML_BUILD_XML_CHAR'
  | 'ERR_SAML_BUILD_ATTRIBUTE_NAME'
  | 'ERR_SAML_BUILD_LIFETIME'
  | 'ERR_SAML_BUILD_CLOCK'
  | 'ERR_SAML_BUILD_STATUS'
  | 'ERR_SAML_BUILD_SIGNING_KEY'
  | 'ERR_SAML_BUILD_ENCRYPTION_KEY';

/** A response Tessera refuses to issue. Messages name the field, never the user's value. */
export class SamlBuildError extends Error {
  constructor(
    readonly code: SamlBuildErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SamlBuildError';
  }
}

// ---------------------------------------------------------------- public API

/** Builds, signs (and optionally encrypts) a Success Response; returns the XML (no prolog). */
export function buildResponse(spec: ResponseSpec, signing: SigningOptions, encryption?: EncryptionOptions): string {
  const { doc, response, assertion } = buildResponseDocument(spec);
  const key = signingKey(signing);
  const signResponse = signing.signResponse === true;
  if (!signResponse) signEnveloped(doc, assertion, key, signing);
  if (encryption !== undefined) encryptAssertion(doc, response, assertion, encryption);
  if (signResponse) signEnveloped(doc, response, key, signing);
  return serializeWellFormed(doc);
}

/**
 * The same Response, unsigned. For tests and for external signers (xmlsec1 templates); never post
 * it: AWS and every SP refuse an unsigned assertion.
 */
export function buildUnsignedResponse(spec: ResponseSpec): string {
  return serializeWellFormed(buildResponseDocument(spec).doc);
}

/**
 * A Response without an Assertion and with a non-Success status (rule `callback(err)`,
 * `api.access.deny`). Signed over the Response when `signing` is given, unsigned otherwise (node-samlp).
 */
export function buildErrorResponse(spec: ErrorResponseSpec, signing?: SigningOptions): string {
  const statusCode = spec.statusCode ?? STATUS.responder;
  if (statusCode === STATUS.success) throw new SamlBuildError('ERR_SAML_BUILD_STATUS', 'an error response cannot carry the Success status');
  const now = instant(spec.now);
  const responseId = checkedId(spec.ids?.response, randomResponseId, 'response ID');
  const impl = new DOMImplementation();
  const doc = impl.createDocument(NS.protocol, 'samlp:Response', null);
  const response = doc.documentElement as Element;
  response.setAttributeNS(NS.xmlns, 'xmlns:samlp', NS.protocol);
  response.setAttribute('ID', responseId);
  if (spec.inResponseTo !== undefined) response.setAttribute('InResponseTo', checkedRequestId(spec.inResponseTo));
  response.setAttribute('Version', '2.0');
  response.setAttribute('IssueInstant', now);
  response.setAttribute('Destination', xmlString(spec.destination, 'Destination'));
  response.appendChild(issuerElement(doc, spec.issuer, true));
  const status = el(doc, NS.protocol, 'samlp:Status');
  const code = el(doc, NS.protocol, 'samlp:StatusCode');
  code.setAttribute('Value', xmlString(statusCode, 'StatusCode'));
  if (spec.subStatusCode !== undefined) {
    const sub = el(doc, NS.protocol, 'samlp:StatusCode');
    sub.setAttribute('Value', xmlString(spec.subStatusCode, 'StatusCode'));
    code.appendChild(sub);
  }
  status.appendChild(code);
  if (spec.statusMessage !== undefined) {
    // Schema form (text content); node-samlp's non-standard `Value=` attribute fails SP schema checks.
    const message = el(doc, NS.protocol, 'samlp:StatusMessage');
    message.appendChild(doc.createTextNode(xmlText(spec.statusMessage, 'StatusMessage')));
    status.appendChild(message);
  }
  response.appendChild(status);
  if (signing !== undefined) signEnveloped(doc, response, signingKey(signing), signing);
  return serializeWellFormed(doc);
}

/**
 * NameFormat as Auth0 infers it (reference/auth0.md §3.7, node-saml `getNameFormat`): a valid URI
 * (valid-url `is_uri`) → uri; else a valid xs:Name → basic; else unspecified.
 */
export function attributeNameFormat(name: string): string {
  if (isUri(name)) return ATTRNAME_FORMAT.uri;
  if (XS_NAME.test(name)) return ATTRNAME_FORMAT.basic;
  return ATTRNAME_FORMAT.unspecified;
}

/** xsi:type and text of one attribute value (reference/auth0.md §3.7, node-saml `getAttributeType`). */
export function attributeValueOf(value: unknown, typed: boolean): { readonly type: string; readonly text: string } {
  if (!typed) return { type: 'xs:anyType', text: String(value) };
  switch (typeof value) {
    case 'string':
      return { type: 'xs:string', text: value };
    case 'boolean':
      return { type: 'xs:boolean', text: value ? 'true' : 'false' };
    case 'number':
      // `Infinity`/`NaN` are not xs:double lexical forms: keep the text, drop the claim of a type.
      return Number.isFinite(value) ? { type: 'xs:double', text: String(value) } : { type: 'xs:anyType', text: String(value) };
    default:
      return { type: 'xs:anyType', text: String(value) };
  }
}

// ---------------------------------------------------------------- IDs and time

const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SESSION_ALPHABET = `${ALNUM}-_`;
/** xs:ID is an NCName; the ASCII subset is all a SAML producer emits (S43: reflected request IDs). */
const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;
const MAX_ID_LENGTH = 256;

/** `_` + 20 hex, like Auth0's `auth0-id-generator` (`_ef85ab40d86fa6c960cd`). */
export function randomResponseId(): string {
  return `_${randomString(HEX, 20)}`;
}

/** `_` + 32 alphanumerics, like node-saml `uid(32)` (`_YSoKASc1xAjztcYa6GvoVrwWgfDjEVDD`). */
export function randomAssertionId(): string {
  return `_${randomString(ALNUM, 32)}`;
}

/** `_` + 32 characters whose observed alphabet includes `-` (`_qPrYdL0O8w3vdb8eCEY5ZtHe76LA8-JU`). */
export function randomSessionIndex(): string {
  return `_${randomString(SESSION_ALPHABET, 32)}`;
}

/** Uniform over the alphabet: rejection sampling, no modulo bias. */
function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const bytes = idRandomBytes(length * 2);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const b = bytes[i] as number;
      if (b < limit) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

function checkedId(value: string | undefined, generate: () => string, what: string): string {
  if (value === undefined) return generate();
  if (value.length > MAX_ID_LENGTH || !NCNAME.test(value)) throw new SamlBuildError('ERR_SAML_BUILD_INVALID_ID', `${what} is not an xs:ID (NCName)`);
  return value;
}

/** S43: an AuthnRequest ID reflected as InResponseTo must be an NCName; refuse before signing. */
function checkedRequestId(value: string): string {
  if (value.length === 0 || value.length > MAX_ID_LENGTH || !NCNAME.test(value)) {
    throw new SamlBuildError('ERR_SAML_BUILD_INVALID_ID', 'InResponseTo is not an xs:NCName of at most 256 characters');
  }
  return value;
}

/** UTC, millisecond precision, `Z` (Auth0's `YYYY-MM-DDTHH:mm:ss.SSSZ`). */
function instant(now: number | Date, offsetMs = 0): string {
  const t = (typeof now === 'number' ? now : now.getTime()) + offsetMs;
  if (!Number.isFinite(t)) throw new SamlBuildError('ERR_SAML_BUILD_CLOCK', 'the clock is not a valid instant');
  const d = new Date(t);
  if (!Number.isFinite(d.getTime())) throw new SamlBuildError('ERR_SAML_BUILD_CLOCK', 'the clock is not a valid instant');
  return d.toISOString();
}

// ---------------------------------------------------------------- text safety

/** Characters XML 1.0 cannot carry at all, not even as references (a lone surrogate included). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** A value for an attribute: the serializer escapes `& < > "` and whitespace; we refuse non-characters. */
function xmlString(value: string, what: string): string {
  if (NOT_XML_CHAR.test(value)) throw new SamlBuildError('ERR_SAML_BUILD_XML_CHAR', `${what} contains a character XML cannot represent`);
  return value;
}

/**
 * A value for a text node. XML end-of-line handling (§2.11) turns CR LF and lone CR into LF in every
 * parser; normalising here makes the signed text exactly what the SP reads.
 */
function xmlText(value: string, what: string): string {
  return xmlString(value, what).replace(/\r\n?/g, '\n');
}

// ---------------------------------------------------------------- document

function el(doc: Document, ns: string, qualifiedName: string): Element {
  return doc.createElementNS(ns, qualifiedName);
}

function textEl(doc: Document, ns: string, qualifiedName: string, text: string, what: string): Element {
  const e = el(doc, ns, qualifiedName);
  e.appendChild(doc.createTextNode(xmlText(text, what)));
  return e;
}

function issuerElement(doc: Document, issuer: string, declareNamespace: boolean): Element {
  const e = el(doc, NS.assertion, 'saml:Issuer');
  if (declareNamespace) e.setAttributeNS(NS.xmlns, 'xmlns:saml', NS.assertion);
  e.appendChild(doc.createTextNode(xmlText(issuer, 'Issuer')));
  return e;
}

function entriesOf(attributes: AttributeMap | undefined): Array<[string, unknown]> {
  if (attributes === undefined) return [];
  if (attributes instanceof Map) return [...(attributes as ReadonlyMap<string, unknown>).entries()];
  return Object.entries(attributes);
}

function buildResponseDocument(spec: ResponseSpec): { doc: Document; response: Element; assertion: Element } {
  const nameIdValue = spec.nameId.value;
  // AWS: "…does not include a Subject containing a NameID" — never emit an empty one (auth0.md §3.9).
  if (typeof nameIdValue !== 'string' || nameIdValue.length === 0) throw new SamlBuildError('ERR_SAML_BUILD_NAMEID_EMPTY', 'NameID is empty');
  const lifetime = spec.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > 315_360_000) {
    throw new SamlBuildError('ERR_SAML_BUILD_LIFETIME', 'lifetimeSeconds must be a positive integer');
  }
  const now = instant(spec.now);
  const notOnOrAfter = instant(spec.now, lifetime * 1000);
  const ids = {
    response: checkedId(spec.ids?.response, randomResponseId, 'response ID'),
    assertion: checkedId(spec.ids?.assertion, randomAssertionId, 'assertion ID'),
  };
  const sessionIndex = xmlString(spec.ids?.sessionIndex ?? randomSessionIndex(), 'SessionIndex');
  const inResponseTo = spec.inResponseTo === undefined ? undefined : checkedRequestId(spec.inResponseTo);
  const typed = spec.typedAttributes ?? true;
  const withNameFormat = spec.includeAttributeNameFormat ?? true;

  const doc = new DOMImplementation().createDocument(NS.protocol, 'samlp:Response', null);
  const response = doc.documentElement as Element;
  // Attribute order as Auth0 writes it: xmlns:samlp ID [InResponseTo] Version IssueInstant Destination.
  response.setAttributeNS(NS.xmlns, 'xmlns:samlp', NS.protocol);
  response.setAttribute('ID', ids.response);
  if (inResponseTo !== undefined) response.setAttribute('InResponseTo', inResponseTo);
  response.setAttribute('Version', '2.0');
  response.setAttribute('IssueInstant', now);
  response.setAttribute('Destination', xmlString(spec.destination, 'Destination'));
  response.appendChild(issuerElement(doc, spec.issuer, true));
  const status = el(doc, NS.protocol, 'samlp:Status');
  const statusCode = el(doc, NS.protocol, 'samlp:StatusCode');
  statusCode.setAttribute('Value', STATUS.success);
  status.appendChild(statusCode);
  response.appendChild(status);

  const assertion = el(doc, NS.assertion, 'saml:Assertion');
  assertion.setAttributeNS(NS.xmlns, 'xmlns:saml', NS.assertion);
  assertion.setAttribute('Version', '2.0');
  assertion.setAttribute('ID', ids.assertion);
  assertion.setAttribute('IssueInstant', now);
  assertion.appendChild(issuerElement(doc, spec.issuer, false));

  const subject = el(doc, NS.assertion, 'saml:Subject');
  const nameId = textEl(doc, NS.assertion, 'saml:NameID', nameIdValue, 'NameID');
  nameId.setAttribute('Format', xmlString(spec.nameId.format ?? NAMEID_FORMAT.unspecified, 'NameID Format'));
  subject.appendChild(nameId);
  const confirmation = el(doc, NS.assertion, 'saml:SubjectConfirmation');
  confirmation.setAttribute('Method', BEARER);
  const confirmationData = el(doc, NS.assertion, 'saml:SubjectConfirmationData');
  confirmationData.setAttribute('NotOnOrAfter', notOnOrAfter);
  confirmationData.setAttribute('Recipient', xmlString(spec.recipient, 'Recipient'));
  if (inResponseTo !== undefined) confirmationData.setAttribute('InResponseTo', inResponseTo);
  confirmation.appendChild(confirmationData);
  subject.appendChild(confirmation);
  assertion.appendChild(subject);

  const conditions = el(doc, NS.assertion, 'saml:Conditions');
  conditions.setAttribute('NotBefore', now); // = IssueInstant, no skew (Auth0)
  conditions.setAttribute('NotOnOrAfter', notOnOrAfter);
  const audiences = spec.audiences ?? [];
  if (audiences.length > 0) {
    const restriction = el(doc, NS.assertion, 'saml:AudienceRestriction');
    for (const audience of audiences) restriction.appendChild(textEl(doc, NS.assertion, 'saml:Audience', audience, 'Audience'));
    conditions.appendChild(restriction);
  }
  assertion.appendChild(conditions);

  const authn = el(doc, NS.assertion, 'saml:AuthnStatement');
  authn.setAttribute('AuthnInstant', now); // = IssueInstant, not the login time (Auth0)
  authn.setAttribute('SessionIndex', sessionIndex);
  const authnContext = el(doc, NS.assertion, 'saml:AuthnContext');
  authnContext.appendChild(
    textEl(doc, NS.assertion, 'saml:AuthnContextClassRef', spec.authnContextClassRef ?? DEFAULT_AUTHN_CONTEXT_CLASS_REF, 'AuthnContextClassRef'),
  );
  authn.appendChild(authnContext);
  assertion.appendChild(authn);

  // Always present, even when empty (auth0.md §3.8).
  const statement = el(doc, NS.assertion, 'saml:AttributeStatement');
  statement.setAttributeNS(NS.xmlns, 'xmlns:xs', NS.xs);
  statement.setAttributeNS(NS.xmlns, 'xmlns:xsi', NS.xsi);
  for (const [name, raw] of entriesOf(spec.attributes)) {
    if (raw === undefined) continue;
    const values = Array.isArray(raw) ? (raw as readonly unknown[]).filter((v) => v !== undefined) : [raw];
    if (values.length === 0) continue; // empty arrays are skipped (node-saml)
    if (name.length === 0) throw new SamlBuildError('ERR_SAML_BUILD_ATTRIBUTE_NAME', 'attribute name is empty');
    const attribute = el(doc, NS.assertion, 'saml:Attribute');
    attribute.setAttribute('Name', xmlString(name, 'attribute name'));
    if (withNameFormat) attribute.setAttribute('NameFormat', attributeNameFormat(name));
    for (const v of values) {
      const { type, text } = attributeValueOf(v, typed);
      const value = el(doc, NS.assertion, 'saml:AttributeValue');
      value.setAttributeNS(NS.xsi, 'xsi:type', type);
      // S42: the user's value is a text node; the serializer escapes it, so markup stays text.
      value.appendChild(doc.createTextNode(xmlText(text, 'attribute value')));
      attribute.appendChild(value);
    }
    statement.appendChild(attribute);
  }
  assertion.appendChild(statement);
  response.appendChild(assertion);
  return { doc, response, assertion };
}

/** S42: the serializer throws rather than emit ill-formed XML (xmldom CVE-2026-34601 family). */
function serializeWellFormed(node: Node): string {
  return new XMLSerializer().serializeToString(node, false, undefined, { requireWellFormed: true });
}

// ---------------------------------------------------------------- signing

const EXC_C14N = new ExclusiveCanonicalization();
const HASH: Readonly<Record<DigestAlgorithmName | SignatureAlgorithmName, string>> = {
  sha256: 'sha256',
  sha1: 'sha1',
  'rsa-sha256': 'sha256',
  'rsa-sha1': 'sha1',
};

/** The last PEM parsed: parsing a PKCS#8 PEM costs more than the RSA signature itself (~1.7 ms vs ~1 ms). */
let lastPem: { readonly pem: string; readonly key: KeyObject } | undefined;

function signingKey(signing: SigningOptions): KeyObject {
  let key: KeyObject;
  if (typeof signing.privateKey === 'string') {
    if (lastPem === undefined || lastPem.pem !== signing.privateKey) {
      let parsed: KeyObject;
      try {
        parsed = createPrivateKey(signing.privateKey);
      } catch {
        throw new SamlBuildError('ERR_SAML_BUILD_SIGNING_KEY', 'the signing key is not a PEM private key');
      }
      lastPem = { pem: signing.privateKey, key: parsed };
    }
    key = lastPem.key;
  } else key = signing.privateKey;
  // Algorithm confusion: an EC or HMAC key would produce a value that is not the rsa-sha* we announce.
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') throw new SamlBuildError('ERR_SAML_BUILD_SIGNING_KEY', 'the signing key must be an RSA private key');
  return key;
}

/**
 * Enveloped XML-DSig over `target` (the Response or its Assertion), in place, placed right after the
 * target's own Issuer (not the Response's when signing the Assertion: S46), unprefixed
 * (`<Signature xmlns="…xmldsig#">`), exclusive c14n, one Reference to the target's existing ID with
 * the enveloped-signature and exc-c14n transforms, and the certificate in KeyInfo — the layout of
 * node-saml `lib/xml/sign.js`. Built with DOM calls; xml-crypto provides the canonicalization.
 * `target` is always a node of a document we built: this never signs XML that came from outside.
 */
export function signEnveloped(doc: Document, target: Element, key: KeyObject, signing: Pick<SigningOptions, 'certificate' | 'signatureAlgorithm' | 'digestAlgorithm'>): void {
  const signatureAlgorithm = signing.signatureAlgorithm ?? 'rsa-sha256';
  const digestAlgorithm = signing.digestAlgorithm ?? 'sha256';
  const issuer = child(target, NS.assertion, 'Issuer');
  const id = target.getAttribute('ID');
  if (issuer === undefined || id === null) throw new Error('INVARIANT: a signed element has an ID and an Issuer');
  // The enveloped-signature transform removes the Signature from the digest input: digesting before
  // the Signature exists is the same octets.
  const digest = createHash(HASH[digestAlgorithm]).update(EXC_C14N.process(target, {}), 'utf8').digest('base64');

  const ds = (local: string, algorithm?: string): Element => {
    const e = doc.createElementNS(NS.ds, local);
    if (algorithm !== undefined) e.setAttribute('Algorithm', algorithm);
    return e;
  };
  const signature = ds('Signature');
  signature.setAttributeNS(NS.xmlns, 'xmlns', NS.ds);
  const signedInfo = ds('SignedInfo');
  signedInfo.appendChild(ds('CanonicalizationMethod', ALG.excC14n));
  signedInfo.appendChild(ds('SignatureMethod', SIGNATURE_ALGORITHM_URI[signatureAlgorithm]));
  const reference = ds('Reference');
  reference.setAttribute('URI', `#${id}`);
  const transforms = ds('Transforms');
  transforms.appendChild(ds('Transform', ALG.envelopedSignature));
  transforms.appendChild(ds('Transform', ALG.excC14n));
  reference.appendChild(transforms);
  reference.appendChild(ds('DigestMethod', DIGEST_ALGORITHM_URI[digestAlgorithm]));
  const digestValue = ds('DigestValue');
  digestValue.appendChild(doc.createTextNode(digest));
  reference.appendChild(digestValue);
  signedInfo.appendChild(reference);
  signature.appendChild(signedInfo);
  target.insertBefore(signature, issuer.nextSibling);

  // RSASSA-PKCS1-v1_5 over the exclusive canonical form of SignedInfo.
  const value = sign(HASH[signatureAlgorithm], Buffer.from(EXC_C14N.process(signedInfo, {}), 'utf8'), key);
  const signatureValue = ds('SignatureValue');
  signatureValue.appendChild(doc.createTextNode(value.toString('base64')));
  signature.appendChild(signatureValue);
  const keyInfo = ds('KeyInfo');
  const x509Data = ds('X509Data');
  const x509Certificate = ds('X509Certificate');
  x509Certificate.appendChild(doc.createTextNode(certificateToBase64(signing.certificate)));
  x509Data.appendChild(x509Certificate);
  keyInfo.appendChild(x509Data);
  signature.appendChild(keyInfo);
}

// ---------------------------------------------------------------- encryption

/**
 * Sign-then-encrypt (auth0.md §4.3): the signed Assertion becomes
 * `saml:EncryptedAssertion/xenc:EncryptedData`, content AES-256 (CBC or GCM), key wrapped with
 * RSA-OAEP (MGF1-SHA1, the mgf1p profile every SP supports) under the SP's certificate.
 */
function encryptAssertion(doc: Document, response: Element, assertion: Element, options: EncryptionOptions): void {
  const algorithm = options.algorithm ?? 'aes256-cbc';
  const certDer = certificateToDer(options.certificate);
  const certPem = derToPem(certDer);

  const plaintext = Buffer.from(serializeWellFormed(assertion), 'utf8');
  const key = randomBytes(32);
  let cipherValue: Buffer;
  if (algorithm === 'aes256-gcm') {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    // XML Encryption 1.1 §5.2.4: IV ‖ ciphertext ‖ 128-bit tag.
    cipherValue = Buffer.concat([iv, body, cipher.getAuthTag()]);
  } else {
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-256-cbc', key, iv);
    // PKCS#7 padding is one of the paddings XML Encryption §5.2's rule (last byte = pad length) admits.
    cipherValue = Buffer.concat([iv, cipher.update(plaintext), cipher.final()]);
  }
  let wrappedKey: Buffer;
  try {
    wrappedKey = publicEncrypt({ key: certPem, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key);
  } catch {
    throw new SamlBuildError('ERR_SAML_BUILD_ENCRYPTION_KEY', 'the encryption certificate does not hold an RSA key');
  }

  const encrypted = el(doc, NS.assertion, 'saml:EncryptedAssertion');
  encrypted.setAttributeNS(NS.xmlns, 'xmlns:saml', NS.assertion);
  const data = el(doc, NS.xenc, 'xenc:EncryptedData');
  data.setAttributeNS(NS.xmlns, 'xmlns:xenc', NS.xenc);
  data.setAttribute('Type', ENCRYPTION_URI.element);
  const method = el(doc, NS.xenc, 'xenc:EncryptionMethod');
  method.setAttribute('Algorithm', ENCRYPTION_URI[algorithm]);
  data.appendChild(method);

  const keyInfo = el(doc, NS.ds, 'ds:KeyInfo');
  keyInfo.setAttributeNS(NS.xmlns, 'xmlns:ds', NS.ds);
  const encryptedKey = el(doc, NS.xenc, 'xenc:EncryptedKey');
  const keyMethod = el(doc, NS.xenc, 'xenc:EncryptionMethod');
  keyMethod.setAttribute('Algorithm', ENCRYPTION_URI.rsaOaepMgf1p);
  const digest = el(doc, NS.ds, 'ds:DigestMethod');
  digest.setAttribute('Algorithm', ALG.sha1);
  keyMethod.appendChild(digest);
  encryptedKey.appendChild(keyMethod);
  const recipientKeyInfo = el(doc, NS.ds, 'ds:KeyInfo');
  const x509Data = el(doc, NS.ds, 'ds:X509Data');
  x509Data.appendChild(textEl(doc, NS.ds, 'ds:X509Certificate', certificateToBase64(certDer), 'X509Certificate'));
  recipientKeyInfo.appendChild(x509Data);
  encryptedKey.appendChild(recipientKeyInfo);
  encryptedKey.appendChild(cipherData(doc, wrappedKey));
  keyInfo.appendChild(encryptedKey);
  data.appendChild(keyInfo);
  data.appendChild(cipherData(doc, cipherValue));
  encrypted.appendChild(data);
  response.replaceChild(encrypted, assertion);
}

function cipherData(doc: Document, value: Buffer): Element {
  const data = el(doc, NS.xenc, 'xenc:CipherData');
  data.appendChild(textEl(doc, NS.xenc, 'xenc:CipherValue', value.toString('base64'), 'CipherValue'));
  return data;
}

// ---------------------------------------------------------------- NameFormat inference

/** xs:Name (XML Name production, letters and digits from any script). */
const XS_NAME = /^[\p{L}_:][\p{L}\p{N}\p{Mn}\p{Mc}_:.\-\u00B7\u203F\u2040]*$/u;
const URI_CHARS = /^[A-Za-z0-9:/?#[\]@!$&'()*+,;=.\-_~%]+$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;

/** valid-url `is_uri` (RFC 3986 generic syntax, as node-saml uses it), without its regex split. */
function isUri(value: string): boolean {
  if (!URI_CHARS.test(value)) return false;
  // every `%` starts a complete escape
  for (let i = value.indexOf('%'); i >= 0; i = value.indexOf('%', i + 1)) {
    if (!/^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) return false;
  }
  // a scheme (RFC 3986 §3.1) before the first `:`, and no `/?#` before it; with the character
  // check above, valid-url accepts every such string (an authority is always followed by `/` or nothing).
  const colon = value.indexOf(':');
  if (colon <= 0) return false;
  return SCHEME.test(value.slice(0, colon));
}
