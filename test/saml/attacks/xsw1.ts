// XSW1 (Somorovsky et al. 2012; SAMLRaider XSWHelpers): a copy of the signed Response, without its
// Signature, is put *inside* the original ds:Signature; the root Response gets the evil edit and
// `ID=_evil`. A verifier resolving `#<Response ID>` finds the copy; a naive reader reads the root.

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, childNS, EVIL_ID, GENUINE_NAMEID, mutate, responseOf, signatureOf } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';
import { unsignedCopy } from './xsw-kit.js';

function wrap1(xml: string): string {
  return mutate(xml, (d) => {
    const root = responseOf(d);
    signatureOf(root).appendChild(unsignedCopy(d, root));
    applyEvil(childNS(root, NS.assertion, 'Assertion') as Element);
    root.setAttribute('ID', EVIL_ID);
  });
}

export const xsw1: Attack = {
  id: 'XSW1',
  title: 'signed Response copy inside the Signature, evil root Response',
  reference: 'security.md §2.2 XSW1',
  build(ctx): AttackCase[] {
    const { B_resp, B_both } = ctx.base;
    return [
      { name: 'from B_resp', xml: wrap1(B_resp), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true, control: { xml: B_resp, nameId: GENUINE_NAMEID } },
      { name: 'from B_both', xml: wrap1(B_both), expect: rejectedAs('XSW_MULTI_ASSERTION') },
    ];
  },
};
