// SP-initiated login at the IdP: the incoming AuthnRequest (auth0.md §5.1), over HTTP-Redirect or
// HTTP-POST, signed or not, read into a VerifiedAuthnRequest — its one constructor — or refused with a
// closed catalogue of reasons, each mapped to the SAML status of the error Response. It never decides
// where to post (the ACS allow-list is the endpoint's, S44) and never reads an unverified field when
// the application requires signed requests.

import { BINDING, NS } from './ns.js';
import {
  IncomingMessageError,
  INCOMING_REJECTIONS,
  MessageRejection,
  readIncomingMessage,
  rejectMessage,
  type IncomingMessageOptions,
  type ReadContext,
  type SamlStatus,
} from './protocol-message.js';
import { childElements, children, textOnly } from './xml.js';

/**
 * The closed catalogue (SAML status of the error Response in brackets; Requester = the SP's fault):
 * - `OVERSIZED` [Requester] message, query or inflated XML past the caps (S40, S41 deflate bomb)
 * - `MALFORMED` [Requester] not base64/DEFLATE/UTF-8 XML, DOCTYPE/entity/comment/PI, structure,
 *   duplicate IDs, nested AuthnRequest (XSW), missing or non-NCName ID (S43), no Issuer, bad
 *   IssueInstant, conflicting ACS URL and index, parameter pollution in the query
 * - `RELAY_STATE` [Requester] RelayState over 80 bytes (bindings §3.4.3)
 * - `NOT_AUTHN_REQUEST` [Requester/RequestUnsupported] the root is not `{protocol}AuthnRequest`
 * - `VERSION` [VersionMismatch(/RequestVersionTooHigh|TooLow)] Version is not 2.0
 * - `DESTINATION_MISMATCH` [Requester/RequestDenied] Destination is not one of our SSO URLs, or a
 *   signed request has none (bindings §3.4.5.2, §3.5.5.2)
 * - `STALE` / `FUTURE` [Requester/RequestDenied] IssueInstant outside [now − maxAge − skew, now + skew]
 * - `SIGNATURE_REQUIRED` [Requester/RequestDenied] the application has a `signingCert` and the
 *   request is unsigned (L-samlp: "… message MUST be signed …")
 * - `SIGNATURE_INVALID` [Requester/RequestDenied] does not verify, wrong key, tampered message or
 *   RelayState, misplaced/extra Signature, Reference not the root (XSW), KeyInfo not pinned
 * - `ALGORITHM` [Requester/RequestDenied] SigAlg/SignatureMethod/digest/c14n/transform not allowed
 * - `IS_PASSIVE` [Responder/NoPassive] IsPassive="true" (Auth0: not supported)
 * - `UNSUPPORTED_BINDING` [Responder/UnsupportedBinding] ProtocolBinding other than HTTP-POST
 */
export const AUTHN_REQUEST_REJECT_REASONS = [
  'OVERSIZED',
  'MALFORMED',
  'RELAY_STATE',
  'NOT_AUTHN_REQUEST',
  'VERSION',
  'DESTINATION_MISMATCH',
  'STALE',
  'FUTURE',
  'SIGNATURE_REQUIRED',
  'SIGNATURE_INVALID',
  'ALGORITHM',
  'IS_PASSIVE',
  'UNSUPPORTED_BINDING',
] as const;
export type AuthnRequestRejectReason = (typeof AUTHN_REQUEST_REJECT_REASONS)[number];

export type AuthnRequestErrorCode = `ERR_SAML_AUTHN_REQUEST_${AuthnRequestRejectReason}`;

/** A refused AuthnRequest. `status` is what the error Response carries (buildErrorResponse). */
export class AuthnRequestError extends IncomingMessageError<AuthnRequestRejectReason> {
  declare readonly code: AuthnRequestErrorCode;
  constructor(reason: AuthnRequestRejectReason, detail: string, unverifiedRequestId: string | undefined, subCode?: string) {
    super(`ERR_SAML_AUTHN_REQUEST_${reason}`, reason, detail, unverifiedRequestId, subCode);
    this.name = 'AuthnRequestError';
  }
}

/** The status each reason maps to (the sub-code of VERSION depends on the version received). */
export function authnRequestStatus(reason: AuthnRequestRejectReason): SamlStatus {
  return INCOMING_REJECTIONS[reason].status;
}

export interface AuthnRequestInput {
  readonly binding: 'redirect' | 'post';
  /** The `SAMLRequest` value as the HTTP layer decoded it. */
  readonly samlRequest: string;
  readonly relayState?: string | undefined;
  readonly sigAlg?: string | undefined;
  readonly signature?: string | undefined;
  /** The query string exactly as received, for the Redirect signature (bindings §3.4.4.1). */
  readonly rawQuery?: string | undefined;
}

export interface AuthnRequestOptions extends IncomingMessageOptions {
  /**
   * Auth0 refuses IsPassive (IS_PASSIVE). With `true` the request is returned with `isPassive: true`
   * and the endpoint must answer NoPassive itself when it has no SSO session to reuse.
   */
  readonly allowPassive?: boolean;
}

export type AuthnContextComparison = 'exact' | 'minimum' | 'maximum' | 'better';

export interface VerifiedAuthnRequest {
  /** → InResponseTo. An NCName. */
  readonly id: string;
  /** → the default Audience. */
  readonly issuer: string;
  readonly issueInstant: string;
  readonly destination?: string | undefined;
  /** Untrusted until the endpoint finds it in the application's callbacks (S44). */
  readonly assertionConsumerServiceUrl?: string | undefined;
  readonly assertionConsumerServiceIndex?: number | undefined;
  /** Absent or HTTP-POST (anything else is UNSUPPORTED_BINDING). */
  readonly protocolBinding?: string | undefined;
  readonly providerName?: string | undefined;
  readonly forceAuthn: boolean;
  readonly isPassive: boolean;
  readonly nameIdPolicyFormat?: string | undefined;
  readonly nameIdPolicyAllowCreate?: boolean | undefined;
  /** Parsed, not echoed (auth0.md §5.1). */
  readonly requestedAuthnContext?:
    | { readonly comparison: AuthnContextComparison; readonly classRefs: readonly string[]; readonly declRefs: readonly string[] }
    | undefined;
  /** As received (≤ 80 bytes); covered by the signature in the Redirect binding. */
  readonly relayState?: string | undefined;
  /** True only when a configured certificate verified the request. */
  readonly signed: boolean;
  readonly signatureAlgorithm?: string | undefined;
  /** Accepted but weak (rsa-sha1) or ignored (a signature with no certificate configured). */
  readonly warnings: readonly string[];
}

/** SAML core §3.4.1: what an AuthnRequest may hold, each at most once, after Issuer and Signature. */
const CHILDREN: ReadonlyArray<readonly [string, string]> = [
  [NS.assertion, 'Issuer'],
  [NS.ds, 'Signature'],
  [NS.protocol, 'Extensions'],
  [NS.assertion, 'Subject'],
  [NS.protocol, 'NameIDPolicy'],
  [NS.assertion, 'Conditions'],
  [NS.protocol, 'RequestedAuthnContext'],
  [NS.protocol, 'Scoping'],
];

function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
}

/** xs:boolean, exactly as the schema spells it. */
function xsBoolean(el: Element, name: string): boolean | undefined {
  const v = attr(el, name);
  switch (v) {
    case undefined:
      return undefined;
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      return rejectMessage('MALFORMED', `${name} is not an xs:boolean`);
  }
}

/**
 * Parses and verifies an AuthnRequest. Order: binding caps → hardened parse → structure → signature
 * (when `signingCertificates` is set) → fields read from the verified element → time, Destination →
 * request-specific checks. Throws AuthnRequestError.
 */
export function parseAuthnRequest(input: AuthnRequestInput, options: AuthnRequestOptions): VerifiedAuthnRequest {
  const ctx: ReadContext = { unverifiedId: undefined };
  try {
    const read = readIncomingMessage(
      'AuthnRequest',
      { binding: input.binding, message: input.samlRequest, relayState: input.relayState, sigAlg: input.sigAlg, signature: input.signature, rawQuery: input.rawQuery },
      options,
      ctx,
    );
    const root = read.root;
    const seen = new Set<string>();
    for (const k of childElements(root)) {
      const known = CHILDREN.find(([ns, local]) => k.namespaceURI === ns && k.localName === local);
      if (known === undefined) rejectMessage('MALFORMED', `unexpected element {${k.namespaceURI ?? ''}}${k.localName ?? ''} in AuthnRequest`);
      if (seen.has(known[1])) rejectMessage('MALFORMED', `more than one ${known[1]}`);
      seen.add(known[1]);
    }

    const acsUrl = attr(root, 'AssertionConsumerServiceURL');
    const acsIndexText = attr(root, 'AssertionConsumerServiceIndex');
    const protocolBinding = attr(root, 'ProtocolBinding');
    let acsIndex: number | undefined;
    if (acsIndexText !== undefined) {
      if (!/^\d{1,5}$/.test(acsIndexText) || Number(acsIndexText) > 65535) rejectMessage('MALFORMED', 'AssertionConsumerServiceIndex is not an xs:unsignedShort');
      acsIndex = Number(acsIndexText);
      // SAML core §3.4.1: the index is mutually exclusive with the URL and ProtocolBinding.
      if (acsUrl !== undefined || protocolBinding !== undefined) rejectMessage('MALFORMED', 'AssertionConsumerServiceIndex together with AssertionConsumerServiceURL or ProtocolBinding');
    }
    // The IdP answers with an auto-posted form only (auth0.md §5.4).
    if (protocolBinding !== undefined && protocolBinding !== BINDING.post) rejectMessage('UNSUPPORTED_BINDING', 'ProtocolBinding is not HTTP-POST');

    const forceAuthn = xsBoolean(root, 'ForceAuthn') ?? false;
    const isPassive = xsBoolean(root, 'IsPassive') ?? false;

    const policy = children(root, NS.protocol, 'NameIDPolicy')[0];
    const nameIdPolicyFormat = policy === undefined ? undefined : attr(policy, 'Format');
    const nameIdPolicyAllowCreate = policy === undefined ? undefined : xsBoolean(policy, 'AllowCreate');

    const rac = children(root, NS.protocol, 'RequestedAuthnContext')[0];
    let requestedAuthnContext: VerifiedAuthnRequest['requestedAuthnContext'];
    if (rac !== undefined) {
      const comparison = attr(rac, 'Comparison') ?? 'exact';
      if (comparison !== 'exact' && comparison !== 'minimum' && comparison !== 'maximum' && comparison !== 'better') rejectMessage('MALFORMED', 'RequestedAuthnContext Comparison is not exact, minimum, maximum or better');
      const refs = (local: string): string[] =>
        children(rac, NS.assertion, local).map((r) => {
          const text = textOnly(r);
          if (text === undefined) return rejectMessage('MALFORMED', `${local} with element content`);
          return text.trim();
        });
      requestedAuthnContext = { comparison, classRefs: refs('AuthnContextClassRef'), declRefs: refs('AuthnContextDeclRef') };
    }

    // Last, so a badly signed or stale passive request reports that first.
    if (isPassive && options.allowPassive !== true) rejectMessage('IS_PASSIVE', 'IsPassive="true"');

    return {
      id: read.id,
      issuer: read.issuer,
      issueInstant: read.issueInstant,
      destination: read.destination,
      assertionConsumerServiceUrl: acsUrl,
      assertionConsumerServiceIndex: acsIndex,
      protocolBinding,
      providerName: attr(root, 'ProviderName'),
      forceAuthn,
      isPassive,
      nameIdPolicyFormat,
      nameIdPolicyAllowCreate,
      requestedAuthnContext,
      relayState: read.relayState,
      signed: read.signed,
      signatureAlgorithm: read.signatureAlgorithm,
      warnings: read.warnings,
    };
  } catch (e) {
    if (e instanceof MessageRejection) {
      // INVARIANT: the AuthnRequest pipeline only raises reasons of its catalogue.
      const reason = (AUTHN_REQUEST_REJECT_REASONS as readonly string[]).includes(e.reason) ? (e.reason as AuthnRequestRejectReason) : 'MALFORMED';
      throw new AuthnRequestError(reason, e.detail, ctx.unverifiedId, e.subCode);
    }
    throw e;
  }
}
