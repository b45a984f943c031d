// StringLike: case-sensitive matching with `*` (any run) and `?` (one character) anywhere in the
// value; a policy variable's value is literal text, never a wildcard.
import { globFromTokens, globMatch } from '../../glob.js';
import { resolveText, resolveTokens } from '../../variables.js';
import type { PositiveOperator } from './types.js';

export const StringLike: PositiveOperator = {
  name: 'StringLike',
  family: 'String',
  variables: true,
  compile(value) {
    if (!value.hasVariables) {
      const glob = globFromTokens(resolveTokens(value, undefined) ?? []);
      return { test: (v) => globMatch(glob, v), describe: () => value.source };
    }
    return {
      test(v, ctx) {
        const tokens = resolveTokens(value, ctx);
        return tokens !== undefined && globMatch(globFromTokens(tokens), v);
      },
      describe: (ctx) => resolveText(value, ctx),
    };
  },
};
