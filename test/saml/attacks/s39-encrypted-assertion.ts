// S39 encrypted ≠ authenticated (UAA CVE-2026-41005; GitHub Enterprise CVE-2024-4985, CVE-2024-9487):
// anyone can encrypt to the SP's key. Tessera's STS does not accept encrypted assertions at all, so
// every EncryptedAssertion is refused by structure (its content is never decrypted or read).

import { NS } from '../../../src/saml/ns.js';
import { assertionOf, GENUINE_NAMEID, mutate, remove, responseOf, signXml, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

function encryptedAssertion(d: Document): Element {
  const ea = d.createElementNS(NS.assertion, 'saml:EncryptedAssertion');
  ea.setAttributeNS(NS.xmlns, 'xmlns:saml', NS.assertion);
  const ed = d.createElementNS(NS.xenc, 'xenc:EncryptedData');
  ed.setAttributeNS(NS.xmlns, 'xmlns:xenc', NS.xenc);
  ed.setAttribute('Type', 'http://www.w3.org/2001/04/xmlenc#Element');
  const em = d.createElementNS(NS.xenc, 'xenc:EncryptionMethod');
  em.setAttribute('Algorithm', 'http://www.w3.org/2009/xmlenc11#aes256-gcm');
  const cd = d.createElementNS(NS.xenc, 'xenc:CipherData');
  const cv = d.createElementNS(NS.xenc, 'xenc:CipherValue');
  cv.appendChild(d.createTextNode(Buffer.alloc(96, 7).toString('base64')));
  cd.appendChild(cv);
  ed.appendChild(em);
  ed.appendChild(cd);
  ea.appendChild(ed);
  return ea;
}

export const s39EncryptedAssertion: Attack = {
  id: 'S39',
  title: 'encrypted assertions',
  reference: 'security.md §2.10 S39',
  build(ctx): AttackCase[] {
    const onlyEncrypted = (xml: string): string =>
      mutate(xml, (d) => {
        responseOf(d).appendChild(encryptedAssertion(d));
        remove(assertionOf(d));
      });
    return [
      { name: 'an EncryptedAssertion instead of the assertion, Response unsigned', xml: onlyEncrypted(unsignedXml(ctx.now)), expect: rejectedAs('ENCRYPTED_ASSERTION'), control: { xml: ctx.base.B, nameId: GENUINE_NAMEID } },
      { name: 'an EncryptedAssertion beside the genuine signed assertion', xml: mutate(ctx.base.B, (d) => responseOf(d).appendChild(encryptedAssertion(d))), expect: rejectedAs('ENCRYPTED_ASSERTION') },
      { name: 'an EncryptedAssertion in a Response signed by the IdP', xml: signXml(onlyEncrypted(unsignedXml(ctx.now)), { target: 'response' }), expect: rejectedAs('ENCRYPTED_ASSERTION') },
    ];
  },
};
