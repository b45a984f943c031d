// StringEquals: exact, case-sensitive matching; policy variables allowed.
import { literalText, resolveText } from '../../variables.js';
import type { PositiveOperator } from './types.js';

export const StringEquals: PositiveOperator = {
  name: 'StringEquals',
  family: 'String',
  variables: true,
  compile(value) {
    if (!value.hasVariables) {
      const text = literalText(value);
      return { test: (v) => v === text, describe: () => text };
    }
    return {
      test: (v, ctx) => resolveText(value, ctx) === v,
      describe: (ctx) => resolveText(value, ctx),
    };
  },
};
