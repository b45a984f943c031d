// S38 role and attribute abuse at the verifier: the Role attribute repeated (in two
// AttributeStatements, or twice in one); an EncryptedAttribute. The AWS value rules (session name,
// duration, tags) are readAwsClaims' and tested with it.

import { AWS_ATTRIBUTE, NS } from '../../../src/saml/ns.js';
import { defaultAttributes, EVIL_ROLE, GENUINE_NAMEID, signAs, the, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s38AttributeAbuse: Attack = {
  id: 'S38',
  title: 'repeated and encrypted attributes',
  reference: 'security.md §2.9 S38, §1 P17',
  build(ctx): AttackCase[] {
    const roleAgain = { name: AWS_ATTRIBUTE.role, values: [EVIL_ROLE] };
    return [
      {
        name: 'Role in two AttributeStatements',
        xml: signAs(unsignedXml(ctx.now, { extraAttributeStatements: [[roleAgain]] }), 'B'),
        expect: rejectedAs('ATTRIBUTE_DUPLICATE'),
        control: { xml: ctx.base.B, nameId: GENUINE_NAMEID },
      },
      { name: 'Role twice in one AttributeStatement', xml: signAs(unsignedXml(ctx.now, { attributes: [...defaultAttributes(), roleAgain] }), 'B'), expect: rejectedAs('ATTRIBUTE_DUPLICATE') },
      {
        name: 'an EncryptedAttribute in the signed assertion',
        xml: signAs(
          unsignedXml(ctx.now, {}, (p) => {
            const st = the(p.assertion, NS.assertion, 'AttributeStatement');
            const ea = p.doc.createElementNS(NS.assertion, 'saml:EncryptedAttribute');
            const ed = p.doc.createElementNS(NS.xenc, 'xenc:EncryptedData');
            ea.appendChild(ed);
            st.appendChild(ea);
          }),
          'B',
        ),
        expect: rejectedAs('ENCRYPTED_ASSERTION'),
      },
    ];
  },
};
