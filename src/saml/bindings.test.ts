import { createHash } from 'node:crypto';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  AUTO_POST_CSP,
  AUTO_POST_SCRIPT,
  autoPostForm,
  checkRelayState,
  decodePostParam,
  decodeRedirectParam,
  encodePostBinding,
  encodeRedirectParam,
  escapeHtmlAttribute,
  SamlBindingError,
  type BindingErrorCode,
} from './bindings.js';

const AUTHN_REQUEST =
  '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a1" Version="2.0" IssueInstant="2024-01-01T00:00:00Z" AssertionConsumerServiceURL="https://sp.example/acs"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://sp.example</saml:Issuer></samlp:AuthnRequest>';

function fails(f: () => unknown, code: BindingErrorCode): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SamlBindingError);
  expect((error as SamlBindingError).code).toBe(code);
  expect((error as SamlBindingError).httpStatus).toBe(400);
}

describe('HTTP-Redirect binding', () => {
  it('round-trips raw DEFLATE + base64, non-ASCII included', () => {
    const xml = AUTHN_REQUEST.replace('https://sp.example</', 'https://sp.example/Zoë</');
    const encoded = encodeRedirectParam(xml);
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decodeRedirectParam(encoded)).toBe(xml);
  });

  it('decodes what other SPs send (node deflateRaw at level 9, base64 wrapped at 76 columns)', () => {
    const b64 = deflateRawSync(Buffer.from(AUTHN_REQUEST), { level: 9 }).toString('base64');
    expect(decodeRedirectParam(b64.replace(/(.{76})/g, '$1\r\n'))).toBe(AUTHN_REQUEST);
  });

  it('stops a deflate bomb fast at the output cap (S41, CVE-2025-25293)', () => {
    // 5 MB of spaces in 6.5 KB of base64: under the 8 KiB input cap, so the inflate cap must stop it.
    const bomb = deflateRawSync(Buffer.alloc(5e6, 0x20), { level: 9 }).toString('base64');
    expect(bomb.length).toBeLessThan(8 * 1024);
    // The 50 MB bomb of the security reference (65 KB of base64) is refused before inflating.
    const big = deflateRawSync(Buffer.alloc(50e6, 0x20), { level: 9 }).toString('base64');
    const started = process.hrtime.bigint();
    fails(() => decodeRedirectParam(bomb), 'ERR_SAML_DEFLATE_BOMB');
    fails(() => decodeRedirectParam(big), 'ERR_SAML_BINDING_SIZE');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(100);
  });

  it('honours a smaller inflate cap', () => {
    const b64 = encodeRedirectParam(AUTHN_REQUEST);
    fails(() => decodeRedirectParam(b64, 100), 'ERR_SAML_DEFLATE_BOMB');
    expect(decodeRedirectParam(b64, AUTHN_REQUEST.length)).toBe(AUTHN_REQUEST);
  });

  it('refuses zlib-wrapped, gzip and double-deflated data', () => {
    for (const wrapped of [deflateSync(Buffer.from(AUTHN_REQUEST)), gzipSync(Buffer.from(AUTHN_REQUEST)), deflateRawSync(deflateRawSync(Buffer.from(AUTHN_REQUEST)))]) {
      let error: unknown;
      try {
        decodeRedirectParam(wrapped.toString('base64'));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SamlBindingError);
      expect(['ERR_SAML_BINDING_INFLATE', 'ERR_SAML_BINDING_NOT_XML', 'ERR_SAML_BINDING_UTF8']).toContain((error as SamlBindingError).code);
    }
  });

  it('refuses non-base64, over-long input and non-XML content', () => {
    fails(() => decodeRedirectParam('a b c d'), 'ERR_SAML_BINDING_BASE64');
    fails(() => decodeRedirectParam('abc'), 'ERR_SAML_BINDING_BASE64');
    fails(() => decodeRedirectParam('-_-_'), 'ERR_SAML_BINDING_BASE64');
    fails(() => decodeRedirectParam('A'.repeat(8196)), 'ERR_SAML_BINDING_SIZE');
    fails(() => decodeRedirectParam(deflateRawSync(Buffer.from('hello')).toString('base64')), 'ERR_SAML_BINDING_NOT_XML');
    fails(() => decodeRedirectParam(deflateRawSync(Buffer.from([0x3c, 0xff, 0xfe])).toString('base64')), 'ERR_SAML_BINDING_UTF8');
  });
});

describe('HTTP-POST binding', () => {
  it('encodes base64 of UTF-8 without line breaks and decodes it back', () => {
    const xml = `${AUTHN_REQUEST}${'x'.repeat(200)}`.replace('sp.example</', 'Zoë</');
    const b64 = encodePostBinding(xml);
    expect(b64).not.toMatch(/\s/);
    expect(decodePostParam(b64)).toBe(xml);
  });

  it('refuses over-long, non-base64 and non-XML values', () => {
    fails(() => decodePostParam('A'.repeat(100_004)), 'ERR_SAML_BINDING_SIZE');
    fails(() => decodePostParam('%%%%'), 'ERR_SAML_BINDING_BASE64');
    fails(() => decodePostParam(Buffer.from('not xml').toString('base64')), 'ERR_SAML_BINDING_NOT_XML');
  });
});

describe('RelayState', () => {
  it('passes up to 80 bytes, defaults to empty and refuses longer (SAML bindings §3.4.3)', () => {
    expect(checkRelayState(undefined)).toBe('');
    expect(checkRelayState('x'.repeat(80))).toBe('x'.repeat(80));
    fails(() => checkRelayState('x'.repeat(81)), 'ERR_SAML_RELAYSTATE_TOO_LONG');
    fails(() => checkRelayState('é'.repeat(41)), 'ERR_SAML_RELAYSTATE_TOO_LONG'); // 82 bytes
    fails(() => checkRelayState('x'.repeat(10_240)), 'ERR_SAML_RELAYSTATE_TOO_LONG');
  });
});

describe('autoPostForm (reference/auth0.md §5.4)', () => {
  const form = autoPostForm({ action: 'https://signin.aws.amazon.com/saml', fields: { SAMLResponse: 'PHNhbWxwOlJlc3BvbnNlLz4=', RelayState: '' } });

  it('is the Auth0 page: Working..., hiddenform, hidden inputs, a noscript button and the auto-submit script', () => {
    expect(form.body).toBe(
      '<html><head><title>Working...</title></head><body>' +
        '<form method="post" name="hiddenform" action="https://signin.aws.amazon.com/saml">' +
        '<input type="hidden" name="SAMLResponse" value="PHNhbWxwOlJlc3BvbnNlLz4=">' +
        '<input type="hidden" name="RelayState" value="">' +
        '<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript>' +
        '</form><script>window.setTimeout(function(){document.forms[0].submit();}, 0);</script></body></html>',
    );
  });

  it('sends no-store, no-cache and a CSP whose only script source is the hash of that script', () => {
    expect(form.headers).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Content-Security-Policy': AUTO_POST_CSP,
    });
    const hash = createHash('sha256').update(AUTO_POST_SCRIPT).digest('base64');
    expect(AUTO_POST_CSP).toBe(`default-src 'none'; script-src 'sha256-${hash}'; base-uri 'none'; frame-ancestors 'none'`);
    const inline = /<script>([\s\S]*?)<\/script>/.exec(form.body)?.[1];
    expect(inline).toBe(AUTO_POST_SCRIPT);
  });

  it('escapes every value for an HTML attribute (S45: RelayState="><script>…)', () => {
    const evil = `"><script>alert(1)</script>'&`;
    const page = autoPostForm({ action: `https://sp.example/acs?a=1&b="'<>`, fields: { SAMLRequest: evil, RelayState: '"><svg onload=1>' } });
    expect(page.body).toContain('action="https://sp.example/acs?a=1&amp;b=&quot;&#39;&lt;&gt;"');
    expect(page.body).toContain('name="SAMLRequest" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;&amp;"');
    expect(page.body).toContain('name="RelayState" value="&quot;&gt;&lt;svg onload=1&gt;"');
    expect(page.body.match(/<script>/g)).toHaveLength(1);
    expect(escapeHtmlAttribute(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('refuses javascript:, data: and relative actions, a long RelayState, and ambiguous fields', () => {
    fails(() => autoPostForm({ action: 'javascript:alert(1)', fields: { SAMLResponse: 'x' } }), 'ERR_SAML_BINDING_ACTION');
    fails(() => autoPostForm({ action: 'data:text/html,x', fields: { SAMLResponse: 'x' } }), 'ERR_SAML_BINDING_ACTION');
    fails(() => autoPostForm({ action: '/saml', fields: { SAMLResponse: 'x' } }), 'ERR_SAML_BINDING_ACTION');
    fails(() => autoPostForm({ action: 'https://a', fields: { SAMLResponse: 'x', RelayState: 'r'.repeat(10_240) } }), 'ERR_SAML_RELAYSTATE_TOO_LONG');
    fails(() => autoPostForm({ action: 'https://a', fields: { SAMLResponse: 'x', SAMLRequest: 'y' } }), 'ERR_SAML_BINDING_FIELDS');
    fails(() => autoPostForm({ action: 'https://a', fields: {} }), 'ERR_SAML_BINDING_FIELDS');
  });

  it('allows the local http sign-in endpoint Tessera serves', () => {
    expect(autoPostForm({ action: 'http://127.0.0.1:4750/saml', fields: { SAMLResponse: 'x' } }).body).toContain('action="http://127.0.0.1:4750/saml"');
  });
});
