// Request and response plumbing of the sign-in endpoint and the console: answers as data, capped
// form bodies (a name given twice is refused), cookies (our opaque base64url values only), the
// security headers of every page, the same-origin check of state-changing requests (security.md C2)
// and the client address. It never trusts X-Forwarded-* and never buffers more than the route's cap.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FormError } from '../request.js';

export { clientIp, FormError, pathOf, queryOf, readCookies } from '../request.js';

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string;
}

export function send(res: ServerResponse, answer: Answer): void {
  const body = Buffer.from(answer.body, 'utf8');
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(body.length) });
  res.end(body);
}

// ---------------------------------------------------------------------------------------------
// Forms

export type Form = ReadonlyMap<string, string>;

/**
 * An `application/x-www-form-urlencoded` body of at most `maxBytes`, as one value per name: a name
 * given twice is refused (parameter pollution, CWE-235), a larger body is drained unbuffered (413),
 * another media type is refused (415), bytes that are not UTF-8 are refused (400).
 */
export async function readForm(req: IncomingMessage, maxBytes: number): Promise<Form> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw new FormError(415, 'the form must be sent as application/x-www-form-urlencoded');
  }
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new FormError(413, `the form is larger than ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  await new Promise<void>((resolve, reject) => {
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', resolve);
    req.on('error', reject);
  });
  if (tooLarge) throw new FormError(413, `the form is larger than ${maxBytes} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new FormError(400, 'the form is not UTF-8');
  }
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(text)) {
    if (out.has(k)) throw new FormError(400, `the field \`${k}\` is given more than once`);
    out.set(k, v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Secrets, hashes, cookies

/** A fresh 256-bit secret, base64url (43 characters): session ids, CSRF tokens, references. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Our secrets are exactly 43 base64url characters; anything else is not ours and is ignored. */
export function isSecret(v: string | undefined): v is string {
  return v !== undefined && /^[A-Za-z0-9_-]{43}$/.test(v);
}

/** The store key of a secret the browser holds: SHA-256, hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time equality of two strings (CSRF tokens): no early exit on the first differing byte. */
export function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * `Set-Cookie` for one of our opaque values: `HttpOnly; SameSite=Lax; Path=/` always (C2, C4), plus
 * `Secure` over https — where the name also carries the `__Host-` prefix (no Domain, Path=/).
 * `maxAgeSeconds` 0 deletes the cookie.
 */
export function setCookie(name: string, value: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) throw new TypeError('cookie values are base64url');
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookie(name: string, secure: boolean): string {
  return setCookie(name, '', { secure, maxAgeSeconds: 0 });
}

// ---------------------------------------------------------------------------------------------
// Same origin (security.md C2)

/**
 * The request was sent by a page of ours: `Origin` (sent by every current browser on a POST) must be
 * our public origin or this request's own `scheme://Host`; `Origin: null` (sandboxed frames, data:
 * URLs) is refused; without `Origin`, `Sec-Fetch-Site` must say `same-origin`. With neither, refused.
 */
export function sameOrigin(req: IncomingMessage, publicOrigin: string, secure: boolean): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === 'null') return false;
    const host = req.headers.host;
    return origin === publicOrigin || (host !== undefined && origin === `${secure ? 'https' : 'http'}://${host}`);
  }
  return req.headers['sec-fetch-site'] === 'same-origin';
}

/**
 * A same-origin relative path to send the browser to after sign-in or an action (security.md C8), or
 * undefined: it must start with one `/` (not `//` or `/\`), hold no control characters or backslashes,
 * and resolve on our origin. `under`, when given, is the prefix the path must stay below.
 */
export function sameOriginPath(value: string | undefined, origin: string, under?: string): string | undefined {
  if (value === undefined || value === '' || value.length > 1024) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return undefined;
  }
  if (url.origin !== new URL(origin).origin) return undefined;
  const path = url.pathname + url.search;
  if (under !== undefined && url.pathname !== under && !url.pathname.startsWith(`${under}/`)) return undefined;
  return path;
}
