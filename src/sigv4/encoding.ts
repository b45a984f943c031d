// RFC 3986 percent-encoding as SigV4 uses it, and the two hash primitives. Never throws on any input
// string (lone surrogates encode as U+FFFD's bytes, as a UTF-8 encoder does).

import { Buffer } from 'node:buffer';
import * as nodeCrypto from 'node:crypto';

// SigV4 "UriEncode": every byte except the unreserved `A-Z a-z 0-9 - . _ ~` becomes `%XX`, hex uppercase,
// space as `%20` (never `+`) [DOC UG:create-signed-request, "URI-encode each parameter name and value"].
const UNRESERVED_RE = /^[A-Za-z0-9\-._~]*$/;
const HEX = '0123456789ABCDEF';

/** 1 for the unreserved ASCII bytes, 0 otherwise; indexed by byte. */
const UNRESERVED = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9\-._~]/.test(ch)) UNRESERVED[c] = 1;
}

function pct(byte: number): string {
  return `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

/** Percent-encodes the UTF-8 bytes of `text`, keeping the unreserved characters. */
export function uriEscape(text: string): string {
  if (UNRESERVED_RE.test(text)) return text;
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (const b of bytes) out += UNRESERVED[b] === 1 ? String.fromCharCode(b) : pct(b);
  return out;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/**
 * Brings one raw query-string component (as on the wire) to SigV4's canonical encoding without decoding
 * it to text first, so no input can fail: a valid `%XX` keeps its byte (decoded when unreserved, hex
 * uppercased otherwise); every other character — a bare `%`, `+`, `=`, a raw non-ASCII character — is
 * encoded from its UTF-8 bytes. For what clients send this equals "decode, then UriEncode"; `+` is a
 * literal plus (RFC 3986), as the SDKs, which always send a space as `%20`, intend it.
 */
export function normalizeQueryComponent(raw: string): string {
  if (UNRESERVED_RE.test(raw)) return raw;
  let out = '';
  const n = raw.length;
  let i = 0;
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c === 37 /* % */ && i + 2 < n) {
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        const byte = (hi << 4) | lo;
        out += UNRESERVED[byte] === 1 ? String.fromCharCode(byte) : pct(byte);
        i += 3;
        continue;
      }
    }
    if (c < 128) {
      out += UNRESERVED[c] === 1 ? raw[i] : pct(c);
      i += 1;
      continue;
    }
    // A non-ASCII code point (one or two UTF-16 units): encode its UTF-8 bytes.
    const cp = raw.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    for (const b of Buffer.from(raw.slice(i, i + width), 'utf8')) out += pct(b);
    i += width;
  }
  return out;
}

// crypto.hash (Node >= 20.12) hashes in one call, about three times faster than createHash for the small
// inputs of SigV4; package.json still admits Node 20.11, which lacks it (hence the namespace import).
const oneShotHash = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

/** Lowercase hex SHA-256 (a string is hashed as UTF-8). */
export function sha256Hex(data: string | Uint8Array): string {
  if (oneShotHash !== undefined) return oneShotHash('sha256', data, 'hex');
  return nodeCrypto.createHash('sha256').update(data).digest('hex');
}

export function hmac(key: string | Uint8Array, data: string): Buffer {
  return nodeCrypto.createHmac('sha256', key).update(data, 'utf8').digest();
}
