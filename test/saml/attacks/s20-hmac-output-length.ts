// S20 HMACOutputLength truncation (CVE-2009-0217): `<HMACOutputLength>8</HMACOutputLength>` inside
// SignatureMethod, on an HMAC and on an RSA method.

import { NS } from '../../../src/saml/ns.js';
import { applyEvil, assertionOf, GENUINE_NAMEID, mutate, signatureOf, the } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

function truncated(xml: string, method?: string): string {
  return mutate(xml, (d) => {
    const sm = the(signatureOf(assertionOf(d)), NS.ds, 'SignatureMethod');
    if (method !== undefined) sm.setAttribute('Algorithm', method);
    const h = d.createElementNS(NS.ds, 'HMACOutputLength');
    h.appendChild(d.createTextNode('8'));
    sm.appendChild(h);
    applyEvil(assertionOf(d));
  });
}

export const s20HmacOutputLength: Attack = {
  id: 'S20',
  title: 'HMACOutputLength truncation',
  reference: 'security.md §2.6 S20',
  build(ctx): AttackCase[] {
    return [
      { name: 'HMACOutputLength 8 with hmac-sha1', xml: truncated(ctx.base.B, 'http://www.w3.org/2000/09/xmldsig#hmac-sha1'), expect: rejectedAs('SIG_HMAC'), control: { xml: ctx.base.B, nameId: GENUINE_NAMEID } },
      { name: 'HMACOutputLength 8 inside an rsa-sha256 SignatureMethod', xml: truncated(ctx.base.B), expect: rejectedAs('SIG_HMAC') },
    ];
  },
};
