// S28 multiple roots (xmldom CVE-2022-39353; passport-saml CVE-2022-39299): a second Response or a
// signed assertion after the root, an evil root before it, or text after it.

import { applyEvil, assertionOf, GENUINE_NAMEID, mutate, parse, serialize } from '../../support/saml-fixtures.js';
import { acceptedAs, rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s28MultipleRoots: Attack = {
  id: 'S28',
  title: 'more than one root element',
  reference: 'security.md §2.7 S28',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const evil = mutate(B, (d) => applyEvil(assertionOf(d)));
    const signedAssertion = serialize(assertionOf(parse(B)));
    return [
      { name: 'an evil Response appended after the genuine root', xml: `${B}${evil}`, expect: rejectedAs('XML_PARSE'), control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'an evil Response prepended before the genuine root', xml: `${evil}${B}`, expect: rejectedAs('XML_PARSE') },
      { name: 'the signed assertion appended after an evil root', xml: `${evil}${signedAssertion}`, expect: rejectedAs('XML_PARSE') },
      { name: 'text after the root element', xml: `${B}${'admin'}`, expect: rejectedAs('XML_PARSE') },
      { name: 'text before the root element', xml: `admin${B}`, expect: rejectedAs('XML_PARSE') },
      { name: 'a trailing newline is not a second root', xml: `${B}\n`, expect: acceptedAs(GENUINE_NAMEID) },
    ];
  },
};
