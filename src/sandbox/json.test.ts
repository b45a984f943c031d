import { describe, expect, it } from 'vitest';
import { isJsonValue, jsonDepth, MAX_JSON_DEPTH, parseUntrustedJson } from './json.js';

describe('parseUntrustedJson', () => {
  it('drops __proto__, constructor and prototype keys at every depth', () => {
    const r = parseUntrustedJson('{"__proto__":{"isAdmin":true},"a":{"constructor":{"prototype":{"x":1}},"prototype":2,"ok":3}}', 1024);
    expect(r).toEqual({ ok: true, value: { a: { ok: 3 } } });
    if (!r.ok) return;
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    expect(Object.keys(r.value as object)).toEqual(['a']);
  });

  it('gives exactly what JSON.parse with a reviver dropping those keys gives (arrays, nesting, escaped key spellings)', () => {
    const revive = (k: string, v: unknown): unknown => (k === '__proto__' || k === 'constructor' || k === 'prototype' ? undefined : v);
    const texts = [
      '[{"__proto__":{"polluted":1}},[{"constructor":{"prototype":{"x":1}}}],{"a":[{"prototype":null,"b":[{"__proto__":[]}]}]}]',
      '{"\\u005f_proto__":1,"\u005f_proto__":{"x":1},"construct\u006fr":2,"keep":{"__proto__x":1,"Prototype":2}}',
      '{"__proto__":1,"__proto__":2,"a":{"constructor":1,"constructor":{"z":1}}}',
      '"__proto__"', '[]', '{}', 'null', '[1,"constructor",{"k":"prototype"}]',
    ];
    for (const t of texts) {
      const r = parseUntrustedJson(t, 1e6);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(JSON.stringify(r.value)).toBe(JSON.stringify(JSON.parse(t, revive)));
      expect(r.value).toEqual(JSON.parse(t, revive));
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses text over the byte cap, counting UTF-8 bytes', () => {
    expect(parseUntrustedJson(`"${'a'.repeat(100)}"`, 50)).toMatchObject({ ok: false });
    // 30 characters, 90 bytes
    expect(parseUntrustedJson(`"${'€'.repeat(30)}"`, 60)).toMatchObject({ ok: false, reason: expect.stringContaining('bytes') });
    expect(parseUntrustedJson(`"${'€'.repeat(30)}"`, 100)).toMatchObject({ ok: true });
  });

  it('refuses nesting deeper than the cap before parsing', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(parseUntrustedJson(deep, 1e6)).toMatchObject({ ok: false, reason: expect.stringContaining('deeper') });
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(parseUntrustedJson(ok, 1e6)).toMatchObject({ ok: true });
  });

  it('ignores brackets inside strings when measuring depth', () => {
    expect(jsonDepth('{"a":"[[[[\\"]]]"}')).toBe(1);
  });

  it('fails closed on malformed JSON and non-strings', () => {
    expect(parseUntrustedJson('{"a":', 100)).toMatchObject({ ok: false, reason: expect.stringContaining('not JSON') });
    expect(parseUntrustedJson(42 as unknown as string, 100)).toMatchObject({ ok: false });
  });
});

describe('isJsonValue', () => {
  it('accepts plain data and refuses functions, class instances, non-finite numbers and prototype keys', () => {
    expect(isJsonValue({ a: [1, 'x', null, true, { b: {} }] })).toBe(true);
    expect(isJsonValue({ f: () => 1 })).toBe(false);
    expect(isJsonValue(new Date())).toBe(false);
    expect(isJsonValue(Number.NaN)).toBe(false);
    expect(isJsonValue(JSON.parse('{"__proto__":1}'))).toBe(false);
    expect(isJsonValue(undefined)).toBe(false);
  });
});
