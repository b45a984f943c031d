// S41 deflate bomb (HTTP-Redirect binding, ruby-saml CVE-2025-25293): 50 MB of spaces deflated (≈ 65 KB
// of base64) and a 5 MB bomb that fits under the 8 KiB query cap, zlib-wrapped, gzip and double
// deflate — through src/saml/bindings.ts decodeRedirectParam (its input and inflate caps). The POST
// binding the verifier serves never inflates: a deflated body is not UTF-8 XML.

import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import type { BindingErrorCode } from '../../../src/saml/bindings.js';
import { GENUINE_NAMEID } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

export interface RedirectBombCase {
  readonly name: string;
  /** The URL-decoded `SAMLRequest`/`SAMLResponse` query value. */
  readonly param: string;
  readonly expectCode: BindingErrorCode;
  readonly budgetMs: number;
}

const AUTHN_REQUEST =
  '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_0123456789abcdef" Version="2.0" IssueInstant="2026-06-01T12:00:00Z"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">urn:amazon:webservices</saml:Issuer></samlp:AuthnRequest>';

export function deflateBombCases(): RedirectBombCase[] {
  const doc = Buffer.from(AUTHN_REQUEST, 'utf8');
  return [
    { name: '50 MB of spaces, raw-deflated (over the 8 KiB query cap)', param: deflateRawSync(Buffer.alloc(50e6, 0x20), { level: 9 }).toString('base64'), expectCode: 'ERR_SAML_BINDING_SIZE', budgetMs: 100 },
    { name: '5 MB of spaces in 6.5 KB of base64 (stopped by the inflate cap)', param: deflateRawSync(Buffer.alloc(5e6, 0x20), { level: 9 }).toString('base64'), expectCode: 'ERR_SAML_DEFLATE_BOMB', budgetMs: 100 },
    { name: 'an AuthnRequest zlib-wrapped instead of raw DEFLATE', param: deflateSync(doc).toString('base64'), expectCode: 'ERR_SAML_BINDING_INFLATE', budgetMs: 100 },
    { name: 'an AuthnRequest gzipped', param: gzipSync(doc).toString('base64'), expectCode: 'ERR_SAML_BINDING_INFLATE', budgetMs: 100 },
    { name: 'an AuthnRequest deflated twice', param: deflateRawSync(deflateRawSync(doc)).toString('base64'), expectCode: 'ERR_SAML_BINDING_UTF8', budgetMs: 100 },
  ];
}

/** A response raw-deflated as for the Redirect binding, but posted to the verifier (which never inflates). */
export const s41DeflatedPost: Attack = {
  id: 'S41',
  title: 'deflated data posted to the verifier',
  reference: 'security.md §2.10 S41',
  build(ctx): AttackCase[] {
    return [
      {
        name: 'B raw-deflated and base64-encoded, as the Redirect binding would carry it',
        input: deflateRawSync(Buffer.from(ctx.base.B, 'utf8')).toString('base64'),
        expect: rejectedAs('UTF8'),
        control: { xml: ctx.base.B, nameId: GENUINE_NAMEID },
      },
      { name: 'a 5 MB deflate bomb posted to the verifier', input: deflateRawSync(Buffer.alloc(5e6, 0x20), { level: 9 }).toString('base64'), expect: rejectedAs('UTF8'), budgetMs: 100 },
    ];
  },
};
