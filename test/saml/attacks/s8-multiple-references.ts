// S8 multiple References / SignedInfo (CVE-2025-29774 class): a second Reference genuinely signed by
// the test IdP, and a second, unsigned SignedInfo before the real one whose Reference digests the
// evil assertion (helium "reject duplicate signedinfo").

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, assertionOf, digestOf, GENUINE_NAMEID, mutate, setText, signatureOf, signXml, the, unsignedXml, XPATH } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s8MultipleReferences: Attack = {
  id: 'S8',
  title: 'several References or SignedInfo elements',
  reference: 'security.md §2.3 S8',
  build(ctx): AttackCase[] {
    const twoRefs = signXml(unsignedXml(ctx.now), { extraReferenceXpath: `${XPATH.assertion}/*[local-name(.)='Subject']` });
    const secondSignedInfo = mutate(ctx.base.B, (d) => {
      const assertion = assertionOf(d);
      const sig = signatureOf(assertion);
      const real = the(sig, NS.ds, 'SignedInfo');
      const forged = real.cloneNode(true) as Element;
      applyEvil(assertion);
      setText(the(forged, NS.ds, 'DigestValue'), digestOf(assertion));
      sig.insertBefore(forged, real);
    });
    return [
      { name: 'two References in the signed SignedInfo (Assertion and Subject)', xml: twoRefs, expect: rejectedAs('SIG_REF_COUNT'), signatureStillValid: true, control: { xml: ctx.base.B, nameId: GENUINE_NAMEID } },
      { name: 'an unsigned SignedInfo digesting the evil assertion before the real one', xml: secondSignedInfo, expect: rejectedAs('SIG_STRUCTURE') },
    ];
  },
};
