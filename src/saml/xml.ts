// XML hardening for everything SAML reads: strict base64 and UTF-8, a pre-parse scan that refuses
// DTDs, entities, processing instructions and comments, size and depth caps, and one parser
// (@xmldom/xmldom, the copy xml-crypto uses) that aborts on any warning. Also the DOM helpers
// the signer and verifier share. Never a second parser, never a regex to "read a field".

import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { reject } from './errors.js';

export const MAX_ENCODED_LENGTH = 100_000; // STS SAMLAssertionType max length
export const MAX_DECODED_BYTES = 75 * 1024;
export const MAX_DEPTH = 64;
export const MAX_ELEMENTS = 5000;
/** Per element, namespace declarations included; SAML producers write fewer than 20. */
export const MAX_ATTRIBUTES = 64;
/**
 * Per document, namespace declarations included (OpenSAML declares xs/xsi on every AttributeValue: a
 * 300-value response has ~1 000). xml-crypto's ID look-ups cost ~25 µs per attribute (S40: 5 000
 * namespace declarations must be refused within 100 ms).
 */
export const MAX_TOTAL_ATTRIBUTES = 2000;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** P2: strict base64 (CR/LF removed only), size cap, fatal UTF-8 decoding. */
export function decodeBase64Xml(encoded: string, maxBytes: number = MAX_DECODED_BYTES): string {
  if (encoded.length < 4 || encoded.length > MAX_ENCODED_LENGTH) reject('SIZE', `encoded length ${encoded.length}`);
  const compact = encoded.replace(/[\r\n]/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) reject('BASE64', 'not strict base64');
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > maxBytes) reject('SIZE', `decoded ${bytes.length} bytes`);
  return decodeUtf8(bytes);
}

/**
 * One fatal decoder for every call: `decode` without `{ stream: true }` starts from a clean state each
 * time (and after a failure), so sharing it changes nothing but the allocation.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return reject('UTF8', 'invalid UTF-8');
  }
}

/**
 * P3: refuses what no SAML producer emits and what parser-differential attacks need: DTDs and
 * entities (XXE, billion laughs; CWE-611, CWE-776), processing instructions and comments
 * (text-truncation attacks: CVE-2017-11427 family, the xml-crypto PI quirk), non-UTF-8 declared
 * encodings, NUL bytes, and documents too deep or too large to be a SAML response.
 */
export function prescan(text: string): void {
  if (text.includes('\u0000')) reject('NUL_BYTE', 'NUL in document');
  if (/<!DOCTYPE/i.test(text)) reject('DOCTYPE', 'DOCTYPE present');
  if (/<!ENTITY/i.test(text) || /<!ATTLIST/i.test(text) || /<!ELEMENT/i.test(text)) reject('ENTITY', 'DTD declaration present');
  if (text.includes('<!--')) reject('COMMENT', 'comment present');
  let body = text;
  const decl = /^\uFEFF?<\?xml\s[^?]*\?>/.exec(body);
  if (decl !== null) {
    const enc = /encoding\s*=\s*["']([^"']+)["']/i.exec(decl[0]);
    if (enc !== null && (enc[1] as string).toLowerCase().replace('_', '-') !== 'utf-8') reject('ENCODING', `declared encoding ${enc[1]}`);
    body = body.slice(decl[0].length);
  }
  if (body.includes('<?')) reject('PROCESSING_INSTRUCTION', 'processing instruction present');
  // A tag counter, not a parser: bounds the work the real parser will do.
  let depth = 0;
  let elements = 0;
  let totalAttributes = 0;
  for (let i = 0; i < body.length; i++) {
    if (body.charCodeAt(i) !== 0x3c) continue;
    const next = body[i + 1];
    if (next === '/') {
      depth--;
    } else if (next === '!') {
      // CDATA: its content is text, skip it whole.
      if (body.startsWith('<![CDATA[', i)) {
        const end = body.indexOf(']]>', i);
        if (end < 0) break;
        i = end + 2;
      }
    } else {
      // The tag ends at the first `>` outside a quoted attribute value: `<x a="/>">` must not pass
      // for a self-closing tag and hide its depth. Each quoted value is one attribute (flooding one
      // element with attributes or namespace declarations costs the parser and c14n superlinear time).
      let close = i + 1;
      let quote = 0;
      let attributes = 0;
      for (; close < body.length; close++) {
        const c = body.charCodeAt(close);
        if (quote !== 0) {
          if (c === quote) quote = 0;
        } else if (c === 0x22 || c === 0x27) {
          quote = c;
          attributes++;
        } else if (c === 0x3e) break;
      }
      if (close >= body.length) break;
      elements++;
      if (body[close - 1] !== '/') depth++;
      if (depth > MAX_DEPTH) reject('TOO_DEEP', `nesting deeper than ${MAX_DEPTH}`);
      if (elements > MAX_ELEMENTS) reject('TOO_MANY_ELEMENTS', `more than ${MAX_ELEMENTS} elements`);
      if (attributes > MAX_ATTRIBUTES) reject('TOO_MANY_ATTRIBUTES', `more than ${MAX_ATTRIBUTES} attributes on one element`);
      totalAttributes += attributes;
      if (totalAttributes > MAX_TOTAL_ATTRIBUTES) reject('TOO_MANY_ATTRIBUTES', `more than ${MAX_TOTAL_ATTRIBUTES} attributes`);
      i = close;
    }
  }
}

/**
 * xmldom, aborting on any warning or error. With `located`, a failure throws SamlRejectedError
 * XML_PARSE whose detail carries the line and column; without, a failure returns undefined.
 */
function xmldomParse(text: string, located: boolean): Document | null | undefined {
  const fail = (msg: string): never => reject('XML_PARSE', msg);
  const parser = new DOMParser(
    located ? { errorHandler: { warning: fail, error: fail, fatalError: fail }, locator: {} } : { errorHandler: { warning: fail, error: fail, fatalError: fail } },
  );
  try {
    return (parser.parseFromString(text, 'text/xml') as unknown as Document | undefined) ?? null;
  } catch (e) {
    if (!located) return undefined;
    if ((e as { name?: string }).name === 'SamlRejectedError') throw e;
    return reject('XML_PARSE', (e as Error).message);
  }
}

/** P4: parses with xmldom, aborting on any warning or error; no doctype; one root element. */
export function parseXmlStrict(text: string): Document {
  // xmldom silently drops text before the root element (`admin<Response…>`): not well-formed.
  if (!/^\uFEFF?\s*</.test(text)) reject('XML_PARSE', 'text before the root element');
  // Without a locator xmldom does not track line and column (~12 % of a parse of a response); the
  // locator changes only the text of a failure, never whether the parse fails. So the document is
  // parsed without one, and a document that fails is parsed again with one, for the same rejection
  // with the position in its detail. If that second parse somehow succeeded, the document is still
  // refused (fail closed): the first parse of the same parser said no.
  const doc = xmldomParse(text, false);
  if (doc === undefined) {
    xmldomParse(text, true);
    return reject('XML_PARSE', 'the document did not parse');
  }
  if (doc === null) return reject('XML_PARSE', 'no document');
  if (doc.doctype !== null && doc.doctype !== undefined) reject('DOCTYPE', 'doctype node');
  let roots = 0;
  for (let n = doc.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1) roots++;
    else if (n.nodeType === 7) {
      // The XML declaration (`<?xml version="1.0"?>`, which Okta, ADFS and xmlsec1 emit) is the one
      // PI allowed, and only first; prescan already checked its encoding.
      const isDeclaration = (n as ProcessingInstruction).target === 'xml' && n === doc.firstChild;
      if (!isDeclaration) reject('PROCESSING_INSTRUCTION', 'processing instruction outside the root');
    }
    else if (n.nodeType === 8) reject('COMMENT', 'comment outside the root');
    // xmldom keeps text outside the root (`<Response/>admin`) instead of failing: not well-formed.
    else if (n.nodeType === 3 && /[^\t\n\r \uFEFF]/.test((n as Text).data)) reject('XML_PARSE', 'text outside the root element');
  }
  if (roots !== 1) reject('XML_PARSE', `${roots} root elements`);
  return doc;
}

/** Parses a document Tessera itself produced (no hardening needed beyond xmldom's own). */
export function parseTrustedXml(text: string): Document {
  return new DOMParser().parseFromString(text, 'text/xml') as unknown as Document;
}

export function serialize(node: Node): string {
  return new XMLSerializer().serializeToString(node as never);
}

/** Element children of `el` (text, comments and PIs skipped). */
export function childElements(el: Element | Document): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

/** Element children with namespace `ns` and local name `local`. */
export function children(el: Element, ns: string, local: string): Element[] {
  return childElements(el).filter((c) => c.namespaceURI === ns && c.localName === local);
}

/** The one child `{ns}local`, or undefined when there is none; more than one is the caller's to refuse. */
export function child(el: Element, ns: string, local: string): Element | undefined {
  return children(el, ns, local)[0];
}

/** Every descendant element (document order), for counting and ID collection. */
export function descendants(root: Element | Document): Element[] {
  const out: Element[] = [];
  const walk = (n: Node): void => {
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType === 1) {
        out.push(c as Element);
        walk(c);
      }
    }
  };
  walk(root);
  return out;
}

/** The text of an element that must hold only text (and CDATA): child elements are refused. */
export function textOnly(el: Element): string | undefined {
  let out = '';
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 3 || n.nodeType === 4) out += (n as CharacterData).data;
    else return undefined;
  }
  return out;
}
