// The SAML protocol messages the IdP receives (AuthnRequest, LogoutRequest, LogoutResponse) up to the
// point where their fields may be trusted — binding decode with caps, the hardened parse, structure,
// the signature policy (Redirect query signature, or an enveloped signature on the root with pinned
// certificates), then ID/Version/IssueInstant/Destination/Issuer read from what was verified — and the
// enveloped signer for the messages it sends. It never reads a field from bytes a required signature
// did not cover, never signs XML that came from outside, and never builds XML from string templates.

import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { DOMImplementation, XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { checkRelayState, decodePostParam, decodeRedirectParam, MAX_REDIRECT_PARAM_LENGTH, SamlBindingError } from './bindings.js';
import { SamlRejectedError } from './errors.js';
import { certificateToDer } from './keys.js';
import { ALG, NS, STATUS } from './ns.js';
import { signEnveloped, type SigningOptions } from './response.js';
import { MAX_SIGNING_CERTIFICATES, parseRedirectQuery, verifyRedirectSignature, type RedirectParam, type RedirectQuery } from './redirect-signature.js';
import { parseSamlInstant } from './verify.js';
import { child, childElements, descendants, parseXmlStrict, prescan, textOnly } from './xml.js';

// ---------------------------------------------------------------- statuses and reasons

/** SAML core §3.2.2.2 status codes used for the error Response/LogoutResponse sent back. */
export const STATUS_CODE = {
  success: STATUS.success,
  requester: STATUS.requester,
  responder: STATUS.responder,
  versionMismatch: 'urn:oasis:names:tc:SAML:2.0:status:VersionMismatch',
  // second level
  noPassive: STATUS.noPassive,
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  requestUnsupported: 'urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported',
  requestVersionTooHigh: 'urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooHigh',
  requestVersionTooLow: 'urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooLow',
  unsupportedBinding: 'urn:oasis:names:tc:SAML:2.0:status:UnsupportedBinding',
  unknownPrincipal: 'urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal',
  partialLogout: 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout',
} as const;

/** A SAML status: top-level code and an optional second-level code. */
export interface SamlStatus {
  readonly code: string;
  readonly subCode?: string;
}

/** Every reason an incoming message is refused, across the three message kinds. */
export type IncomingRejectReason =
  | 'OVERSIZED'
  | 'MALFORMED'
  | 'RELAY_STATE'
  | 'NOT_AUTHN_REQUEST'
  | 'NOT_LOGOUT_REQUEST'
  | 'NOT_LOGOUT_RESPONSE'
  | 'VERSION'
  | 'DESTINATION_MISMATCH'
  | 'STALE'
  | 'FUTURE'
  | 'EXPIRED'
  | 'SIGNATURE_REQUIRED'
  | 'SIGNATURE_INVALID'
  | 'ALGORITHM'
  | 'ISSUER_MISMATCH'
  | 'IN_RESPONSE_TO_MISMATCH'
  | 'UNSUPPORTED_NAMEID'
  | 'IS_PASSIVE'
  | 'UNSUPPORTED_BINDING';

const requester = (subCode?: string): SamlStatus => (subCode === undefined ? { code: STATUS_CODE.requester } : { code: STATUS_CODE.requester, subCode });

/**
 * The catalogue: per reason, the status of the error Response (SAML core §3.2.2.2; auth0.md §4.4) and
 * the public message (never a document value). A Record over the union: a new reason does not compile
 * without its row.
 */
export const INCOMING_REJECTIONS: Readonly<Record<IncomingRejectReason, { readonly status: SamlStatus; readonly message: string }>> = {
  OVERSIZED: { status: requester(), message: 'the SAML message is too large' },
  MALFORMED: { status: requester(), message: 'the SAML message is malformed' },
  RELAY_STATE: { status: requester(), message: 'RelayState is longer than 80 bytes' },
  NOT_AUTHN_REQUEST: { status: requester(STATUS_CODE.requestUnsupported), message: 'the SAML message is not an AuthnRequest' },
  NOT_LOGOUT_REQUEST: { status: requester(STATUS_CODE.requestUnsupported), message: 'the SAML message is not a LogoutRequest' },
  NOT_LOGOUT_RESPONSE: { status: requester(STATUS_CODE.requestUnsupported), message: 'the SAML message is not a LogoutResponse' },
  // The sub-code (too high / too low) is set per message where the version can be read.
  VERSION: { status: { code: STATUS_CODE.versionMismatch }, message: 'the SAML message is not SAML 2.0' },
  DESTINATION_MISMATCH: { status: requester(STATUS_CODE.requestDenied), message: 'the SAML message was addressed to another endpoint' },
  STALE: { status: requester(STATUS_CODE.requestDenied), message: 'the SAML message was issued too long ago' },
  FUTURE: { status: requester(STATUS_CODE.requestDenied), message: 'the SAML message was issued in the future' },
  EXPIRED: { status: requester(STATUS_CODE.requestDenied), message: 'the SAML message has expired' },
  SIGNATURE_REQUIRED: { status: requester(STATUS_CODE.requestDenied), message: 'the SAML message must be signed' },
  SIGNATURE_INVALID: { status: requester(STATUS_CODE.requestDenied), message: 'the SAML message signature is invalid' },
  ALGORITHM: { status: requester(STATUS_CODE.requestDenied), message: 'the SAML message uses an algorithm that is not allowed' },
  ISSUER_MISMATCH: { status: requester(STATUS_CODE.requestDenied), message: 'the SAML message comes from an unexpected issuer' },
  IN_RESPONSE_TO_MISMATCH: { status: requester(STATUS_CODE.requestDenied), message: 'the SAML message answers another request' },
  UNSUPPORTED_NAMEID: { status: requester(STATUS_CODE.requestUnsupported), message: 'the SAML message identifies the user in an unsupported way' },
  // NoPassive is the IdP's inability, not the requester's fault (SAML core §3.2.2.2; Auth0: IsPassive not supported).
  IS_PASSIVE: { status: { code: STATUS_CODE.responder, subCode: STATUS_CODE.noPassive }, message: 'passive authentication (IsPassive) is not supported' },
  UNSUPPORTED_BINDING: { status: { code: STATUS_CODE.responder, subCode: STATUS_CODE.unsupportedBinding }, message: 'the requested response binding is not supported' },
};

/** Internal: thrown by the pipeline, turned into the public error class of each message kind. */
export class MessageRejection extends Error {
  constructor(
    readonly reason: IncomingRejectReason,
    readonly detail: string,
    readonly subCode?: string,
  ) {
    super(detail);
    this.name = 'MessageRejection';
  }
}

export function rejectMessage(reason: IncomingRejectReason, detail: string, subCode?: string): never {
  throw new MessageRejection(reason, detail, subCode);
}

/**
 * A refused incoming message: the public half (`code`, `message`, `status` for the error Response,
 * HTTP 400) and the logged half (`reason`, `detail`). `unverifiedRequestId` is the message's ID when
 * it could be read and is an NCName: usable as InResponseTo of the error answer, never as a fact.
 */
export class IncomingMessageError<R extends IncomingRejectReason> extends Error {
  readonly httpStatus = 400 as const;
  readonly status: SamlStatus;
  constructor(
    readonly code: string,
    readonly reason: R,
    /** For logs only: may name elements, never returned to the sender. */
    readonly detail: string,
    readonly unverifiedRequestId: string | undefined,
    subCode?: string,
  ) {
    super(INCOMING_REJECTIONS[reason].message);
    const base = INCOMING_REJECTIONS[reason].status;
    this.status = subCode === undefined ? base : { code: base.code, subCode };
  }
}

// ---------------------------------------------------------------- inputs

export type MessageKind = 'AuthnRequest' | 'LogoutRequest' | 'LogoutResponse';

export interface IncomingMessageInput {
  /** The transport it arrived on: GET query (Redirect) or form POST. */
  readonly binding: 'redirect' | 'post';
  /** The `SAMLRequest`/`SAMLResponse` value, URL- or form-decoded by the HTTP layer. */
  readonly message: string;
  readonly relayState?: string | undefined;
  readonly sigAlg?: string | undefined;
  readonly signature?: string | undefined;
  /** Redirect: the query string exactly as received (required to verify a Redirect signature). */
  readonly rawQuery?: string | undefined;
}

export interface IncomingMessageOptions {
  /** The clock, as an input. */
  readonly now: Date | number;
  /** Allowed clock skew, seconds. */
  readonly skewSeconds: number;
  /** Oldest IssueInstant accepted, seconds before `now` (default 300), skew added. */
  readonly maxAgeSeconds?: number;
  /** Our endpoint URLs; a Destination must equal one of them byte for byte. */
  readonly expectedDestinations: readonly string[];
  /**
   * The sender's signing certificates (PEM or base64 DER; the application's `signingCert`). When
   * present and non-empty the message MUST be signed and verify with one of them (≤ 3 tried).
   */
  readonly signingCertificates?: readonly string[] | undefined;
  /** Refuse rsa-sha1 and sha1 digests (accepted with a warning by default). */
  readonly strict?: boolean;
}

/** What the pipeline hands the message-specific reader: the root from verified bytes, and the common fields. */
export interface ReadMessage {
  /** The message element, re-parsed from the signed bytes when an enveloped signature vouched for it. */
  readonly root: Element;
  readonly id: string;
  readonly issuer: string;
  readonly issueInstant: string;
  readonly issuedAt: number;
  readonly destination: string | undefined;
  readonly relayState: string | undefined;
  readonly signed: boolean;
  readonly signatureAlgorithm: string | undefined;
  readonly warnings: string[];
  readonly now: number;
  readonly skewMs: number;
}

/** Mutable context the caller reads after a failure (the ID for InResponseTo of an error answer). */
export interface ReadContext {
  unverifiedId: string | undefined;
}

const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]{0,255}$/;
const WRONG_ROOT: Readonly<Record<MessageKind, IncomingRejectReason>> = {
  AuthnRequest: 'NOT_AUTHN_REQUEST',
  LogoutRequest: 'NOT_LOGOUT_REQUEST',
  LogoutResponse: 'NOT_LOGOUT_RESPONSE',
};
const DEFAULT_MAX_AGE_SECONDS = 300;

function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
}

function isDs(el: Element, local: string): boolean {
  return el.namespaceURI === NS.ds && el.localName === local;
}

function instantOf(now: Date | number): number {
  const t = typeof now === 'number' ? now : now.getTime();
  if (!Number.isFinite(t)) throw new TypeError('now is not a valid instant');
  return t;
}

// ---------------------------------------------------------------- the pipeline

/**
 * Reads one incoming protocol message of `kind` through the whole policy. Throws MessageRejection;
 * `ctx.unverifiedId` is filled as soon as the root's ID is readable.
 */
export function readIncomingMessage(kind: MessageKind, input: IncomingMessageInput, options: IncomingMessageOptions, ctx: ReadContext): ReadMessage {
  const param: RedirectParam = kind === 'LogoutResponse' ? 'SAMLResponse' : 'SAMLRequest';
  const now = instantOf(options.now);
  const skewMs = options.skewSeconds * 1000;
  if (!Number.isFinite(skewMs) || skewMs < 0) throw new TypeError('skewSeconds must be a non-negative number');
  const certificates = options.signingCertificates ?? [];
  const signatureRequired = certificates.length > 0;
  const strict = options.strict === true;
  const warnings: string[] = [];

  // 1. Binding parameters. Redirect: the raw query is the one source of truth, and the HTTP layer's
  // decoded values must agree with it (a parser differential between the value we read and the octets
  // we verify is how signature bypasses start).
  let encoded = input.message;
  let relayState = input.relayState;
  let query: RedirectQuery | undefined;
  if (input.binding === 'redirect') {
    if (input.rawQuery !== undefined) {
      const parsed = parseRedirectQuery(input.rawQuery, param);
      if (!parsed.ok) rejectMessage(parsed.reason, parsed.detail);
      query = parsed.query;
      const agree = (given: string | undefined, raw: { value: string } | undefined): boolean => given === undefined || given === raw?.value;
      if (query.message.value !== input.message || !agree(input.relayState, query.relayState) || !agree(input.sigAlg, query.sigAlg) || !agree(input.signature, query.signature)) {
        rejectMessage('MALFORMED', 'decoded parameters differ from the raw query (parameter confusion)');
      }
      encoded = query.message.value;
      relayState = query.relayState?.value;
    } else if (signatureRequired) {
      // Not the sender's fault: the endpoint must pass the query as received (bindings §3.4.4.1).
      throw new TypeError('rawQuery is required to verify a Redirect-binding signature');
    }
  } else if (input.binding !== 'post') {
    throw new TypeError('binding must be `redirect` or `post`');
  }
  if (relayState !== undefined) {
    try {
      checkRelayState(relayState);
    } catch (e) {
      if (e instanceof SamlBindingError) rejectMessage('RELAY_STATE', e.message);
      throw e;
    }
  }

  // 2. Decode and parse (P1–P4 of security.md, with the bindings' caps).
  const xml = decodeMessage(encoded, input.binding);
  let doc: Document;
  try {
    prescan(xml);
    doc = parseXmlStrict(xml);
  } catch (e) {
    if (e instanceof SamlRejectedError) {
      const oversize = e.reason === 'SIZE' || e.reason === 'TOO_DEEP' || e.reason === 'TOO_MANY_ELEMENTS' || e.reason === 'TOO_MANY_ATTRIBUTES';
      rejectMessage(oversize ? 'OVERSIZED' : 'MALFORMED', `xml: ${e.reason}: ${e.detail}`);
    }
    throw e;
  }

  // 3. Structure, before any cryptography (P5–P6).
  const root = doc.documentElement;
  const signatureElement = checkStructure(root, kind);
  const rootId = attr(root, 'ID');
  if (rootId !== undefined && NCNAME.test(rootId)) ctx.unverifiedId = rootId;

  // 4. Signature policy.
  let trusted: Element = root;
  let signed = false;
  let signatureAlgorithm: string | undefined;
  if (signatureRequired) {
    if (input.binding === 'redirect') {
      const verdict = verifyRedirectSignature(query as RedirectQuery, certificates, { strict });
      if (!verdict.ok) rejectMessage(verdict.reason, verdict.detail);
      warnings.push(...verdict.warnings);
      signatureAlgorithm = verdict.algorithm;
      // The query signature covers the whole deflated message: every field of `root` is signed.
    } else {
      if (signatureElement === undefined) rejectMessage('SIGNATURE_REQUIRED', `the ${kind} carries no enveloped signature`);
      const verified = verifyEnvelopedSignature(xml, root, signatureElement, kind, certificates, strict, warnings);
      trusted = verified.root;
      signatureAlgorithm = verified.algorithm;
    }
    signed = true;
  } else if (signatureElement !== undefined || input.signature !== undefined || query?.signature !== undefined) {
    // Decision: no certificate configured ⇒ nothing to verify against. Auth0 accepts the message; we
    // ignore the signature and report `signed: false`, so no caller mistakes it for authenticated.
    warnings.push('signature ignored: no signing certificate is configured for the sender');
  }

  // 5. Common fields, from the verified element only.
  const id = attr(trusted, 'ID');
  if (id === undefined || id === '') rejectMessage('MALFORMED', `${kind} has no ID`);
  // S43: the ID is reflected as InResponseTo; an NCName cannot carry markup.
  if (!NCNAME.test(id)) rejectMessage('MALFORMED', `${kind} ID is not an xs:NCName of at most 256 characters`);
  const version = attr(trusted, 'Version');
  if (version !== '2.0') {
    const m = version === undefined ? null : /^(\d+)\.(\d+)$/.exec(version);
    const sub = m === null ? undefined : Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) > 0) ? STATUS_CODE.requestVersionTooHigh : STATUS_CODE.requestVersionTooLow;
    rejectMessage('VERSION', `Version is ${version === undefined ? 'missing' : 'not 2.0'}`, sub);
  }
  const issueInstant = attr(trusted, 'IssueInstant');
  const issuedAt = readInstant(issueInstant, 'IssueInstant');
  // Freshness on every message type (node-saml CVE-2023-40178: LogoutRequest timestamps unchecked).
  if (issuedAt > now + skewMs) rejectMessage('FUTURE', 'IssueInstant is in the future');
  if (issuedAt < now - (options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000 - skewMs) rejectMessage('STALE', 'IssueInstant is older than the accepted age');
  const destination = attr(trusted, 'Destination');
  // S35: a message meant for another endpoint (another application, another IdP) is not ours to act on.
  if (destination !== undefined && !options.expectedDestinations.includes(destination)) rejectMessage('DESTINATION_MISMATCH', 'Destination is not one of our endpoints');
  // Bindings §3.4.5.2 / §3.5.5.2: a signed message MUST carry the Destination it was meant for, or a
  // signed message for another recipient could be replayed to us.
  if (destination === undefined && signed) rejectMessage('DESTINATION_MISMATCH', 'a signed message without Destination');
  const issuerEl = child(trusted, NS.assertion, 'Issuer');
  const issuer = issuerEl === undefined ? undefined : textOnly(issuerEl);
  if (issuer === undefined || issuer === '') rejectMessage('MALFORMED', `${kind} has no Issuer`);
  return {
    root: trusted,
    id,
    issuer,
    issueInstant: issueInstant as string,
    issuedAt,
    destination,
    relayState,
    signed,
    signatureAlgorithm,
    warnings,
    now,
    skewMs,
  };
}

/** A strict xs:dateTime with a zone (verify.ts's parser); anything else is MALFORMED. */
export function readInstant(value: string | undefined, what: string): number {
  try {
    return parseSamlInstant(value, what);
  } catch (e) {
    if (e instanceof SamlRejectedError) return rejectMessage('MALFORMED', e.detail);
    throw e;
  }
}

/**
 * L-samlp `parseSamlRequest`: the encoding is told by the first decoded byte — `<` is plain base64
 * XML (HTTP-POST), anything else raw DEFLATE (HTTP-Redirect; node-saml also deflates its POSTed
 * requests). Inflation is capped (S41 deflate bomb, CWE-409); a Redirect value is capped at 8 KiB.
 */
function decodeMessage(encoded: string, binding: 'redirect' | 'post'): string {
  try {
    const head = Buffer.from(encoded.replace(/[\r\n]/g, '').slice(0, 4), 'base64');
    if (head[0] === 0x3c) return decodePostParam(encoded, binding === 'redirect' ? MAX_REDIRECT_PARAM_LENGTH : undefined);
    return decodeRedirectParam(encoded);
  } catch (e) {
    if (e instanceof SamlBindingError) {
      const oversize = e.code === 'ERR_SAML_BINDING_SIZE' || e.code === 'ERR_SAML_DEFLATE_BOMB';
      rejectMessage(oversize ? 'OVERSIZED' : 'MALFORMED', `binding: ${e.code}`);
    }
    throw e;
  }
}

/**
 * P5–P6 for a protocol message: the root is `{protocol}kind`; no comment, PI or entity node; no
 * unbound prefix; IDs unique NCNames; at most one Signature in the whole document (counted in every
 * namespace), and if present it is `{ds}Signature`, a child of the root, right after the root's
 * Issuer (schema order); no ds:Object/Manifest/RetrievalMethod and no ds:* outside that Signature;
 * no second `kind` element nested anywhere. Returns the Signature element, if any.
 */
function checkStructure(root: Element, kind: MessageKind): Element | undefined {
  if (root.namespaceURI !== NS.protocol || root.localName !== kind) {
    rejectMessage(WRONG_ROOT[kind], `root is {${root.namespaceURI ?? ''}}${root.localName ?? ''}`);
  }
  const walk = (n: Node): void => {
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      // Text-truncation attacks (CVE-2017-11427 family, the xml-crypto PI quirk); prescan refused them too.
      if (c.nodeType === 8 || c.nodeType === 7) rejectMessage('MALFORMED', 'comment or processing instruction node');
      if (c.nodeType === 5 || c.nodeType === 6) rejectMessage('MALFORMED', 'entity node');
      if (c.nodeType === 1) {
        if (unboundPrefix(c as Element)) rejectMessage('MALFORMED', 'unbound namespace prefix');
        walk(c);
      }
    }
  };
  walk(root);
  const all = [root, ...descendants(root)];
  // P6: duplicate IDs let a verifier and a reader resolve `#id` to different elements (XSW7);
  // a quote in an ID is xml-crypto XPath injection.
  const ids = new Set<string>();
  for (const e of all) {
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes.item(i) as Attr;
      const local = a.localName ?? a.name;
      if (local === 'ID' || local === 'Id' || local === 'id') {
        if (!NCNAME.test(a.value)) rejectMessage('MALFORMED', 'an ID attribute is not an NCName');
        if (ids.has(a.value)) rejectMessage('MALFORMED', 'duplicate ID (XSW7)');
        ids.add(a.value);
      }
    }
  }
  // XSW: a signed copy of a genuine message wrapped inside an evil one (in Extensions, in the
  // Signature, anywhere). Only the root may be the message.
  for (const e of all) {
    if (e !== root && e.namespaceURI === NS.protocol && e.localName === kind) rejectMessage('MALFORMED', `a second ${kind} inside the message (XSW)`);
    // XSW-M (CVE-2024-6800): signed metadata carried inside a message.
    if (e.namespaceURI === NS.metadata) rejectMessage('MALFORMED', 'metadata element inside a protocol message (XSW-M)');
  }
  const signatures = all.filter((e) => e.localName === 'Signature');
  if (signatures.length > 1) rejectMessage('SIGNATURE_INVALID', `${signatures.length} Signature elements (XSW)`);
  const signature = signatures[0];
  for (const e of all) {
    if (e.namespaceURI !== NS.ds) continue;
    // XSW8 / XSW-M / key retrieval (S23): never present in a SAML producer's output.
    if (e.localName === 'Object' || e.localName === 'Manifest' || e.localName === 'RetrievalMethod') rejectMessage('SIGNATURE_INVALID', `ds:${e.localName} present (XSW)`);
    // ruby-saml CVE-2024-45409: a forged Reference/DigestValue outside the Signature (e.g. in Extensions).
    if (e.localName !== 'Signature') {
      let p = e.parentNode;
      while (p !== null && !(p.nodeType === 1 && isDs(p as Element, 'Signature'))) p = p.parentNode;
      if (p === null) rejectMessage('SIGNATURE_INVALID', `ds:${e.localName} outside a Signature`);
    }
  }
  const kids = childElements(root);
  const issuers = kids.filter((k) => k.namespaceURI === NS.assertion && k.localName === 'Issuer');
  if (issuers.length > 1) rejectMessage('MALFORMED', 'more than one Issuer');
  if (issuers.length === 1 && kids[0] !== issuers[0]) rejectMessage('MALFORMED', 'Issuer is not the first child');
  if (signature !== undefined) {
    if (!isDs(signature, 'Signature')) rejectMessage('SIGNATURE_INVALID', 'a Signature element outside the XML-DSig namespace (S30)');
    // Enveloped and in schema position: the root's child, right after its Issuer (first when no Issuer).
    const expectedAt = issuers.length === 1 ? 1 : 0;
    if (signature.parentNode !== root || kids[expectedAt] !== signature) rejectMessage('SIGNATURE_INVALID', 'Signature is not the root\'s child after its Issuer (XSW)');
  }
  return signature;
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

// ---------------------------------------------------------------- enveloped signature (HTTP-POST)

const XML_SIGNATURE_ALGORITHMS = new Set<string>([ALG.rsaSha256, ALG.rsaSha512, ALG.rsaSha1]);
const XML_DIGEST_ALGORITHMS = new Set<string>([ALG.sha256, ALG.sha512, ALG.sha1]);

const pinnedCerts = new Map<string, { readonly der: Buffer; readonly key: KeyObject }>();

function pinned(certificate: string): { readonly der: Buffer; readonly key: KeyObject } {
  let p = pinnedCerts.get(certificate);
  if (p === undefined) {
    const der = certificateToDer(certificate);
    p = { der, key: new X509Certificate(der).publicKey };
    if (pinnedCerts.size >= 256) pinnedCerts.clear();
    pinnedCerts.set(certificate, p);
  }
  return p;
}

/**
 * The enveloped signature on the root, with verify.ts's discipline: P7 shape and allow-lists before
 * crypto, P8 pinned keys (KeyInfo never trusted), P9 every check fails hard and exactly one signed
 * reference, P10 the signed canonical bytes re-parsed and returned — the caller reads only those.
 */
function verifyEnvelopedSignature(
  xml: string,
  root: Element,
  signature: Element,
  kind: MessageKind,
  certificates: readonly string[],
  strict: boolean,
  warnings: string[],
): { readonly root: Element; readonly algorithm: string } {
  const rootId = attr(root, 'ID');
  if (rootId === undefined) rejectMessage('MALFORMED', `signed ${kind} has no ID`);
  const kids = childElements(signature);
  const signedInfo = kids.filter((k) => isDs(k, 'SignedInfo'));
  const value = kids.filter((k) => isDs(k, 'SignatureValue'));
  const keyInfo = kids.filter((k) => isDs(k, 'KeyInfo'));
  if (signedInfo.length !== 1 || value.length !== 1 || keyInfo.length > 1 || kids.length !== 2 + keyInfo.length || kids[0] !== signedInfo[0]) {
    rejectMessage('SIGNATURE_INVALID', 'Signature must hold SignedInfo, SignatureValue and at most one KeyInfo');
  }
  const si = childElements(signedInfo[0] as Element);
  const c14n = si[0];
  const method = si[1];
  const refs = si.slice(2);
  if (c14n === undefined || !isDs(c14n, 'CanonicalizationMethod') || method === undefined || !isDs(method, 'SignatureMethod')) {
    rejectMessage('SIGNATURE_INVALID', 'SignedInfo must start with CanonicalizationMethod and SignatureMethod');
  }
  // S21: exclusive c14n exactly; #WithComments would let comments truncate signed text.
  if (attr(c14n, 'Algorithm') !== ALG.excC14n || childElements(c14n).length > 0) rejectMessage('ALGORITHM', 'canonicalization is not exclusive c14n');
  const sigAlg = attr(method, 'Algorithm') ?? '';
  // S18 HMAC keyed with the public certificate (GHSA-c27r-x354-4m68), S20 HMACOutputLength, S19 downgrade.
  if (!XML_SIGNATURE_ALGORITHMS.has(sigAlg) || childElements(method).length > 0) rejectMessage('ALGORITHM', 'signature algorithm not allowed');
  // S8 (CVE-2025-29774): exactly one Reference.
  if (refs.length !== 1 || !isDs(refs[0] as Element, 'Reference')) rejectMessage('SIGNATURE_INVALID', `${refs.length} references`);
  const ref = refs[0] as Element;
  // XSW / S6: the Reference must be the root's own ID — not another element, not URI="" (whole document).
  if (attr(ref, 'URI') !== `#${rootId}`) rejectMessage('SIGNATURE_INVALID', 'Reference does not point at the message root (XSW)');
  const refKids = childElements(ref);
  const transforms = refKids.filter((k) => isDs(k, 'Transforms'));
  const digestMethod = refKids.filter((k) => isDs(k, 'DigestMethod'));
  const digestValue = refKids.filter((k) => isDs(k, 'DigestValue'));
  if (transforms.length !== 1 || digestMethod.length !== 1 || digestValue.length !== 1 || refKids.length !== 3) {
    rejectMessage('SIGNATURE_INVALID', 'Reference must hold Transforms, DigestMethod and DigestValue');
  }
  // S22: enveloped-signature then exclusive c14n, nothing else (XSLT, XPath, base64; CVE-2021-39171).
  const t = childElements(transforms[0] as Element);
  const algs = t.map((x) => (isDs(x, 'Transform') ? attr(x, 'Algorithm') : 'not-a-transform'));
  if (algs.length !== 2 || algs[0] !== ALG.envelopedSignature || algs[1] !== ALG.excC14n) rejectMessage('ALGORITHM', 'transforms must be enveloped-signature then exclusive c14n');
  if (childElements(t[0] as Element).length > 0) rejectMessage('ALGORITHM', 'unexpected transform parameter');
  for (const k of childElements(t[1] as Element)) {
    if (!(k.namespaceURI === NS.excC14n && k.localName === 'InclusiveNamespaces')) rejectMessage('ALGORITHM', 'unexpected transform parameter');
  }
  const digestAlg = attr(digestMethod[0] as Element, 'Algorithm') ?? '';
  if (!XML_DIGEST_ALGORITHMS.has(digestAlg)) rejectMessage('ALGORITHM', 'digest algorithm not allowed');
  // S9 (CVE-2025-29775): DigestValue is one text node.
  const dv = digestValue[0] as Element;
  if (dv.childNodes.length !== 1 || dv.firstChild?.nodeType !== 3) rejectMessage('SIGNATURE_INVALID', 'DigestValue is not a single text node');
  if (textOnly(value[0] as Element) === undefined) rejectMessage('SIGNATURE_INVALID', 'SignatureValue is not text');
  if (sigAlg === ALG.rsaSha1 || digestAlg === ALG.sha1) {
    if (strict) rejectMessage('ALGORITHM', 'SHA-1 refused under the strict option');
    warnings.push(`${kind} signed with ${sigAlg === ALG.rsaSha1 ? 'rsa-sha1' : 'rsa-sha2'} and a ${digestAlg === ALG.sha1 ? 'sha1' : 'sha2'} digest: SHA-1 is deprecated`);
  }

  // P8: only configured keys. A certificate in KeyInfo must be one of them (CVE-2024-32962).
  const certs = certificates.slice(0, MAX_SIGNING_CERTIFICATES);
  const registered = certs.map((c) => pinned(c).der);
  for (const kc of descendants(signature).filter((e) => isDs(e, 'X509Certificate'))) {
    const der = Buffer.from((textOnly(kc) ?? '').replace(/\s+/g, ''), 'base64');
    if (!registered.some((r) => r.equals(der))) rejectMessage('SIGNATURE_INVALID', 'KeyInfo certificate is not the configured one (key confusion)');
  }
  for (const certificate of certs) {
    const { key } = pinned(certificate);
    if (key.asymmetricKeyType !== 'rsa') continue;
    const sig = new SignedXml({ publicCert: key, getCertFromKeyInfo: () => null });
    // Defence in depth: only the allow-listed algorithms stay available to the library.
    for (const k of Object.keys(sig.SignatureAlgorithms)) if (!XML_SIGNATURE_ALGORITHMS.has(k)) delete (sig.SignatureAlgorithms as Record<string, unknown>)[k];
    for (const k of Object.keys(sig.HashAlgorithms)) if (!XML_DIGEST_ALGORITHMS.has(k)) delete (sig.HashAlgorithms as Record<string, unknown>)[k];
    for (const k of Object.keys(sig.CanonicalizationAlgorithms)) {
      if (k !== ALG.excC14n && k !== ALG.envelopedSignature) delete (sig.CanonicalizationAlgorithms as Record<string, unknown>)[k];
    }
    let ok = false;
    try {
      sig.loadSignature(signature);
      ok = sig.checkSignature(xml);
    } catch {
      ok = false;
    }
    if (!ok) continue;
    const signedBytes = sig.getSignedReferences();
    // S31 void canonicalization: the signature must cover exactly one non-empty element…
    if (signedBytes.length !== 1 || typeof signedBytes[0] !== 'string' || signedBytes[0].length === 0) rejectMessage('SIGNATURE_INVALID', 'signature covers no content');
    // …P10: which, re-parsed, is the message root with the referenced ID. Everything is read from it.
    let signedDoc: Document;
    try {
      signedDoc = parseXmlStrict(signedBytes[0] as string);
    } catch (e) {
      if (e instanceof SamlRejectedError) rejectMessage('SIGNATURE_INVALID', `signed bytes do not parse: ${e.reason}`);
      throw e;
    }
    const signedRoot = signedDoc.documentElement;
    if (signedRoot.namespaceURI !== NS.protocol || signedRoot.localName !== kind || attr(signedRoot, 'ID') !== rootId) {
      rejectMessage('SIGNATURE_INVALID', 'signed bytes are not the message root');
    }
    return { root: signedRoot, algorithm: sigAlg };
  }
  // Tampered content, another sender's key, a flipped SignatureValue (S1, S5).
  return rejectMessage('SIGNATURE_INVALID', `${kind} signature does not verify with the configured certificate`);
}

// ---------------------------------------------------------------- outgoing: DOM building and signing

export type MessageSigning = Pick<SigningOptions, 'privateKey' | 'certificate' | 'signatureAlgorithm' | 'digestAlgorithm'>;

/** Errors of the messages Tessera builds (its own inputs are wrong): never the peer's fault. */
export class SamlMessageBuildError extends Error {
  constructor(
    readonly code: 'ERR_SAML_BUILD_INVALID_ID' | 'ERR_SAML_BUILD_XML_CHAR' | 'ERR_SAML_BUILD_CLOCK' | 'ERR_SAML_BUILD_SIGNING_KEY' | 'ERR_SAML_BUILD_FIELD',
    message: string,
  ) {
    super(message);
    this.name = 'SamlMessageBuildError';
  }
}

/** Characters XML 1.0 cannot carry at all, not even as references. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function xmlValue(value: string, what: string): string {
  if (typeof value !== 'string' || NOT_XML_CHAR.test(value)) throw new SamlMessageBuildError('ERR_SAML_BUILD_XML_CHAR', `${what} contains a character XML cannot represent`);
  return value;
}

/** S43: an ID we emit or echo (InResponseTo) is an NCName, so it cannot carry markup. */
export function checkedNcName(value: string, what: string): string {
  if (typeof value !== 'string' || !NCNAME.test(value)) throw new SamlMessageBuildError('ERR_SAML_BUILD_INVALID_ID', `${what} is not an xs:NCName of at most 256 characters`);
  return value;
}

/** UTC, millisecond precision, `Z` (the Response builder's format). */
export function samlInstant(now: Date | number, offsetMs = 0): string {
  const t = (typeof now === 'number' ? now : now.getTime()) + offsetMs;
  const d = new Date(t);
  if (!Number.isFinite(d.getTime())) throw new SamlMessageBuildError('ERR_SAML_BUILD_CLOCK', 'the clock is not a valid instant');
  return d.toISOString();
}

/** A new document whose root is `samlp:<local>`, with the samlp and saml prefixes declared on it. */
export function newProtocolDocument(local: MessageKind): { readonly doc: Document; readonly root: Element } {
  const doc = new DOMImplementation().createDocument(NS.protocol, `samlp:${local}`, null);
  const root = doc.documentElement as Element;
  root.setAttributeNS(NS.xmlns, 'xmlns:samlp', NS.protocol);
  root.setAttributeNS(NS.xmlns, 'xmlns:saml', NS.assertion);
  return { doc, root };
}

export function textElement(doc: Document, ns: string, qualifiedName: string, text: string, what: string): Element {
  const e = doc.createElementNS(ns, qualifiedName);
  // XML end-of-line handling turns CR LF into LF in every parser: sign what the peer will read.
  e.appendChild(doc.createTextNode(xmlValue(text, what).replace(/\r\n?/g, '\n')));
  return e;
}

/** S42: the serializer throws rather than emit ill-formed XML (xmldom CVE-2026-34601 family). */
export function serializeWellFormed(node: Node): string {
  return new XMLSerializer().serializeToString(node, false, undefined, { requireWellFormed: true });
}


function signingKey(privateKey: string | KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  } catch {
    throw new SamlMessageBuildError('ERR_SAML_BUILD_SIGNING_KEY', 'the signing key is not a PEM private key');
  }
  // Algorithm confusion: an EC or HMAC key would produce a value that is not the rsa-sha* we announce.
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') throw new SamlMessageBuildError('ERR_SAML_BUILD_SIGNING_KEY', 'the signing key must be an RSA private key');
  return key;
}

/**
 * Enveloped XML-DSig over `root` (a document we built), in the layout of response.ts's signer:
 * unprefixed `<Signature xmlns="…xmldsig#">` right after the root's Issuer, exclusive c14n, one
 * Reference to the root's ID with the enveloped-signature and exc-c14n transforms, the certificate in
 * KeyInfo. DOM calls only; xml-crypto provides the canonicalization.
 */
export function signRootEnveloped(doc: Document, root: Element, signing: MessageSigning): void {
  signEnveloped(doc, root, signingKey(signing.privateKey), signing);
}
