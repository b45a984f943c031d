// S10 ruby-saml CVE-2024-45409 shape: a forged ds:Reference/ds:DigestValue (the evil assertion's
// digest) in samlp:StatusDetail or samlp:Extensions, before the real Signature; vulnerable code used
// a document-wide `//ds:DigestValue`.

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, assertionOf, ASSERTION_ID, digestOf, GENUINE_NAMEID, insertAfter, mutate, responseOf, the } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

function forged(where: 'StatusDetail' | 'Extensions', whole: boolean): (xml: string) => string {
  return (xml) =>
    mutate(xml, (d) => {
      const assertion = assertionOf(d);
      applyEvil(assertion);
      const ref = d.createElementNS(NS.ds, 'ds:Reference');
      ref.setAttributeNS(NS.xmlns, 'xmlns:ds', NS.ds);
      ref.setAttribute('URI', `#${ASSERTION_ID}`);
      const dm = d.createElementNS(NS.ds, 'ds:DigestMethod');
      dm.setAttribute('Algorithm', 'http://www.w3.org/2001/04/xmlenc#sha256');
      const dv = d.createElementNS(NS.ds, 'ds:DigestValue');
      dv.appendChild(d.createTextNode(digestOf(assertion)));
      ref.appendChild(dm);
      ref.appendChild(dv);
      let payload: Element = ref;
      if (whole) {
        payload = d.createElementNS(NS.ds, 'ds:SignedInfo');
        payload.setAttributeNS(NS.xmlns, 'xmlns:ds', NS.ds);
        payload.appendChild(ref);
      }
      const response = responseOf(d);
      if (where === 'StatusDetail') {
        const detail = d.createElementNS(NS.protocol, 'samlp:StatusDetail');
        detail.appendChild(payload);
        the(response, NS.protocol, 'Status').appendChild(detail);
      } else {
        const ext = d.createElementNS(NS.protocol, 'samlp:Extensions');
        ext.appendChild(payload);
        insertAfter(ext, the(response, NS.assertion, 'Issuer'));
      }
    });
}

export const s10ForgedReferenceOutsideSignature: Attack = {
  id: 'S10',
  title: 'a forged Reference and DigestValue outside the Signature',
  reference: 'security.md §2.3 S10 (CVE-2024-45409)',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    return [
      { name: 'forged ds:Reference in samlp:StatusDetail', xml: forged('StatusDetail', false)(B), expect: rejectedAs('DSIG_OUT_OF_PLACE'), control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'forged ds:Reference in samlp:Extensions', xml: forged('Extensions', false)(B), expect: rejectedAs('DSIG_OUT_OF_PLACE') },
      { name: 'forged ds:SignedInfo in samlp:StatusDetail', xml: forged('StatusDetail', true)(B), expect: rejectedAs('DSIG_OUT_OF_PLACE') },
    ];
  },
};
