// The two HTTP clients a check needs, over the real wire: a small browser (cookie jar, manual
// redirects, the forms of Tessera's IdP pages) and an AWS Query API client (SigV4-signed, or unsigned
// as the CLI sends AssumeRoleWithSAML) that reads answers as the SDKs do. No credential is ever
// logged; a response body is read only as far as the caller needs it.

import { DOMParser } from '@xmldom/xmldom';
import { signRequest, type SigningCredentials } from '../sigv4/index.js';

/** The User-Agent of every request (the engine's context uses the same, so decisions match). */
export const USER_AGENT = 'tessera-check/1';
const MAX_REDIRECTS = 10;
const TIMEOUT_MS = 30_000;

export interface Page {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

/** HTML entities Tessera's pages escape (pages.ts escapeHtml, bindings.ts escapeHtmlAttribute). */
export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27|#34);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", '#34': '"' })[e] ?? _m);
}

export interface HtmlForm {
  readonly action: string;
  readonly method: string;
  /** Every named input with a value, hidden ones included, in order. */
  readonly fields: ReadonlyMap<string, string>;
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return m === null ? undefined : unescapeHtml(m[2] ?? m[3] ?? '');
}

/** The forms of a page (Tessera's own pages: no nesting, attributes quoted). */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = m[1] ?? '';
    const inner = m[2] ?? '';
    const fields = new Map<string, string>();
    for (const input of inner.matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (name !== undefined) fields.set(name, attribute(input[0], 'value') ?? '');
    }
    forms.push({ action: attribute(` ${open}`, 'action') ?? '', method: (attribute(` ${open}`, 'method') ?? 'get').toLowerCase(), fields });
  }
  return forms;
}

/** The text of the page's alert (`<p class="error" role="alert">`), if any. */
export function pageAlert(html: string): string | undefined {
  const m = /<p class="error" role="alert">([\s\S]*?)<\/p>/.exec(html);
  return m === null ? undefined : unescapeHtml(m[1] ?? '').trim();
}

export function pageTitle(html: string): string | undefined {
  const m = /<h1>([\s\S]*?)<\/h1>/.exec(html);
  return m === null ? undefined : unescapeHtml(m[1] ?? '').trim();
}

/** A browser as far as a login needs one: cookies per origin, redirects followed, forms posted. */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  private cookieHeader(url: URL): string | undefined {
    const cookies = this.jar.get(url.origin);
    if (cookies === undefined || cookies.size === 0) return undefined;
    return [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      if (eq <= 0) continue;
      const name = (pair as string).slice(0, eq).trim();
      const value = (pair as string).slice(eq + 1).trim();
      let cookies = this.jar.get(url.origin);
      if (cookies === undefined) {
        cookies = new Map();
        this.jar.set(url.origin, cookies);
      }
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*(0|-)/i.test(a)) || attributes.some((a) => /^\s*expires\s*=\s*Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  }

  private async send(method: 'GET' | 'POST', target: string, body?: URLSearchParams, origin?: string): Promise<Page> {
    let url = new URL(target);
    let currentMethod = method;
    let currentBody = body;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'text/html' };
      const cookie = this.cookieHeader(url);
      if (cookie !== undefined) headers['cookie'] = cookie;
      if (currentMethod === 'POST') {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        // A browser sends the page's origin with every form POST (the IdP's CSRF check reads it).
        headers['origin'] = origin ?? url.origin;
      }
      const res = await fetch(url, {
        method: currentMethod,
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        ...(currentMethod === 'POST' && currentBody !== undefined ? { body: currentBody.toString() } : {}),
      });
      this.keep(url, res.headers);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location !== null) {
        await res.body?.cancel();
        url = new URL(location, url);
        // 303 (and 301/302 after a POST, as browsers do) become a GET.
        if (res.status !== 307 && res.status !== 308) {
          currentMethod = 'GET';
          currentBody = undefined;
        }
        continue;
      }
      return { status: res.status, url: url.toString(), headers: res.headers, body: await res.text() };
    }
    throw new Error(`more than ${MAX_REDIRECTS} redirects from ${target}`);
  }

  get(url: string): Promise<Page> {
    return this.send('GET', url);
  }

  /** Submits `form` of the page at `pageUrl` with `fields` filled in. */
  submit(pageUrl: string, form: HtmlForm, fields: Readonly<Record<string, string>> = {}): Promise<Page> {
    const body = new URLSearchParams();
    for (const [k, v] of form.fields) body.append(k, Object.hasOwn(fields, k) ? (fields[k] as string) : v);
    for (const [k, v] of Object.entries(fields)) if (!form.fields.has(k)) body.append(k, v);
    const action = new URL(form.action === '' ? pageUrl : form.action, pageUrl).toString();
    return this.send(form.method === 'post' ? 'POST' : 'GET', action, body, new URL(pageUrl).origin);
  }
}

// ---------------------------------------------------------------------------------------------
// AWS Query API

export const API_VERSIONS = { iam: '2010-05-08', sts: '2011-06-15', ec2: '2016-11-15' } as const;
export type AwsService = keyof typeof API_VERSIONS;

export type AwsAnswer =
  | { readonly ok: true; readonly status: number; readonly xml: Document }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

function text(doc: Document, name: string): string | undefined {
  const el = doc.getElementsByTagName(name)[0];
  return el?.textContent ?? undefined;
}

/** The first element named `name` anywhere in the answer. */
export function xmlValue(doc: Document, name: string): string | undefined {
  return text(doc, name);
}

export function xmlValues(doc: Document, name: string): string[] {
  const out: string[] = [];
  const list = doc.getElementsByTagName(name);
  for (let i = 0; i < list.length; i++) out.push(list[i]?.textContent ?? '');
  return out;
}

export class AwsClient {
  private readonly host: string;

  constructor(
    readonly endpoint: string,
    readonly region: string,
  ) {
    this.host = new URL(endpoint).host;
  }

  /** A form POST to `/`, signed with `credentials` (or unsigned), answered as data. */
  async call(service: AwsService, params: readonly (readonly [string, string])[], credentials: SigningCredentials | 'unsigned'): Promise<AwsAnswer> {
    const form = new URLSearchParams();
    let hasVersion = false;
    for (const [k, v] of params) {
      form.append(k, v);
      if (k === 'Version') hasVersion = true;
    }
    if (!hasVersion) form.append('Version', API_VERSIONS[service]);
    const base = {
      method: 'POST',
      path: '/',
      headers: [
        ['host', this.host],
        ['content-type', 'application/x-www-form-urlencoded; charset=utf-8'],
      ] as [string, string][],
      body: form.toString(),
    };
    const request =
      credentials === 'unsigned'
        ? base
        : signRequest(base, credentials, { region: service === 'iam' ? 'us-east-1' : this.region, service, now: new Date() });
    const headers = new Headers({ 'user-agent': USER_AGENT });
    for (const [k, v] of request.headers) if (k.toLowerCase() !== 'host') headers.set(k, v);
    const res = await fetch(new URL('/', this.endpoint), { method: 'POST', headers, body: request.body as string, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = await res.text();
    let doc: Document;
    try {
      doc = new DOMParser({ errorHandler: { warning: () => {}, error: () => {}, fatalError: () => {} } }).parseFromString(body, 'text/xml') as unknown as Document;
    } catch {
      return { ok: false, status: res.status, code: 'UnreadableAnswer', message: body.slice(0, 200) };
    }
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, xml: doc };
    return { ok: false, status: res.status, code: text(doc, 'Code') ?? `HTTP${res.status}`, message: text(doc, 'Message') ?? body.slice(0, 200) };
  }
}
