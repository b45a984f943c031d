// Request and response plumbing of the IdP routes: answers as data, the security headers every page
// carries (CSP, no framing, no caching, no sniffing, no referrer), capped form bodies, the raw query,
// the client address. It never trusts X-Forwarded-* and never buffers more than the route's cap.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { FormError } from '../request.js';

export { clientIp, FormError, pathOf } from '../request.js';

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string | Buffer;
}

/**
 * Headers of every HTML page the IdP serves (security.md C9, C10; OWASP SAML cheat sheet 7: a page
 * that carries a SAML message must not be cached). The CSP itself comes with each page.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  // The login URL carries the sealed state: no page of ours tells another site where it came from.
  // `same-origin` (not `no-referrer`): with no-referrer, browsers send `Origin: null` on our own
  // form posts, and the login CSRF check reads the Origin.
  'Referrer-Policy': 'same-origin',
};

export function send(res: ServerResponse, answer: Answer): void {
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(body.length) });
  res.end(body);
}

/** The raw query string (no `?`), exactly as received: the Redirect binding verifies these octets. */
export function rawQueryOf(req: IncomingMessage): string {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  return q < 0 ? '' : target.slice(q + 1);
}

/** Values by name, in order: a SAML parameter given twice is refused by the caller (parameter pollution). */
export type Params = ReadonlyMap<string, readonly string[]>;

export function paramsOf(text: string): Params {
  const out = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(text)) {
    const list = out.get(k);
    if (list === undefined) out.set(k, [v]);
    else list.push(v);
  }
  return out;
}

/** The one value of `name`, undefined when absent; a repeated name is a FormError (CWE-235). */
export function single(params: Params, name: string): string | undefined {
  const values = params.get(name);
  if (values === undefined) return undefined;
  if (values.length > 1) throw new FormError(400, `parameter \`${name}\` is given more than once`);
  return values[0];
}

/**
 * An `application/x-www-form-urlencoded` body, at most `maxBytes`. A larger body is not buffered: it
 * is drained and refused (413); another media type is refused (415).
 */
export async function readForm(req: IncomingMessage, maxBytes: number): Promise<Params> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const declared = Number(req.headers['content-length'] ?? '0');
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw new FormError(415, 'the form must be sent as application/x-www-form-urlencoded');
  }
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
        return; // keep draining, stop buffering
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
  return paramsOf(text);
}
