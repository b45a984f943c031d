// S14 character references (legitimate, must be ACCEPTED): `&#x61;lice@corp.example` after signing
// `alice@corp.example` — same digest; the identity is exactly `alice@corp.example`.

import { AWS_ATTRIBUTE } from '../../../src/saml/ns.js';
import { GENUINE_NAMEID, GENUINE_ROLE, GENUINE_ROLE_REVERSED, GENUINE_SESSION_NAME, replaceOnce } from '../../support/saml-fixtures.js';
import { acceptedAs, type Attack, type AttackCase } from './attack.js';

export const s14CharacterReferences: Attack = {
  id: 'S14',
  title: 'character references inside signed text (legitimate)',
  reference: 'security.md §2.4 S14',
  build(ctx): AttackCase[] {
    const { B, B_resp } = ctx.base;
    const nameIdRef = (xml: string): string => replaceOnce(xml, `>${GENUINE_NAMEID}</saml:NameID>`, '>&#x61;lice&#64;corp.example</saml:NameID>');
    return [
      { name: 'NameID &#x61;lice&#64;corp.example (B)', xml: nameIdRef(B), expect: acceptedAs(GENUINE_NAMEID), signatureStillValid: true },
      { name: 'NameID &#x61;lice&#64;corp.example (B_resp)', xml: nameIdRef(B_resp), expect: acceptedAs(GENUINE_NAMEID, { signed: 'response' }), signatureStillValid: true },
      {
        name: 'Role comma and RoleSessionName as character references',
        xml: replaceOnce(
          replaceOnce(B, `>${GENUINE_ROLE}<`, `>${GENUINE_ROLE.replace(',', '&#x2c;')}<`),
          `>${GENUINE_SESSION_NAME}<`,
          '>&#97;&#108;&#105;&#99;&#101;<',
        ),
        expect: acceptedAs(GENUINE_NAMEID, {
          attributes: { [AWS_ATTRIBUTE.role]: [GENUINE_ROLE, GENUINE_ROLE_REVERSED], [AWS_ATTRIBUTE.roleSessionName]: [GENUINE_SESSION_NAME] },
        }),
        signatureStillValid: true,
      },
    ];
  },
};
