// Test-only producers of the SAML messages an SP sends the IdP (AuthnRequest, LogoutRequest,
// LogoutResponse), independent of the code under test: XML built with @xmldom/xmldom DOM calls,
// enveloped signatures made by xml-crypto directly, Redirect queries deflated and signed with
// node:crypto here. Never imports src/saml/redirect-signature.ts or protocol-message.ts.

import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { DOMImplementation, DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { certifyKey } from '../../src/saml/keys.js';
import { ALG, NS } from '../../src/saml/ns.js';

export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0, 0);
export const iso = (ms: number): string => new Date(ms).toISOString();

export const IDP_SSO_URL = 'https://tessera.example.com/samlp/client1';
export const IDP_SLO_URL = 'https://tessera.example.com/samlp/client1/logout';
export const SP_ENTITY_ID = 'https://sp.example.com/metadata';
export const SP_ACS_URL = 'https://sp.example.com/acs';

export interface TestKeys {
  readonly privateKeyPem: string;
  readonly privateKey: KeyObject;
  readonly certificatePem: string;
  readonly certificateBase64: string;
}

export function makeKeys(host = 'sp.example.com'): TestKeys {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cred = certifyKey(privateKeyPem, { host, notBefore: Date.UTC(2024, 0, 1) });
  return { privateKeyPem, privateKey: createPrivateKey(privateKeyPem), certificatePem: cred.certificatePem, certificateBase64: cred.certificateBase64 };
}

export interface AuthnRequestFields {
  readonly id?: string;
  readonly version?: string | null;
  readonly issueInstant?: string;
  readonly destination?: string | null;
  readonly issuer?: string | null;
  readonly acsUrl?: string | null;
  readonly acsIndex?: string;
  readonly protocolBinding?: string | null;
  readonly forceAuthn?: string;
  readonly isPassive?: string;
  readonly nameIdFormat?: string;
  readonly authnContextClassRef?: string;
  readonly root?: { readonly ns: string; readonly local: string };
}

/** An AuthnRequest as OneLogin/node-saml write one, by DOM calls. `null` omits a field. */
export function authnRequestXml(f: AuthnRequestFields = {}): string {
  const rootName = f.root ?? { ns: NS.protocol, local: 'AuthnRequest' };
  const doc = new DOMImplementation().createDocument(rootName.ns, `samlp:${rootName.local}`, null);
  const root = doc.documentElement as Element;
  root.setAttributeNS(NS.xmlns, 'xmlns:samlp', rootName.ns);
  root.setAttributeNS(NS.xmlns, 'xmlns:saml', NS.assertion);
  root.setAttribute('ID', f.id ?? '_a1b2c3d4e5f60718293a4b5c6d7e8f90');
  if (f.version !== null) root.setAttribute('Version', f.version ?? '2.0');
  root.setAttribute('IssueInstant', f.issueInstant ?? iso(T0));
  if (f.destination !== null) root.setAttribute('Destination', f.destination ?? IDP_SSO_URL);
  if (f.protocolBinding !== null) root.setAttribute('ProtocolBinding', f.protocolBinding ?? 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
  if (f.acsUrl !== null) root.setAttribute('AssertionConsumerServiceURL', f.acsUrl ?? SP_ACS_URL);
  if (f.acsIndex !== undefined) root.setAttribute('AssertionConsumerServiceIndex', f.acsIndex);
  if (f.forceAuthn !== undefined) root.setAttribute('ForceAuthn', f.forceAuthn);
  if (f.isPassive !== undefined) root.setAttribute('IsPassive', f.isPassive);
  if (f.issuer !== null) {
    const issuer = doc.createElementNS(NS.assertion, 'saml:Issuer');
    issuer.appendChild(doc.createTextNode(f.issuer ?? SP_ENTITY_ID));
    root.appendChild(issuer);
  }
  const policy = doc.createElementNS(NS.protocol, 'samlp:NameIDPolicy');
  policy.setAttribute('Format', f.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
  policy.setAttribute('AllowCreate', 'true');
  root.appendChild(policy);
  const rac = doc.createElementNS(NS.protocol, 'samlp:RequestedAuthnContext');
  rac.setAttribute('Comparison', 'exact');
  const ref = doc.createElementNS(NS.assertion, 'saml:AuthnContextClassRef');
  ref.appendChild(doc.createTextNode(f.authnContextClassRef ?? 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport'));
  rac.appendChild(ref);
  root.appendChild(rac);
  return new XMLSerializer().serializeToString(doc);
}

export interface LogoutRequestFields {
  readonly id?: string;
  readonly issueInstant?: string;
  readonly notOnOrAfter?: string;
  readonly destination?: string | null;
  readonly issuer?: string;
  readonly nameId?: string | null;
  readonly encryptedId?: boolean;
  readonly sessionIndexes?: readonly string[];
}

export function logoutRequestXml(f: LogoutRequestFields = {}): string {
  const doc = new DOMImplementation().createDocument(NS.protocol, 'samlp:LogoutRequest', null);
  const root = doc.documentElement as Element;
  root.setAttributeNS(NS.xmlns, 'xmlns:samlp', NS.protocol);
  root.setAttributeNS(NS.xmlns, 'xmlns:saml', NS.assertion);
  root.setAttribute('ID', f.id ?? '_lr0123456789abcdef0123456789abcd');
  root.setAttribute('Version', '2.0');
  root.setAttribute('IssueInstant', f.issueInstant ?? iso(T0));
  if (f.destination !== null) root.setAttribute('Destination', f.destination ?? IDP_SLO_URL);
  if (f.notOnOrAfter !== undefined) root.setAttribute('NotOnOrAfter', f.notOnOrAfter);
  const issuer = doc.createElementNS(NS.assertion, 'saml:Issuer');
  issuer.appendChild(doc.createTextNode(f.issuer ?? SP_ENTITY_ID));
  root.appendChild(issuer);
  if (f.encryptedId === true) {
    const enc = doc.createElementNS(NS.assertion, 'saml:EncryptedID');
    enc.appendChild(doc.createTextNode('opaque'));
    root.appendChild(enc);
  } else if (f.nameId !== null) {
    const nameId = doc.createElementNS(NS.assertion, 'saml:NameID');
    nameId.setAttribute('Format', 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    nameId.appendChild(doc.createTextNode(f.nameId ?? 'jane@example.com'));
    root.appendChild(nameId);
  }
  for (const s of f.sessionIndexes ?? ['_session1']) {
    const si = doc.createElementNS(NS.protocol, 'samlp:SessionIndex');
    si.appendChild(doc.createTextNode(s));
    root.appendChild(si);
  }
  return new XMLSerializer().serializeToString(doc);
}

export interface XmlSignOptions {
  readonly signatureAlgorithm?: string;
  readonly digestAlgorithm?: string;
  readonly canonicalizationAlgorithm?: string;
  readonly transforms?: readonly string[];
  /** Put the certificate in KeyInfo (default true). */
  readonly keyInfo?: boolean;
  readonly prefix?: string;
  /** The element the Reference names (default: the root, by its ID). */
  readonly referenceXpath?: string;
}

/** Enveloped signature on the root, after its Issuer, by xml-crypto (as node-saml signs POSTed requests). */
export function signXml(xml: string, keys: TestKeys, o: XmlSignOptions = {}): string {
  const sig = new SignedXml(o.keyInfo === false ? { privateKey: keys.privateKeyPem } : { privateKey: keys.privateKeyPem, publicCert: keys.certificatePem });
  sig.signatureAlgorithm = o.signatureAlgorithm ?? ALG.rsaSha256;
  sig.canonicalizationAlgorithm = o.canonicalizationAlgorithm ?? ALG.excC14n;
  sig.addReference({
    xpath: o.referenceXpath ?? '/*',
    transforms: [...(o.transforms ?? [ALG.envelopedSignature, ALG.excC14n])],
    digestAlgorithm: o.digestAlgorithm ?? ALG.sha256,
  });
  sig.computeSignature(xml, {
    ...(o.prefix === undefined ? {} : { prefix: o.prefix }),
    location: { reference: "/*/*[local-name(.)='Issuer' and namespace-uri(.)='urn:oasis:names:tc:SAML:2.0:assertion']", action: 'after' },
  });
  return sig.getSignedXml();
}

export const b64 = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');
export const deflated = (xml: string): string => deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');

/** encodeURIComponent: what node's querystring writes (space as %20, `!'()*` kept). */
export const uriEncode = (s: string): string => encodeURIComponent(s);

export interface RedirectOptions {
  readonly param?: 'SAMLRequest' | 'SAMLResponse';
  readonly relayState?: string;
  readonly keys?: TestKeys;
  readonly sigAlg?: string;
  /** The hash actually used to sign (default: the one SigAlg names). */
  readonly signHash?: 'sha1' | 'sha256';
  /** Sign over another RelayState than the one sent. */
  readonly signedRelayState?: string;
  readonly encode?: (s: string) => string;
  /** Extra raw parts appended to the query. */
  readonly extra?: readonly string[];
}

export interface RedirectRequest {
  readonly rawQuery: string;
  /** What an HTTP framework hands over after decoding the query. */
  readonly fields: { readonly samlRequest: string; readonly relayState?: string; readonly sigAlg?: string; readonly signature?: string };
}

/** A Redirect-binding query, deflated and (optionally) signed over `param=…&RelayState=…&SigAlg=…`. */
export function redirectRequest(xml: string, o: RedirectOptions = {}): RedirectRequest {
  const param = o.param ?? 'SAMLRequest';
  const enc = o.encode ?? uriEncode;
  const message = deflated(xml);
  const parts = [`${param}=${enc(message)}`];
  if (o.relayState !== undefined) parts.push(`RelayState=${enc(o.relayState)}`);
  const fields: { samlRequest: string; relayState?: string; sigAlg?: string; signature?: string } = { samlRequest: message };
  if (o.relayState !== undefined) fields.relayState = o.relayState;
  if (o.keys !== undefined) {
    const sigAlg = o.sigAlg ?? ALG.rsaSha256;
    parts.push(`SigAlg=${enc(sigAlg)}`);
    const signedParts = [...parts];
    if (o.signedRelayState !== undefined) signedParts[1] = `RelayState=${enc(o.signedRelayState)}`;
    const hash = o.signHash ?? (sigAlg === ALG.rsaSha1 ? 'sha1' : 'sha256');
    const signature = sign(hash, Buffer.from(signedParts.join('&'), 'utf8'), o.keys.privateKey).toString('base64');
    parts.push(`Signature=${enc(signature)}`);
    fields.sigAlg = sigAlg;
    fields.signature = signature;
  }
  return { rawQuery: [...parts, ...(o.extra ?? [])].join('&'), fields };
}

/** Parse and re-serialize with a tweak, for tampering tests (test-only: never on the verifier's path). */
export function mutate(xml: string, f: (doc: Document) => void): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  f(doc);
  return new XMLSerializer().serializeToString(doc as never);
}
