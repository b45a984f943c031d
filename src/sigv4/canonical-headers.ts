// CanonicalHeaders and the header facts verification needs (which names are present, the values of one
// name). Header names compare case-insensitively; values are never re-cased.

/** Request headers grouped by lowercase name, values in arrival order. */
export type HeaderIndex = ReadonlyMap<string, readonly string[]>;

export function indexHeaders(headers: ReadonlyArray<readonly [string, string]>): HeaderIndex {
  const index = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const values = index.get(key);
    if (values === undefined) index.set(key, [value]);
    else values.push(value);
  }
  return index;
}

// An obs-fold (RFC 7230 §3.2.4): a line break followed by spaces or tabs inside a received value.
const OBS_FOLD_RE = /\r?\n[ \t]+/;
const WHITESPACE_RUN_RE = /[ \t\r\n]+/g;

/**
 * [DOC UG:create-signed-request] "trim any leading or trailing spaces, convert sequential spaces to a
 * single space" (aws-sig-v4-test-suite get-header-value-trim: `"a   b   c"` → `"a b c"`). A folded value
 * counts as one value per line, joined by `,` as repeated headers are: that is what the suite's
 * get-header-value-multiline expects (`value1\n  value2\n     value3` → `value1,value2,value3`).
 */
export function canonicalHeaderValue(value: string): string {
  if (OBS_FOLD_RE.test(value)) {
    let out = '';
    const lines = value.split(OBS_FOLD_RE);
    for (let i = 0; i < lines.length; i++) out += (i === 0 ? '' : ',') + trimAll(lines[i] as string);
    return out;
  }
  return trimAll(value);
}

function trimAll(value: string): string {
  return value.trim().replace(WHITESPACE_RUN_RE, ' ');
}

/**
 * `name:value\n` for each signed header, in the (already sorted) SignedHeaders order; repeated headers
 * joined with `,` in arrival order [DOC; suite get-header-key-duplicate, get-header-value-order].
 * Returns the first signed name the request lacks instead, when one does (security.md V6).
 */
export function getCanonicalHeaders(
  index: HeaderIndex,
  signedHeaders: readonly string[],
): { readonly ok: true; readonly text: string } | { readonly ok: false; readonly absent: string } {
  let text = '';
  for (const name of signedHeaders) {
    const values = index.get(name);
    if (values === undefined) return { ok: false, absent: name };
    let joined = '';
    for (let i = 0; i < values.length; i++) joined += (i === 0 ? '' : ',') + canonicalHeaderValue(values[i] as string);
    text += `${name}:${joined}\n`;
  }
  return { ok: true, text };
}
