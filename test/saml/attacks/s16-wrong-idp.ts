// S16 wrong registered IdP: a valid assertion from IdP-A presented for IdP-B's provider (key and Issuer
// are bound to the provider ARN), and IdP-B's Issuer inside an IdP-A-signed assertion.

import { GENUINE_NAMEID, OTHER_IDP_ENTITY_ID, signAs, trustedIdp, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s16WrongIdp: Attack = {
  id: 'S16',
  title: 'an assertion presented for the wrong registered IdP',
  reference: 'security.md §2.5 S16',
  build(ctx): AttackCase[] {
    const { idp, otherIdp } = ctx.keys;
    const asIdpB = { idp: trustedIdp([otherIdp], OTHER_IDP_ENTITY_ID) };
    const otherIssuerSignedByA = signAs(unsignedXml(ctx.now, { issuer: OTHER_IDP_ENTITY_ID }), 'B');
    return [
      { name: 'IdP-A\'s valid B verified as IdP-B', xml: ctx.base.B, options: asIdpB, expect: rejectedAs('SIG_KEYINFO_MISMATCH'), control: { xml: ctx.base.B, nameId: GENUINE_NAMEID } },
      { name: 'IdP-A\'s valid B without KeyInfo verified as IdP-B', xml: signAs(unsignedXml(ctx.now), 'B', { keyInfo: { kind: 'none' } }), options: asIdpB, expect: rejectedAs('SIG_INVALID') },
      { name: 'IdP-B\'s Issuer in an assertion signed by IdP-A, verified as IdP-A', xml: otherIssuerSignedByA, expect: rejectedAs('ISSUER_MISMATCH') },
      { name: 'IdP-B\'s Issuer in an assertion signed by IdP-A, verified as IdP-B', xml: otherIssuerSignedByA, options: asIdpB, expect: rejectedAs('SIG_KEYINFO_MISMATCH') },
      { name: 'IdP-A\'s Issuer in an assertion signed by IdP-B, verified as IdP-A', xml: signAs(unsignedXml(ctx.now), 'B', { key: otherIdp }), expect: rejectedAs('SIG_KEYINFO_MISMATCH') },
      { name: 'verified against both IdPs\' certificates together is still only IdP-A\'s entity', xml: otherIssuerSignedByA, options: { idp: trustedIdp([otherIdp, idp]) }, expect: rejectedAs('ISSUER_MISMATCH') },
    ];
  },
};
