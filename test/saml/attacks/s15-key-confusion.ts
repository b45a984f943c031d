// S15 key confusion (CVE-2024-32962, xml-crypto 4.0.0–5.x trusted KeyInfo by default): the evil edit,
// re-signed with an attacker key, with (a) the attacker's self-signed certificate in KeyInfo, (b) a
// "cloned" certificate (IdP's subject, issuer, serial and validity; attacker's key — SAMLRaider),
// (c) only KeyInfo/KeyValue/RSAKeyValue, (d) an attacker certificate issued by a public CA, (e) the
// genuine IdP certificate but the attacker's signature. Keys come from registration, never the message.

import { applyEvil, GENUINE_NAMEID, signXml, unsignedXml, type TestKey } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

function rsaKeyValue(k: TestKey): string {
  const jwk = k.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const b = (s: string): string => Buffer.from(s, 'base64url').toString('base64');
  return `<KeyValue><RSAKeyValue><Modulus>${b(jwk.n)}</Modulus><Exponent>${b(jwk.e)}</Exponent></RSAKeyValue></KeyValue>`;
}

export const s15KeyConfusion: Attack = {
  id: 'S15',
  title: 'the attacker\'s key announced in KeyInfo',
  reference: 'security.md §2.5 S15 (a)–(e)',
  build(ctx): AttackCase[] {
    const evil = unsignedXml(ctx.now, {}, (p) => applyEvil(p.assertion));
    const { attacker, attackerClone, attackerCaIssued, idp } = ctx.keys;
    return [
      {
        name: '(a) self-signed attacker certificate in KeyInfo',
        xml: signXml(evil, { key: attacker }),
        expect: rejectedAs('SIG_KEYINFO_MISMATCH'),
        control: { xml: ctx.base.B, nameId: GENUINE_NAMEID },
      },
      { name: '(a) the same, response-signed', xml: signXml(evil, { key: attacker, target: 'response' }), expect: rejectedAs('SIG_KEYINFO_MISMATCH') },
      { name: '(b) cloned certificate: IdP subject, issuer, serial and validity with the attacker key', xml: signXml(evil, { key: attackerClone }), expect: rejectedAs('SIG_KEYINFO_MISMATCH') },
      { name: '(c) KeyInfo/KeyValue/RSAKeyValue of the attacker key only', xml: signXml(evil, { key: attacker, keyInfo: { kind: 'raw', content: rsaKeyValue(attacker) } }), expect: rejectedAs('SIG_INVALID') },
      { name: '(d) attacker certificate issued by a public CA', xml: signXml(evil, { key: attackerCaIssued }), expect: rejectedAs('SIG_KEYINFO_MISMATCH') },
      { name: '(e) genuine IdP certificate in KeyInfo, attacker signature', xml: signXml(evil, { key: attacker, keyInfo: { kind: 'cert', cert: idp } }), expect: rejectedAs('SIG_INVALID') },
      { name: 'no KeyInfo, attacker signature', xml: signXml(evil, { key: attacker, keyInfo: { kind: 'none' } }), expect: rejectedAs('SIG_INVALID') },
      {
        name: 'KeyInfo with the genuine certificate and the attacker certificate',
        xml: signXml(evil, { key: attacker, keyInfo: { kind: 'raw', content: `<X509Data><X509Certificate>${idp.certBase64}</X509Certificate><X509Certificate>${attacker.certBase64}</X509Certificate></X509Data>` } }),
        expect: rejectedAs('SIG_KEYINFO_MISMATCH'),
      },
    ];
  },
};
