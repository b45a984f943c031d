// S13 CDATA split (legitimate, must be ACCEPTED): `<NameID>alice<![CDATA[@corp]]>.example</NameID>`
// after signing `alice@corp.example` — c14n replaces CDATA by text, so the digest holds, and the
// identity is exactly `alice@corp.example` (guards against firstChild-style readers). Also an
// attribute value containing `]]>` and markup, written by a DOM producer, round-trips (xmldom
// CVE-2026-34601).

import { AWS_ATTRIBUTE } from '../../../src/saml/ns.js';
import { defaultAttributes, GENUINE_NAMEID, GENUINE_ROLE, GENUINE_ROLE_REVERSED, replaceOnce, signAs, unsignedXml } from '../../support/saml-fixtures.js';
import { acceptedAs, type Attack, type AttackCase } from './attack.js';

const HOSTILE = 'x]]><saml:AttributeValue>arn:aws:iam::1:role/Admin</saml:AttributeValue><![CDATA[';

export const s13CdataSplit: Attack = {
  id: 'S13',
  title: 'CDATA sections inside signed text (legitimate)',
  reference: 'security.md §2.4 S13',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const hostile = signAs(unsignedXml(ctx.now, { attributes: [...defaultAttributes(), { name: 'note', values: [HOSTILE] }] }), 'B');
    return [
      {
        name: 'NameID alice<![CDATA[@corp]]>.example',
        xml: replaceOnce(B, `>${GENUINE_NAMEID}</saml:NameID>`, '>alice<![CDATA[@corp]]>.example</saml:NameID>'),
        expect: acceptedAs(GENUINE_NAMEID),
        signatureStillValid: true,
      },
      {
        name: 'the whole Role value in CDATA, and a split one',
        xml: replaceOnce(
          replaceOnce(B, `>${GENUINE_ROLE}<`, `><![CDATA[${GENUINE_ROLE}]]><`),
          `>${GENUINE_ROLE_REVERSED}<`,
          `>${GENUINE_ROLE_REVERSED.slice(0, 20)}<![CDATA[${GENUINE_ROLE_REVERSED.slice(20)}]]><`,
        ),
        expect: acceptedAs(GENUINE_NAMEID, { attributes: { [AWS_ATTRIBUTE.role]: [GENUINE_ROLE, GENUINE_ROLE_REVERSED] } }),
        signatureStillValid: true,
      },
      {
        name: 'an attribute value with `]]>` and markup round-trips as one text value',
        xml: hostile,
        expect: acceptedAs(GENUINE_NAMEID, { attributes: { note: [HOSTILE] } }),
      },
    ];
  },
};
