// BinaryEquals: the key's bytes compared byte for byte with the base64-encoded policy value.
import { literalText } from '../../variables.js';
import type { PositiveOperator } from './types.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function readBase64(text: string): Buffer | undefined {
  const t = text.trim();
  return BASE64.test(t) ? Buffer.from(t, 'base64') : undefined;
}

export const BinaryEquals: PositiveOperator = {
  name: 'BinaryEquals',
  family: 'Binary',
  variables: false,
  compile(value) {
    const text = literalText(value);
    const p = readBase64(text);
    if (p === undefined) return { error: `\`${text}\` is not base64` };
    return {
      test(v) {
        // Context values of binary keys arrive base64-encoded, as SimulateCustomPolicy takes them.
        const b = readBase64(v);
        return b === undefined ? 'error' : b.equals(p);
      },
      describe: () => text,
    };
  },
};
