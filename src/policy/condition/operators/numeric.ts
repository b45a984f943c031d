// Shared reading of numbers for the Numeric* operators: integers and decimals, as IAM documents.
import { literalText, type Template } from '../../variables.js';
import type { Operand, PositiveOperator } from './types.js';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function readNumber(text: string): number | undefined {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

export function numericOperator(name: string, compare: (contextValue: number, policyValue: number) => boolean): PositiveOperator {
  return {
    name,
    family: 'Numeric',
    variables: false,
    compile(value: Template): Operand | { error: string } {
      const text = literalText(value);
      const p = readNumber(text);
      if (p === undefined) return { error: `\`${text}\` is not a number` };
      return {
        test(v) {
          const n = readNumber(v);
          return n === undefined ? 'error' : compare(n, p);
        },
        describe: () => text,
      };
    },
  };
}
