// S29 round-trip instability (CVE-2021-21366, CVE-2021-32796): the verifier checks the exact bytes it
// received, never a parse → serialize → parse copy. Documents whose re-serialization would differ
// (`&#9;` in an attribute, redundant namespace declarations added after signing, attribute quotes
// and spacing changed) still verify and yield the same identity.

import { AWS_ATTRIBUTE, NS } from '../../../src/saml/ns.js';
import { GENUINE_NAMEID, replaceOnce, signAs, unsignedXml, all } from '../../support/saml-fixtures.js';
import { acceptedAs, type Attack, type AttackCase } from './attack.js';

export const s29RoundTrip: Attack = {
  id: 'S29',
  title: 'documents whose re-serialization differs',
  reference: 'security.md §2.7 S29',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const withTab = signAs(
      unsignedXml(ctx.now, {}, (p) => {
        const role = all(p.assertion, NS.assertion, 'Attribute').find((a) => a.getAttribute('Name') === AWS_ATTRIBUTE.role) as Element;
        role.setAttribute('FriendlyName', 'AWS\tRole\nPairs');
      }),
      'B',
    );
    if (!withTab.includes('AWS&#9;Role&#10;Pairs')) throw new Error('fixture: the tab is expected as a character reference');
    return [
      { name: 'a tab and a newline as character references in a signed attribute', xml: withTab, expect: acceptedAs(GENUINE_NAMEID), signatureStillValid: true },
      {
        name: 'redundant and unused namespace declarations added inside the signed assertion',
        xml: replaceOnce(B, '<saml:NameID ', `<saml:NameID xmlns:saml="${NS.assertion}" xmlns:unused="urn:unused" `),
        expect: acceptedAs(GENUINE_NAMEID),
        signatureStillValid: true,
      },
      {
        name: 'single-quoted attributes and spacing inside a signed start tag',
        xml: replaceOnce(B, '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">', "<saml:SubjectConfirmation   Method = 'urn:oasis:names:tc:SAML:2.0:cm:bearer' >"),
        expect: acceptedAs(GENUINE_NAMEID),
        signatureStillValid: true,
      },
      {
        name: 'an empty element written with an end tag',
        xml: replaceOnce(B, '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>', '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"></samlp:StatusCode>'),
        expect: acceptedAs(GENUINE_NAMEID),
        signatureStillValid: true,
      },
    ];
  },
};
