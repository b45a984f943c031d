// Single Logout at the IdP (auth0.md §5.5): the incoming LogoutRequest and LogoutResponse (same
// bindings, caps and signature rules as the AuthnRequest), and the LogoutRequest/LogoutResponse the
// IdP sends — built with DOM calls and signed enveloped for HTTP-POST, or with the query signature
// for HTTP-Redirect. It never ends a session itself (the endpoint does) and never signs outside XML.

import { randomAssertionId } from './response.js';
import { NS } from './ns.js';
import {
  checkedNcName,
  IncomingMessageError,
  MessageRejection,
  newProtocolDocument,
  readIncomingMessage,
  readInstant,
  rejectMessage,
  SamlMessageBuildError,
  samlInstant,
  serializeWellFormed,
  signRootEnveloped,
  STATUS_CODE,
  textElement,
  xmlValue,
  type IncomingMessageOptions,
  type MessageSigning,
  type ReadContext,
  type SamlStatus,
} from './protocol-message.js';
import { childElements, children, textOnly } from './xml.js';

export { encodeRedirectQuery, encodeRedirectSigned, redirectLocation } from './redirect-signature.js';

/**
 * The closed catalogue (status of the LogoutResponse answering a refused LogoutRequest in brackets):
 * - `OVERSIZED`, `MALFORMED`, `RELAY_STATE`, `VERSION`, `DESTINATION_MISMATCH`, `STALE`, `FUTURE`,
 *   `SIGNATURE_REQUIRED`, `SIGNATURE_INVALID`, `ALGORITHM` — as for the AuthnRequest
 * - `NOT_LOGOUT_REQUEST` / `NOT_LOGOUT_RESPONSE` [Requester/RequestUnsupported] another root
 * - `EXPIRED` [Requester/RequestDenied] LogoutRequest NotOnOrAfter passed (CVE-2023-40178)
 * - `ISSUER_MISMATCH` [Requester/RequestDenied] Issuer not among `expectedIssuers`
 * - `IN_RESPONSE_TO_MISMATCH` [Requester/RequestDenied] LogoutResponse answers another request
 * - `UNSUPPORTED_NAMEID` [Requester/RequestUnsupported] EncryptedID or BaseID instead of NameID
 */
export const LOGOUT_REJECT_REASONS = [
  'OVERSIZED',
  'MALFORMED',
  'RELAY_STATE',
  'NOT_LOGOUT_REQUEST',
  'NOT_LOGOUT_RESPONSE',
  'VERSION',
  'DESTINATION_MISMATCH',
  'STALE',
  'FUTURE',
  'EXPIRED',
  'SIGNATURE_REQUIRED',
  'SIGNATURE_INVALID',
  'ALGORITHM',
  'ISSUER_MISMATCH',
  'IN_RESPONSE_TO_MISMATCH',
  'UNSUPPORTED_NAMEID',
] as const;
export type LogoutRejectReason = (typeof LOGOUT_REJECT_REASONS)[number];
export type LogoutErrorCode = `ERR_SAML_LOGOUT_${LogoutRejectReason}`;

export class LogoutMessageError extends IncomingMessageError<LogoutRejectReason> {
  declare readonly code: LogoutErrorCode;
  constructor(reason: LogoutRejectReason, detail: string, unverifiedRequestId: string | undefined, subCode?: string) {
    super(`ERR_SAML_LOGOUT_${reason}`, reason, detail, unverifiedRequestId, subCode);
    this.name = 'LogoutMessageError';
  }
}

interface LogoutInputBase {
  readonly binding: 'redirect' | 'post';
  readonly relayState?: string | undefined;
  readonly sigAlg?: string | undefined;
  readonly signature?: string | undefined;
  /** The query string exactly as received, for the Redirect signature (bindings §3.4.4.1). */
  readonly rawQuery?: string | undefined;
}

export interface LogoutRequestInput extends LogoutInputBase {
  readonly samlRequest: string;
}

export interface LogoutResponseInput extends LogoutInputBase {
  readonly samlResponse: string;
}

export interface LogoutOptions extends IncomingMessageOptions {
  /** When given, the Issuer must be one of these (the application's SP entityID). */
  readonly expectedIssuers?: readonly string[] | undefined;
}

export interface LogoutResponseOptions extends LogoutOptions {
  /** The ID of the LogoutRequest we sent; the response must answer it. */
  readonly expectedInResponseTo?: string | undefined;
}

export interface LogoutNameId {
  readonly value: string;
  readonly format?: string | undefined;
  readonly nameQualifier?: string | undefined;
  readonly spNameQualifier?: string | undefined;
}

export interface VerifiedLogoutRequest {
  readonly id: string;
  readonly issuer: string;
  readonly issueInstant: string;
  readonly destination?: string | undefined;
  readonly notOnOrAfter?: string | undefined;
  readonly reason?: string | undefined;
  readonly nameId: LogoutNameId;
  readonly sessionIndexes: readonly string[];
  readonly relayState?: string | undefined;
  readonly signed: boolean;
  readonly signatureAlgorithm?: string | undefined;
  readonly warnings: readonly string[];
}

export interface VerifiedLogoutResponse {
  readonly id: string;
  readonly issuer: string;
  readonly issueInstant: string;
  readonly destination?: string | undefined;
  readonly inResponseTo?: string | undefined;
  readonly status: SamlStatus & { readonly message?: string | undefined };
  /** Top-level StatusCode is Success. */
  readonly success: boolean;
  readonly relayState?: string | undefined;
  readonly signed: boolean;
  readonly signatureAlgorithm?: string | undefined;
  readonly warnings: readonly string[];
}

function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
}

function onlyChildren(root: Element, allowed: ReadonlyArray<readonly [string, string, boolean]>, kind: string): void {
  const seen = new Set<string>();
  for (const k of childElements(root)) {
    const known = allowed.find(([ns, local]) => k.namespaceURI === ns && k.localName === local);
    if (known === undefined) rejectMessage('MALFORMED', `unexpected element {${k.namespaceURI ?? ''}}${k.localName ?? ''} in ${kind}`);
    if (!known[2] && seen.has(known[1])) rejectMessage('MALFORMED', `more than one ${known[1]}`);
    seen.add(known[1]);
  }
}

function checkIssuer(issuer: string, expected: readonly string[] | undefined): void {
  // Byte-exact (S32): no trimming or case folding.
  if (expected !== undefined && !expected.includes(issuer)) rejectMessage('ISSUER_MISMATCH', 'Issuer is not the expected entity');
}

function wrap<T>(f: (ctx: ReadContext) => T): T {
  const ctx: ReadContext = { unverifiedId: undefined };
  try {
    return f(ctx);
  } catch (e) {
    if (e instanceof MessageRejection) {
      // INVARIANT: the logout pipelines only raise reasons of their catalogue.
      const reason = (LOGOUT_REJECT_REASONS as readonly string[]).includes(e.reason) ? (e.reason as LogoutRejectReason) : 'MALFORMED';
      throw new LogoutMessageError(reason, e.detail, ctx.unverifiedId, e.subCode);
    }
    throw e;
  }
}

/** Parses and verifies a LogoutRequest from an SP (SP-initiated SLO). Throws LogoutMessageError. */
export function parseLogoutRequest(input: LogoutRequestInput, options: LogoutOptions): VerifiedLogoutRequest {
  return wrap((ctx) => {
    const read = readIncomingMessage(
      'LogoutRequest',
      { binding: input.binding, message: input.samlRequest, relayState: input.relayState, sigAlg: input.sigAlg, signature: input.signature, rawQuery: input.rawQuery },
      options,
      ctx,
    );
    const root = read.root;
    // SAML core §3.7.1: Issuer, Signature, Extensions, (BaseID | NameID | EncryptedID), SessionIndex*.
    onlyChildren(
      root,
      [
        [NS.assertion, 'Issuer', false],
        [NS.ds, 'Signature', false],
        [NS.protocol, 'Extensions', false],
        [NS.assertion, 'BaseID', false],
        [NS.assertion, 'NameID', false],
        [NS.assertion, 'EncryptedID', false],
        [NS.protocol, 'SessionIndex', true],
      ],
      'LogoutRequest',
    );
    checkIssuer(read.issuer, options.expectedIssuers);
    const notOnOrAfter = attr(root, 'NotOnOrAfter');
    if (notOnOrAfter !== undefined) {
      const expiry = readInstant(notOnOrAfter, 'NotOnOrAfter');
      // node-saml CVE-2023-40178: an expired LogoutRequest replayed later must not end a new session.
      if (expiry <= read.now - read.skewMs) rejectMessage('EXPIRED', 'NotOnOrAfter has passed');
    }
    if (children(root, NS.assertion, 'EncryptedID').length > 0 || children(root, NS.assertion, 'BaseID').length > 0) {
      rejectMessage('UNSUPPORTED_NAMEID', 'EncryptedID and BaseID are not supported');
    }
    const nameIdEl = children(root, NS.assertion, 'NameID')[0];
    if (nameIdEl === undefined) rejectMessage('MALFORMED', 'LogoutRequest has no NameID');
    const value = textOnly(nameIdEl);
    if (value === undefined || value === '') rejectMessage('MALFORMED', 'NameID is empty or has element content');
    const sessionIndexes = children(root, NS.protocol, 'SessionIndex').map((s) => {
      const text = textOnly(s);
      if (text === undefined || text === '') return rejectMessage('MALFORMED', 'SessionIndex is empty or has element content');
      return text;
    });
    return {
      id: read.id,
      issuer: read.issuer,
      issueInstant: read.issueInstant,
      destination: read.destination,
      notOnOrAfter,
      reason: attr(root, 'Reason'),
      nameId: { value, format: attr(nameIdEl, 'Format'), nameQualifier: attr(nameIdEl, 'NameQualifier'), spNameQualifier: attr(nameIdEl, 'SPNameQualifier') },
      sessionIndexes,
      relayState: read.relayState,
      signed: read.signed,
      signatureAlgorithm: read.signatureAlgorithm,
      warnings: read.warnings,
    };
  });
}

/** Parses and verifies a LogoutResponse from an SP (answering our IdP-initiated LogoutRequest). */
export function parseLogoutResponse(input: LogoutResponseInput, options: LogoutResponseOptions): VerifiedLogoutResponse {
  return wrap((ctx) => {
    const read = readIncomingMessage(
      'LogoutResponse',
      { binding: input.binding, message: input.samlResponse, relayState: input.relayState, sigAlg: input.sigAlg, signature: input.signature, rawQuery: input.rawQuery },
      options,
      ctx,
    );
    const root = read.root;
    // SAML core §3.2.2: Issuer, Signature, Extensions, Status.
    onlyChildren(
      root,
      [
        [NS.assertion, 'Issuer', false],
        [NS.ds, 'Signature', false],
        [NS.protocol, 'Extensions', false],
        [NS.protocol, 'Status', false],
      ],
      'LogoutResponse',
    );
    checkIssuer(read.issuer, options.expectedIssuers);
    const inResponseTo = attr(root, 'InResponseTo');
    if (options.expectedInResponseTo !== undefined && inResponseTo !== options.expectedInResponseTo) rejectMessage('IN_RESPONSE_TO_MISMATCH', 'InResponseTo is not the request we sent');
    const status = children(root, NS.protocol, 'Status')[0];
    if (status === undefined) rejectMessage('MALFORMED', 'LogoutResponse has no Status');
    const top = children(status, NS.protocol, 'StatusCode');
    if (top.length !== 1) rejectMessage('MALFORMED', 'Status must hold one StatusCode');
    const code = attr(top[0] as Element, 'Value');
    if (code === undefined || code === '') rejectMessage('MALFORMED', 'StatusCode has no Value');
    const sub = children(top[0] as Element, NS.protocol, 'StatusCode')[0];
    const subCode = sub === undefined ? undefined : attr(sub, 'Value');
    const messageEl = children(status, NS.protocol, 'StatusMessage')[0];
    const message = messageEl === undefined ? undefined : textOnly(messageEl);
    return {
      id: read.id,
      issuer: read.issuer,
      issueInstant: read.issueInstant,
      destination: read.destination,
      inResponseTo,
      status: { code, ...(subCode === undefined ? {} : { subCode }), message },
      success: code === STATUS_CODE.success,
      relayState: read.relayState,
      signed: read.signed,
      signatureAlgorithm: read.signatureAlgorithm,
      warnings: read.warnings,
    };
  });
}

// ---------------------------------------------------------------- outgoing

export interface LogoutResponseSpec {
  /** Our entityID (`urn:<tenant host>`). */
  readonly issuer: string;
  /** The SP's SLO URL (the add-on's `logout.callback`). */
  readonly destination: string;
  /** The LogoutRequest ID (an NCName: S43). */
  readonly inResponseTo: string;
  /** Default Success; a LogoutMessageError's `status` fits here as is. */
  readonly status?: (SamlStatus & { readonly message?: string | undefined }) | undefined;
  readonly now: Date | number;
  /** Injectable for deterministic tests; `_` + 32 alphanumerics by default. */
  readonly id?: string | undefined;
}

export interface LogoutRequestSpec {
  readonly issuer: string;
  /** The SP's SLO URL. */
  readonly destination: string;
  readonly nameId: LogoutNameId;
  readonly sessionIndex?: string | readonly string[] | undefined;
  readonly now: Date | number;
  /** NotOnOrAfter = now + this (default 300 s), so a captured request cannot be replayed later. */
  readonly lifetimeSeconds?: number | undefined;
  /** e.g. `urn:oasis:names:tc:SAML:2.0:logout:user`. */
  readonly reason?: string | undefined;
  readonly id?: string | undefined;
}

function appendIssuer(doc: Document, root: Element, issuer: string): void {
  root.appendChild(textElement(doc, NS.assertion, 'saml:Issuer', issuer, 'Issuer'));
}

/**
 * The LogoutResponse (SAML core §3.7.2 / §3.2.2), signed enveloped after its Issuer when `signing` is
 * given (HTTP-POST). For HTTP-Redirect build it unsigned and sign the query with encodeRedirectSigned.
 */
export function buildLogoutResponse(spec: LogoutResponseSpec, signing?: MessageSigning): string {
  const { doc, root } = newProtocolDocument('LogoutResponse');
  root.setAttribute('ID', spec.id === undefined ? randomAssertionId() : checkedNcName(spec.id, 'ID'));
  root.setAttribute('Version', '2.0');
  root.setAttribute('IssueInstant', samlInstant(spec.now));
  root.setAttribute('Destination', xmlValue(spec.destination, 'Destination'));
  root.setAttribute('InResponseTo', checkedNcName(spec.inResponseTo, 'InResponseTo'));
  appendIssuer(doc, root, spec.issuer);
  const status = doc.createElementNS(NS.protocol, 'samlp:Status');
  const code = doc.createElementNS(NS.protocol, 'samlp:StatusCode');
  code.setAttribute('Value', xmlValue(spec.status?.code ?? STATUS_CODE.success, 'StatusCode'));
  if (spec.status?.subCode !== undefined) {
    const sub = doc.createElementNS(NS.protocol, 'samlp:StatusCode');
    sub.setAttribute('Value', xmlValue(spec.status.subCode, 'StatusCode'));
    code.appendChild(sub);
  }
  status.appendChild(code);
  if (spec.status?.message !== undefined) status.appendChild(textElement(doc, NS.protocol, 'samlp:StatusMessage', spec.status.message, 'StatusMessage'));
  root.appendChild(status);
  if (signing !== undefined) signRootEnveloped(doc, root, signing);
  return serializeWellFormed(doc);
}

/**
 * The LogoutRequest the IdP sends for IdP-initiated SLO (auth0.md §5.5), signed enveloped when
 * `signing` is given. Returns its ID, which the SP's LogoutResponse must answer.
 */
export function buildLogoutRequest(spec: LogoutRequestSpec, signing?: MessageSigning): { readonly xml: string; readonly id: string } {
  const lifetime = spec.lifetimeSeconds ?? 300;
  if (!Number.isInteger(lifetime) || lifetime <= 0) throw new SamlMessageBuildError('ERR_SAML_BUILD_FIELD', 'lifetimeSeconds must be a positive integer');
  if (typeof spec.nameId.value !== 'string' || spec.nameId.value.length === 0) throw new SamlMessageBuildError('ERR_SAML_BUILD_FIELD', 'NameID is empty');
  const id = spec.id === undefined ? randomAssertionId() : checkedNcName(spec.id, 'ID');
  const { doc, root } = newProtocolDocument('LogoutRequest');
  root.setAttribute('ID', id);
  root.setAttribute('Version', '2.0');
  root.setAttribute('IssueInstant', samlInstant(spec.now));
  root.setAttribute('Destination', xmlValue(spec.destination, 'Destination'));
  root.setAttribute('NotOnOrAfter', samlInstant(spec.now, lifetime * 1000));
  if (spec.reason !== undefined) root.setAttribute('Reason', xmlValue(spec.reason, 'Reason'));
  appendIssuer(doc, root, spec.issuer);
  const nameId = textElement(doc, NS.assertion, 'saml:NameID', spec.nameId.value, 'NameID');
  if (spec.nameId.nameQualifier !== undefined) nameId.setAttribute('NameQualifier', xmlValue(spec.nameId.nameQualifier, 'NameQualifier'));
  if (spec.nameId.spNameQualifier !== undefined) nameId.setAttribute('SPNameQualifier', xmlValue(spec.nameId.spNameQualifier, 'SPNameQualifier'));
  if (spec.nameId.format !== undefined) nameId.setAttribute('Format', xmlValue(spec.nameId.format, 'NameID Format'));
  root.appendChild(nameId);
  const indexes = spec.sessionIndex === undefined ? [] : typeof spec.sessionIndex === 'string' ? [spec.sessionIndex] : spec.sessionIndex;
  for (const index of indexes) root.appendChild(textElement(doc, NS.protocol, 'samlp:SessionIndex', index, 'SessionIndex'));
  if (signing !== undefined) signRootEnveloped(doc, root, signing);
  return { xml: serializeWellFormed(doc), id };
}
