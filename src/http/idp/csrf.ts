// Login CSRF (security.md C1): the login form carries a synchronizer token sealed for the browser's
// pre-session cookie (AES-GCM with the cookie as AAD: valid for that cookie only, unforgeable, with an
// expiry), and a POST must come from our own origin (Origin, else Sec-Fetch-Site). A cross-site
// auto-submitted form with an attacker's valid credentials fails both checks.

import type { IncomingMessage } from 'node:http';
import { isCookieSecret, openToken, SEAL_AAD, sealToken, type Idp } from '../../idp/index.js';
import { CSRF_TOKEN_TTL_SECONDS } from '../../idp/index.js';

export function issueCsrfToken(idp: Idp, preSession: string): string {
  const expiresAt = idp.clock.now().getTime() + CSRF_TOKEN_TTL_SECONDS * 1000;
  return sealToken(idp.sealer, SEAL_AAD.csrf(preSession), String(expiresAt));
}

/** True when `token` was issued for this pre-session cookie and has not expired. */
export function checkCsrfToken(idp: Idp, preSession: string | undefined, token: string | undefined): boolean {
  if (!isCookieSecret(preSession) || token === undefined || token === '') return false;
  const text = openToken(idp.sealer, SEAL_AAD.csrf(preSession), token);
  if (text === undefined || !/^\d{1,16}$/.test(text)) return false;
  return Number(text) > idp.clock.now().getTime();
}

/**
 * C1: the request was sent by a page of ours. An `Origin` (sent by every current browser on a POST)
 * must be our public origin or this request's own `scheme://Host`. Without one — or with the opaque
 * `null` a browser sends under `Referrer-Policy: no-referrer`, from sandboxed frames or data: URLs —
 * `Sec-Fetch-Site` (set by the browser from the real initiator, never by page script) must say
 * `same-origin`. With neither, the request is refused: a client that is not a browser can send an
 * Origin header.
 */
export function sameOrigin(req: IncomingMessage, idp: Idp): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    const host = req.headers.host;
    const scheme = idp.secure ? 'https' : 'http';
    return origin === idp.urls.origin || (host !== undefined && origin === `${scheme}://${host}`);
  }
  return req.headers['sec-fetch-site'] === 'same-origin';
}
