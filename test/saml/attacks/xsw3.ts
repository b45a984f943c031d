// XSW3: an evil, unsigned copy of the assertion (`ID=_evil`) inserted before the signed one. The
// signature still verifies over the genuine assertion; a reader taking "the first assertion" reads
// the evil one. Must fail as wrapping (XSW_MULTI_ASSERTION), not as a parse error.

import { assertionOf, GENUINE_NAMEID, mutate, responseOf } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';
import { evilCopy } from './xsw-kit.js';

function wrap3(xml: string): string {
  return mutate(xml, (d) => responseOf(d).insertBefore(evilCopy(d, assertionOf(d)), assertionOf(d)));
}

export const xsw3: Attack = {
  id: 'XSW3',
  title: 'evil assertion before the signed one',
  reference: 'security.md §2.2 XSW3',
  build(ctx): AttackCase[] {
    const { B, B_resp, B_both } = ctx.base;
    return [
      { name: 'from B', xml: wrap3(B), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true, control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'from B_resp', xml: wrap3(B_resp), expect: rejectedAs('XSW_MULTI_ASSERTION') },
      { name: 'from B_both', xml: wrap3(B_both), expect: rejectedAs('XSW_MULTI_ASSERTION') },
    ];
  },
};
