import { describe, expect, it } from 'vitest';
import { compileWildcard, matchesValue, valueMatch } from './wildcard.js';

// EC2 User Guide, "List and filter your resources": `*` matches zero or more characters, `?` zero
// or one character, and a backslash escapes them (`\*amazon\?\\` matches `*amazon?\`).
const CASES: [pattern: string, value: string, matches: boolean][] = [
  ['web*', 'web', true],
  ['web*', 'website', true],
  ['web*', 'Website', false],
  ['*site', 'website', true],
  ['*', '', true],
  ['', '', true],
  ['', 'x', false],
  ['a?c', 'abc', true],
  ['a?c', 'ac', true],
  ['a?c', 'abbc', false],
  ['a??c', 'ac', true],
  ['a??c', 'abbc', true],
  ['a??c', 'abbbc', false],
  ['*a*b', 'xaxxb', true],
  ['*a*b', 'xaxxbc', false],
  ['\\*amazon\\?\\\\', '*amazon?\\', true],
  ['\\*amazon\\?\\\\', 'xamazon?\\', false],
  ['trailing\\', 'trailing\\', true],
  ['é?', 'éü', true],
  ['?', '😀', true],
  ['a**b', 'ab', true],
];

describe('EC2 filter wildcards', () => {
  for (const [pattern, value, matches] of CASES) {
    it(`${matches ? 'matches' : 'does not match'} \`${value}\` against \`${pattern}\``, () => {
      expect(compileWildcard(pattern)(value)).toBe(matches);
      expect(matchesValue({ wildcard: pattern }, value)).toBe(matches);
    });
  }

  it('reads a raw filter value as exact unless it holds an unescaped wildcard', () => {
    expect(valueMatch('marketing')).toEqual({ equals: 'marketing' });
    expect(valueMatch('web*')).toEqual({ wildcard: 'web*' });
    expect(valueMatch('a?')).toEqual({ wildcard: 'a?' });
    expect(valueMatch('\\*literal\\?')).toEqual({ equals: '*literal?' });
    expect(valueMatch('back\\\\slash')).toEqual({ equals: 'back\\slash' });
    expect(valueMatch('\\\\*')).toEqual({ wildcard: '\\\\*' });
  });

  it('matches a hostile pattern in linear time (no backtracking, CWE-1333)', () => {
    const pattern = `${'*a'.repeat(100)}b`;
    const value = 'a'.repeat(5000);
    const t = performance.now();
    expect(compileWildcard(pattern)(value)).toBe(false);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
