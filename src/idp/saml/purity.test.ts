// src/idp/saml is pure (DESIGN.md §3 house rules, as for src/policy): no I/O, no clock, no
// randomness. It may read src/saml/ns.js (constants) and take types from src/saml/response.js;
// signing and random IDs stay there.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = import.meta.dirname;
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !/\.(test|bench)\.ts$/.test(f));

const IMPURE: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'reads the clock (Date.now)'],
  [/\bnew Date\s*\(\s*\)/, 'reads the clock (new Date())'],
  [/\bperformance\.now\s*\(/, 'reads the clock'],
  [/\bMath\.random\s*\(/, 'reads randomness'],
  [/\brandom(Bytes|UUID|Int|Fill)\b|getRandomValues/, 'reads randomness'],
  [/\bprocess\./, 'touches the process'],
  [/\bfetch\s*\(/, 'does network I/O'],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, 'schedules work'],
  [/\brequire\s*\(|\bimport\s*\(/, 'loads code dynamically'],
];

describe('src/idp/saml is a pure core', () => {
  it('holds the modules it should', () => {
    expect(files.sort()).toEqual(['claims.ts', 'errors.ts', 'index.ts', 'override-policy.ts', 'precedence.ts', 'response-spec.ts', 'settings.ts']);
  });

  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    it(`${file} reads no clock, randomness, process or network`, () => {
      for (const [pattern, what] of IMPURE) expect(pattern.test(text), `${file} ${what}`).toBe(false);
    });
    it(`${file} imports only its siblings, saml/ns.js, and types from saml/response.js`, () => {
      for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'";]*?from\s*['"]([^'"]+)['"]/gm)) {
        const [, , typeOnly, specifier] = m as unknown as [string, string, string | undefined, string];
        if (specifier.startsWith('./')) continue;
        if (specifier === '../../saml/ns.js') continue;
        expect(specifier === '../../saml/response.js' && typeOnly !== undefined, `${file} imports ${specifier}`).toBe(true);
      }
    });
  }
});
