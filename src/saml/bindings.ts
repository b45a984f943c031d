// SAML 2.0 bindings at the IdP: HTTP-POST (base64) and HTTP-Redirect (base64 of raw DEFLATE) encode
// and decode, the RelayState limit, and the auto-posting HTML form of reference/auth0.md §5.4. It
// must never inflate without an output cap (deflate bombs, S41) and never put an unescaped value into
// HTML (S45).

import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** S41: the raw `SAMLRequest` query value a browser can carry; AuthnRequests are a few hundred bytes. */
export const MAX_REDIRECT_PARAM_LENGTH = 8 * 1024;
export const DEFAULT_MAX_INFLATED_BYTES = 64 * 1024;
/** HTTP-POST `SAMLRequest`/`SAMLResponse` form value (base64), as the verifier's own cap. */
export const MAX_POST_PARAM_LENGTH = 100_000;
/** SAML Bindings §3.4.3 / §3.5.3: "RelayState data MUST NOT exceed 80 bytes in length". */
export const RELAY_STATE_MAX_BYTES = 80;

export type BindingErrorCode =
  | 'ERR_SAML_BINDING_SIZE'
  | 'ERR_SAML_BINDING_BASE64'
  | 'ERR_SAML_BINDING_INFLATE'
  | 'ERR_SAML_DEFLATE_BOMB'
  | 'ERR_SAML_BINDING_UTF8'
  | 'ERR_SAML_BINDING_NOT_XML'
  | 'ERR_SAML_RELAYSTATE_TOO_LONG'
  | 'ERR_SAML_BINDING_ACTION'
  | 'ERR_SAML_BINDING_FIELDS';

/** A malformed or hostile binding message: always the sender's fault (HTTP 400). */
export class SamlBindingError extends Error {
  readonly httpStatus = 400;
  constructor(
    readonly code: BindingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SamlBindingError';
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function strictBase64(value: string, what: string): Buffer {
  // CR/LF are tolerated: some SPs wrap base64 at 76 columns.
  const compact = value.replace(/[\r\n]/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new SamlBindingError('ERR_SAML_BINDING_BASE64', `${what} is not base64`);
  }
  return Buffer.from(compact, 'base64');
}

function utf8Xml(bytes: Buffer, what: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SamlBindingError('ERR_SAML_BINDING_UTF8', `${what} is not UTF-8`);
  }
  // L-samlp tells the bindings apart by the first byte `<`; anything else (zlib-wrapped, gzip,
  // double-deflated data) is not a SAML message.
  if (!text.trimStart().startsWith('<')) throw new SamlBindingError('ERR_SAML_BINDING_NOT_XML', `${what} is not XML`);
  return text;
}

/** HTTP-POST: base64 of the UTF-8 XML, no line wrapping (Auth0: `Buffer#toString('base64')`). */
export function encodePostBinding(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}

/** HTTP-POST in: the form value → XML text (not yet parsed or trusted). */
export function decodePostParam(value: string, maxLength: number = MAX_POST_PARAM_LENGTH): string {
  if (value.length > maxLength) throw new SamlBindingError('ERR_SAML_BINDING_SIZE', `POST parameter longer than ${maxLength} characters`);
  return utf8Xml(strictBase64(value, 'POST parameter'), 'POST parameter');
}

/** HTTP-Redirect out: base64(raw DEFLATE(UTF-8 XML)); the caller URL-encodes it into the query. */
export function encodeRedirectParam(xml: string): string {
  return deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');
}

/**
 * HTTP-Redirect in: the (already URL-decoded) `SAMLRequest`/`SAMLResponse` value → XML text.
 * S41 deflate bomb (ruby-saml CVE-2025-25293, CWE-409): the input length is capped, and zlib stops
 * inflating at `maxInflatedBytes`, so a 50 MB bomb costs at most that much memory and fails fast.
 */
export function decodeRedirectParam(value: string, maxInflatedBytes: number = DEFAULT_MAX_INFLATED_BYTES): string {
  if (value.length > MAX_REDIRECT_PARAM_LENGTH) {
    throw new SamlBindingError('ERR_SAML_BINDING_SIZE', `redirect parameter longer than ${MAX_REDIRECT_PARAM_LENGTH} characters`);
  }
  const compressed = strictBase64(value, 'redirect parameter');
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(compressed, { maxOutputLength: maxInflatedBytes });
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new SamlBindingError('ERR_SAML_DEFLATE_BOMB', `redirect parameter inflates past ${maxInflatedBytes} bytes`);
    }
    throw new SamlBindingError('ERR_SAML_BINDING_INFLATE', 'redirect parameter is not raw DEFLATE data');
  }
  return utf8Xml(inflated, 'redirect parameter');
}

/**
 * RelayState as received or as a rule set it: refused above 80 bytes (SAML bindings; S45 also keeps
 * a 10 KB payload out of the form). Absent → `''` (Auth0 always posts the field).
 */
export function checkRelayState(value: string | undefined, maxBytes: number = RELAY_STATE_MAX_BYTES): string {
  if (value === undefined) return '';
  if (Buffer.byteLength(value, 'utf8') > maxBytes) {
    throw new SamlBindingError('ERR_SAML_RELAYSTATE_TOO_LONG', `RelayState longer than ${maxBytes} bytes`);
  }
  return value;
}

// ---------------------------------------------------------------- the auto-posting form

/** The one script of the page (L-samlp `form.ejs`); its hash is the only script CSP allows. */
export const AUTO_POST_SCRIPT = 'window.setTimeout(function(){document.forms[0].submit();}, 0);';
const AUTO_POST_SCRIPT_HASH = `sha256-${createHash('sha256').update(AUTO_POST_SCRIPT, 'utf8').digest('base64')}`;
/**
 * No other script, style, image or frame may load; the page cannot be framed (clickjacking) or
 * re-based. No `form-action`: browsers also apply it to the ACS's own redirects after the POST.
 */
export const AUTO_POST_CSP = `default-src 'none'; script-src '${AUTO_POST_SCRIPT_HASH}'; base-uri 'none'; frame-ancestors 'none'`;

export interface AutoPostFields {
  readonly SAMLResponse?: string;
  readonly SAMLRequest?: string;
  readonly RelayState?: string;
}

export interface AutoPostForm {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** HTML attribute escaping for `& < > " '` (OWASP rule #2), enough for a quoted attribute value. */
export function escapeHtmlAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The page that carries a SAML message to `action` (auth0.md §5.4): title `Working...`, form
 * `hiddenform`, hidden inputs, a noscript button, the auto-submit script. S45: the action must be an
 * http(s) URL (no `javascript:` or `data:`), every value is attribute-escaped, RelayState ≤ 80 bytes.
 */
export function autoPostForm(input: { readonly action: string; readonly fields: AutoPostFields }): AutoPostForm {
  const { action, fields } = input;
  let url: URL;
  try {
    url = new URL(action);
  } catch {
    throw new SamlBindingError('ERR_SAML_BINDING_ACTION', 'form action is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SamlBindingError('ERR_SAML_BINDING_ACTION', 'form action must be an http or https URL');
  }
  const hasResponse = fields.SAMLResponse !== undefined;
  if (hasResponse === (fields.SAMLRequest !== undefined)) {
    throw new SamlBindingError('ERR_SAML_BINDING_FIELDS', 'exactly one of SAMLResponse and SAMLRequest is posted');
  }
  const name = hasResponse ? 'SAMLResponse' : 'SAMLRequest';
  const message = (hasResponse ? fields.SAMLResponse : fields.SAMLRequest) as string;
  const relayState = checkRelayState(fields.RelayState);
  const body =
    '<html><head><title>Working...</title></head><body>' +
    `<form method="post" name="hiddenform" action="${escapeHtmlAttribute(action)}">` +
    `<input type="hidden" name="${name}" value="${escapeHtmlAttribute(message)}">` +
    `<input type="hidden" name="RelayState" value="${escapeHtmlAttribute(relayState)}">` +
    '<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript>' +
    '</form>' +
    `<script>${AUTO_POST_SCRIPT}</script>` +
    '</body></html>';
  return {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Content-Security-Policy': AUTO_POST_CSP,
    },
    body,
  };
}
