// The IdP's two cookies (security.md C1, C2, C4): the SSO session and the login form's pre-session,
// each an opaque 256-bit value, `HttpOnly; SameSite=Lax; Path=/`, `Secure` and the `__Host-` prefix
// when the public origin is https. Parsing reads a name's first occurrence only and never decodes
// values (ours are base64url; anything else is not ours and is ignored by the readers).

export { readCookies } from '../request.js';

export interface CookieNames {
  readonly session: string;
  readonly preSession: string;
}

/** `__Host-` requires `Secure` and `Path=/` without `Domain` (RFC 6265bis): only over https. */
export function cookieNames(secure: boolean): CookieNames {
  return secure ? { session: '__Host-tessera_session', preSession: '__Host-tessera_login' } : { session: 'tessera_session', preSession: 'tessera_login' };
}

export interface CookieOptions {
  readonly secure: boolean;
  /** Seconds; 0 deletes the cookie; undefined makes a browser-session cookie. */
  readonly maxAgeSeconds?: number;
}

/** `Set-Cookie` for one of our opaque values (base64url: no escaping needed, checked anyway). */
export function setCookie(name: string, value: string, options: CookieOptions): string {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) throw new TypeError('cookie values are base64url');
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookie(name: string, secure: boolean): string {
  return setCookie(name, '', { secure, maxAgeSeconds: 0 });
}
