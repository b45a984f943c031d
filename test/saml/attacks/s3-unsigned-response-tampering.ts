// S3 signed assertion inside an unsigned Response (B): every unsigned Response part (Destination,
// InResponseTo, Status, Issuer) may only cause rejection, never change the outcome in the attacker's
// favour; once the IdP also signed the Response, any change to it breaks that signature.

import { NS, STATUS } from '../../../src/saml/ns.js';
import { GENUINE_NAMEID, mutate, responseOf, setText, signAs, the, unsignedXml } from '../../support/saml-fixtures.js';
import { acceptedAs, rejectedAs, type Attack, type AttackCase } from './attack.js';

const setStatus = (xml: string, value: string): string =>
  mutate(xml, (d) => the(responseOf(d), NS.protocol, 'StatusCode').setAttribute('Value', value));

export const s3UnsignedResponseTampering: Attack = {
  id: 'S3',
  title: 'tampering with the unsigned Response around a signed assertion',
  reference: 'security.md §2.1 S3, §2.9 S35 (Destination), S37 (Status)',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const responderB = signAs(unsignedXml(ctx.now, { status: STATUS.responder }), 'B');
    const responderBoth = signAs(unsignedXml(ctx.now, { status: STATUS.responder }), 'B_both');
    return [
      {
        name: 'Destination changed to another endpoint',
        xml: mutate(B, (d) => responseOf(d).setAttribute('Destination', 'https://evil.example/saml')),
        expect: rejectedAs('DESTINATION_MISMATCH'),
        signatureStillValid: true,
        control: { xml: B, nameId: GENUINE_NAMEID },
      },
      {
        name: 'InResponseTo added: accepted, and the unsigned value is not reported as verified',
        xml: mutate(B, (d) => responseOf(d).setAttribute('InResponseTo', '_attacker-request-id')),
        expect: acceptedAs(GENUINE_NAMEID, { inResponseTo: undefined }),
        signatureStillValid: true,
      },
      {
        name: 'Response Issuer changed to another entity',
        xml: mutate(B, (d) => setText(the(responseOf(d), NS.assertion, 'Issuer'), 'urn:evil.example')),
        expect: rejectedAs('ISSUER_MISMATCH'),
        signatureStillValid: true,
      },
      {
        name: 'IdP answered Responder (assertion signed, Response not): refused as the IdP said',
        xml: responderB,
        expect: rejectedAs('STATUS_NOT_SUCCESS', 'IDPRejectedClaim'),
      },
      {
        // With an unsigned Response, flipping Status is indistinguishable from re-wrapping the signed
        // assertion in a fresh Response: the attacker gains nothing the signed assertion did not carry.
        name: 'Responder flipped to Success on an unsigned Response: only the signed identity comes out',
        xml: setStatus(responderB, STATUS.success),
        expect: acceptedAs(GENUINE_NAMEID),
      },
      {
        name: 'Responder flipped to Success on a signed Response (B_both)',
        xml: setStatus(responderBoth, STATUS.success),
        expect: rejectedAs('SIG_INVALID'),
        control: { xml: B, nameId: GENUINE_NAMEID },
      },
      {
        name: 'Success flipped to Responder on an unsigned Response: rejection only',
        xml: setStatus(B, STATUS.responder),
        expect: rejectedAs('STATUS_NOT_SUCCESS', 'IDPRejectedClaim'),
      },
    ];
  },
};
