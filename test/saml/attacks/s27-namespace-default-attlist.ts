// S27 namespace-default differential (CVE-2025-25292/66567; SAMLRaider CVE_2025_25292.java): an
// ATTLIST that gives unprefixed `Signature` elements the xmldsig namespace by default, and an
// unprefixed Signature in samlp:StatusDetail; without the DTD, the same element is a Signature in no
// namespace, which the structure check refuses.

import { NS } from '../../../src/saml/ns.js';
import { assertionOf, cloneInto, GENUINE_NAMEID, mutate, responseOf, signatureOf, the } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

function noNamespaceSignature(xml: string): string {
  return mutate(xml, (d) => {
    const copy = cloneInto(d, signatureOf(assertionOf(d)));
    // Rebuild the copy in no namespace (what the ATTLIST default would later turn into xmldsig).
    const bare = d.createElementNS(null, 'Signature');
    while (copy.firstChild !== null) bare.appendChild(copy.firstChild);
    const detail = d.createElementNS(NS.protocol, 'samlp:StatusDetail');
    detail.appendChild(bare);
    the(responseOf(d), NS.protocol, 'Status').appendChild(detail);
  });
}

export const s27NamespaceDefaultAttlist: Attack = {
  id: 'S27',
  title: 'ATTLIST namespace default for an unprefixed Signature',
  reference: 'security.md §2.7 S27',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const body = noNamespaceSignature(B);
    return [
      {
        name: 'ATTLIST Signature xmlns #FIXED xmldsig, unprefixed Signature in StatusDetail',
        xml: `<!DOCTYPE samlp:Response [<!ATTLIST Signature xmlns CDATA #FIXED "${NS.ds}">]>${body}`,
        expect: rejectedAs('DOCTYPE'),
        control: { xml: B, nameId: GENUINE_NAMEID },
      },
      { name: 'an ATTLIST declaration without DOCTYPE', xml: body.replace('<samlp:Status>', `<samlp:Status><!ATTLIST Signature xmlns CDATA #FIXED "${NS.ds}">`), expect: rejectedAs('ENTITY') },
      { name: 'the unprefixed Signature in no namespace, no DTD', xml: body, expect: rejectedAs('SIG_POSITION') },
    ];
  },
};
