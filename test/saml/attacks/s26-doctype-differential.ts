// S26 parser-differential DOCTYPE (ruby-saml CVE-2025-25291; SAMLRaider CVE_2025_25291.java): a
// DOCTYPE whose SYSTEM literal opens a comment for one parser, the genuine response hidden in a CDATA
// section after the evil one. Refused at the byte scan.

import { applyEvil, assertionOf, GENUINE_NAMEID, mutate, replaceOnce } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s26DoctypeDifferential: Attack = {
  id: 'S26',
  title: 'DOCTYPE parser differential',
  reference: 'security.md §2.7 S26',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const evil = mutate(B, (d) => applyEvil(assertionOf(d)));
    const hidden = replaceOnce(evil, '</samlp:Response>', `<samlp:Extensions><![CDATA[-->${B}<!--]]></samlp:Extensions></samlp:Response>`);
    return [
      { name: 'DOCTYPE SYSTEM \'x"><!--\' with the genuine response in CDATA', xml: `<!DOCTYPE samlp:Response SYSTEM 'x"><!--'>${hidden}`, expect: rejectedAs('DOCTYPE'), control: { xml: B, nameId: GENUINE_NAMEID } },
    ];
  },
};
