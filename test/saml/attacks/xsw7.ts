// XSW7: an `Extensions` element (unqualified, or samlp:Extensions) before the assertion holding an
// evil unsigned copy: with the ID unchanged (duplicate IDs) or a new one.

import { NS } from '../../../src/saml/ns.js';
import { assertionOf, ASSERTION_ID, GENUINE_NAMEID, mutate, responseOf } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';
import { evilCopy } from './xsw-kit.js';

function wrap7(xml: string, qualified: boolean, id: string): string {
  return mutate(xml, (d) => {
    const ext = qualified ? d.createElementNS(NS.protocol, 'samlp:Extensions') : d.createElementNS(null, 'Extensions');
    ext.appendChild(evilCopy(d, assertionOf(d), id));
    responseOf(d).insertBefore(ext, assertionOf(d));
  });
}

export const xsw7: Attack = {
  id: 'XSW7',
  title: 'evil assertion inside Extensions',
  reference: 'security.md §2.2 XSW7',
  build(ctx): AttackCase[] {
    const { B, B_both } = ctx.base;
    return [
      { name: 'unqualified Extensions, same ID (from B)', xml: wrap7(B, false, ASSERTION_ID), expect: rejectedAs('XSW_MULTI_ASSERTION'), control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'unqualified Extensions, new ID (from B)', xml: wrap7(B, false, '_evil'), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true },
      { name: 'samlp:Extensions, same ID (from B)', xml: wrap7(B, true, ASSERTION_ID), expect: rejectedAs('XSW_MULTI_ASSERTION') },
      { name: 'samlp:Extensions, new ID (from B)', xml: wrap7(B, true, '_evil'), expect: rejectedAs('XSW_MULTI_ASSERTION'), signatureStillValid: true },
      { name: 'samlp:Extensions, new ID (from B_both)', xml: wrap7(B_both, true, '_evil'), expect: rejectedAs('XSW_MULTI_ASSERTION') },
    ];
  },
};
