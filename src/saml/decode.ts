// Reads a SAML Response WITHOUT verifying it, for `tessera saml decode` and the console's "last
// assertion" view: what an engineer opens when federation misbehaves. The same hardened parser as
// the verifier; every result is marked UNVERIFIED and must never feed an authorization decision.

import { NS } from './ns.js';
import type { SamlAttribute } from './types.js';
import { child, childElements, children, decodeBase64Xml, descendants, parseXmlStrict, prescan, textOnly } from './xml.js';

export interface UnverifiedResponse {
  readonly verified: false;
  readonly responseId: string | undefined;
  readonly destination: string | undefined;
  readonly inResponseTo: string | undefined;
  readonly status: string | undefined;
  readonly statusMessage: string | undefined;
  readonly issuer: string | undefined;
  readonly assertionCount: number;
  readonly signatures: readonly { readonly on: string; readonly algorithm: string | undefined; readonly digest: string | undefined }[];
  readonly assertion:
    | {
        readonly id: string | undefined;
        readonly issuer: string | undefined;
        readonly issueInstant: string | undefined;
        readonly nameId: { readonly value: string | undefined; readonly format: string | undefined };
        readonly recipient: string | undefined;
        readonly notBefore: string | undefined;
        readonly notOnOrAfter: string | undefined;
        readonly subjectNotOnOrAfter: string | undefined;
        readonly audiences: readonly string[];
        readonly attributes: readonly SamlAttribute[];
      }
    | undefined;
}

function get(el: Element | undefined, name: string): string | undefined {
  return el !== undefined && el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
}

function text(el: Element | undefined): string | undefined {
  return el === undefined ? undefined : textOnly(el);
}

/** Parses `input` (base64 as posted, or raw XML) and lists what it claims. Throws SamlRejectedError on unsafe XML. */
export function decodeSamlResponse(input: string): UnverifiedResponse {
  const trimmed = input.trim();
  const xml = trimmed.startsWith('<') ? trimmed : decodeBase64Xml(trimmed);
  prescan(xml);
  const doc = parseXmlStrict(xml);
  const root = doc.documentElement;
  const all = descendants(doc);
  const assertions = all.filter((e) => e.namespaceURI === NS.assertion && e.localName === 'Assertion');
  const assertion = assertions[0];
  const status = child(root, NS.protocol, 'Status');
  const statusCode = status === undefined ? undefined : child(status, NS.protocol, 'StatusCode');
  const statusMessage = status === undefined ? undefined : child(status, NS.protocol, 'StatusMessage');
  const signatures = all
    .filter((e) => e.namespaceURI === NS.ds && e.localName === 'Signature')
    .map((s) => {
      const parent = s.parentNode as Element;
      const si = childElements(s).find((c) => c.localName === 'SignedInfo');
      const method = si === undefined ? undefined : childElements(si).find((c) => c.localName === 'SignatureMethod');
      const ref = si === undefined ? undefined : childElements(si).find((c) => c.localName === 'Reference');
      const digest = ref === undefined ? undefined : childElements(ref).find((c) => c.localName === 'DigestMethod');
      return { on: `${parent.localName}${get(parent, 'ID') === undefined ? '' : ` ${get(parent, 'ID')}`}`, algorithm: get(method, 'Algorithm'), digest: get(digest, 'Algorithm') };
    });
  let view: UnverifiedResponse['assertion'];
  if (assertion !== undefined) {
    const subject = child(assertion, NS.assertion, 'Subject');
    const nameId = subject === undefined ? undefined : child(subject, NS.assertion, 'NameID');
    const confirmation = subject === undefined ? undefined : child(subject, NS.assertion, 'SubjectConfirmation');
    const scd = confirmation === undefined ? undefined : child(confirmation, NS.assertion, 'SubjectConfirmationData');
    const conditions = child(assertion, NS.assertion, 'Conditions');
    const audiences =
      conditions === undefined
        ? []
        : children(conditions, NS.assertion, 'AudienceRestriction').flatMap((r) => children(r, NS.assertion, 'Audience').map((a) => text(a) ?? ''));
    const attributes: SamlAttribute[] = children(assertion, NS.assertion, 'AttributeStatement').flatMap((st) =>
      children(st, NS.assertion, 'Attribute').map((a) => ({
        name: get(a, 'Name') ?? '',
        nameFormat: get(a, 'NameFormat'),
        friendlyName: get(a, 'FriendlyName'),
        values: children(a, NS.assertion, 'AttributeValue').map((v) => text(v) ?? ''),
      })),
    );
    view = {
      id: get(assertion, 'ID'),
      issuer: text(child(assertion, NS.assertion, 'Issuer')),
      issueInstant: get(assertion, 'IssueInstant'),
      nameId: { value: text(nameId), format: get(nameId, 'Format') },
      recipient: get(scd, 'Recipient'),
      notBefore: get(conditions, 'NotBefore'),
      notOnOrAfter: get(conditions, 'NotOnOrAfter'),
      subjectNotOnOrAfter: get(scd, 'NotOnOrAfter'),
      audiences,
      attributes,
    };
  }
  return {
    verified: false,
    responseId: get(root, 'ID'),
    destination: get(root, 'Destination'),
    inResponseTo: get(root, 'InResponseTo'),
    status: get(statusCode, 'Value'),
    statusMessage: statusMessage === undefined ? undefined : (text(statusMessage) || get(statusMessage, 'Value')),
    issuer: text(child(root, NS.assertion, 'Issuer')),
    assertionCount: assertions.length,
    signatures,
    assertion: view,
  };
}
