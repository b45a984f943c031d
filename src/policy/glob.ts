// IAM wildcard matching: `*` = any run of characters (including none), `?` = exactly one character.
// Patterns are compiled once into tokens and matched without RegExp (no ReDoS from policy text):
// the classic two-pointer match that backtracks only to the last `*`, O(len(pattern) × len(value)).

/** A literal run, or a wildcard: STAR (`*`) or ONE (`?`). */
export type GlobToken = string | typeof STAR | typeof ONE;
export const STAR = 0;
export const ONE = 1;

export interface Glob {
  readonly tokens: readonly GlobToken[];
  /** Set when the pattern has no wildcard: a plain string comparison suffices. */
  readonly exact: string | undefined;
  /** The pattern is a lone `*`. */
  readonly any: boolean;
}

/** Builds a glob from tokens, merging adjacent literals and runs of `*`. */
export function globFromTokens(tokens: readonly GlobToken[]): Glob {
  const out: GlobToken[] = [];
  for (const t of tokens) {
    const last = out[out.length - 1];
    if (typeof t === 'string') {
      if (t === '') continue;
      if (typeof last === 'string') out[out.length - 1] = last + t;
      else out.push(t);
    } else if (t === STAR && last === STAR) {
      continue;
    } else {
      out.push(t);
    }
  }
  if (out.length === 0) return { tokens: out, exact: '', any: false };
  if (out.length === 1 && typeof out[0] === 'string') return { tokens: out, exact: out[0], any: false };
  return { tokens: out, exact: undefined, any: out.length === 1 && out[0] === STAR };
}

/** Tokenises policy text in which `*` and `?` are wildcards. */
export function wildcardTokens(text: string): GlobToken[] {
  const out: GlobToken[] = [];
  let run = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '*' || c === '?') {
      if (run !== '') out.push(run);
      run = '';
      out.push(c === '*' ? STAR : ONE);
    } else {
      run += c;
    }
  }
  if (run !== '') out.push(run);
  return out;
}

export function compileGlob(pattern: string): Glob {
  return globFromTokens(wildcardTokens(pattern));
}

export function globMatch(glob: Glob, value: string): boolean {
  if (glob.exact !== undefined) return glob.exact === value;
  if (glob.any) return true;
  return tokensMatch(glob.tokens, value);
}

/** Matches raw tokens (adjacent literals need not be merged), for patterns built per request. */
export function tokensMatch(tokens: readonly GlobToken[], value: string): boolean {
  const tn = tokens.length;
  const vn = value.length;
  let ti = 0;
  let vi = 0;
  let starTi = -1;
  let starVi = 0;
  while (vi < vn) {
    if (ti < tn) {
      const t = tokens[ti] as GlobToken;
      if (t === STAR) {
        starTi = ti++;
        starVi = vi;
        continue;
      }
      if (t === ONE) {
        ti++;
        vi++;
        continue;
      }
      if (value.startsWith(t, vi)) {
        ti++;
        vi += t.length;
        continue;
      }
    }
    if (starTi < 0) return false;
    // Let the last `*` absorb one more character and retry what follows it.
    ti = starTi + 1;
    vi = ++starVi;
  }
  while (ti < tn && (tokens[ti] === STAR || tokens[ti] === '')) ti++;
  return ti === tn;
}

/** Lowercases the literal runs of a token list (for case-insensitive matching). */
export function lowerTokens(tokens: readonly GlobToken[]): GlobToken[] {
  return tokens.map((t) => (typeof t === 'string' ? t.toLowerCase() : t));
}
