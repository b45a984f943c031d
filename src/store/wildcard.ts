// EC2 filter-value matching, shared by every adapter: exact values, and wildcard patterns where `*`
// is zero or more characters, `?` is zero or one character and `\` escapes the next character
// (EC2 User Guide, "List and filter your resources"). Pure; never builds a RegExp from user input.

import type { ValueMatch } from './port.js';

type Token = { readonly kind: 'lit'; readonly ch: string } | { readonly kind: 'star' } | { readonly kind: 'opt' };

function tokenize(pattern: string): Token[] {
  const out: Token[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\' && i + 1 < chars.length) out.push({ kind: 'lit', ch: chars[++i] as string });
    else if (c === '*') {
      // `**` is `*`: collapsing keeps the state set small.
      if (out.length === 0 || out[out.length - 1]!.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') out.push({ kind: 'opt' });
    else out.push({ kind: 'lit', ch: c });
  }
  return out;
}

/** True when `raw` holds an unescaped `*` or `?`. */
function hasWildcard(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 42 /* * */ || c === 63 /* ? */) return true;
  }
  return false;
}

/** Turns a raw EC2 filter value into a ValueMatch: exact (escapes removed) unless it holds a wildcard. */
export function valueMatch(raw: string): ValueMatch {
  if (hasWildcard(raw)) return { wildcard: raw };
  let out = '';
  for (const t of tokenize(raw)) out += t.kind === 'lit' ? t.ch : '';
  return { equals: out };
}

export type Matcher = (value: string) => boolean;

/**
 * Compiles a wildcard pattern into a matcher that simulates the pattern's NFA over the value's code
 * points: O(value × pattern) time, no backtracking, so a hostile pattern (`*a*a*a*a*b`) cannot stall
 * the store (ReDoS, CWE-1333).
 */
export function compileWildcard(pattern: string): Matcher {
  const tokens = tokenize(pattern);
  const n = tokens.length;
  if (tokens.every((t) => t.kind === 'lit')) {
    let lit = '';
    for (const t of tokens) lit += (t as { ch: string }).ch;
    return (value) => value === lit;
  }
  return (value) => {
    let cur = new Uint8Array(n + 1);
    let next = new Uint8Array(n + 1);
    cur[0] = 1;
    close(cur);
    for (const ch of value) {
      next.fill(0);
      let any = false;
      for (let i = 0; i < n; i++) {
        if (cur[i] === 0) continue;
        const t = tokens[i] as Token;
        if (t.kind === 'star') {
          next[i] = 1;
          any = true;
        } else if (t.kind === 'opt' || t.ch === ch) {
          next[i + 1] = 1;
          any = true;
        }
      }
      if (!any) return false;
      close(next);
      const swap = cur;
      cur = next;
      next = swap;
    }
    return cur[n] === 1;
  };

  /** Epsilon closure: `*` and `?` may match nothing. States only move forward, so one pass suffices. */
  function close(set: Uint8Array): void {
    for (let i = 0; i < n; i++) if (set[i] === 1 && tokens[i]!.kind !== 'lit') set[i + 1] = 1;
  }
}

const CACHE_LIMIT = 512;
const cache = new Map<string, Matcher>();

/** compileWildcard with a bounded cache (patterns repeat across requests). */
export function wildcardMatcher(pattern: string): Matcher {
  let m = cache.get(pattern);
  if (m === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    m = compileWildcard(pattern);
    cache.set(pattern, m);
  }
  return m;
}

export function matchesValue(match: ValueMatch, value: string): boolean {
  return 'equals' in match ? match.equals === value : wildcardMatcher(match.wildcard)(value);
}
