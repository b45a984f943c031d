// The IdP's HTML: the universal-login page, the access-denied page (which can deliver the SAML error
// Response to the application), error and signed-out pages. No external assets, no script at all; one
// stylesheet allowed by its hash; every dynamic value HTML-escaped at the point of output (C9); the
// pages cannot be framed (C10). Templates take plain strings and never build URLs from user input.

import { createHash } from 'node:crypto';
import type { Answer } from './http.js';
import { PAGE_HEADERS } from './http.js';

/** OWASP XSS rule #1/#2: escape for element content and quoted attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Auth0's universal login look, kept small: a centred card, system fonts, one accent colour. */
const STYLE = `*{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f3f4f6;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1e212a}main{width:400px;max-width:100%;background:#fff;border-radius:5px;box-shadow:0 12px 40px rgba(0,0,0,.12);padding:40px}.logo{width:52px;height:52px;margin:0 auto 16px;border-radius:50%;background:#635dff;color:#fff;font-size:26px;line-height:52px;text-align:center;font-weight:600}h1{font-size:24px;font-weight:400;text-align:center;margin:0 0 8px}p{font-size:14px;line-height:1.5;text-align:center;margin:0 0 16px}label{display:block;font-size:14px;margin:16px 0 6px}input[type=email],input[type=password]{width:100%;height:52px;padding:0 16px;border:1px solid #c9cace;border-radius:3px;font-size:16px}input:focus{outline:none;border-color:#635dff;box-shadow:0 0 0 1px #635dff}button{width:100%;height:52px;margin-top:24px;border:0;border-radius:3px;background:#635dff;color:#fff;font-size:16px;cursor:pointer}button:hover{background:#4d47e0}.error{background:#fceaea;border-left:4px solid #d03c38;color:#a82a26;padding:12px 16px;border-radius:3px;text-align:left}.muted{color:#6f727d;font-size:13px}a{color:#635dff}`;
const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}`;

/**
 * No script may run (`default-src 'none'`), the one stylesheet is allowed by hash, forms post only
 * where the page says (`form-action`), nothing may frame the page or re-base its links.
 */
function csp(formAction: string): string {
  return `default-src 'none'; style-src '${STYLE_HASH}'; img-src data:; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`;
}

export interface PageOptions {
  readonly status: number;
  readonly title: string;
  /** Already-escaped HTML of the card's content. */
  readonly content: string;
  /** Where this page's forms may post: `'self'` by default, or an application's origin. */
  readonly formAction?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

export function page(options: PageOptions): Answer {
  const body =
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="robots" content="noindex">' +
    `<title>${escapeHtml(options.title)}</title><style>${STYLE}</style></head>` +
    `<body><main><div class="logo" aria-hidden="true">T</div>${options.content}</main></body></html>`;
  return {
    status: options.status,
    headers: { ...PAGE_HEADERS, 'Content-Security-Policy': csp(options.formAction ?? "'self'"), ...options.headers },
    body,
  };
}

export interface LoginPageInput {
  readonly status: number;
  readonly tenantName: string;
  readonly clientName?: string;
  /** The sealed transaction, posted back as is. */
  readonly state?: string;
  readonly csrfToken: string;
  readonly email?: string;
  readonly error?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

/** The universal login page (auth0.md §5.2): email and password, the CSRF token, the opaque state. */
export function loginPage(input: LoginPageInput): Answer {
  const to = input.clientName === undefined ? '' : ` to continue to ${escapeHtml(input.clientName)}`;
  const content =
    '<h1>Welcome</h1>' +
    `<p>Log in to ${escapeHtml(input.tenantName)}${to}.</p>` +
    (input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>`) +
    '<form method="post" action="/login" autocomplete="on">' +
    `<input type="hidden" name="_csrf" value="${escapeHtml(input.csrfToken)}">` +
    (input.state === undefined ? '' : `<input type="hidden" name="state" value="${escapeHtml(input.state)}">`) +
    '<label for="username">Email address</label>' +
    `<input id="username" type="email" name="username" required autofocus autocomplete="username" maxlength="254" value="${escapeHtml(input.email ?? '')}">` +
    '<label for="password">Password</label>' +
    '<input id="password" type="password" name="password" required autocomplete="current-password" maxlength="1024">' +
    '<button type="submit" name="action" value="default">Continue</button>' +
    '</form>';
  return page({ status: input.status, title: `Log in | ${input.tenantName}`, content, ...(input.headers === undefined ? {} : { headers: input.headers }) });
}

/** A readable refusal, with a way back that goes nowhere but our own pages. */
export function messagePage(status: number, title: string, message: string, headers?: Readonly<Record<string, string | readonly string[]>>): Answer {
  return page({ status, title, content: `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`, ...(headers === undefined ? {} : { headers }) });
}

export interface DeniedPageInput {
  readonly clientName: string;
  readonly message: string;
  /** The SAML Response without an assertion, for the application (auth0.md §4.4). */
  readonly delivery?: { readonly action: string; readonly samlResponse: string; readonly relayState: string };
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Access was not granted: the reason a person may read, and a button that posts the application's
 * SAML error Response to its ACS (no script: the person reads first, then returns).
 */
export function deniedPage(input: DeniedPageInput): Answer {
  const d = input.delivery;
  const form =
    d === undefined
      ? ''
      : `<form method="post" action="${escapeHtml(d.action)}">` +
        `<input type="hidden" name="SAMLResponse" value="${escapeHtml(d.samlResponse)}">` +
        `<input type="hidden" name="RelayState" value="${escapeHtml(d.relayState)}">` +
        `<button type="submit">Return to ${escapeHtml(input.clientName)}</button></form>`;
  const content =
    '<h1>Access denied</h1>' +
    `<p>You could not be signed in to ${escapeHtml(input.clientName)}.</p>` +
    `<p class="error" role="alert">${escapeHtml(input.message)}</p>` +
    form;
  return page({
    status: 403,
    title: 'Access denied',
    content,
    formAction: d === undefined ? "'self'" : new URL(d.action).origin,
    ...(input.headers === undefined ? {} : { headers: input.headers }),
  });
}

export function signedInPage(email: string, headers?: Readonly<Record<string, string | readonly string[]>>): Answer {
  const content =
    '<h1>You are signed in</h1>' +
    `<p>Signed in as <strong>${escapeHtml(email)}</strong>.</p>` +
    '<p class="muted">Open an application from its Identity Provider Login URL to continue.</p>' +
    '<p><a href="/v2/logout">Log out</a></p>';
  return page({ status: 200, title: 'Signed in', content, ...(headers === undefined ? {} : { headers }) });
}

export function signedOutPage(headers?: Readonly<Record<string, string | readonly string[]>>): Answer {
  return page({ status: 200, title: 'Signed out', content: '<h1>You are signed out</h1><p>Your session has ended.</p>', ...(headers === undefined ? {} : { headers }) });
}
