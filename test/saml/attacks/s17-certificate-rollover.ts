// S17 rolled certificates: with old and new registered, assertions signed by either verify; once the
// old one is removed, an assertion it signed is refused. X.509 validity dates of pinned certificates
// are not enforced (AWS does not).

import { GENUINE_NAMEID, signAs, trustedIdp, unsignedXml } from '../../support/saml-fixtures.js';
import { acceptedAs, rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s17CertificateRollover: Attack = {
  id: 'S17',
  title: 'certificate rollover and removal',
  reference: 'security.md §2.5 S17',
  build(ctx): AttackCase[] {
    const { idp, idpNext } = ctx.keys;
    const byOld = ctx.base.B;
    const byNew = signAs(unsignedXml(ctx.now), 'B', { key: idpNext });
    const byOldNoKeyInfo = signAs(unsignedXml(ctx.now), 'B', { keyInfo: { kind: 'none' } });
    const both = { idp: trustedIdp([idp, idpNext]) };
    const newOnly = { idp: trustedIdp([idpNext]) };
    return [
      { name: 'old and new registered: signed by the old key', xml: byOld, options: both, expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'old and new registered: signed by the new key', xml: byNew, options: both, expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'new and old registered (order reversed): signed by the old key', xml: byOld, options: { idp: trustedIdp([idpNext, idp]) }, expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'old removed: signed by the old key, its certificate in KeyInfo', xml: byOld, options: newOnly, expect: rejectedAs('SIG_KEYINFO_MISMATCH') },
      { name: 'old removed: signed by the old key, no KeyInfo', xml: byOldNoKeyInfo, options: newOnly, expect: rejectedAs('SIG_INVALID') },
      { name: 'no certificate registered at all', xml: byOld, options: { idp: trustedIdp([]) }, expect: rejectedAs('NO_TRUSTED_CERTIFICATE') },
    ];
  },
};
