// S6 reference to a different element: the test IdP key (an IdP that signs other things) signs the
// Subject (given an ID), the Issuer, or the whole document (`URI=""`, xml-crypto selects `//*`), with
// the Signature in the Assertion's place and the assertion edited. The Reference must be `#` + the ID
// of the Signature's parent.

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, assertionOf, GENUINE_NAMEID, mutate, signXml, the, unsignedXml, XPATH } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const afterAssertionIssuer = { reference: XPATH.issuerOf(XPATH.assertion), action: 'after' } as const;

export const s6ReferenceOtherElement: Attack = {
  id: 'S6',
  title: 'the signature references an element other than its parent',
  reference: 'security.md §2.3 S6',
  build(ctx): AttackCase[] {
    const evilWith = (tweak: (assertion: Element) => void): string =>
      unsignedXml(ctx.now, {}, (p) => {
        applyEvil(p.assertion);
        tweak(p.assertion);
      });
    const subjectSigned = signXml(
      evilWith((a) => the(a, NS.assertion, 'Subject').setAttribute('ID', '_s')),
      { xpath: `${XPATH.assertion}/*[local-name(.)='Subject']`, location: afterAssertionIssuer },
    );
    const issuerSigned = signXml(
      evilWith((a) => the(a, NS.assertion, 'Issuer').setAttribute('ID', '_i')),
      { xpath: XPATH.issuerOf(XPATH.assertion), location: afterAssertionIssuer },
    );
    const wholeDocument = signXml(evilWith(() => {}), { xpath: XPATH.response, emptyUri: true, location: afterAssertionIssuer });
    return [
      { name: 'Signature over the Subject (ID=_s), evil edit applied', xml: subjectSigned, expect: rejectedAs('SIG_REF_NOT_PARENT'), signatureStillValid: true, control: { xml: ctx.base.B, nameId: GENUINE_NAMEID } },
      { name: 'Signature over the Assertion Issuer (ID=_i), evil edit applied', xml: issuerSigned, expect: rejectedAs('SIG_REF_NOT_PARENT'), signatureStillValid: true },
      { name: 'Reference URI="" (the whole document)', xml: wholeDocument, expect: rejectedAs('SIG_REF_NOT_PARENT'), signatureStillValid: true },
      {
        name: 'Reference without a URI attribute',
        xml: mutate(ctx.base.B, (d) => the(assertionOf(d), NS.ds, 'Reference').removeAttribute('URI')),
        expect: rejectedAs('SIG_REF_NOT_PARENT'),
      },
    ];
  },
};
