// S1 signature stripping (FusionAuth CVE-2020-12676, XML::Sig CVE-2025-40934 "no signature ⇒ valid",
// passport-saml-encrypted CVE-2026-89042): remove the signatures and edit, or keep a Signature whose
// value is empty, foreign, or no longer matches the edited content.

import { NS } from '../../../src/saml/ns.js';
import { all, applyEvil, assertionOf, GENUINE_NAMEID, mutate, parse, remove, setText, signAs, signatureOf, the, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const stripAll = (xml: string): string =>
  mutate(xml, (d) => {
    for (const s of all(d, NS.ds, 'Signature')) remove(s);
    applyEvil(assertionOf(d));
  });

export const s1SignatureStripping: Attack = {
  id: 'S1',
  title: 'signature stripping and its variants',
  reference: 'security.md §2.1 S1',
  build(ctx): AttackCase[] {
    const { B, B_resp, B_both } = ctx.base;
    // A genuine signature over another document (bob's assertion, same ID), to transplant.
    const bob = signAs(unsignedXml(ctx.now, { nameId: 'bob@corp.example' }), 'B');
    const bobValue = the(signatureOf(assertionOf(parse(bob))), NS.ds, 'SignatureValue').textContent ?? '';
    return [
      { name: 'every Signature removed and the evil edit applied (from B)', xml: stripAll(B), expect: rejectedAs('SIG_MISSING'), control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'every Signature removed and the evil edit applied (from B_resp)', xml: stripAll(B_resp), expect: rejectedAs('SIG_MISSING') },
      { name: 'every Signature removed and the evil edit applied (from B_both)', xml: stripAll(B_both), expect: rejectedAs('SIG_MISSING') },
      {
        name: 'Signature kept with an empty SignatureValue, evil edit applied',
        xml: mutate(B, (d) => {
          setText(the(signatureOf(assertionOf(d)), NS.ds, 'SignatureValue'), '');
          applyEvil(assertionOf(d));
        }),
        expect: rejectedAs('SIG_INVALID'),
      },
      {
        name: 'Signature kept with an empty SignatureValue, content untouched',
        xml: mutate(B, (d) => setText(the(signatureOf(assertionOf(d)), NS.ds, 'SignatureValue'), '')),
        expect: rejectedAs('SIG_INVALID'),
      },
      {
        name: 'SignatureValue taken from another genuinely signed document, evil edit applied',
        xml: mutate(B, (d) => {
          setText(the(signatureOf(assertionOf(d)), NS.ds, 'SignatureValue'), bobValue);
          applyEvil(assertionOf(d));
        }),
        expect: rejectedAs('SIG_INVALID'),
      },
      {
        name: 'evil edit under the intact signature (tampering after signing)',
        xml: mutate(B, (d) => applyEvil(assertionOf(d))),
        expect: rejectedAs('SIG_INVALID'),
      },
      {
        name: 'evil edit under the intact Response signature (B_resp)',
        xml: mutate(B_resp, (d) => applyEvil(assertionOf(d))),
        expect: rejectedAs('SIG_INVALID'),
      },
      {
        name: 'Signature element emptied of SignedInfo, SignatureValue and KeyInfo',
        xml: mutate(B, (d) => {
          const sig = signatureOf(assertionOf(d));
          while (sig.firstChild !== null) sig.removeChild(sig.firstChild);
          applyEvil(assertionOf(d));
        }),
        expect: rejectedAs('SIG_STRUCTURE'),
      },
    ];
  },
};

