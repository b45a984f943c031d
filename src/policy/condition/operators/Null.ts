// Null: `"true"` holds when the key is absent (or has no value), `"false"` when it is present.
// It reads presence, never values; evaluate.ts applies it before any other rule.
import { literalText } from '../../variables.js';
import type { PositiveOperator } from './types.js';

export const Null: PositiveOperator = {
  name: 'Null',
  family: 'Null',
  variables: false,
  compile(value) {
    const text = literalText(value);
    const t = text.toLowerCase();
    if (t !== 'true' && t !== 'false') return { error: `\`${text}\` is not \`true\` or \`false\`` };
    const wantsAbsent = t === 'true';
    // The context value passed is "present" or "absent".
    return { test: (presence) => (presence === 'absent') === wantsAbsent, describe: () => text };
  },
};
