// S9 DigestValue comment (CVE-2025-29775): the evil edit, and `<!--d-->` with d = the evil
// assertion's digest put before the original DigestValue text. SignedInfo's canonical form (no
// comments) is unchanged, so SignatureValue still verifies; vulnerable code read the comment.

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, assertionOf, digestOf, GENUINE_NAMEID, mutate, signatureOf, the } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s9DigestValueComment: Attack = {
  id: 'S9',
  title: 'a comment in DigestValue carrying the evil digest',
  reference: 'security.md §2.3 S9',
  build(ctx): AttackCase[] {
    const xml = mutate(ctx.base.B, (d) => {
      const assertion = assertionOf(d);
      const dv = the(signatureOf(assertion), NS.ds, 'DigestValue');
      applyEvil(assertion);
      dv.insertBefore(d.createComment(digestOf(assertion)), dv.firstChild);
    });
    return [{ name: 'evil digest in a comment before the genuine DigestValue text', xml, expect: rejectedAs('COMMENT'), control: { xml: ctx.base.B, nameId: GENUINE_NAMEID } }];
  },
};
