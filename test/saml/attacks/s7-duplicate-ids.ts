// S7 duplicate IDs: a second element carrying the assertion's ID as `ID`, `Id`, a namespaced `foo:ID`
// or `xml:id`; and an ID containing `'` (xml-crypto: "xpath injection"), genuinely signed.

import { NS } from '../../../src/saml/ns.js';
import { ASSERTION_ID, GENUINE_NAMEID, mutate, responseOf, signAs, the, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const onStatus = (xml: string, f: (status: Element) => void): string => mutate(xml, (d) => f(the(responseOf(d), NS.protocol, 'Status')));

export const s7DuplicateIds: Attack = {
  id: 'S7',
  title: 'duplicate and malformed IDs',
  reference: 'security.md §2.3 S7',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    return [
      { name: 'ID="<assertion ID>" on samlp:Status as well', xml: onStatus(B, (s) => s.setAttribute('ID', ASSERTION_ID)), expect: rejectedAs('ID_DUPLICATE'), control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'Id="<assertion ID>" on samlp:Status', xml: onStatus(B, (s) => s.setAttribute('Id', ASSERTION_ID)), expect: rejectedAs('ID_DUPLICATE') },
      { name: 'id="<assertion ID>" on samlp:Status', xml: onStatus(B, (s) => s.setAttribute('id', ASSERTION_ID)), expect: rejectedAs('ID_DUPLICATE') },
      {
        name: 'namespaced foo:ID="<assertion ID>" on samlp:Status',
        xml: onStatus(B, (s) => {
          s.setAttributeNS(NS.xmlns, 'xmlns:foo', 'urn:foo');
          s.setAttributeNS('urn:foo', 'foo:ID', ASSERTION_ID);
        }),
        expect: rejectedAs('ID_DUPLICATE'),
      },
      {
        name: 'xml:id="<assertion ID>" on samlp:Status',
        xml: onStatus(B, (s) => s.setAttributeNS('http://www.w3.org/XML/1998/namespace', 'xml:id', ASSERTION_ID)),
        expect: rejectedAs('ID_DUPLICATE'),
      },
      {
        name: 'an assertion ID containing a quote, genuinely signed',
        xml: signAs(unsignedXml(ctx.now, { assertionId: "_a'] | //*[@ID='x" }), 'B'),
        expect: rejectedAs('ID_INVALID'),
      },
      {
        name: 'an assertion ID of 200 characters, genuinely signed',
        xml: signAs(unsignedXml(ctx.now, { assertionId: `_${'a'.repeat(199)}` }), 'B'),
        expect: rejectedAs('ID_INVALID'),
      },
    ];
  },
};
