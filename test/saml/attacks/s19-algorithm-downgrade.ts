// S19 downgrade and unknown algorithms: rsa-sha1/sha1 under the strict option (an IdP registered for
// SHA-2), and SignatureMethod / DigestMethod URIs outside the allow-list — unknown, empty, padded with
// whitespace, `none`, ECDSA with an RSA key, RSA-PSS (MGF1) — each genuinely signed by the test IdP so
// only the policy check stands in the way.

import { createHash } from 'node:crypto';
import { NS, ALG } from '../../../src/saml/ns.js';
import { assertionOf, GENUINE_NAMEID, mutate, rsaAlgorithmNamed, signAs, signatureOf, the, unsignedXml } from '../../support/saml-fixtures.js';
import type { HashAlgorithm } from 'xml-crypto';
import { acceptedAs, rejectedAs, type Attack, type AttackCase } from './attack.js';

const MGF1 = 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1';
const MD5_DIGEST = 'http://www.w3.org/2001/04/xmldsig-more#md5';

function digestNamed(uri: string, hash: string): new () => HashAlgorithm {
  return class {
    getHash(xml: string): string {
      return createHash(hash).update(xml, 'utf8').digest('base64');
    }
    getAlgorithmName(): string {
      return uri;
    }
  } as unknown as new () => HashAlgorithm;
}

export const s19AlgorithmDowngrade: Attack = {
  id: 'S19',
  title: 'algorithm downgrade and algorithms outside the allow-list',
  reference: 'security.md §2.6 S19, §1 P7/P7a',
  build(ctx): AttackCase[] {
    const xml = unsignedXml(ctx.now);
    const sha1 = signAs(xml, 'B', { signatureAlgorithm: ALG.rsaSha1, digestAlgorithm: ALG.sha1 });
    const signedWith = (uri: string): string =>
      signAs(xml, 'B', { signatureAlgorithm: uri, configure: (s) => void (s.SignatureAlgorithms[uri] = rsaAlgorithmNamed(uri)) });
    const digestWith = (uri: string, hash: string): string =>
      signAs(xml, 'B', { digestAlgorithm: uri, configure: (s) => void (s.HashAlgorithms[uri] = digestNamed(uri, hash)) });
    return [
      { name: 'rsa-sha1 + sha1 without the strict option: accepted with a warning', xml: sha1, expect: acceptedAs(GENUINE_NAMEID, { warnings: 1 }) },
      { name: 'rsa-sha1 + sha1 under the strict option', xml: sha1, options: { strict: true }, expect: rejectedAs('SIG_SHA1_STRICT'), control: { xml: sha1, nameId: GENUINE_NAMEID } },
      { name: 'rsa-sha256 with a sha1 digest under the strict option', xml: signAs(xml, 'B', { digestAlgorithm: ALG.sha1 }), options: { strict: true }, expect: rejectedAs('SIG_SHA1_STRICT') },
      { name: 'rsa-sha1 Response signature (B_resp) under the strict option', xml: signAs(xml, 'B_resp', { signatureAlgorithm: ALG.rsaSha1 }), options: { strict: true }, expect: rejectedAs('SIG_SHA1_STRICT') },
      { name: 'RSA-PSS sha256-rsa-MGF1 (xml-crypto supports it; not allowed)', xml: signAs(xml, 'B', { signatureAlgorithm: MGF1 }), expect: rejectedAs('SIG_ALGORITHM'), signatureStillValid: true },
      { name: 'unknown SignatureMethod URI (rsa-md5)', xml: signedWith('http://www.w3.org/2001/04/xmldsig-more#rsa-md5'), expect: rejectedAs('SIG_ALGORITHM') },
      { name: 'empty SignatureMethod Algorithm', xml: signedWith(''), expect: rejectedAs('SIG_ALGORITHM') },
      { name: 'SignatureMethod with a leading space', xml: signedWith(` ${ALG.rsaSha256}`), expect: rejectedAs('SIG_ALGORITHM') },
      { name: 'SignatureMethod with a trailing space', xml: signedWith(`${ALG.rsaSha256} `), expect: rejectedAs('SIG_ALGORITHM') },
      { name: 'SignatureMethod `none`', xml: signedWith('none'), expect: rejectedAs('SIG_ALGORITHM') },
      { name: 'ECDSA SignatureMethod URI over an RSA signature', xml: signedWith('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256'), expect: rejectedAs('SIG_ALGORITHM') },
      {
        name: 'SignatureMethod without an Algorithm attribute',
        xml: mutate(ctx.base.B, (d) => the(signatureOf(assertionOf(d)), NS.ds, 'SignatureMethod').removeAttribute('Algorithm')),
        expect: rejectedAs('SIG_ALGORITHM'),
      },
      { name: 'md5 DigestMethod', xml: digestWith(MD5_DIGEST, 'md5'), expect: rejectedAs('SIG_DIGEST_ALGORITHM') },
      { name: 'sha256 DigestMethod with a trailing space', xml: digestWith(`${ALG.sha256} `, 'sha256'), expect: rejectedAs('SIG_DIGEST_ALGORITHM') },
      { name: 'sha224 DigestMethod', xml: digestWith('http://www.w3.org/2001/04/xmldsig-more#sha224', 'sha224'), expect: rejectedAs('SIG_DIGEST_ALGORITHM') },
      { name: 'rsa-sha512 + sha512 (allowed)', xml: signAs(xml, 'B', { signatureAlgorithm: ALG.rsaSha512, digestAlgorithm: ALG.sha512 }), expect: acceptedAs(GENUINE_NAMEID, { warnings: 0 }) },
    ];
  },
};
