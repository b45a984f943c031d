// XSW4: the evil unsigned assertion is appended to the Response and the genuine signed assertion is
// moved *inside* it (evil wraps genuine).

import { assertionOf, GENUINE_NAMEID, mutate, responseOf } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';
import { evilCopy } from './xsw-kit.js';

function wrap4(xml: string): string {
  return mutate(xml, (d) => {
    const genuine = assertionOf(d);
    const evil = evilCopy(d, genuine);
    responseOf(d).appendChild(evil);
    evil.appendChild(genuine);
  });
}

export const xsw4: Attack = {
  id: 'XSW4',
  title: 'evil assertion wrapping the signed one',
  reference: 'security.md §2.2 XSW4',
  build(ctx): AttackCase[] {
    const { B, B_resp, B_both } = ctx.base;
    return [
      { name: 'from B', xml: wrap4(B), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true, control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'from B_resp', xml: wrap4(B_resp), expect: rejectedAs('XSW_MULTI_ASSERTION') },
      { name: 'from B_both', xml: wrap4(B_both), expect: rejectedAs('XSW_MULTI_ASSERTION') },
    ];
  },
};
