// XSW2: as XSW1, but the copy of the signed Response is a sibling *before* the Signature
// (detached style) inside the evil root Response.

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, childNS, EVIL_ID, GENUINE_NAMEID, mutate, responseOf, signatureOf } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';
import { unsignedCopy } from './xsw-kit.js';

function wrap2(xml: string): string {
  return mutate(xml, (d) => {
    const root = responseOf(d);
    root.insertBefore(unsignedCopy(d, root), signatureOf(root));
    applyEvil(childNS(root, NS.assertion, 'Assertion') as Element);
    root.setAttribute('ID', EVIL_ID);
  });
}

export const xsw2: Attack = {
  id: 'XSW2',
  title: 'signed Response copy before the Signature, evil root Response',
  reference: 'security.md §2.2 XSW2',
  build(ctx): AttackCase[] {
    const { B_resp, B_both } = ctx.base;
    return [
      { name: 'from B_resp', xml: wrap2(B_resp), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true, control: { xml: B_resp, nameId: GENUINE_NAMEID } },
      { name: 'from B_both', xml: wrap2(B_both), expect: rejectedAs('XSW_MULTI_ASSERTION') },
    ];
  },
};
