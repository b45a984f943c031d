// P8–P9 without xml-crypto's whole-document XPath look-ups: the enveloped, exclusive-c14n signature
// of one element, checked against the pinned keys. Only for a signature that verify.ts's P5–P7 have
// already pinned down (one Signature, a direct child of the element it signs, right after its
// Issuer; one Reference whose URI is `#` + that element's ID; IDs unique over ID/Id/id in the whole
// document; transforms exactly enveloped-signature then exc-c14n; no comments, PIs or DTD anywhere).
//
// Why not SignedXml.checkSignature: it re-parses the whole document with a second DOMParser, runs
// `//*[@*[local-name(.)='ID']='…']` over every attribute of every element once per ID spelling and
// again for ancestor namespaces, and re-canonicalises SignedInfo in loadSignature: ~60 % of a
// verification (node --cpu-prof of bench/saml/profile.js). What it computes is reproduced here step by step
// with xml-crypto's own canonicaliser (ExclusiveCanonicalization, the class checkSignature uses) on
// the one DOM verify.ts checked, so there is no second parse to disagree with the first.

import { createHash, timingSafeEqual, verify as rsaVerify, type KeyObject } from 'node:crypto';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { findAncestorNsForElement } from 'xml-crypto/lib/utils.js';
import { reject, SamlRejectedError } from './errors.js';
import { ALG, NS } from './ns.js';
import { childElements, parseXmlStrict, textOnly } from './xml.js';

/** The algorithm allow-lists (P7), as Node hash names; nothing else can be looked up. */
const DIGEST_HASH: ReadonlyMap<string, string> = new Map([
  [ALG.sha256, 'sha256'],
  [ALG.sha512, 'sha512'],
  [ALG.sha1, 'sha1'],
]);
const SIGNATURE_HASH: ReadonlyMap<string, string> = new Map([
  [ALG.rsaSha256, 'sha256'],
  [ALG.rsaSha512, 'sha512'],
  [ALG.rsaSha1, 'sha1'],
]);
/** What xml-crypto's SignedXml.canonicalize passes (SignedXml.defaultNsForPrefix). */
const DEFAULT_NS_FOR_PREFIX = { ds: NS.ds };
const ID_ATTRIBUTES = new Set(['ID', 'Id', 'id']);
const c14n = new ExclusiveCanonicalization();

export interface EnvelopedSite {
  readonly signature: Element;
  readonly parent: Element;
  readonly parentId: string;
  readonly signatureAlgorithm: string;
  readonly digestAlgorithm: string;
}

function isDs(el: Element | undefined, local: string): el is Element {
  return el !== undefined && el.namespaceURI === NS.ds && el.localName === local;
}

function dsChild(el: Element, local: string): Element {
  const list = childElements(el).filter((k) => isDs(k, local));
  if (list.length !== 1) return reject('SIG_STRUCTURE', `canonical SignedInfo: ${list.length} ${local}`);
  return list[0] as Element;
}

/**
 * The element the Reference names, found as xml-crypto's validateReference finds it (any element with
 * an ID/Id/id attribute, any namespace, equal to the URI's fragment), without XPath. Exactly one, and
 * it must be the signature's parent (XSW, duplicate IDs: P6 already refused them; checked again here).
 */
function referencedElement(doc: Document, id: string): Element | undefined {
  let found: Element | undefined;
  let count = 0;
  const walk = (n: Node): void => {
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const attrs = (c as Element).attributes;
      for (let i = 0; i < attrs.length; i++) {
        const a = attrs.item(i) as Attr;
        if (ID_ATTRIBUTES.has(a.localName ?? a.name) && a.value === id) {
          count++;
          found = c as Element;
        }
      }
      walk(c);
    }
  };
  walk(doc);
  return count === 1 ? found : undefined;
}

/**
 * The signed bytes: exclusive c14n of the parent with its own Signature removed (enveloped-signature).
 * xml-crypto removes it from a deep clone, because the canonicaliser adds the declarations of the
 * InclusiveNamespaces prefixes bound on ancestors to the apex element it is given (setAttributeNS).
 * When no such prefix applies, the canonicaliser changes nothing: the Signature is detached from the
 * checked DOM for the synchronous call and put back in its place in `finally`, so nothing else ever
 * sees the DOM without it. Otherwise (or when a child named CanonicalizationMethod, in any namespace,
 * would make xml-crypto's canonicaliser read a prefix list from the content) the clone path is taken.
 */
function canonicalParent(site: EnvelopedSite, prefixList: string[]): string {
  const parent = site.parent;
  const signature = site.signature;
  if (signature.parentNode !== parent) return reject('SIG_POSITION', 'Signature is not a child of the signed element');
  const ancestorNamespaces = findAncestorNsForElement(parent);
  const options = { inclusiveNamespacesPrefixList: prefixList, ancestorNamespaces, defaultNsForPrefix: DEFAULT_NS_FOR_PREFIX };
  const mayMutate =
    ancestorNamespaces.some((ns) => prefixList.includes(ns.prefix)) ||
    (prefixList.length === 0 && childElements(parent).some((k) => k.localName === 'CanonicalizationMethod'));
  if (mayMutate) {
    const index = Array.prototype.indexOf.call(parent.childNodes, signature);
    const clone = parent.cloneNode(true) as Element;
    const sigClone = clone.childNodes.item(index) as Element | null;
    if (sigClone === null || !isDs(sigClone, 'Signature')) return reject('SIG_POSITION', 'Signature not found in the signed element');
    clone.removeChild(sigClone);
    return c14n.process(clone, options as never);
  }
  const next = signature.nextSibling;
  parent.removeChild(signature);
  try {
    return c14n.process(parent, options as never);
  } finally {
    parent.insertBefore(signature, next);
  }
}

/**
 * P8–P9 for one shape-checked signature: digest of the canonical parent against the DigestValue read
 * from the re-parsed canonical SignedInfo (the bytes the RSA signature covers), then the RSA check of
 * that canonical SignedInfo with each pinned key in turn. Returns the signed canonical bytes (for P10),
 * or undefined when no key verifies. Throws SamlRejectedError for a malformed signature.
 */
export function verifyEnvelopedSignature(site: EnvelopedSite, keys: readonly KeyObject[]): string | undefined {
  try {
    return verifyOne(site, keys);
  } catch (e) {
    // The canonicaliser throws on a node it cannot render; checkCrypto used to catch whatever
    // xml-crypto threw and count it as a signature that does not verify. Same here: fail closed.
    if (e instanceof SamlRejectedError) throw e;
    return undefined;
  }
}

function verifyOne(site: EnvelopedSite, keys: readonly KeyObject[]): string | undefined {
  const signature = site.signature;
  const signedInfo = childElements(signature)[0];
  if (!isDs(signedInfo, 'SignedInfo')) return reject('SIG_STRUCTURE', 'SignedInfo is not first');
  // Reference = the parent's own ID, found the way xml-crypto would find it (XSW, XSW7 duplicate IDs).
  const doc = site.parent.ownerDocument;
  if (referencedElement(doc, site.parentId) !== site.parent) return reject('SIG_REF_NOT_PARENT', 'Reference does not resolve to the signed element alone');

  // Stage B material first: SignedInfo canonicalised (exc-c14n, no InclusiveNamespaces: P7 refused any
  // child of CanonicalizationMethod, so the canonicaliser changes nothing on our DOM), then re-parsed,
  // and every Reference value read from that re-parse, as checkSignature does (CVE-2025-29774/29775:
  // read the reference from what the signature covers, never from the surrounding DOM).
  const cm = childElements(signedInfo)[0];
  if (!isDs(cm, 'CanonicalizationMethod') || childElements(cm).length > 0) return reject('SIG_C14N_ALGORITHM', 'CanonicalizationMethod with parameters');
  const canonSignedInfo = c14n.process(signedInfo, {
    inclusiveNamespacesPrefixList: [],
    ancestorNamespaces: findAncestorNsForElement(signedInfo),
    defaultNsForPrefix: DEFAULT_NS_FOR_PREFIX,
  } as never);
  if (canonSignedInfo.length === 0) return reject('SIG_STRUCTURE', 'empty canonical SignedInfo');
  let si: Element;
  try {
    si = parseXmlStrict(canonSignedInfo).documentElement;
  } catch (e) {
    if (e instanceof SamlRejectedError) return reject('SIG_STRUCTURE', `canonical SignedInfo does not parse: ${e.reason}`);
    throw e;
  }
  if (!isDs(si, 'SignedInfo')) return reject('SIG_STRUCTURE', 'canonical SignedInfo root');
  const siKids = childElements(si);
  // Algorithm allow-lists again, on the signed bytes (algorithm confusion, HMAC GHSA-c27r-x354-4m68).
  if (!isDs(siKids[0], 'CanonicalizationMethod') || siKids[0].getAttribute('Algorithm') !== ALG.excC14n || childElements(siKids[0]).length > 0) {
    return reject('SIG_C14N_ALGORITHM', 'canonicalization is not exclusive c14n');
  }
  const sigAlg = isDs(siKids[1], 'SignatureMethod') ? siKids[1].getAttribute('Algorithm') ?? '' : '';
  const sigHash = SIGNATURE_HASH.get(sigAlg);
  if (sigHash === undefined || sigAlg !== site.signatureAlgorithm) return reject('SIG_ALGORITHM', 'signature algorithm not allowed');
  const refs = siKids.slice(2);
  if (refs.length !== 1 || !isDs(refs[0], 'Reference')) return reject('SIG_REF_COUNT', `${refs.length} references`);
  const ref = refs[0] as Element;
  if (ref.getAttribute('URI') !== `#${site.parentId}`) return reject('SIG_REF_NOT_PARENT', 'Reference does not point at the signed element');
  const transforms = childElements(dsChild(ref, 'Transforms'));
  if (
    transforms.length !== 2 ||
    !isDs(transforms[0], 'Transform') || transforms[0].getAttribute('Algorithm') !== ALG.envelopedSignature || childElements(transforms[0]).length > 0 ||
    !isDs(transforms[1], 'Transform') || transforms[1].getAttribute('Algorithm') !== ALG.excC14n
  ) {
    return reject('SIG_TRANSFORMS', 'transforms must be enveloped-signature then exclusive c14n');
  }
  const prefixList: string[] = [];
  for (const k of childElements(transforms[1] as Element)) {
    if (!(k.namespaceURI === NS.excC14n && k.localName === 'InclusiveNamespaces')) return reject('SIG_TRANSFORMS', 'unexpected transform parameter');
    prefixList.push(...(k.getAttribute('PrefixList') ?? '').split(' ').filter((p) => p.length > 0));
  }
  const digestAlg = dsChild(ref, 'DigestMethod').getAttribute('Algorithm') ?? '';
  const digestHash = DIGEST_HASH.get(digestAlg);
  if (digestHash === undefined || digestAlg !== site.digestAlgorithm) return reject('SIG_DIGEST_ALGORITHM', 'digest algorithm not allowed');
  const digestText = textOnly(dsChild(ref, 'DigestValue'));
  if (digestText === undefined || digestText.length === 0) return reject('SIG_STRUCTURE', 'DigestValue is not text');
  const signatureText = textOnly(dsChild(signature, 'SignatureValue'));
  // Not text was refused at P7; an empty value is a signature that does not verify (SIG_INVALID).
  if (signatureText === undefined) return reject('SIG_STRUCTURE', 'SignatureValue is not text');

  // Stage A: the reference digest over the canonical parent, compared in constant time.
  const canonical = canonicalParent(site, prefixList);
  if (canonical.length === 0) return reject('SIGNED_CONTENT_MISMATCH', 'signature covers no content');
  const digest = createHash(digestHash).update(canonical, 'utf8').digest();
  const expected = Buffer.from(digestText, 'base64');
  if (digest.length !== expected.length || !timingSafeEqual(digest, expected)) return undefined;

  // Stage B: RSA PKCS#1 v1.5 over the canonical SignedInfo, pinned RSA keys only (never KeyInfo).
  const signatureValue = Buffer.from(signatureText.replace(/\r?\n/g, ''), 'base64');
  const material = Buffer.from(canonSignedInfo, 'utf8');
  for (const key of keys) {
    if (key.asymmetricKeyType !== 'rsa') continue;
    let ok = false;
    if (signatureValue.length === 0) break;
    try {
      ok = rsaVerify(sigHash, material, key, signatureValue);
    } catch {
      ok = false;
    }
    if (ok) return canonical;
  }
  return undefined;
}
