// JSON values and the one way the host reads JSON that came out of a sandbox: size-capped, depth-capped,
// parsed, then stripped of every `__proto__`/`constructor`/`prototype` key (prototype pollution, CWE-1321).
// Never use bare JSON.parse on sandbox output.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Keys a sandbox may never hand to the host: each can rewire a prototype when merged (security.md §5.2.4). */
const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Nesting allowed in sandbox output: enough for any profile, small enough that no host recursion overflows. */
export const MAX_JSON_DEPTH = 64;

export type ParsedJson = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly reason: string };

/**
 * Deletes every own `__proto__`/`constructor`/`prototype` key, at any depth, of a value JSON.parse just
 * built: what a reviver returning undefined for those keys leaves (JSON.parse creates them as plain own
 * properties — it never runs the `__proto__` setter — and a reviver deletes them afterwards), at a
 * fraction of the cost (a reviver is a call per value: 14 µs of a 1.5 kB result frame against 4 µs for
 * the parse). Recursion depth is bounded by the jsonDepth check that runs first.
 */
function dropDangerousKeys(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) dropDangerousKeys(value[i]);
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const k of DANGEROUS_KEYS) if (Object.hasOwn(obj, k)) delete obj[k];
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) dropDangerousKeys(obj[keys[i] as string]);
}

/**
 * Nesting depth of JSON text, counted without parsing (strings skipped), so a 64 KB `[[[[…` is refused
 * before V8's recursive reviver walks it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Parses untrusted JSON text: byte cap, depth cap, reviver. Fails closed with a reason, never throws. */
export function parseUntrustedJson(text: string, maxBytes: number): ParsedJson {
  if (typeof text !== 'string') return { ok: false, reason: 'output is not a string' };
  // A UTF-16 length above the cap implies more bytes than the cap: refuse before measuring.
  if (text.length > maxBytes) return { ok: false, reason: `output exceeds ${maxBytes} bytes` };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) return { ok: false, reason: `output of ${bytes} bytes exceeds ${maxBytes} bytes` };
  if (jsonDepth(text) > MAX_JSON_DEPTH) return { ok: false, reason: `output nests deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    const value = JSON.parse(text) as JsonValue;
    dropDangerousKeys(value);
    return { ok: true, value };
  } catch (e) {
    return { ok: false, reason: `output is not JSON: ${e instanceof Error ? e.message : 'parse error'}` };
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True when `value` is plain JSON data (what JSON.parse could have produced) within the depth cap.
 * Used on values the host did not parse itself.
 */
export function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (depth > MAX_JSON_DEPTH) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (const v of value) if (!isJsonValue(v, depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k of Object.keys(value)) {
        if (DANGEROUS_KEYS.has(k)) return false;
        if (!isJsonValue((value as Record<string, unknown>)[k], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
