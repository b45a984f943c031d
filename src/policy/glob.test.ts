import { describe, expect, it } from 'vitest';
import { compileGlob, globFromTokens, globMatch, STAR } from './glob.js';

describe('glob', () => {
  const cases: [string, string, boolean][] = [
    ['*', '', true],
    ['*', 'anything', true],
    ['ec2:Start*', 'ec2:StartInstances', true],
    ['ec2:Start*', 'ec2:StopInstances', false],
    ['ec2:*Instances', 'ec2:StopInstances', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['*a*a*a*a*a*a*b', 'a'.repeat(2000), false],
    ['abc', 'abc', true],
    ['abc', 'ABC', false],
    ['', '', true],
    ['', 'x', false],
    ['**', 'x', true],
    ['?*', '', false],
    ['*?', 'x', true],
  ];
  for (const [p, v, want] of cases) {
    it(`${JSON.stringify(p)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(v).slice(0, 30)}`, () => {
      expect(globMatch(compileGlob(p), v)).toBe(want);
    });
  }

  it('treats literal tokens as text even when they contain wildcard characters', () => {
    const g = globFromTokens(['prefix/', '*', STAR]);
    expect(globMatch(g, 'prefix/*anything')).toBe(true);
    expect(globMatch(g, 'prefix/anything')).toBe(false);
  });

  it('answers adversarial patterns that make backtracking regexes explode (ReDoS)', () => {
    // A catastrophic backtracking matcher would not finish; this one is O(n·m).
    expect(globMatch(compileGlob('*a'.repeat(50) + 'b'), 'a'.repeat(5000))).toBe(false);
    expect(globMatch(compileGlob('*a'.repeat(50)), 'a'.repeat(5000))).toBe(true);
  });
});

describe('tokensMatch (patterns built per request)', () => {
  it('treats an empty substituted value as matching nothing extra, even at the end', async () => {
    const { tokensMatch } = await import('./glob.js');
    expect(tokensMatch(['abc', ''], 'abc')).toBe(true);
    expect(tokensMatch(['', 'abc', '', STAR, ''], 'abcdef')).toBe(true);
    expect(tokensMatch(['abc', ''], 'abcd')).toBe(false);
  });
});
