// What every HTTP route reads of a request the same way: its path and query, the peer address and
// cookies. Shared by the IdP routes, the sign-in endpoint and the console; no route logic here.

import type { IncomingMessage } from 'node:http';

export function pathOf(req: IncomingMessage): string {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

/** The query string's parameters (URL-decoded). */
export function queryOf(req: IncomingMessage): URLSearchParams {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
}

/** The client address: the TCP peer, or what trusted proxies report (client-address.ts). */
export { clientIp } from './client-address.js';

/** The request's cookies; for a repeated name the first wins (the most specific path, RFC 6265 §5.4). */
export function readCookies(req: IncomingMessage): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  const header = req.headers.cookie;
  if (header === undefined) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name !== '' && !out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** A form that cannot be read: its status says why (400 malformed, 413 too large, 415 not a form). */
export class FormError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'FormError';
  }
}
