// S21 canonicalization outside the policy: exclusive c14n #WithComments, inclusive c14n (with and
// without comments), c14n 1.1, and exc-c14n padded with whitespace — each genuinely signed by the
// test IdP, to isolate the policy check.

import { GENUINE_NAMEID, signAs, transformNamed, unsignedXml } from '../../support/saml-fixtures.js';
import { ALG } from '../../../src/saml/ns.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const INCLUSIVE = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

export const s21C14nWithComments: Attack = {
  id: 'S21',
  title: 'canonicalization methods outside the policy',
  reference: 'security.md §2.6 S21',
  build(ctx): AttackCase[] {
    const xml = unsignedXml(ctx.now);
    const named = (uri: string): string => signAs(xml, 'B', { c14n: uri, configure: (s) => void (s.CanonicalizationAlgorithms[uri] = transformNamed(uri)) });
    return [
      { name: 'exc-c14n#WithComments', xml: signAs(xml, 'B', { c14n: ALG.excC14nWithComments }), expect: rejectedAs('SIG_C14N_ALGORITHM'), signatureStillValid: true, control: { xml: ctx.base.B, nameId: GENUINE_NAMEID } },
      { name: 'inclusive c14n 1.0', xml: signAs(xml, 'B', { c14n: INCLUSIVE }), expect: rejectedAs('SIG_C14N_ALGORITHM'), signatureStillValid: true },
      { name: 'inclusive c14n 1.0 #WithComments', xml: signAs(xml, 'B', { c14n: `${INCLUSIVE}#WithComments` }), expect: rejectedAs('SIG_C14N_ALGORITHM'), signatureStillValid: true },
      { name: 'c14n 1.1', xml: named('http://www.w3.org/2006/12/xml-c14n11'), expect: rejectedAs('SIG_C14N_ALGORITHM') },
      { name: 'exc-c14n URI with a trailing space', xml: named(`${ALG.excC14n} `), expect: rejectedAs('SIG_C14N_ALGORITHM') },
    ];
  },
};
