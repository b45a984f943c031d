// S37 status and issuer: a Responder status around a valid signed assertion (IDPRejectedClaim), no
// Status, Auth0's error response without an assertion; Issuer missing, mismatched, or different between
// Response and Assertion. Genuinely signed by the test IdP.

import { NS, STATUS } from '../../../src/saml/ns.js';
import { GENUINE_NAMEID, IDP_ENTITY_ID, mutate, remove, responseOf, signAs, signXml, the, unsignedXml, XPATH, type ResponseSpec } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

export const s37StatusIssuer: Attack = {
  id: 'S37',
  title: 'status and issuer',
  reference: 'security.md §2.9 S37, §1 P11/P12',
  build(ctx): AttackCase[] {
    const signed = (o: Partial<ResponseSpec>, shape: 'B' | 'B_resp' | 'B_both' = 'B'): string => signAs(unsignedXml(ctx.now, o), shape);
    const noStatus = signXml(
      unsignedXml(ctx.now, {}, (p) => remove(the(p.response, NS.protocol, 'Status'))),
      { target: 'response' },
    );
    const errorResponse = mutate(unsignedXml(ctx.now, { status: STATUS.responder }), (d) => {
      remove(the(d, NS.assertion, 'Assertion'));
      const msg = d.createElementNS(NS.protocol, 'samlp:StatusMessage');
      msg.setAttribute('Value', 'access denied by rule');
      the(responseOf(d), NS.protocol, 'Status').appendChild(msg);
    });
    const noAssertionIssuer = signXml(
      unsignedXml(ctx.now, {}, (p) => remove(the(p.assertion, NS.assertion, 'Issuer'))),
      { location: { reference: XPATH.assertion, action: 'prepend' } },
    );
    return [
      { name: 'StatusCode Responder with a valid assertion in a signed Response', xml: signed({ status: STATUS.responder }, 'B_both'), expect: rejectedAs('STATUS_NOT_SUCCESS', 'IDPRejectedClaim'), control: { xml: ctx.base.B_both, nameId: GENUINE_NAMEID } },
      { name: 'StatusCode Requester, response-signed', xml: signed({ status: STATUS.requester }, 'B_resp'), expect: rejectedAs('STATUS_NOT_SUCCESS', 'IDPRejectedClaim') },
      { name: 'StatusCode AuthnFailed, assertion-signed', xml: signed({ status: STATUS.authnFailed }), expect: rejectedAs('STATUS_NOT_SUCCESS', 'IDPRejectedClaim') },
      { name: 'a signed Response without Status', xml: noStatus, expect: rejectedAs('STATUS_NOT_SUCCESS', 'IDPRejectedClaim') },
      { name: 'Auth0\'s error response (Responder, StatusMessage, no assertion)', xml: errorResponse, expect: rejectedAs('NO_ASSERTION') },
      { name: 'Assertion without Issuer (signature first)', xml: noAssertionIssuer, expect: rejectedAs('ISSUER_MISMATCH') },
      { name: 'Assertion Issuer of another entity', xml: signed({ issuer: 'urn:evil.example', responseIssuer: IDP_ENTITY_ID }), expect: rejectedAs('ISSUER_MISMATCH') },
      { name: 'Response and Assertion Issuers differ (both signed)', xml: signed({ responseIssuer: 'urn:evil.example' }, 'B_both'), expect: rejectedAs('ISSUER_MISMATCH') },
      { name: 'Response Issuer of another entity (response-signed)', xml: signed({ responseIssuer: 'urn:evil.example' }, 'B_resp'), expect: rejectedAs('ISSUER_MISMATCH') },
    ];
  },
};
