// S18 HMAC with the public key as secret (GHSA-c27r-x354-4m68, xml-crypto ≤ 1.5.3): the evil edit,
// `SignatureMethod=…#hmac-sha1`, `SignatureValue = HMAC-SHA1(key = IdP certificate PEM | DER | SPKI
// PEM, excC14n(SignedInfo))`. The forgery is real: xml-crypto with HMAC enabled and the certificate as
// key accepts it. Never accepted by the verifier.

import { SignedXml } from 'xml-crypto';
import { NS } from '../../../src/saml/ns.js';
import { all, applyEvil, GENUINE_NAMEID, parse, signXml, unsignedXml } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const HMAC_SHA1 = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1';

function hmacForgery(xml: string, key: string | Buffer): string {
  return signXml(xml, { privateKey: key, signatureAlgorithm: HMAC_SHA1, keyInfo: { kind: 'none' }, configure: (s) => s.enableHMAC() });
}

function hmacVerifierAccepts(xml: string, key: string | Buffer): boolean {
  const v = new SignedXml({ publicCert: key });
  v.enableHMAC();
  try {
    v.loadSignature(all(parse(xml), NS.ds, 'Signature')[0] as Element);
    return v.checkSignature(xml);
  } catch {
    return false;
  }
}

export const s18Hmac: Attack = {
  id: 'S18',
  title: 'HMAC signature keyed with the IdP\'s public certificate',
  reference: 'security.md §2.6 S18',
  build(ctx): AttackCase[] {
    const evil = unsignedXml(ctx.now, {}, (p) => applyEvil(p.assertion));
    const { idp } = ctx.keys;
    const spkiPem = idp.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const keys: Array<[string, string | Buffer]> = [
      ['certificate PEM', idp.certPem],
      ['certificate DER', idp.certDer],
      ['SPKI public key PEM', spkiPem],
    ];
    return keys.map(([what, key], i): AttackCase => {
      const xml = hmacForgery(evil, key);
      return {
        name: `hmac-sha1 keyed with the ${what}`,
        xml,
        expect: rejectedAs('SIG_HMAC'),
        fools: { what: `xml-crypto with enableHMAC() and the ${what} as key accepts the forgery`, check: () => hmacVerifierAccepts(xml, key) },
        ...(i === 0 ? { control: { xml: ctx.base.B, nameId: GENUINE_NAMEID } } : {}),
      };
    });
  },
};
