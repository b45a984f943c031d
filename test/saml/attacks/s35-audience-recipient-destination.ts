// S35 audience, recipient and destination: another SP's audience, none, two AudienceRestrictions of
// which only one is ours (all must be satisfied), an evil Recipient or one with a query string, a
// Destination outside the accepted endpoints on a signed Response. Genuinely signed by the test IdP.

import { AWS_AUDIENCE, AWS_SIGNIN_URL } from '../../../src/saml/ns.js';
import { GENUINE_NAMEID, signAs, unsignedXml, type ResponseSpec } from '../../support/saml-fixtures.js';
import { acceptedAs, rejectedAs, type Attack, type AttackCase } from './attack.js';

const OTHER_SP = 'https://sp.other.example/metadata';

export const s35AudienceRecipientDestination: Attack = {
  id: 'S35',
  title: 'audience, recipient and destination',
  reference: 'security.md §2.9 S35, §1 P13/P15',
  build(ctx): AttackCase[] {
    const signed = (o: Partial<ResponseSpec>, shape: 'B' | 'B_resp' | 'B_both' = 'B'): string => signAs(unsignedXml(ctx.now, o), shape);
    return [
      { name: 'audience of another SP', xml: signed({ audienceRestrictions: [[OTHER_SP]] }), expect: rejectedAs('AUDIENCE_MISMATCH'), control: { xml: ctx.base.B, nameId: GENUINE_NAMEID } },
      { name: 'no AudienceRestriction', xml: signed({ audienceRestrictions: [] }), expect: rejectedAs('AUDIENCE_MISMATCH') },
      { name: 'an empty AudienceRestriction', xml: signed({ audienceRestrictions: [[]] }), expect: rejectedAs('AUDIENCE_MISMATCH') },
      { name: 'two AudienceRestrictions, only one of them ours', xml: signed({ audienceRestrictions: [[AWS_AUDIENCE], [OTHER_SP]] }), expect: rejectedAs('AUDIENCE_MISMATCH') },
      { name: 'two AudienceRestrictions, both naming ours', xml: signed({ audienceRestrictions: [[AWS_AUDIENCE, OTHER_SP], [AWS_SIGNIN_URL]] }), expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'our configured audience (not AWS\'s)', xml: signed({ audienceRestrictions: [['https://tessera.example/sts']] }), options: { audiences: ['https://tessera.example/sts'] }, expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'AWS\'s audience when only ours is configured', xml: ctx.base.B, options: { audiences: ['https://tessera.example/sts'] }, expect: rejectedAs('AUDIENCE_MISMATCH') },
      { name: 'Recipient https://evil.example/saml', xml: signed({ recipient: 'https://evil.example/saml' }), expect: rejectedAs('RECIPIENT_MISMATCH') },
      { name: 'Recipient with a query string', xml: signed({ recipient: `${AWS_SIGNIN_URL}?next=https://evil.example` }), expect: rejectedAs('RECIPIENT_MISMATCH') },
      { name: 'Destination outside the endpoint set on a signed Response', xml: signed({ destination: 'https://evil.example/saml' }, 'B_resp'), expect: rejectedAs('DESTINATION_MISMATCH') },
      { name: 'Destination outside the endpoint set on a Response signed with its assertion', xml: signed({ destination: 'https://evil.example/saml' }, 'B_both'), expect: rejectedAs('DESTINATION_MISMATCH') },
      { name: 'no Destination (optional for an assertion-signed response)', xml: signed({ destination: null }), expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'AWS\'s static sign-in endpoint as Recipient and Destination', xml: signed({ recipient: 'https://signin.aws.amazon.com/static/saml', destination: 'https://signin.aws.amazon.com/static/saml' }), expect: acceptedAs(GENUINE_NAMEID) },
    ];
  },
};
