// StringEqualsIgnoreCase: exact matching ignoring case; policy variables allowed.
import { literalText, resolveText } from '../../variables.js';
import type { PositiveOperator } from './types.js';

export const StringEqualsIgnoreCase: PositiveOperator = {
  name: 'StringEqualsIgnoreCase',
  family: 'String',
  variables: true,
  compile(value) {
    if (!value.hasVariables) {
      const text = literalText(value);
      const lower = text.toLowerCase();
      return { test: (v) => v.toLowerCase() === lower, describe: () => text };
    }
    return {
      test: (v, ctx) => resolveText(value, ctx)?.toLowerCase() === v.toLowerCase(),
      describe: (ctx) => resolveText(value, ctx),
    };
  },
};
