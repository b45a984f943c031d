// XSW6: as XSW5, but the unsigned genuine copy is placed *inside* the evil original's ds:Signature.

import { applyEvil, assertionOf, EVIL_ID, GENUINE_NAMEID, mutate, signatureOf } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';
import { unsignedCopy } from './xsw-kit.js';

function wrap6(xml: string): string {
  return mutate(xml, (d) => {
    const original = assertionOf(d);
    signatureOf(original).appendChild(unsignedCopy(d, original));
    applyEvil(original);
    original.setAttribute('ID', EVIL_ID);
  });
}

export const xsw6: Attack = {
  id: 'XSW6',
  title: 'genuine copy inside the Signature of the evil original',
  reference: 'security.md §2.2 XSW6',
  build(ctx): AttackCase[] {
    const { B, B_both } = ctx.base;
    return [
      { name: 'from B', xml: wrap6(B), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true, control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'from B_both', xml: wrap6(B_both), expect: rejectedAs('XSW_MULTI_ASSERTION') },
    ];
  },
};
