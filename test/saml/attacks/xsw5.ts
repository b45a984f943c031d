// XSW5: an unsigned copy of the genuine assertion (keeping its ID) appended at the end of the
// Response; the original, in place, gets the evil edit and `ID=_evil` but keeps its Signature, which
// now resolves `#<ID>` to the copy.

import { applyEvil, assertionOf, EVIL_ID, GENUINE_NAMEID, mutate, responseOf } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';
import { unsignedCopy } from './xsw-kit.js';

function wrap5(xml: string): string {
  return mutate(xml, (d) => {
    const original = assertionOf(d);
    responseOf(d).appendChild(unsignedCopy(d, original));
    applyEvil(original);
    original.setAttribute('ID', EVIL_ID);
  });
}

export const xsw5: Attack = {
  id: 'XSW5',
  title: 'genuine copy appended, evil original keeps the Signature',
  reference: 'security.md §2.2 XSW5',
  build(ctx): AttackCase[] {
    const { B, B_both } = ctx.base;
    return [
      { name: 'from B', xml: wrap5(B), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true, control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'from B_both', xml: wrap5(B_both), expect: rejectedAs('XSW_MULTI_ASSERTION') },
    ];
  },
};
