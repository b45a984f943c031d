// S40 huge and deep documents (xmldom recursion CVE-2026-41673, O(M²) attribute dedup and namespace
// blowup before 0.8.15, end-tag whitespace ReDoS): the literal sizes of security.md are refused by
// the size caps; the largest variants that fit under the caps are refused by the depth and element
// caps of the byte scan or by the signature — each verdict within 100 ms.

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, assertionOf, b64, EVIL_NAMEID, GENUINE_NAMEID, mutate, replaceOnce, setText, signatureOf, the } from '../../support/saml-fixtures.js';
import { acceptedAs, rejectedAs, type Attack, type AttackCase } from './attack.js';

const BUDGET = 100;

/** `inner` inside a samlp:Extensions after the Response Issuer (an unsigned, schema-legal place). */
function inExtensions(xml: string, inner: string): string {
  const marker = '<samlp:Status>';
  return replaceOnce(xml, marker, `<samlp:Extensions>${inner}</samlp:Extensions>${marker}`);
}

export const s40SizeAndDepth: Attack = {
  id: 'S40',
  title: 'huge, deep and wide documents',
  reference: 'security.md §2.10 S40, §1 P1–P3',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const evil = mutate(B, (d) => applyEvil(assertionOf(d)));
    const manyAttributes = (n: number): string => Array.from({ length: n }, (_, i) => `a${i}=""`).join(' ');
    const manyNamespaces = (n: number): string => Array.from({ length: n }, (_, i) => `xmlns:n${i}="urn:n"`).join(' ');
    return [
      { name: 'a 100 001-character SAMLAssertion', input: 'A'.repeat(100_001), expect: rejectedAs('SIZE'), control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: '100 000-deep nesting (over the size cap)', xml: inExtensions(B, `${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}`), expect: rejectedAs('SIZE'), budgetMs: BUDGET },
      { name: '100 000-deep nesting as raw XML', xml: inExtensions(B, `${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}`), options: { rawXml: true }, expect: rejectedAs('SIZE'), budgetMs: BUDGET },
      { name: '8 000-deep nesting under the size cap', xml: inExtensions(B, `${'<x>'.repeat(8_000)}${'</x>'.repeat(8_000)}`), expect: rejectedAs('TOO_DEEP'), budgetMs: BUDGET },
      {
        name: '3 000-deep nesting whose start tags end in `/>` inside an attribute value',
        xml: inExtensions(B, `${'<x a="/>">'.repeat(3_000)}${'</x>'.repeat(3_000)}`),
        expect: rejectedAs('TOO_DEEP'),
        budgetMs: BUDGET,
      },
      { name: '6 000 empty elements', xml: inExtensions(B, '<x/>'.repeat(6_000)), expect: rejectedAs('TOO_MANY_ELEMENTS'), budgetMs: BUDGET },
      {
        name: '10 000 AttributeValues (over the size cap)',
        xml: replaceOnce(B, '</saml:AttributeStatement>', `<saml:Attribute Name="x">${'<saml:AttributeValue>1</saml:AttributeValue>'.repeat(10_000)}</saml:Attribute></saml:AttributeStatement>`),
        expect: rejectedAs('SIZE'),
      },
      { name: '20 000 attributes on one element (over the size cap)', xml: replaceOnce(B, '<saml:NameID ', `<saml:NameID ${manyAttributes(20_000)} `), expect: rejectedAs('SIZE') },
      { name: '4 000 attributes on the NameID, under the size cap', xml: replaceOnce(evil, '<saml:NameID ', `<saml:NameID ${manyAttributes(4_000)} `), expect: rejectedAs('TOO_MANY_ATTRIBUTES'), budgetMs: BUDGET },
      { name: '6 000 attributes on the unsigned samlp:Status', xml: replaceOnce(B, '<samlp:Status>', `<samlp:Status ${manyAttributes(6_000)}>`), expect: rejectedAs('TOO_MANY_ATTRIBUTES'), budgetMs: BUDGET },
      { name: '65 attributes on one element', xml: replaceOnce(B, '<samlp:Status>', `<samlp:Status ${manyAttributes(65)}>`), expect: rejectedAs('TOO_MANY_ATTRIBUTES') },
      { name: '5 000 namespace declarations (over the size cap)', xml: replaceOnce(B, '<saml:NameID ', `<saml:NameID ${manyNamespaces(5_000)} `), expect: rejectedAs('SIZE') },
      { name: '2 500 namespace declarations on the Assertion, under the size cap', xml: replaceOnce(evil, '<saml:Assertion ', `<saml:Assertion ${manyNamespaces(2_500)} `), expect: rejectedAs('TOO_MANY_ATTRIBUTES'), budgetMs: BUDGET },
      {
        name: '60 namespace declarations on each of 60 nested elements (3 600 in scope), unsigned part',
        xml: inExtensions(B, `${`<x ${manyNamespaces(60)}>`.repeat(60)}${'</x>'.repeat(60)}`),
        expect: rejectedAs('TOO_MANY_ATTRIBUTES'),
        budgetMs: BUDGET,
      },
      {
        name: '2 200 namespace declarations, 55 per element, flat, unsigned part',
        xml: inExtensions(B, `<x ${manyNamespaces(55)}/>`.repeat(40)),
        expect: rejectedAs('TOO_MANY_ATTRIBUTES'),
        budgetMs: BUDGET,
      },
      {
        name: '1 000 attributes, 50 per element, unsigned part (under the caps, within the budget)',
        xml: inExtensions(B, `<x ${manyAttributes(50)}/>`.repeat(20)),
        expect: acceptedAs(GENUINE_NAMEID),
        budgetMs: BUDGET,
      },
      {
        name: '50 namespace declarations on the Response around a tampered assertion',
        xml: replaceOnce(evil, '<samlp:Response ', `<samlp:Response ${manyNamespaces(50)} `),
        expect: rejectedAs('SIG_INVALID'),
        budgetMs: BUDGET,
      },
      {
        name: '60 KB of whitespace in an end tag',
        xml: replaceOnce(evil, `${EVIL_NAMEID}</saml:NameID>`, `${EVIL_NAMEID}</saml:NameID${' '.repeat(60_000)}>`),
        expect: rejectedAs('SIG_INVALID'),
        budgetMs: BUDGET,
      },
      {
        name: 'a 1 MB X509Certificate (over the size cap)',
        xml: mutate(B, (d) => setText(the(signatureOf(assertionOf(d)), NS.ds, 'X509Certificate'), 'A'.repeat(1_000_000))),
        expect: rejectedAs('SIZE'),
      },
      {
        name: 'a 60 KB X509Certificate, under the size cap',
        xml: mutate(B, (d) => setText(the(signatureOf(assertionOf(d)), NS.ds, 'X509Certificate'), 'MIIB'.repeat(15_000))),
        expect: rejectedAs('SIG_KEYINFO_MISMATCH'),
        budgetMs: BUDGET,
      },
      { name: 'raw XML of 80 KB', xml: inExtensions(B, ' '.repeat(80_000)), options: { rawXml: true }, expect: rejectedAs('SIZE') },
      { name: 'the same document base64-encoded is over the 100 000-character cap', input: b64(`${B}${' '.repeat(70_000)}`), expect: rejectedAs('SIZE') },
    ];
  },
};
