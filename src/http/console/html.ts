// HTML of the console and the sign-in pages: one escaping function every value goes through
// (security.md C9: tag values, NameIDs, attributes and error messages are attacker-controlled), the
// page frame, the headers every page carries (CSP without any script, no framing, no caching) and
// the one stylesheet. No template engine, no innerHTML, no JavaScript at all: forms and redirects.

import type { Answer } from './http.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for an HTML text node or a quoted attribute value (OWASP XSS rules #1 and #2). */
export function esc(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return '';
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c] as string);
}

/** Escapes a sentence and shows its `backticked` parts as code (the engine's and the "Why?"'s style). */
export function prose(sentence: string): string {
  const parts = sentence.split('`');
  // An odd count of backticks: show the text as it is rather than guess where code ends.
  if (parts.length % 2 === 0) return esc(sentence);
  return parts.map((p, i) => (i % 2 === 1 ? `<code>${esc(p)}</code>` : esc(p))).join('');
}

/**
 * The CSP of every page: nothing but our own stylesheet and our own forms; no script of any kind
 * (the console works without JavaScript), no plugins, no <base>, no framing (clickjacking, C10).
 */
export const PAGE_CSP =
  "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': PAGE_CSP,
  // Pages show credentials-derived data and carry CSRF tokens: never cached (OWASP SAML cheat sheet 7).
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  // Not `no-referrer`: with it browsers send `Origin: null` on our own form POSTs (Fetch, "serializing
  // a request origin"), which the same-origin check (C2) must refuse. `same-origin` tells no other site.
  'Referrer-Policy': 'same-origin',
};

export const STYLESHEET_PATH = '/console/assets/console.css';

export interface Frame {
  readonly title: string;
  /** Already-escaped HTML of the header's right side (the session's facts and the nav). */
  readonly header?: string;
  /** Already-escaped HTML of the main content. */
  readonly main: string;
}

export function html(frame: Frame): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${esc(frame.title)}</title><link rel="stylesheet" href="${STYLESHEET_PATH}"></head><body>` +
    '<a class="skip" href="#main">Skip to main content</a>' +
    `<header class="top"><p class="brand"><a href="/console">Tessera</a> <span class="muted">console</span></p>${frame.header ?? ''}</header>` +
    `<main id="main" tabindex="-1">${frame.main}</main></body></html>`
  );
}

export function page(status: number, frame: Frame, extraHeaders: Readonly<Record<string, string | readonly string[]>> = {}): Answer {
  return { status, headers: { ...PAGE_HEADERS, ...extraHeaders }, body: html(frame) };
}

/** A page with one message: errors, "signed out", "not signed in". */
export function messagePage(status: number, title: string, paragraphs: readonly string[], extraHeaders: Readonly<Record<string, string | readonly string[]>> = {}): Answer {
  return page(status, { title, main: `<h1>${esc(title)}</h1>${paragraphs.map((p) => `<p>${p}</p>`).join('')}` }, extraHeaders);
}

/** Pretty JSON of a document (a policy), escaped, or the text as it is when it is not JSON. */
export function jsonBlock(text: string): string {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // shown as given
  }
  return `<pre class="doc"><code>${esc(shown)}</code></pre>`;
}

export const STYLESHEET = `
:root{--fg:#16191f;--muted:#5f6b7a;--line:#d5dbdb;--bg:#f2f3f3;--panel:#fff;--accent:#0972d3;--ok:#037f0c;--okbg:#f2fcf3;--bad:#d91515;--badbg:#fff7f7;--focus:#0972d3}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5em}
.skip:focus{left:.5em;z-index:2}
.top{display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:center;background:#232f3e;color:#fff;padding:.6em 1.2em}
.top a{color:#fff}
.top .brand{margin:0;font-weight:700}
.top .muted{color:#d1d5db;font-weight:400}
.top code{background:#37475a;color:#fff}
.who{margin:0;font-size:.9em}
.who dt{display:inline;color:#d1d5db}
.who dd{display:inline;margin:0 1em 0 .3em}
nav ul{list-style:none;margin:0;padding:0;display:flex;gap:1em}
.signout{margin:0 0 0 auto}
.top button{background:transparent;color:#fff;border:1px solid #d1d5db;border-radius:4px;padding:.25em .8em;cursor:pointer;font:inherit}
main{max-width:1200px;margin:1em auto;padding:0 1.2em}
h1{font-size:1.5em;margin:.5em 0}
h2{font-size:1.2em;margin:1.2em 0 .5em}
section,.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:1em 1.2em;margin:0 0 1em}
table{border-collapse:collapse;width:100%;background:var(--panel)}
th,td{text-align:left;padding:.45em .6em;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#fafafa;font-weight:600}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
code{background:#f4f4f4;padding:0 .2em;border-radius:3px;overflow-wrap:anywhere}
pre.doc{background:#f4f4f4;padding:.8em;border-radius:6px;overflow:auto;max-height:30em}
.tags{list-style:none;margin:0;padding:0}
.tags li{display:inline-block;margin:0 .3em .2em 0;background:#eef;border-radius:3px;padding:0 .4em;font-size:.9em}
.state{font-weight:600}
.state-running{color:var(--ok)}.state-stopped,.state-terminated{color:var(--muted)}.state-stopping,.state-pending,.state-shutting-down{color:#8d6605}
.actions{display:flex;gap:.4em;flex-wrap:wrap}
.button,button.primary,button.danger{display:inline-block;border-radius:20px;padding:.3em 1em;border:2px solid var(--accent);background:#fff;color:var(--accent);text-decoration:none;font:inherit;font-weight:600;cursor:pointer}
button.primary{background:var(--accent);color:#fff}
button.danger{background:var(--bad);border-color:var(--bad);color:#fff}
.disabled{color:var(--muted);border-color:var(--line);border:2px solid var(--line);border-radius:20px;padding:.3em 1em}
form.filters{display:flex;flex-wrap:wrap;gap:.6em 1em;align-items:flex-end;margin:0 0 1em}
form.filters label{display:flex;flex-direction:column;font-size:.9em;font-weight:600}
input[type=text],input[type=search],select{font:inherit;padding:.3em .5em;border:1px solid #8c8c94;border-radius:4px;min-width:12em}
.banner{border-radius:8px;padding:.8em 1.2em;margin:0 0 1em;border:2px solid}
.banner.success{border-color:var(--ok);background:var(--okbg)}
.banner.error{border-color:var(--bad);background:var(--badbg)}
.banner .title{font-weight:700;margin:0}
.banner .message{margin:.4em 0 0;word-break:break-word}
.banner code.blob{display:block;word-break:break-all;max-height:4.8em;overflow:auto;margin:.3em 0 0;padding:.3em;font-size:.8em;background:#fff;border:1px solid var(--line)}
details.why{margin-top:.6em;background:#fff;border:1px solid var(--line);border-radius:6px;padding:.4em .8em}
details.why summary{cursor:pointer;font-weight:700;color:var(--accent)}
.why .headline{font-size:1.05em}
.why table{margin:.5em 0}
.mismatch{color:var(--bad);font-weight:700}.match{color:var(--ok);font-weight:700}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1em;margin:0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;word-break:break-word}
.muted{color:var(--muted)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.saml-account{margin:0 0 1em}
.saml-account-name{font-weight:700;margin:.3em 0}
.saml-role{margin:.3em 0 .3em 1em}
fieldset{border:1px solid var(--line);border-radius:8px;padding:1em}
`;
