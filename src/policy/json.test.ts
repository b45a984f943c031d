import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, lineColumn, parseJson } from './json.js';

describe('parseJson', () => {
  it('keeps source offsets of every value', () => {
    const text = '{"a": [1, "x"], "b": {"c": true}}';
    const root = parseJson(text);
    if (root.kind !== 'object') throw new Error('object expected');
    const a = root.entries[0]!.value;
    expect(text.slice(a.start, a.end)).toBe('[1, "x"]');
    const b = root.entries[1]!.value;
    expect(text.slice(b.start, b.end)).toBe('{"c": true}');
  });

  it('refuses a repeated key, which would silently drop a condition', () => {
    expect(() => parseJson('{"StringEquals": {"a:b": "1"}, "StringEquals": {"a:b": "2"}}')).toThrow(/duplicate key `StringEquals`/);
  });

  it('decodes escapes and keeps number text', () => {
    const root = parseJson('{"s": "a\\u0041\\n", "n": 1.50}');
    if (root.kind !== 'object') throw new Error('object expected');
    expect(root.entries[0]!.value).toMatchObject({ kind: 'string', value: 'aA\n' });
    expect(root.entries[1]!.value).toMatchObject({ kind: 'number', raw: '1.50', value: 1.5 });
  });

  it.each(['{', '{"a":}', '[1,]', '{"a":1} x', "{'a':1}", '{"a":01}', '"\u0001"', '{"a":tru}'])('rejects %j', (bad) => {
    expect(() => parseJson(bad)).toThrow(JsonSyntaxError);
  });

  it('refuses nesting deeper than 64 levels instead of exhausting the stack', () => {
    expect(() => parseJson('['.repeat(10_000))).toThrow(/too deep/);
  });

  it('maps offsets to 1-based lines and columns', () => {
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
