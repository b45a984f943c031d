// S30 namespace confusion: an evil Assertion in another namespace (`xmlns="urn:evil"`, `xmlns=""`,
// SAML 1.1) beside the genuine one; an extra `ds:Signature` whose prefix is bound elsewhere; the root
// or the only assertion in the wrong namespace. Matching is by namespace URI, and counts by local name.

import { NS } from '../../../src/saml/ns.js';
import { all, applyEvil, assertionOf, cloneInto, GENUINE_NAMEID, insertAfter, mutate, remove, replaceOnce, responseOf, the } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const SAML11_ASSERTION = 'urn:oasis:names:tc:SAML:1.0:assertion';
const SAML11_PROTOCOL = 'urn:oasis:names:tc:SAML:1.0:protocol';

/** An evil copy of the assertion, every element renamed into `ns` (null: no namespace). */
function evilIn(d: Document, ns: string | null, prefix: string | null): Element {
  const source = applyEvil(cloneInto(d, assertionOf(d)));
  for (const s of all(source, NS.ds, 'Signature')) remove(s);
  const rename = (e: Element): Element => {
    const n = d.createElementNS(ns, prefix === null ? e.localName : `${prefix}:${e.localName}`);
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes.item(i) as Attr;
      if (a.name === 'xmlns' || a.name === 'xmlns:saml') continue;
      n.setAttributeNS(a.namespaceURI, a.name, a.value);
    }
    for (let c = e.firstChild; c !== null; c = c.nextSibling) n.appendChild(c.nodeType === 1 ? rename(c as Element) : c.cloneNode(true));
    return n;
  };
  const out = rename(source);
  out.setAttribute('ID', '_evil');
  return out;
}

export const s30NamespaceConfusion: Attack = {
  id: 'S30',
  title: 'namespace confusion',
  reference: 'security.md §2.8 S30',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const sibling = (ns: string | null, prefix: string | null): string => mutate(B, (d) => responseOf(d).insertBefore(evilIn(d, ns, prefix), assertionOf(d)));
    return [
      { name: 'evil <Assertion xmlns="urn:evil"> before the genuine one', xml: sibling('urn:evil', null), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true, control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'evil saml:Assertion with the saml prefix rebound to urn:evil', xml: sibling('urn:evil', 'saml'), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true },
      { name: 'evil <Assertion xmlns=""> (namespace undeclared)', xml: sibling(null, null), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true },
      { name: 'evil SAML 1.1 assertion beside the genuine one', xml: sibling(SAML11_ASSERTION, 'saml1'), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true },
      {
        name: 'the only assertion is an evil SAML 1.1 one (genuine removed)',
        xml: mutate(B, (d) => {
          const genuine = assertionOf(d);
          responseOf(d).insertBefore(evilIn(d, SAML11_ASSERTION, 'saml1'), genuine);
          remove(genuine);
        }),
        expect: rejectedAs('ASSERTION_NOT_CHILD'),
      },
      {
        name: 'an extra ds:Signature whose ds prefix is bound to another namespace',
        xml: mutate(B, (d) => {
          const fake = d.createElementNS('urn:evil', 'ds:Signature');
          insertAfter(fake, the(responseOf(d), NS.assertion, 'Issuer'));
        }),
        expect: rejectedAs('SIG_POSITION'),
      },
      {
        name: 'the root samlp prefix bound to the SAML 1.1 protocol namespace',
        xml: replaceOnce(B, `xmlns:samlp="${NS.protocol}"`, `xmlns:samlp="${SAML11_PROTOCOL}"`),
        expect: rejectedAs('ROOT_NOT_RESPONSE'),
      },
      {
        name: 'the genuine signed assertion wrapped in an element of another namespace',
        xml: mutate(B, (d) => {
          const genuine = assertionOf(d);
          const wrapper = d.createElementNS('urn:evil', 'evil:Wrapper');
          responseOf(d).insertBefore(wrapper, genuine);
          wrapper.appendChild(genuine);
        }),
        expect: rejectedAs('ASSERTION_NOT_CHILD'),
        signatureStillValid: true,
      },
    ];
  },
};
