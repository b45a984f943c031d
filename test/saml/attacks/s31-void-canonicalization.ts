// S31 void canonicalization (Fragile Lock, Black Hat EU 2025; ruby-saml CVE-2025-66568): a namespace
// URI the canonicalizer may choke on (`http://example.com\u0080`) on the assertion and
// `DigestValue = base64(sha256(""))` — once signed by the IdP key itself (a canonicalizer that
// yielded "" would accept), once forged by an attacker. Canonical output must be the real element.

import { createHash } from 'node:crypto';
import { NS, ALG } from '../../../src/saml/ns.js';
import { applyEvil, assertionOf, fixedDigest, GENUINE_NAMEID, mutate, setText, signatureOf, signAs, the, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const EMPTY_SHA256 = createHash('sha256').update('').digest('base64');

export const s31VoidCanonicalization: Attack = {
  id: 'S31',
  title: 'void canonicalization: the digest of nothing',
  reference: 'security.md §2.8 S31',
  build(ctx): AttackCase[] {
    const withOddNamespace = unsignedXml(ctx.now, {}, (p) => p.assertion.setAttributeNS(NS.xmlns, 'xmlns:x', 'http://example.com\u0080'));
    const signedEmptyDigest = signAs(withOddNamespace, 'B', { configure: (s) => void (s.HashAlgorithms[ALG.sha256] = fixedDigest(ALG.sha256, EMPTY_SHA256)) });
    const oddNamespaceGenuine = signAs(withOddNamespace, 'B');
    const forged = mutate(oddNamespaceGenuine, (d) => {
      const a = assertionOf(d);
      applyEvil(a);
      setText(the(signatureOf(a), NS.ds, 'DigestValue'), EMPTY_SHA256);
    });
    return [
      { name: 'DigestValue = sha256("") signed by the IdP key over an assertion with an odd namespace URI', xml: signedEmptyDigest, expect: rejectedAs('SIG_INVALID'), control: { xml: oddNamespaceGenuine, nameId: GENUINE_NAMEID } },
      { name: 'the same forged by an attacker on the evil assertion', xml: forged, expect: rejectedAs('SIG_INVALID') },
    ];
  },
};
