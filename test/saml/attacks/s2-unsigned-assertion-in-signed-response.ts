// S2 unsigned assertion inside a signed Response: the legitimate shape B_resp is accepted, but only
// because the assertion lies inside the signed Response bytes; an unsigned assertion added to (or
// swapped into) the signed Response is refused.

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, assertionOf, cloneInto, GENUINE_NAMEID, mutate, responseOf, GENUINE_ROLE, GENUINE_ROLE_REVERSED } from '../../support/saml-fixtures.js';
import { acceptedAs, rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s2UnsignedAssertionInSignedResponse: Attack = {
  id: 'S2',
  title: 'unsigned assertion inside a signed Response',
  reference: 'security.md §2.1 S2',
  build(ctx): AttackCase[] {
    const { B_resp } = ctx.base;
    return [
      {
        name: 'B_resp (legitimate): accepted with the assertion read from the signed Response bytes',
        xml: B_resp,
        expect: acceptedAs(GENUINE_NAMEID, { signed: 'response', attributes: { 'https://aws.amazon.com/SAML/Attributes/Role': [GENUINE_ROLE, GENUINE_ROLE_REVERSED] } }),
      },
      {
        name: 'B_resp with a second, evil, unsigned assertion appended',
        xml: mutate(B_resp, (d) => {
          const evil = applyEvil(cloneInto(d, assertionOf(d)));
          evil.setAttribute('ID', '_evil');
          responseOf(d).appendChild(evil);
        }),
        expect: rejectedAs('XSW_MULTI_ASSERTION'),
        control: { xml: B_resp, nameId: GENUINE_NAMEID },
      },
      {
        name: 'B_resp with its assertion replaced by an evil one',
        xml: mutate(B_resp, (d) => {
          applyEvil(assertionOf(d));
        }),
        expect: rejectedAs('SIG_INVALID'),
      },
      {
        name: 'B_resp with an evil assertion in samlp:Extensions',
        xml: mutate(B_resp, (d) => {
          const ext = d.createElementNS(NS.protocol, 'samlp:Extensions');
          const evil = applyEvil(cloneInto(d, assertionOf(d)));
          evil.setAttribute('ID', '_evil');
          ext.appendChild(evil);
          responseOf(d).insertBefore(ext, assertionOf(d));
        }),
        expect: rejectedAs('XSW_MULTI_ASSERTION'),
      },
    ];
  },
};
