// XSW8: the evil edit on the original assertion (keeping its Signature, `ID=_evil`), and an unsigned
// copy of the genuine assertion inside a ds:Object appended to that Signature.

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, assertionOf, EVIL_ID, GENUINE_NAMEID, mutate, signatureOf } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';
import { unsignedCopy } from './xsw-kit.js';

function wrap8(xml: string): string {
  return mutate(xml, (d) => {
    const original = assertionOf(d);
    const sig = signatureOf(original);
    const object = d.createElementNS(NS.ds, sig.prefix === null ? 'Object' : `${sig.prefix}:Object`);
    object.appendChild(unsignedCopy(d, original));
    sig.appendChild(object);
    applyEvil(original);
    original.setAttribute('ID', EVIL_ID);
  });
}

export const xsw8: Attack = {
  id: 'XSW8',
  title: 'genuine copy inside ds:Object of the evil original\'s Signature',
  reference: 'security.md §2.2 XSW8',
  build(ctx): AttackCase[] {
    const { B, B_both } = ctx.base;
    return [
      { name: 'from B', xml: wrap8(B), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true, control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'from B_both', xml: wrap8(B_both), expect: rejectedAs('XSW_MULTI_ASSERTION') },
    ];
  },
};
