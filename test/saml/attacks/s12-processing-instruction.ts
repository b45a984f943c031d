// S12 processing-instruction injection (xml-crypto's canonicalizer renders any node with `.data` as
// text: `<?p not-an-?>admin@…` canonicalizes to `not-an-admin@…`; OneUptime #2988, 2026): the IdP
// signs `not-an-admin@corp.example`, the content is then replaced; DOM textContent says
// `admin@corp.example` while the digest is unchanged.

import { EVIL_NAMEID, replaceOnce, signAs, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const SIGNED = `not-an-${EVIL_NAMEID}`;

export const s12ProcessingInstruction: Attack = {
  id: 'S12',
  title: 'processing instruction injected into a signed text value',
  reference: 'security.md §2.4 S12',
  build(ctx): AttackCase[] {
    const signed = signAs(unsignedXml(ctx.now, { nameId: SIGNED }), 'B');
    return [
      {
        name: 'NameID `<?p not-an-?>admin@corp.example`',
        xml: replaceOnce(signed, `>${SIGNED}<`, `><?p not-an-?>${EVIL_NAMEID}<`),
        expect: rejectedAs('PROCESSING_INSTRUCTION'),
        signatureStillValid: true,
        control: { xml: signed, nameId: SIGNED },
      },
      {
        name: 'an unterminated PI in the NameID',
        xml: replaceOnce(signed, `>${SIGNED}<`, `><?p ${EVIL_NAMEID}<`),
        expect: rejectedAs('PROCESSING_INSTRUCTION'),
      },
    ];
  },
};
