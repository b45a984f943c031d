// The console's HTTP building blocks without a socket: cookie flags and the `__Host-` prefix over
// https, the same-origin check of state-changing requests (C2), the redirect-target check (C8) and
// escaping (C9).

import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { esc, prose } from '../../src/http/console/html.js';
import { hashSecret, isSecret, newSecret, sameOrigin, sameOriginPath, sameSecret, setCookie } from '../../src/http/console/http.js';
import { consoleContext } from '../../src/http/console/session.js';
import type { ServiceEnv } from '../../src/services/types.js';

const env = {} as ServiceEnv;

function req(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('cookies', () => {
  it('are HttpOnly, SameSite=Lax, Path=/ with a Max-Age; Secure and __Host- only over https', () => {
    const http = consoleContext({ env, publicOrigin: 'http://127.0.0.1:4750' });
    expect(http.cookies).toEqual({ session: 'tessera_console', signin: 'tessera_signin' });
    expect(setCookie(http.cookies.session, 'abc', { secure: http.secure, maxAgeSeconds: 3600.7 })).toBe('tessera_console=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600');
    const https = consoleContext({ env, publicOrigin: 'https://tessera.example.com/' });
    expect(https.origin).toBe('https://tessera.example.com');
    expect(https.cookies.session).toBe('__Host-tessera_console');
    expect(setCookie(https.cookies.session, 'abc', { secure: https.secure, maxAgeSeconds: 10 })).toBe('__Host-tessera_console=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=10; Secure');
    expect(() => setCookie('x', 'a;b', { secure: false, maxAgeSeconds: 1 })).toThrow();
  });

  it('carry 256-bit secrets; the store key is their SHA-256', () => {
    const s = newSecret();
    expect(isSecret(s)).toBe(true);
    expect(isSecret(`${s}x`)).toBe(false);
    expect(isSecret('A'.repeat(42) + '=')).toBe(false);
    expect(hashSecret(s)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret(s)).not.toContain(s);
    expect(sameSecret(s, s)).toBe(true);
    expect(sameSecret(undefined, s)).toBe(false);
    expect(sameSecret(`${s.slice(0, -1)}!`, s)).toBe(false);
  });
});

describe('same origin (C2)', () => {
  const origin = 'http://127.0.0.1:4750';
  it('accepts our Origin, or this request\'s own scheme://Host, or Sec-Fetch-Site: same-origin', () => {
    expect(sameOrigin(req({ origin }), origin, false)).toBe(true);
    expect(sameOrigin(req({ origin: 'http://localhost:4750', host: 'localhost:4750' }), origin, false)).toBe(true);
    expect(sameOrigin(req({ 'sec-fetch-site': 'same-origin' }), origin, false)).toBe(true);
  });
  it('refuses another origin, Origin: null, a scheme mismatch, and a request with neither header', () => {
    expect(sameOrigin(req({ origin: 'https://evil.example', host: '127.0.0.1:4750' }), origin, false)).toBe(false);
    expect(sameOrigin(req({ origin: 'null' }), origin, false)).toBe(false);
    expect(sameOrigin(req({ origin: 'https://127.0.0.1:4750', host: '127.0.0.1:4750' }), origin, false)).toBe(false);
    expect(sameOrigin(req({}), origin, false)).toBe(false);
    expect(sameOrigin(req({ 'sec-fetch-site': 'same-site' }), origin, false)).toBe(false);
  });
});

describe('redirect targets (C8)', () => {
  const origin = 'http://127.0.0.1:4750';
  it('keeps same-origin relative paths', () => {
    expect(sameOriginPath('/console', origin)).toBe('/console');
    expect(sameOriginPath('/console/iam?x=1', origin)).toBe('/console/iam?x=1');
    expect(sameOriginPath('/console?state=stopped', origin, '/console')).toBe('/console?state=stopped');
  });
  it.each([
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    'evil.example',
    '',
    `/${'a'.repeat(2000)}`,
  ])('refuses %j', (v) => {
    expect(sameOriginPath(v, origin)).toBeUndefined();
  });
  it('keeps a path below its prefix only', () => {
    expect(sameOriginPath('/saml', origin, '/console')).toBeUndefined();
    expect(sameOriginPath('/consoles', origin, '/console')).toBeUndefined();
  });
});

describe('escaping (C9)', () => {
  it('escapes the five HTML characters and the backtick', () => {
    expect(esc(`<img src=x onerror="alert('1')">\``)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&#96;');
    expect(esc(undefined)).toBe('');
  });
  it('shows backticked parts as code, escaped, and an odd count of backticks as plain text', () => {
    expect(prose('tag `<b>` is `x`')).toBe('tag <code>&lt;b&gt;</code> is <code>x</code>');
    expect(prose('odd ` <b>')).toBe('odd &#96; &lt;b&gt;');
  });
});
