// S22 transform abuse (passport-saml CVE-2021-39171: limit to two): XSLT with a stylesheet that calls
// `document('http://…')` (must never be fetched), XPath with an expensive expression, XPath Filter
// 2.0, base64, three transforms, reversed order, inclusive c14n or #WithComments as the second
// transform. Only `[enveloped-signature, exc-c14n]` is allowed.

import { NS, ALG } from '../../../src/saml/ns.js';
import { all, assertionOf, GENUINE_NAMEID, mutate, signAs, signatureOf, the, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const XSLT = 'http://www.w3.org/TR/1999/REC-xslt-19991116';
const XPATH = 'http://www.w3.org/TR/1999/REC-xpath-19991116';
const XPATH_FILTER2 = 'http://www.w3.org/2002/06/xmldsig-filter2';
const BASE64 = 'http://www.w3.org/2000/09/xmldsig#base64';

/** Replaces the second Transform of the assertion signature by `{algorithm}` with `build` children. */
function secondTransform(xml: string, algorithm: string, build?: (d: Document, t: Element) => void): string {
  return mutate(xml, (d) => {
    const transforms = all(signatureOf(assertionOf(d)), NS.ds, 'Transform');
    const t = transforms[1] as Element;
    t.setAttribute('Algorithm', algorithm);
    build?.(d, t);
  });
}

export const s22Transforms: Attack = {
  id: 'S22',
  title: 'transforms outside the allow-list',
  reference: 'security.md §2.7 S22',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const xml = unsignedXml(ctx.now);
    const xsl = (d: Document, t: Element): void => {
      const ss = d.createElementNS('http://www.w3.org/1999/XSL/Transform', 'xsl:stylesheet');
      ss.setAttribute('version', '1.0');
      const tpl = d.createElementNS('http://www.w3.org/1999/XSL/Transform', 'xsl:template');
      tpl.setAttribute('match', '/');
      const copy = d.createElementNS('http://www.w3.org/1999/XSL/Transform', 'xsl:copy-of');
      copy.setAttribute('select', `document('${ctx.probeUrl}/xslt')`);
      tpl.appendChild(copy);
      ss.appendChild(tpl);
      t.appendChild(ss);
    };
    const xpathExpr = (expr: string, ns: string, local: string) => (d: Document, t: Element): void => {
      const x = d.createElementNS(ns, local);
      x.appendChild(d.createTextNode(expr));
      t.appendChild(x);
    };
    return [
      { name: 'XSLT transform whose stylesheet calls document() on a URL', xml: secondTransform(B, XSLT, xsl), expect: rejectedAs('SIG_TRANSFORMS'), control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'XPath transform with an expensive expression', xml: secondTransform(B, XPATH, xpathExpr('count(//. | //@* | //namespace::*) > 0', NS.ds, 'XPath')), expect: rejectedAs('SIG_TRANSFORMS') },
      { name: 'XPath Filter 2.0 transform', xml: secondTransform(B, XPATH_FILTER2, xpathExpr('//*', XPATH_FILTER2, 'XPath')), expect: rejectedAs('SIG_TRANSFORMS') },
      { name: 'base64 transform', xml: secondTransform(B, BASE64), expect: rejectedAs('SIG_TRANSFORMS') },
      { name: 'three transforms (enveloped, exc-c14n, exc-c14n), genuinely signed', xml: signAs(xml, 'B', { transforms: [ALG.envelopedSignature, ALG.excC14n, ALG.excC14n] }), expect: rejectedAs('SIG_TRANSFORMS'), signatureStillValid: true },
      { name: 'enveloped + inclusive c14n, genuinely signed', xml: signAs(xml, 'B', { transforms: [ALG.envelopedSignature, 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'] }), expect: rejectedAs('SIG_TRANSFORMS'), signatureStillValid: true },
      { name: 'enveloped + exc-c14n#WithComments, genuinely signed', xml: signAs(xml, 'B', { transforms: [ALG.envelopedSignature, ALG.excC14nWithComments] }), expect: rejectedAs('SIG_TRANSFORMS'), signatureStillValid: true },
      { name: 'exc-c14n only (no enveloped-signature)', xml: signAs(xml, 'B', { transforms: [ALG.excC14n] }), expect: rejectedAs('SIG_TRANSFORMS') },
      {
        name: 'transforms in reverse order (exc-c14n, enveloped-signature)',
        xml: mutate(B, (d) => {
          const [a, b] = all(signatureOf(assertionOf(d)), NS.ds, 'Transform') as [Element, Element];
          const algA = a.getAttribute('Algorithm') as string;
          a.setAttribute('Algorithm', b.getAttribute('Algorithm') as string);
          b.setAttribute('Algorithm', algA);
        }),
        expect: rejectedAs('SIG_TRANSFORMS'),
      },
      {
        name: 'a parameter element inside the enveloped-signature transform',
        xml: mutate(B, (d) => {
          const t = all(signatureOf(assertionOf(d)), NS.ds, 'Transform')[0] as Element;
          t.appendChild(d.createElementNS(NS.ds, 'XPath'));
        }),
        expect: rejectedAs('SIG_TRANSFORMS'),
      },
      {
        name: 'no Transforms element at all',
        xml: mutate(B, (d) => {
          const ts = the(signatureOf(assertionOf(d)), NS.ds, 'Transforms');
          ts.parentNode?.removeChild(ts);
        }),
        expect: rejectedAs('SIG_STRUCTURE'),
      },
    ];
  },
};
