import { describe, expect, it } from 'vitest';
import { addonSettingsToJson, parseAddonSettings } from './settings.js';

describe('parseAddonSettings (reference/auth0.md §2.1–§2.3)', () => {
  it('keeps `//` and `/*` inside strings: only comments outside strings are removed', () => {
    const result = parseAddonSettings('{ "audience": "https://sp.example//a/*b*/", "issuer": "urn:x\\"//y" } // trailing');
    expect(result).toEqual({ ok: true, settings: { audience: 'https://sp.example//a/*b*/', issuer: 'urn:x"//y' }, warnings: [] });
  });

  it('refuses an unterminated block comment', () => {
    expect(parseAddonSettings('{ /* "audience": "x" }')).toEqual({ ok: false, errors: [{ path: '', message: 'settings text has an unterminated comment' }] });
  });

  it('reads `undefined` and empty text as empty settings', () => {
    expect(parseAddonSettings(undefined)).toEqual({ ok: true, settings: {}, warnings: [] });
    expect(parseAddonSettings('  // nothing\n')).toEqual({ ok: true, settings: {}, warnings: [] });
  });

  it('gives back the Management API shape, unknown fields where they were written', () => {
    const input = { audience: 'urn:sp', logout: { callback: 'https://sp.example/slo', url: 'x' }, RelayState: '/r', fooBar: [1] };
    const parsed = parseAddonSettings(input);
    if (!parsed.ok) throw new Error('refused');
    expect(addonSettingsToJson(parsed.settings)).toEqual(input);
  });

  it('never lets a `__proto__` key of the settings text reach a prototype', () => {
    const parsed = parseAddonSettings('{"__proto__": {"polluted": true}, "mappings": {"__proto__": "X"}}');
    expect(parsed.ok).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    if (parsed.ok) expect(Object.keys(parsed.settings.mappings ?? {})).toEqual(['__proto__']);
  });
});
