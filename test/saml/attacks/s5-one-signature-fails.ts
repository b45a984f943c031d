// S5 one signature fails, another passes (node-saml #58 "fail hard"): B_both with one SignatureValue
// corrupted by a single byte; every present signature must verify.

import { NS } from '../../../src/saml/ns.js';
import { assertionOf, GENUINE_NAMEID, mutate, responseOf, setText, signatureOf, the } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

function flipOneByte(sigEl: Element): void {
  const value = the(sigEl, NS.ds, 'SignatureValue');
  const bytes = Buffer.from(value.textContent ?? '', 'base64');
  bytes[10] = (bytes[10] as number) ^ 0x01;
  setText(value, bytes.toString('base64'));
}

export const s5OneSignatureFails: Attack = {
  id: 'S5',
  title: 'one signature fails while another verifies',
  reference: 'security.md §2.1 S5',
  build(ctx): AttackCase[] {
    const { B_both } = ctx.base;
    return [
      {
        name: 'B_both with one byte of the Response SignatureValue flipped',
        xml: mutate(B_both, (d) => flipOneByte(signatureOf(responseOf(d)))),
        expect: rejectedAs('SIG_INVALID'),
        control: { xml: B_both, nameId: GENUINE_NAMEID },
      },
      {
        name: 'B_both with one byte of the Assertion SignatureValue flipped',
        xml: mutate(B_both, (d) => flipOneByte(signatureOf(assertionOf(d)))),
        expect: rejectedAs('SIG_INVALID'),
      },
    ];
  },
};
