// The SAML Response verifier for STS and the sign-in endpoint: the P1–P18 pipeline of
// reference/security.md §1. Verify first, then read only verified data: every value in the
// VerifiedAssertion comes from the canonical bytes the signature covered, re-parsed. Clock, skew,
// trusted keys and accepted audiences are inputs. One coded error per rejection; never a partial result.

import { type KeyObject, X509Certificate } from 'node:crypto';
import { verifyEnvelopedSignature } from './dsig.js';
import { reject, SamlRejectedError } from './errors.js';
import { ALG, AWS_AUDIENCE, AWS_SIGNIN_URL, BEARER, NS, STATUS } from './ns.js';
import type { SamlAttribute, VerifiedAssertion, VerifyOptions } from './types.js';
import { child, childElements, children, decodeBase64Xml, descendants, parseXmlStrict, prescan, textOnly } from './xml.js';

export const DEFAULT_AUDIENCES: readonly string[] = [AWS_AUDIENCE, AWS_SIGNIN_URL];
/** AWS's sign-in endpoints that a SubjectConfirmationData Recipient may name. */
export const DEFAULT_RECIPIENTS: readonly string[] = [AWS_SIGNIN_URL, 'https://signin.aws.amazon.com/static/saml'];

/**
 * AWS's regional sign-in endpoints, `https://<region>.signin.aws.amazon.com/saml` (IAM User Guide,
 * id_roles_providers_create_saml_assertions): accepted with the default recipients. Anchored and
 * fixed: the region is letters, digits and dashes only, so no other host can pass.
 */
const REGIONAL_SIGNIN = /^https:\/\/[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.signin\.aws\.amazon\.com\/saml$/;

function isAcceptedEndpoint(url: string, recipients: readonly string[] | undefined): boolean {
  if (recipients !== undefined) return recipients.includes(url);
  return DEFAULT_RECIPIENTS.includes(url) || REGIONAL_SIGNIN.test(url);
}

const SIGNATURE_ALGORITHMS = new Set<string>([ALG.rsaSha256, ALG.rsaSha512, ALG.rsaSha1]);
const DIGEST_ALGORITHMS = new Set<string>([ALG.sha256, ALG.sha512, ALG.sha1]);
const NCNAME_ID = /^[A-Za-z_][A-Za-z0-9._-]{0,127}$/;
const XS_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_CERTIFICATES = 3;

/** Strict xs:dateTime with a zone (a missing zone is ambiguous and refused). */
export function parseSamlInstant(value: string | null | undefined, what: string): number {
  if (value === null || value === undefined || value === '') return reject('DATETIME_INVALID', `${what} missing`);
  const m = XS_DATETIME.exec(value);
  if (m === null) return reject('DATETIME_INVALID', `${what} is not an xs:dateTime with a zone`);
  const t = Date.parse(value);
  if (!Number.isFinite(t)) return reject('DATETIME_INVALID', `${what} is not a valid instant`);
  // Date.parse rolls `2026-06-31` over to 1 July and takes offsets past ±14:00: check the calendar.
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const zone = m[8] as string;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = zone === 'Z' || (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)) <= 14 * 60 && Number(zone.slice(4, 6)) < 60);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || !offsetOk) {
    return reject('DATETIME_INVALID', `${what} is not a calendar instant`);
  }
  return t;
}

function toPem(cert: string): string {
  if (cert.includes('-----BEGIN CERTIFICATE-----')) return cert.trim();
  const b64 = cert.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----`;
}

interface PinnedKey {
  readonly der: Buffer;
  readonly key: KeyObject;
}

/**
 * Registered certificates parsed once (an X509Certificate costs ~0.3 ms, and a PEM handed to
 * xml-crypto would be parsed again on every verification). Bounded: providers are few.
 */
const pinnedKeys = new Map<string, PinnedKey>();

function pinned(cert: string): PinnedKey {
  let p = pinnedKeys.get(cert);
  if (p === undefined) {
    const x509 = new X509Certificate(toPem(cert));
    p = { der: x509.raw, key: x509.publicKey };
    if (pinnedKeys.size >= 256) pinnedKeys.clear();
    pinnedKeys.set(cert, p);
  }
  return p;
}

function isDs(el: Element, local: string): boolean {
  return el.namespaceURI === NS.ds && el.localName === local;
}

function unboundPrefix(el: Element): boolean {
  // xmldom leaves namespaceURI undefined (not null) for an unbound prefix.
  if (el.prefix !== null && el.prefix !== '' && (el.namespaceURI ?? null) === null) return true;
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i) as Attr;
    if (a.prefix !== null && a.prefix !== '' && a.prefix !== 'xmlns' && (a.namespaceURI ?? null) === null) return true;
  }
  return false;
}

function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name) ?? undefined : undefined;
}

interface SignatureSite {
  readonly signature: Element;
  /** The element the signature must cover: its parent (Response or Assertion). */
  readonly parent: Element;
  readonly parentId: string;
  readonly kind: 'response' | 'assertion';
  readonly signatureAlgorithm: string;
  readonly digestAlgorithm: string;
}

/** P5: exact structure, with namespace URIs; P6: IDs. Returns the one assertion and the signatures. */
function checkStructure(doc: Document): { response: Element; assertion: Element; signatures: Element[] } {
  const response = doc.documentElement;
  if (response.namespaceURI !== NS.protocol || response.localName !== 'Response') reject('ROOT_NOT_RESPONSE', `root is {${response.namespaceURI}}${response.localName}`);
  const all = descendants(doc);
  // Comment and PI nodes are refused by the prescan; checked again on the DOM (text truncation, CVE-2017-11427 family).
  const walk = (n: Node): void => {
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType === 8) reject('COMMENT', 'comment node');
      if (c.nodeType === 7) reject('PROCESSING_INSTRUCTION', 'processing instruction node');
      if (c.nodeType === 5 || c.nodeType === 6) reject('ENTITY', 'entity node');
      if (c.nodeType === 1) {
        // xmldom accepts an unbound prefix (`<evil:Status>`, no namespace); namespace-aware parsers
        // refuse it. Not well-formed under Namespaces in XML: refused, so no two parsers disagree.
        if (unboundPrefix(c as Element)) reject('XML_PARSE', 'unbound namespace prefix');
        walk(c);
      }
    }
  };
  walk(response);
  const assertions = all.filter((e) => e.localName === 'Assertion');
  const encrypted = all.filter((e) => e.localName === 'EncryptedAssertion');
  if (encrypted.length > 0) reject('ENCRYPTED_ASSERTION', 'EncryptedAssertion is not supported');
  // Signature wrapping (XSW1–XSW8, CVE-2022-41912, CVE-2020-5407): exactly one assertion, a direct child of the root.
  if (assertions.length === 0) reject('NO_ASSERTION', 'no Assertion');
  if (assertions.length > 1) reject('XSW_MULTI_ASSERTION', `${assertions.length} Assertion elements`);
  const assertion = assertions[0] as Element;
  if (assertion.namespaceURI !== NS.assertion || assertion.parentNode !== response) reject('ASSERTION_NOT_CHILD', 'the Assertion is not a child of the Response');
  // Any element named Signature, in any namespace, counts (namespace confusion tricks).
  const signatures = all.filter((e) => e.localName === 'Signature');
  if (signatures.length === 0) reject('SIG_MISSING', 'no Signature');
  if (signatures.length > 2) reject('SIG_TOO_MANY', `${signatures.length} Signature elements`);
  for (const s of signatures) {
    if (s.namespaceURI !== NS.ds) reject('SIG_POSITION', 'Signature outside the xmldsig namespace');
    const parent = s.parentNode as Element;
    if (parent !== response && parent !== assertion) reject('SIG_POSITION', 'Signature is not a child of the Response or the Assertion');
    // The signature sits right after its parent's Issuer (first child if there is no Issuer).
    const kids = childElements(parent);
    const issuerIndex = kids.findIndex((k) => k.namespaceURI === NS.assertion && k.localName === 'Issuer');
    const at = kids.indexOf(s);
    if (at !== issuerIndex + 1) reject('SIG_POSITION', 'Signature does not follow its parent\'s Issuer');
  }
  if (signatures.filter((s) => s.parentNode === response).length > 1 || signatures.filter((s) => s.parentNode === assertion).length > 1) {
    reject('SIG_TOO_MANY', 'two signatures on one element');
  }
  // No ds:* element outside a Signature subtree (CVE-2024-45409: a forged DigestValue in StatusDetail),
  // and no Object/Manifest/RetrievalMethod anywhere (XSW8, XSW-M, key retrieval).
  for (const e of all) {
    if (e.localName === 'Object' || e.localName === 'Manifest' || e.localName === 'RetrievalMethod') {
      if (e.namespaceURI === NS.ds) reject('SIG_FORBIDDEN_ELEMENT', `ds:${e.localName}`);
    }
    if (e.namespaceURI === NS.ds && e.localName !== 'Signature') {
      let p = e.parentNode;
      while (p !== null && !(p.nodeType === 1 && isDs(p as Element, 'Signature'))) p = p.parentNode;
      if (p === null) reject('DSIG_OUT_OF_PLACE', `ds:${e.localName} outside a Signature`);
    }
    if (e.namespaceURI === NS.metadata) reject('SIG_FORBIDDEN_ELEMENT', 'metadata element inside a Response (XSW-M)');
  }
  // P6: every ID-like attribute, in any namespace, unique and an NCName (duplicate-ID XSW7, xpath injection).
  const ids = new Set<string>();
  for (const e of all) {
    const attrs = e.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs.item(i) as Attr;
      const local = a.localName ?? a.name;
      if (local === 'ID' || local === 'Id' || local === 'id') {
        if (!NCNAME_ID.test(a.value)) reject('ID_INVALID', 'an ID is not an NCName');
        if (ids.has(a.value)) reject('ID_DUPLICATE', 'duplicate ID');
        ids.add(a.value);
      }
    }
  }
  return { response, assertion, signatures };
}

/** P7: the signature's own structure and algorithms, before any cryptography. */
function checkSignatureShape(signature: Element, response: Element, strict: boolean, warnings: string[]): SignatureSite {
  const parent = signature.parentNode as Element;
  const kind = parent === response ? 'response' : 'assertion';
  const parentId = attr(parent, 'ID');
  if (parentId === undefined) return reject('ID_MISSING', `signed ${kind} has no ID`);
  const kids = childElements(signature);
  const signedInfo = kids.filter((k) => isDs(k, 'SignedInfo'));
  const value = kids.filter((k) => isDs(k, 'SignatureValue'));
  const keyInfo = kids.filter((k) => isDs(k, 'KeyInfo'));
  if (signedInfo.length !== 1 || value.length !== 1 || keyInfo.length > 1 || kids.length !== 2 + keyInfo.length) {
    reject('SIG_STRUCTURE', 'Signature must hold one SignedInfo, one SignatureValue and at most one KeyInfo');
  }
  if (kids[0] !== signedInfo[0]) reject('SIG_STRUCTURE', 'SignedInfo is not first');
  const si = signedInfo[0] as Element;
  const siKids = childElements(si);
  const c14n = siKids[0];
  const method = siKids[1];
  const refs = siKids.slice(2);
  if (c14n === undefined || !isDs(c14n, 'CanonicalizationMethod') || method === undefined || !isDs(method, 'SignatureMethod')) {
    reject('SIG_STRUCTURE', 'SignedInfo must start with CanonicalizationMethod and SignatureMethod');
  }
  // Exact exclusive c14n, never #WithComments (comment-based truncation of signed text).
  if (attr(c14n as Element, 'Algorithm') !== ALG.excC14n || childElements(c14n as Element).length > 0) {
    reject('SIG_C14N_ALGORITHM', 'canonicalization is not exclusive c14n');
  }
  const sigAlg = attr(method as Element, 'Algorithm') ?? '';
  // HMAC with the public key as secret (GHSA-c27r-x354-4m68): never accepted.
  if (/hmac/i.test(sigAlg) || childElements(method as Element).length > 0) reject('SIG_HMAC', 'HMAC signature method');
  if (!SIGNATURE_ALGORITHMS.has(sigAlg)) reject('SIG_ALGORITHM', 'signature algorithm not allowed');
  if (refs.length !== 1 || !refs.every((r) => isDs(r, 'Reference'))) reject('SIG_REF_COUNT', `${refs.length} references`);
  const ref = refs[0] as Element;
  // Reference must be the parent's own ID (XSW, signed-metadata XSW-M, URI="" whole-document tricks).
  if (attr(ref, 'URI') !== `#${parentId}`) reject('SIG_REF_NOT_PARENT', 'Reference does not point at the signed element');
  const refKids = childElements(ref);
  const transforms = refKids.filter((k) => isDs(k, 'Transforms'));
  const digestMethod = refKids.filter((k) => isDs(k, 'DigestMethod'));
  const digestValue = refKids.filter((k) => isDs(k, 'DigestValue'));
  if (transforms.length !== 1 || digestMethod.length !== 1 || digestValue.length !== 1 || refKids.length !== 3) {
    reject('SIG_STRUCTURE', 'Reference must hold Transforms, DigestMethod and DigestValue');
  }
  const t = childElements(transforms[0] as Element);
  const algs = t.map((x) => (isDs(x, 'Transform') ? attr(x, 'Algorithm') : 'not-a-transform'));
  if (algs.length !== 2 || algs[0] !== ALG.envelopedSignature || algs[1] !== ALG.excC14n) reject('SIG_TRANSFORMS', 'transforms must be enveloped-signature then exclusive c14n');
  for (const k of childElements(t[1] as Element)) {
    if (!(k.namespaceURI === NS.excC14n && k.localName === 'InclusiveNamespaces')) reject('SIG_TRANSFORMS', 'unexpected transform parameter');
  }
  if (childElements(t[0] as Element).length > 0) reject('SIG_TRANSFORMS', 'unexpected transform parameter');
  const digestAlg = attr(digestMethod[0] as Element, 'Algorithm') ?? '';
  if (!DIGEST_ALGORITHMS.has(digestAlg)) reject('SIG_DIGEST_ALGORITHM', 'digest algorithm not allowed');
  // DigestValue is one Text node (CVE-2025-29775: a comment before the digest text).
  const dv = digestValue[0] as Element;
  if (dv.childNodes.length !== 1 || dv.firstChild?.nodeType !== 3) reject('SIG_STRUCTURE', 'DigestValue is not a single text node');
  const sv = value[0] as Element;
  if (textOnly(sv) === undefined) reject('SIG_STRUCTURE', 'SignatureValue is not text');
  if (sigAlg === ALG.rsaSha1 || digestAlg === ALG.sha1) {
    // P7a: AWS accepts SHA-1, and Auth0's documented add-on default emits it: accepted with a warning.
    if (strict) reject('SIG_SHA1_STRICT', 'SHA-1 refused under the strict option');
    const w = `${kind} signed with ${sigAlg === ALG.rsaSha1 ? 'rsa-sha1' : 'rsa-sha2'} and a ${digestAlg === ALG.sha1 ? 'sha1' : 'sha2'} digest: SHA-1 is deprecated`;
    if (!warnings.includes(w)) warnings.push(w);
  }
  return { signature, parent, parentId, kind, signatureAlgorithm: sigAlg, digestAlgorithm: digestAlg };
}

/** P8–P9: the cryptographic check against the pinned certificates; returns the signed canonical XML. */
function checkCrypto(site: SignatureSite, certificates: readonly string[]): string {
  const certs = certificates.slice(0, MAX_CERTIFICATES);
  if (certs.length === 0) reject('NO_TRUSTED_CERTIFICATE', 'the provider has no signing certificate');
  // Key confusion (CVE-2024-32962): a certificate in KeyInfo must be one of the registered ones.
  const keyInfoCerts = descendants(site.signature).filter((e) => isDs(e, 'X509Certificate'));
  if (keyInfoCerts.length > 0) {
    const registered = certs.map((c) => pinned(c).der);
    for (const kc of keyInfoCerts) {
      let der: Buffer;
      try {
        der = Buffer.from((textOnly(kc) ?? '').replace(/\s+/g, ''), 'base64');
      } catch {
        return reject('SIG_KEYINFO_MISMATCH', 'KeyInfo certificate unreadable');
      }
      if (!registered.some((r) => r.equals(der))) reject('SIG_KEYINFO_MISMATCH', 'KeyInfo certificate is not registered for the provider');
    }
  }
  // P8–P9 (dsig.ts): the digest and RSA checks xml-crypto's checkSignature makes, moved out of
  // SignedXml (its whole-document XPath look-ups were ~60 % of a verification) and made on this one
  // strictly parsed DOM with xml-crypto's own exclusive canonicaliser. Still enforced there: the
  // Reference resolves to the signature's parent alone (XSW, duplicate-ID XSW7); the digest and
  // signature algorithms come from fixed allow-lists and must equal P7's (algorithm confusion, HMAC
  // with the public key GHSA-c27r-x354-4m68); reference values are read from the re-parsed canonical
  // SignedInfo, the bytes the RSA signature covers (CVE-2025-29774/29775); only the pinned RSA keys
  // are tried, never KeyInfo (key confusion, CVE-2024-32962); the returned string is exactly the
  // digested canonical bytes, which P10 re-parses (read only the signed bytes).
  const signed = verifyEnvelopedSignature(site, certs.map((c) => pinned(c).key));
  if (signed !== undefined) return signed;
  return reject('SIG_INVALID', `${site.kind} signature does not verify with any registered certificate`);
}

/** P10: re-parse the signed bytes; their root must be the element the signature named. */
function signedElement(canonical: string, site: SignatureSite): Element {
  let doc: Document;
  try {
    doc = parseXmlStrict(canonical);
  } catch (e) {
    if (e instanceof SamlRejectedError) return reject('SIGNED_CONTENT_MISMATCH', `signed bytes do not parse: ${e.reason}`);
    throw e;
  }
  const root = doc.documentElement;
  const ns = site.kind === 'response' ? NS.protocol : NS.assertion;
  const local = site.kind === 'response' ? 'Response' : 'Assertion';
  if (root.namespaceURI !== ns || root.localName !== local || root.getAttribute('ID') !== site.parentId) {
    reject('SIGNED_CONTENT_MISMATCH', 'signed bytes are not the referenced element');
  }
  return root;
}

function one(el: Element, ns: string, local: string, reason: 'SUBJECT_INVALID' | 'SUBJECT_CONFIRMATION' | 'ISSUER_MISMATCH' | 'XML_PARSE'): Element {
  const list = children(el, ns, local);
  if (list.length !== 1) return reject(reason, `${list.length} ${local} elements`);
  return list[0] as Element;
}

function readAttributes(assertion: Element): SamlAttribute[] {
  const out: SamlAttribute[] = [];
  const seen = new Set<string>();
  for (const statement of children(assertion, NS.assertion, 'AttributeStatement')) {
    for (const a of childElements(statement)) {
      if (a.namespaceURI === NS.assertion && a.localName === 'EncryptedAttribute') reject('ENCRYPTED_ASSERTION', 'EncryptedAttribute is not supported');
      if (a.namespaceURI !== NS.assertion || a.localName !== 'Attribute') continue;
      const name = attr(a, 'Name');
      if (name === undefined) reject('XML_PARSE', 'Attribute without Name');
      if (seen.has(name)) reject('ATTRIBUTE_DUPLICATE', 'an attribute appears twice');
      seen.add(name);
      const values: string[] = [];
      for (const v of children(a, NS.assertion, 'AttributeValue')) {
        const text = textOnly(v);
        if (text === undefined) reject('XML_PARSE', 'AttributeValue with element content');
        values.push(text);
      }
      out.push({ name, nameFormat: attr(a, 'NameFormat'), friendlyName: attr(a, 'FriendlyName'), values });
    }
  }
  return out;
}

/**
 * Verifies a SAML Response (base64 as posted, or raw XML with `rawXml`) from `options.idp`.
 * Returns the assertion read from signed bytes only; throws SamlRejectedError otherwise.
 */
export function verifySamlResponse(input: string, options: VerifyOptions): VerifiedAssertion {
  const skew = (options.skewSeconds ?? 120) * 1000;
  const now = options.now;
  const warnings: string[] = [];
  // P1–P2
  let xml: string;
  if (options.rawXml === true) {
    if (input.length < 4 || Buffer.byteLength(input, 'utf8') > 75 * 1024) reject('SIZE', `raw XML of ${input.length} characters`);
    xml = input;
  } else xml = decodeBase64Xml(input);
  // P3–P4
  prescan(xml);
  const doc = parseXmlStrict(xml);
  // P5–P6
  const { response, signatures } = checkStructure(doc);
  // P7
  const sites = signatures.map((s) => checkSignatureShape(s, response, options.strict === true, warnings));
  // P8–P10: every present signature must verify (fail hard: node-saml #58).
  let signedAssertion: Element | undefined;
  let signedResponse: Element | undefined;
  for (const site of sites) {
    const canonical = checkCrypto(site, options.idp.certificates);
    const el = signedElement(canonical, site);
    if (site.kind === 'assertion') signedAssertion = el;
    else signedResponse = el;
  }
  if (signedAssertion === undefined) {
    // Only the Response is signed: the assertion is read from inside the signed Response bytes.
    const inner = children(signedResponse as Element, NS.assertion, 'Assertion');
    if (inner.length !== 1) reject('XSW_MULTI_ASSERTION', 'signed Response does not hold exactly one Assertion');
    signedAssertion = inner[0] as Element;
  }
  const assertion = signedAssertion;
  // Response-level fields: from the signed Response when it is signed; an unsigned Response may
  // only cause rejection, never acceptance (S3).
  const responseView = signedResponse ?? response;

  // P11: Issuer, byte-equal to the provider's entityID.
  const issuerEl = one(assertion, NS.assertion, 'Issuer', 'ISSUER_MISMATCH');
  const issuer = textOnly(issuerEl);
  if (issuer !== options.idp.entityId) reject('ISSUER_MISMATCH', 'assertion Issuer is not the provider\'s entityID');
  const responseIssuer = child(responseView, NS.assertion, 'Issuer');
  if (responseIssuer !== undefined && textOnly(responseIssuer) !== options.idp.entityId) reject('ISSUER_MISMATCH', 'Response Issuer is not the provider\'s entityID');

  // P12: Status Success.
  const status = child(responseView, NS.protocol, 'Status');
  const code = status === undefined ? undefined : child(status, NS.protocol, 'StatusCode');
  if (code === undefined || attr(code, 'Value') !== STATUS.success) reject('STATUS_NOT_SUCCESS', 'StatusCode is not Success');

  // P13: Subject, bearer confirmation, Recipient; Destination when present.
  const recipients = options.recipients;
  const subject = one(assertion, NS.assertion, 'Subject', 'SUBJECT_INVALID');
  const nameIdEl = one(subject, NS.assertion, 'NameID', 'SUBJECT_INVALID');
  const nameId = textOnly(nameIdEl);
  if (nameId === undefined || nameId === '') reject('SUBJECT_INVALID', 'empty NameID');
  const confirmation = one(subject, NS.assertion, 'SubjectConfirmation', 'SUBJECT_CONFIRMATION');
  if (attr(confirmation, 'Method') !== BEARER) reject('SUBJECT_CONFIRMATION', 'SubjectConfirmation is not bearer');
  const scd = one(confirmation, NS.assertion, 'SubjectConfirmationData', 'SUBJECT_CONFIRMATION');
  const recipient = attr(scd, 'Recipient');
  const scdNotOnOrAfter = attr(scd, 'NotOnOrAfter');
  if (recipient === undefined || scdNotOnOrAfter === undefined) reject('SUBJECT_CONFIRMATION', 'SubjectConfirmationData lacks Recipient or NotOnOrAfter');
  if (!isAcceptedEndpoint(recipient, recipients)) reject('RECIPIENT_MISMATCH', 'Recipient is not an accepted endpoint');
  const destination = attr(responseView, 'Destination');
  if (destination !== undefined && !isAcceptedEndpoint(destination, recipients)) reject('DESTINATION_MISMATCH', 'Destination is not an accepted endpoint');

  // P14: time, with skew; AWS's 5-minute redemption window on IssueInstant.
  const issueInstant = attr(assertion, 'IssueInstant');
  const issuedAt = parseSamlInstant(issueInstant, 'IssueInstant');
  const conditions = children(assertion, NS.assertion, 'Conditions');
  if (conditions.length !== 1) reject('XML_PARSE', `${conditions.length} Conditions elements`);
  const cond = conditions[0] as Element;
  const notBefore = attr(cond, 'NotBefore');
  const condNotOnOrAfter = attr(cond, 'NotOnOrAfter');
  const scdExpiry = parseSamlInstant(scdNotOnOrAfter, 'SubjectConfirmationData NotOnOrAfter');
  const condExpiry = condNotOnOrAfter === undefined ? Infinity : parseSamlInstant(condNotOnOrAfter, 'Conditions NotOnOrAfter');
  if (notBefore !== undefined && parseSamlInstant(notBefore, 'NotBefore') > now + skew) reject('NOT_YET_VALID', 'NotBefore is in the future');
  if (issuedAt > now + skew) reject('ISSUE_INSTANT_FUTURE', 'IssueInstant is in the future');
  if (issuedAt < now - (options.maxAgeSeconds ?? 300) * 1000 - skew) reject('ISSUE_INSTANT_STALE', 'IssueInstant older than the redemption window');
  const expiresAt = Math.min(scdExpiry, condExpiry);
  if (expiresAt <= now - skew) reject('EXPIRED', 'NotOnOrAfter has passed');
  // S34: a session the IdP already ended leaves no credential lifetime (P18 caps it at SessionNotOnOrAfter − now).
  const authnStatement = child(assertion, NS.assertion, 'AuthnStatement');
  const sessionEnd = authnStatement === undefined ? undefined : attr(authnStatement, 'SessionNotOnOrAfter');
  if (sessionEnd !== undefined && parseSamlInstant(sessionEnd, 'SessionNotOnOrAfter') <= now - skew) reject('EXPIRED', 'SessionNotOnOrAfter has passed');

  // P15: every AudienceRestriction must name an accepted audience; at least one is required.
  const accepted = options.audiences ?? DEFAULT_AUDIENCES;
  const restrictions = children(cond, NS.assertion, 'AudienceRestriction');
  if (restrictions.length === 0) reject('AUDIENCE_MISMATCH', 'no AudienceRestriction');
  const audiences: string[] = [];
  for (const r of restrictions) {
    const values = children(r, NS.assertion, 'Audience').map((a) => textOnly(a) ?? '');
    audiences.push(...values);
    if (!values.some((v) => accepted.includes(v))) reject('AUDIENCE_MISMATCH', 'an AudienceRestriction names no accepted audience');
  }

  // P17 (generic part): attributes, unique by Name. AWS-specific rules live in aws.ts.
  const attributes = readAttributes(assertion);
  const authn = child(assertion, NS.assertion, 'AuthnStatement');
  const signedKinds = new Set(sites.map((s) => s.kind));
  const algorithmSite = sites.find((s) => s.kind === 'assertion') ?? (sites[0] as SignatureSite);
  return {
    issuer,
    responseId: attr(responseView, 'ID') ?? '',
    assertionId: attr(assertion, 'ID') ?? '',
    issueInstant: issueInstant as string,
    destination,
    // Only a signed Response vouches for its InResponseTo (S3); otherwise use subjectConfirmation's.
    inResponseTo: signedResponse === undefined ? undefined : attr(signedResponse, 'InResponseTo'),
    nameId: { value: nameId, format: attr(nameIdEl, 'Format') },
    subjectConfirmation: { recipient, notOnOrAfter: scdNotOnOrAfter, inResponseTo: attr(scd, 'InResponseTo') },
    conditions: { notBefore, notOnOrAfter: condNotOnOrAfter, audiences },
    authn: {
      authnInstant: authn === undefined ? undefined : attr(authn, 'AuthnInstant'),
      sessionIndex: authn === undefined ? undefined : attr(authn, 'SessionIndex'),
      sessionNotOnOrAfter: authn === undefined ? undefined : attr(authn, 'SessionNotOnOrAfter'),
    },
    attributes,
    signed: signedKinds.size === 2 ? 'both' : signedKinds.has('assertion') ? 'assertion' : 'response',
    algorithms: { signature: algorithmSite.signatureAlgorithm, digest: algorithmSite.digestAlgorithm },
    expiresAt,
    warnings,
  };
}
