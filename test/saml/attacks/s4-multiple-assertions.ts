// S4 multiple assertions (crewjam/saml CVE-2022-41912, Spring CVE-2020-5407, OneUptime
// CVE-2026-34840, passport-saml-encrypted CVE-2026-89043): an evil unsigned clone beside the signed
// assertion, before or after it, or two genuinely signed assertions for different users.

import { applyEvil, assertionOf, cloneInto, EVIL_ID, GENUINE_NAMEID, mutate, parse, remove, responseOf, signAs, signatureOf, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

function evilClone(d: Document): Element {
  const evil = applyEvil(cloneInto(d, assertionOf(d)));
  evil.setAttribute('ID', EVIL_ID);
  const sig = evil.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
  if (sig !== undefined) remove(sig);
  return evil;
}

export const s4MultipleAssertions: Attack = {
  id: 'S4',
  title: 'multiple assertions',
  reference: 'security.md §2.1 S4',
  build(ctx): AttackCase[] {
    const { B, B_both } = ctx.base;
    // Bob's assertion, genuinely signed by the same IdP and captured separately.
    const bob = parse(signAs(unsignedXml(ctx.now, { nameId: 'bob@corp.example', assertionId: '_BobBobBobBobBobBobBobBobBobBob00' }), 'B'));
    return [
      {
        name: 'evil unsigned assertion appended after the signed one',
        xml: mutate(B, (d) => responseOf(d).appendChild(evilClone(d))),
        expect: rejectedAs('XSW_MULTI_ASSERTION'),
        signatureStillValid: true,
        control: { xml: B, nameId: GENUINE_NAMEID },
      },
      {
        name: 'evil unsigned assertion inserted before the signed one',
        xml: mutate(B, (d) => responseOf(d).insertBefore(evilClone(d), assertionOf(d))),
        expect: rejectedAs('XSW_MULTI_ASSERTION'),
        signatureStillValid: true,
      },
      {
        name: 'two genuinely signed assertions for different users',
        xml: mutate(B, (d) => responseOf(d).insertBefore(cloneInto(d, assertionOf(bob)), assertionOf(d))),
        expect: rejectedAs('XSW_MULTI_ASSERTION'),
        signatureStillValid: true,
      },
      {
        name: 'evil unsigned assertion appended inside a signed Response (B_both)',
        xml: mutate(B_both, (d) => responseOf(d).appendChild(evilClone(d))),
        expect: rejectedAs('XSW_MULTI_ASSERTION'),
      },
      {
        name: 'evil assertion appended with a copy of the genuine Signature',
        xml: mutate(B, (d) => {
          const evil = evilClone(d);
          evil.insertBefore(cloneInto(d, signatureOf(assertionOf(d))), evil.firstChild?.nextSibling ?? null);
          responseOf(d).appendChild(evil);
        }),
        expect: rejectedAs('XSW_MULTI_ASSERTION'),
      },
    ];
  },
};
