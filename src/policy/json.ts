// A JSON reader that keeps each value's source offsets and JSON path, so policy errors name
// `Statement[1].Condition` and simulations report AWS's StartPosition/EndPosition. Pure; no I/O.
// It refuses duplicate object keys: a repeated `Condition` key would silently drop a constraint.

export type JsonNode =
  | { kind: 'object'; entries: JsonEntry[]; start: number; end: number }
  | { kind: 'array'; items: JsonNode[]; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'number'; value: number; raw: string; start: number; end: number }
  | { kind: 'boolean'; value: boolean; start: number; end: number }
  | { kind: 'null'; start: number; end: number };

export interface JsonEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly value: JsonNode;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

const MAX_DEPTH = 64;

/** Parses `text` as strict JSON (RFC 8259). `end` offsets are exclusive. */
export function parseJson(text: string): JsonNode {
  let i = 0;
  const n = text.length;

  function fail(message: string): never {
    throw new JsonSyntaxError(message, i);
  }
  function skipWs(): void {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  }
  function parseString(): string {
    // INVARIANT: text[i] === '"'
    i++;
    let out = '';
    let runStart = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(runStart, i);
        i++;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(runStart, i);
        i++;
        const e = text[i];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = text.slice(i + 1, i + 5);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid unicode escape');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail('invalid escape in string');
        }
        i++;
        runStart = i;
        continue;
      }
      if (c < 0x20) fail('control character in string');
      i++;
    }
    return fail('unterminated string');
  }
  function parseValue(depth: number): JsonNode {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    skipWs();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: JsonEntry[] = [];
      const seen = new Set<string>();
      skipWs();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries, start, end: i };
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail('expected a string key');
        const keyStart = i;
        const key = parseString();
        if (seen.has(key)) {
          i = keyStart;
          fail(`duplicate key \`${key}\``);
        }
        seen.add(key);
        skipWs();
        if (text[i] !== ':') fail('expected `:`');
        i++;
        const value = parseValue(depth + 1);
        entries.push({ key, keyStart, value });
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', entries, start, end: i };
        }
        fail('expected `,` or `}`');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      skipWs();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', items, start, end: i };
      }
      for (;;) {
        items.push(parseValue(depth + 1));
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', items, start, end: i };
        }
        fail('expected `,` or `]`');
      }
    }
    if (c === '"') {
      const value = parseString();
      return { kind: 'string', value, start, end: i };
    }
    if (c === 't' && text.startsWith('true', i)) {
      i += 4;
      return { kind: 'boolean', value: true, start, end: i };
    }
    if (c === 'f' && text.startsWith('false', i)) {
      i += 5;
      return { kind: 'boolean', value: false, start, end: i };
    }
    if (c === 'n' && text.startsWith('null', i)) {
      i += 4;
      return { kind: 'null', start, end: i };
    }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const num = m.exec(text);
    if (num !== null && num[0].length > 0) {
      i += num[0].length;
      return { kind: 'number', value: Number(num[0]), raw: num[0], start, end: i };
    }
    return fail(i >= n ? 'unexpected end of document' : `unexpected character \`${text[i]}\``);
  }

  const root = parseValue(0);
  skipWs();
  if (i !== n) fail('unexpected text after the document');
  return root;
}

/** 1-based line, 1-based column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
