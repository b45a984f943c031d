// Child side of the `require` facades that need Node: hashing, randomness, the WHATWG and legacy URL
// parsers. One entry point takes a JSON request string from an isolate and returns a JSON response string;
// every field is checked here, nothing but strings and numbers goes back, and nothing here ever throws
// into the isolate (a host exception is a route out of it: security.md §5.3 X3).

import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { format as legacyFormat, parse as legacyParse, resolve as legacyResolve } from 'node:url';
import { MAX_FACADE_BYTES } from './limits.js';

const HASHES: ReadonlySet<string> = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
const IN_ENCODINGS: ReadonlySet<string> = new Set(['utf8', 'utf-8', 'hex', 'base64', 'base64url', 'latin1', 'binary', 'ascii']);
const OUT_ENCODINGS: ReadonlySet<string> = new Set(['hex', 'base64', 'base64url', 'latin1', 'binary']);
const TO_STRING_ENCODINGS: ReadonlySet<string> = new Set([...OUT_ENCODINGS, 'utf8', 'utf-8', 'ascii', 'ucs2', 'utf16le']);
const URL_SETTABLE: ReadonlySet<string> = new Set(['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash']);
const LEGACY_FIELDS = ['protocol', 'slashes', 'auth', 'host', 'port', 'hostname', 'hash', 'search', 'query', 'pathname', 'path', 'href'] as const;
const FORMAT_FIELDS: ReadonlySet<string> = new Set(['protocol', 'auth', 'host', 'hostname', 'port', 'pathname', 'search', 'hash', 'slashes']);
/** URLs longer than this are not logins' business. */
const MAX_URL_CHARS = 65_536;

type Reply = { value: unknown } | { error: string; type: 'type' | 'range' | 'error' };

class FacadeError extends Error {
  constructor(message: string, readonly type: 'type' | 'range' | 'error' = 'type') {
    super(message);
  }
}

function str(req: Record<string, unknown>, key: string, max = MAX_URL_CHARS): string {
  const v = req[key];
  if (typeof v !== 'string') throw new FacadeError(`\`${key}\` must be a string`);
  if (v.length > max) throw new FacadeError(`\`${key}\` is too long`, 'range');
  return v;
}

function bytesOf(p: unknown): Buffer {
  if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string' || typeof p[1] !== 'string' || !IN_ENCODINGS.has(p[0])) {
    throw new FacadeError('malformed hash input');
  }
  return Buffer.from(p[1], p[0] as BufferEncoding);
}

function urlFields(u: URL): Record<string, string> {
  return {
    href: u.href, origin: u.origin, protocol: u.protocol, username: u.username, password: u.password, host: u.host,
    hostname: u.hostname, port: u.port, pathname: u.pathname, search: u.search, hash: u.hash,
  };
}

function parseUrl(input: string, base?: string): URL {
  try {
    return base === undefined ? new URL(input) : new URL(input, base);
  } catch {
    throw new FacadeError('Invalid URL');
  }
}

function dispatch(req: Record<string, unknown>): unknown {
  switch (req['op']) {
    case 'digest': {
      const alg = req['alg'];
      const enc = req['enc'];
      const parts = req['parts'];
      if (typeof alg !== 'string' || !HASHES.has(alg)) throw new FacadeError('Digest method not supported', 'error');
      if (typeof enc !== 'string' || !OUT_ENCODINGS.has(enc)) throw new FacadeError('Unknown encoding');
      if (!Array.isArray(parts)) throw new FacadeError('malformed hash input');
      const h = req['key'] === null ? createHash(alg) : createHmac(alg, bytesOf(req['key']));
      let size = 0;
      for (const p of parts) {
        const b = bytesOf(p);
        size += b.length;
        if (size > MAX_FACADE_BYTES) throw new FacadeError(`hash input is larger than ${MAX_FACADE_BYTES} bytes`, 'range');
        h.update(b);
      }
      return h.digest((enc === 'latin1' ? 'binary' : enc) as 'hex' | 'base64' | 'base64url' | 'binary');
    }
    case 'randomBytes': {
      const size = req['size'];
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > 65_536) throw new FacadeError('size out of range', 'range');
      return randomBytes(size).toString('hex');
    }
    case 'randomUUID':
      return randomUUID();
    case 'bytesToString': {
      const hex = str(req, 'hex', 2 * MAX_FACADE_BYTES);
      const enc = str(req, 'enc', 16);
      if (!TO_STRING_ENCODINGS.has(enc)) throw new FacadeError(`Unknown encoding: ${enc}`);
      return Buffer.from(hex, 'hex').toString(enc as BufferEncoding);
    }
    case 'urlParse': {
      const base = req['base'];
      if (base !== null && typeof base !== 'string') throw new FacadeError('`base` must be a string');
      if (typeof base === 'string' && base.length > MAX_URL_CHARS) throw new FacadeError('`base` is too long', 'range');
      return urlFields(parseUrl(str(req, 'input'), base ?? undefined));
    }
    case 'urlSet': {
      const u = parseUrl(str(req, 'href'));
      const prop = str(req, 'prop', 16);
      if (!URL_SETTABLE.has(prop)) throw new FacadeError('unknown URL property');
      const value = str(req, 'value');
      if (prop === 'href') return urlFields(parseUrl(value));
      (u as unknown as Record<string, string>)[prop] = value;
      return urlFields(u);
    }
    case 'urlLegacyParse': {
      let parsed: ReturnType<typeof legacyParse>;
      try {
        parsed = legacyParse(str(req, 'input'), false, req['slashesDenoteHost'] === true);
      } catch (e) {
        throw new FacadeError(e instanceof Error ? e.message : 'Invalid URL');
      }
      const out: Record<string, string | boolean | null> = {};
      for (const k of LEGACY_FIELDS) {
        const v: unknown = parsed[k];
        out[k] = typeof v === 'string' || typeof v === 'boolean' ? v : null;
      }
      return out;
    }
    case 'urlFormat': {
      const fields = req['fields'];
      if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new FacadeError('`fields` must be an object');
      const clean: Record<string, string | boolean> = {};
      for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
        if (!FORMAT_FIELDS.has(k)) continue;
        if (k === 'slashes' ? typeof v === 'boolean' : typeof v === 'string' && v.length <= MAX_URL_CHARS) clean[k] = v as string | boolean;
      }
      return legacyFormat(clean);
    }
    case 'urlResolve':
      return legacyResolve(str(req, 'from'), str(req, 'to'));
    default:
      throw new FacadeError('unknown facade operation', 'error');
  }
}

/** The one host function a tenant's `require` facades can reach. Never throws. */
export function facadeCall(requestJson: unknown): string {
  let reply: Reply;
  try {
    if (typeof requestJson !== 'string' || requestJson.length > 4 * MAX_FACADE_BYTES) throw new FacadeError('malformed request');
    const req: unknown = JSON.parse(requestJson);
    if (typeof req !== 'object' || req === null || Array.isArray(req)) throw new FacadeError('malformed request');
    reply = { value: dispatch(req as Record<string, unknown>) };
  } catch (e) {
    reply = e instanceof FacadeError ? { error: e.message, type: e.type } : { error: 'facade failed', type: 'error' };
  }
  return JSON.stringify(reply);
}
