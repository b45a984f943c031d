// S32 whitespace and Unicode: Issuer, Audience and Recipient compared byte for byte (no trim, no case
// folding, no URL normalisation); a NameID is returned exactly as signed, never normalised into
// another user's name. Every document here is genuinely signed by the test IdP.

import { AWS_AUDIENCE, AWS_SIGNIN_URL } from '../../../src/saml/ns.js';
import { GENUINE_NAMEID, IDP_ENTITY_ID, signAs, unsignedXml, type ResponseSpec } from '../../support/saml-fixtures.js';
import { acceptedAs, rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s32WhitespaceUnicode: Attack = {
  id: 'S32',
  title: 'whitespace and Unicode look-alikes',
  reference: 'security.md §2.8 S32',
  build(ctx): AttackCase[] {
    const signed = (o: Partial<ResponseSpec>): string => signAs(unsignedXml(ctx.now, o), 'B');
    const issuers = [`${IDP_ENTITY_ID}/`, IDP_ENTITY_ID.toUpperCase(), `${IDP_ENTITY_ID} `, ` ${IDP_ENTITY_ID}`, `${IDP_ENTITY_ID}\u200d`];
    const audiences = [`${AWS_AUDIENCE}/`, 'URN:AMAZON:WEBSERVICES', `${AWS_AUDIENCE} `, `${AWS_AUDIENCE}\u00a0`];
    const recipients = [`${AWS_SIGNIN_URL}/`, 'https://signin.aws.amazon.com:443/saml', 'https://SIGNIN.aws.amazon.com/saml', `${AWS_SIGNIN_URL} `, 'HTTPS://signin.aws.amazon.com/saml'];
    const nameIds = [` ${GENUINE_NAMEID} `, `${GENUINE_NAMEID}\u00a0`, `alice\u200d@corp.example`, 'alice\uff20corp.example', 'a\u0301lice@corp.example'];
    return [
      ...issuers.map((issuer): AttackCase => ({ name: `Issuer ${JSON.stringify(issuer)}`, xml: signed({ issuer }), expect: rejectedAs('ISSUER_MISMATCH') })),
      ...audiences.map((a): AttackCase => ({ name: `Audience ${JSON.stringify(a)}`, xml: signed({ audienceRestrictions: [[a]] }), expect: rejectedAs('AUDIENCE_MISMATCH') })),
      ...recipients.map((recipient): AttackCase => ({ name: `Recipient ${JSON.stringify(recipient)}`, xml: signed({ recipient }), expect: rejectedAs('RECIPIENT_MISMATCH') })),
      ...nameIds.map((nameId): AttackCase => ({ name: `NameID ${JSON.stringify(nameId)} is returned exactly as signed`, xml: signed({ nameId }), expect: acceptedAs(nameId) })),
    ];
  },
};
