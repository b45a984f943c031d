// Bool: `true`/`false` compared without regard to case; policy variables allowed (IAM's operator
// page lists Bool among the operators that take them).
import { literalText, resolveText } from '../../variables.js';
import type { PositiveOperator } from './types.js';

function readBool(text: string): boolean | undefined {
  const t = text.toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

export const Bool: PositiveOperator = {
  name: 'Bool',
  family: 'Bool',
  variables: true,
  compile(value) {
    if (!value.hasVariables) {
      const text = literalText(value);
      const p = readBool(text);
      if (p === undefined) return { error: `\`${text}\` is not \`true\` or \`false\`` };
      return {
        test(v) {
          const b = readBool(v);
          return b === undefined ? 'error' : b === p;
        },
        describe: () => text,
      };
    }
    return {
      test(v, ctx) {
        const resolved = resolveText(value, ctx);
        if (resolved === undefined) return false;
        const p = readBool(resolved);
        const b = readBool(v);
        return p === undefined || b === undefined ? 'error' : b === p;
      },
      describe: (ctx) => resolveText(value, ctx),
    };
  },
};
