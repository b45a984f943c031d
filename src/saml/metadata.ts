// SAML metadata: writes the IdP metadata document exactly as Auth0 publishes it (reference/auth0.md
// §5.3) and reads any IdP's metadata with the hardened parser, refusing what AWS IAM refuses with
// "Could not parse metadata". It never fetches URLs, never trusts a certificate it could not parse,
// and never returns a key shorter than 1024 bits.

import { X509Certificate } from 'node:crypto';
import { DOMImplementation, XMLSerializer } from '@xmldom/xmldom';
import { SamlRejectedError } from './errors.js';
import { certificateToBase64 } from './keys.js';
import { ATTRNAME_FORMAT, BINDING, NAMEID_FORMAT, NS } from './ns.js';
import { children, parseXmlStrict, prescan, textOnly } from './xml.js';

// ---------------------------------------------------------------- writing

export interface IdpMetadataSpec {
  /** `urn:<tenant host>` by Auth0's default; equals the Issuer of every response. */
  readonly entityId: string;
  /** Base64 DER or PEM; the first is the active key, later ones are rollover keys (one KeyDescriptor each). */
  readonly signingCertificates: readonly string[];
  /** `https://TENANT/samlp/CLIENT_ID`. */
  readonly ssoUrl: string;
  /** `https://TENANT/samlp/CLIENT_ID/logout`. */
  readonly sloUrl: string;
}

/** PassportProfileMapper.metadata: the claims Auth0's metadata advertises, in its order. */
const ADVERTISED_ATTRIBUTES: ReadonlyArray<readonly [name: string, friendlyName: string]> = [
  ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'E-Mail Address'],
  ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', 'Given Name'],
  ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', 'Name'],
  ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', 'Surname'],
  ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier', 'Name ID'],
];

/**
 * The metadata of one SAML application (`GET /samlp/metadata/{clientId}`): EntityDescriptor →
 * IDPSSODescriptor → KeyDescriptor(s) → SingleLogoutService Redirect, POST → NameIDFormat ×3 →
 * SingleSignOnService Redirect, POST → five Attributes. No validUntil, no signature (as Auth0).
 */
export function buildIdpMetadata(spec: IdpMetadataSpec): string {
  if (spec.signingCertificates.length === 0) throw new MetadataError('ERR_METADATA_NO_SIGNING_KEY', 'at least one signing certificate is required');
  const doc = new DOMImplementation().createDocument(NS.metadata, 'EntityDescriptor', null);
  const root = doc.documentElement as Element;
  root.setAttribute('entityID', spec.entityId);
  root.setAttributeNS(NS.xmlns, 'xmlns', NS.metadata);
  const idp = md(doc, 'IDPSSODescriptor');
  idp.setAttribute('protocolSupportEnumeration', NS.protocol);
  for (const cert of spec.signingCertificates) {
    const keyDescriptor = md(doc, 'KeyDescriptor');
    keyDescriptor.setAttribute('use', 'signing');
    const keyInfo = doc.createElementNS(NS.ds, 'KeyInfo');
    keyInfo.setAttributeNS(NS.xmlns, 'xmlns', NS.ds);
    const x509Data = doc.createElementNS(NS.ds, 'X509Data');
    const x509Certificate = doc.createElementNS(NS.ds, 'X509Certificate');
    x509Certificate.appendChild(doc.createTextNode(certificateToBase64(cert)));
    x509Data.appendChild(x509Certificate);
    keyInfo.appendChild(x509Data);
    keyDescriptor.appendChild(keyInfo);
    idp.appendChild(keyDescriptor);
  }
  for (const binding of [BINDING.redirect, BINDING.post]) idp.appendChild(endpoint(doc, 'SingleLogoutService', binding, spec.sloUrl));
  for (const format of [NAMEID_FORMAT.emailAddress, NAMEID_FORMAT.persistent, NAMEID_FORMAT.transient]) {
    const e = md(doc, 'NameIDFormat');
    e.appendChild(doc.createTextNode(format));
    idp.appendChild(e);
  }
  for (const binding of [BINDING.redirect, BINDING.post]) idp.appendChild(endpoint(doc, 'SingleSignOnService', binding, spec.ssoUrl));
  for (const [name, friendlyName] of ADVERTISED_ATTRIBUTES) {
    const attribute = doc.createElementNS(NS.assertion, 'Attribute');
    attribute.setAttribute('Name', name);
    attribute.setAttribute('NameFormat', ATTRNAME_FORMAT.uri);
    attribute.setAttribute('FriendlyName', friendlyName);
    attribute.setAttributeNS(NS.xmlns, 'xmlns', NS.assertion);
    idp.appendChild(attribute);
  }
  root.appendChild(idp);
  indent(doc, root, 0);
  return new XMLSerializer().serializeToString(doc, false, undefined, { requireWellFormed: true });
}

function md(doc: Document, local: string): Element {
  return doc.createElementNS(NS.metadata, local);
}

function endpoint(doc: Document, local: string, binding: string, location: string): Element {
  const e = md(doc, local);
  e.setAttribute('Binding', binding);
  e.setAttribute('Location', location);
  return e;
}

/** Two-space indentation like Auth0's document (whitespace-only text nodes; the metadata is not signed). */
function indent(doc: Document, el: Element, depth: number): void {
  const elements: Element[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1) elements.push(n as Element);
  if (elements.length === 0) return;
  for (const c of elements) {
    el.insertBefore(doc.createTextNode(`\n${'  '.repeat(depth + 1)}`), c);
    indent(doc, c, depth + 1);
  }
  el.appendChild(doc.createTextNode(`\n${'  '.repeat(depth)}`));
}

// ---------------------------------------------------------------- reading

export interface MetadataEndpoint {
  readonly binding: string;
  readonly location: string;
}

export interface IdpMetadata {
  readonly entityId: string;
  /** Base64 DER (no armour, no whitespace), de-duplicated, in document order. */
  readonly signingCertificates: readonly string[];
  readonly ssoServices: readonly MetadataEndpoint[];
  readonly sloServices: readonly MetadataEndpoint[];
}

export const METADATA_ERROR_CODES = [
  'ERR_METADATA_SIZE',
  'ERR_METADATA_NOT_UTF8',
  'ERR_METADATA_XML',
  'ERR_METADATA_ROOT',
  'ERR_METADATA_ENTITY_ID',
  'ERR_METADATA_NO_IDPSSO',
  'ERR_METADATA_NO_SIGNING_KEY',
  'ERR_METADATA_CERTIFICATE',
  'ERR_METADATA_KEY_TYPE',
  'ERR_METADATA_KEY_TOO_SMALL',
] as const;
export type MetadataErrorCode = (typeof METADATA_ERROR_CODES)[number];

/** What IAM says for every metadata it cannot use (CreateSAMLProvider / UpdateSAMLProvider `InvalidInput`). */
export const AWS_METADATA_MESSAGE = 'Could not parse metadata';

/** Metadata Tessera refuses: `code` and `message` say why (for the admin), `awsMessage` is what IAM returns. */
export class MetadataError extends Error {
  readonly awsMessage = AWS_METADATA_MESSAGE;
  constructor(
    readonly code: MetadataErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MetadataError';
  }
}

/** IAM's SAMLMetadataDocument length limit. */
export const MAX_METADATA_LENGTH = 10_000_000;
export const MIN_RSA_BITS = 1024;

/**
 * Reads the metadata of any IdP (bytes as uploaded, or text). Refuses, as AWS does: anything but
 * UTF-8 without a BOM, a root other than one md:EntityDescriptor, no SAML 2.0 IDPSSODescriptor, no
 * signing certificate, a non-RSA key or an RSA key under 1024 bits. A KeyDescriptor without `use`
 * counts as signing (SAML metadata §2.4.1.1).
 */
export function parseIdpMetadata(input: string | Uint8Array): IdpMetadata {
  const text = metadataText(input);
  const doc = parseHardened(text);
  const root = doc.documentElement as Element;
  if (root.namespaceURI !== NS.metadata || root.localName !== 'EntityDescriptor') {
    throw new MetadataError(
      'ERR_METADATA_ROOT',
      root.namespaceURI === NS.metadata && root.localName === 'EntitiesDescriptor'
        ? 'metadata holds several entities (EntitiesDescriptor): upload the one EntityDescriptor of the IdP'
        : 'metadata root is not an md:EntityDescriptor',
    );
  }
  const entityId = root.getAttribute('entityID') ?? '';
  if (!root.hasAttribute('entityID') || entityId.length === 0 || entityId.length > 1024) {
    throw new MetadataError('ERR_METADATA_ENTITY_ID', 'EntityDescriptor has no entityID of 1 to 1024 characters');
  }
  const descriptors = children(root, NS.metadata, 'IDPSSODescriptor').filter((d) =>
    (d.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(NS.protocol),
  );
  if (descriptors.length === 0) throw new MetadataError('ERR_METADATA_NO_IDPSSO', 'no IDPSSODescriptor supporting SAML 2.0');

  const certificates: string[] = [];
  const ssoServices: MetadataEndpoint[] = [];
  const sloServices: MetadataEndpoint[] = [];
  for (const descriptor of descriptors) {
    for (const keyDescriptor of children(descriptor, NS.metadata, 'KeyDescriptor')) {
      const use = keyDescriptor.getAttribute('use');
      if (keyDescriptor.hasAttribute('use') && use !== 'signing') continue; // encryption-only keys never verify signatures
      for (const keyInfo of children(keyDescriptor, NS.ds, 'KeyInfo')) {
        for (const x509Data of children(keyInfo, NS.ds, 'X509Data')) {
          for (const certEl of children(x509Data, NS.ds, 'X509Certificate')) {
            const b64 = checkedCertificate(textOnly(certEl));
            if (!certificates.includes(b64)) certificates.push(b64);
          }
        }
      }
    }
    ssoServices.push(...endpoints(descriptor, 'SingleSignOnService'));
    sloServices.push(...endpoints(descriptor, 'SingleLogoutService'));
  }
  if (certificates.length === 0) throw new MetadataError('ERR_METADATA_NO_SIGNING_KEY', 'no signing certificate (KeyDescriptor use="signing" with an X509Certificate)');
  return { entityId, signingCertificates: certificates, ssoServices, sloServices };
}

function metadataText(input: string | Uint8Array): string {
  if (typeof input === 'string') {
    if (input.length > MAX_METADATA_LENGTH) throw new MetadataError('ERR_METADATA_SIZE', `metadata longer than ${MAX_METADATA_LENGTH} characters`);
    if (input.charCodeAt(0) === 0xfeff) throw new MetadataError('ERR_METADATA_NOT_UTF8', 'metadata starts with a byte order mark: save it as UTF-8 without BOM');
    return input;
  }
  if (input.length > MAX_METADATA_LENGTH) throw new MetadataError('ERR_METADATA_SIZE', `metadata larger than ${MAX_METADATA_LENGTH} bytes`);
  const b0 = input[0];
  const b1 = input[1];
  if ((b0 === 0xef && b1 === 0xbb && input[2] === 0xbf) || (b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe)) {
    throw new MetadataError('ERR_METADATA_NOT_UTF8', 'metadata starts with a byte order mark: save it as UTF-8 without BOM');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    throw new MetadataError('ERR_METADATA_NOT_UTF8', 'metadata is not valid UTF-8');
  }
}

/**
 * The verifier's hardening (xml.ts P3–P4: no DTD/entities — XXE, billion laughs —, no PIs, UTF-8
 * only, depth and size caps, one parser), with one adaptation: metadata files from Shibboleth and
 * others carry comments, which hold no data, so they are removed (outside CDATA) before the scan.
 */
function parseHardened(text: string): Document {
  try {
    const body = withoutComments(text);
    prescan(body); // also refuses a declared encoding other than UTF-8
    // xmldom reports the XML declaration as a processing instruction, which parseXmlStrict refuses;
    // nearly every metadata file starts with one, and prescan has already checked it.
    const declaration = XML_DECLARATION.exec(body);
    return parseXmlStrict(declaration === null ? body : body.slice(declaration[0].length));
  } catch (e) {
    if (e instanceof MetadataError) throw e;
    if (e instanceof SamlRejectedError) {
      if (e.reason === 'ENCODING' || e.reason === 'UTF8') throw new MetadataError('ERR_METADATA_NOT_UTF8', 'metadata declares an encoding other than UTF-8');
      // NUL bytes in text that decoded as UTF-8: almost always UTF-16 saved without a BOM.
      if (e.reason === 'NUL_BYTE') throw new MetadataError('ERR_METADATA_NOT_UTF8', 'metadata contains NUL bytes (UTF-16?): save it as UTF-8');
      throw new MetadataError('ERR_METADATA_XML', `metadata is not acceptable XML: ${e.reason.toLowerCase().replace(/_/g, ' ')}`);
    }
    throw new MetadataError('ERR_METADATA_XML', 'metadata is not well-formed XML');
  }
}

/** The same declaration prescan accepts (version, UTF-8 encoding, standalone), at the very start. */
const XML_DECLARATION = /^<\?xml\s[^?]*\?>/;

/** Removes `<!-- … -->` outside CDATA sections; an unterminated comment or `--` inside one is refused. */
function withoutComments(text: string): string {
  if (!text.includes('<!--')) return text;
  let out = '';
  let i = 0;
  let cdata = -2; // next CDATA start at or after i (-1: none left); searched lazily so the scan stays linear
  while (i < text.length) {
    const comment = text.indexOf('<!--', i);
    if (comment < 0) break;
    if (cdata !== -1 && cdata < i) cdata = text.indexOf('<![CDATA[', i);
    if (cdata >= 0 && cdata < comment) {
      const end = text.indexOf(']]>', cdata);
      if (end < 0) break; // the parser reports the unterminated section
      out += text.slice(i, end + 3);
      i = end + 3;
      continue;
    }
    const end = text.indexOf('-->', comment + 4);
    if (end < 0) throw new MetadataError('ERR_METADATA_XML', 'metadata has an unterminated comment');
    if (text.slice(comment + 4, end).includes('--')) throw new MetadataError('ERR_METADATA_XML', 'metadata has `--` inside a comment');
    out += text.slice(i, comment);
    i = end + 3;
  }
  return out + text.slice(i);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A signing certificate AWS would accept: strict base64 DER of an X.509 certificate with an RSA key ≥ 1024 bits. */
function checkedCertificate(text: string | undefined): string {
  const b64 = (text ?? '').replace(/\s+/g, '');
  if (b64.length === 0 || b64.length % 4 !== 0 || !BASE64.test(b64)) {
    throw new MetadataError('ERR_METADATA_CERTIFICATE', 'an X509Certificate is not base64');
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(b64, 'base64'));
  } catch {
    throw new MetadataError('ERR_METADATA_CERTIFICATE', 'an X509Certificate is not a DER X.509 certificate');
  }
  const key = cert.publicKey;
  // The verifier allows RSA signature algorithms only (algorithm confusion, S-2.6).
  if (key.asymmetricKeyType !== 'rsa') throw new MetadataError('ERR_METADATA_KEY_TYPE', `signing key is ${key.asymmetricKeyType ?? 'unknown'}, not RSA`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new MetadataError('ERR_METADATA_KEY_TOO_SMALL', `RSA signing key of ${bits} bits: at least ${MIN_RSA_BITS} are required`);
  return cert.raw.toString('base64');
}

function endpoints(descriptor: Element, local: string): MetadataEndpoint[] {
  const out: MetadataEndpoint[] = [];
  for (const e of children(descriptor, NS.metadata, local)) {
    const binding = e.getAttribute('Binding');
    const location = e.getAttribute('Location');
    if (binding && location) out.push({ binding, location });
  }
  return out;
}
