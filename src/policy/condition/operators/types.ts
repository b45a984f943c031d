// The contract every IAM condition operator implements: compile a policy value once, then test
// context values against it. Negated operators (StringNotEquals, …) are derived in table.ts.

import type { RequestContext } from '../../context.js';
import type { Template } from '../../variables.js';

export const OPERATOR_FAMILIES = ['String', 'Numeric', 'Date', 'Bool', 'Binary', 'IpAddress', 'Arn', 'Null'] as const;
export type OperatorFamily = (typeof OPERATOR_FAMILIES)[number];

/** One policy value, compiled: compares itself with one context value. */
export interface Operand {
  /**
   * `true`/`false`, or `'error'` when the context value cannot be read by this operator (a date
   * operator on `alice`). A policy variable without a value makes the operand match nothing.
   */
  test(contextValue: string, context: RequestContext): boolean | 'error';
  /** The value as it reads in `context` (variables substituted), or undefined if a variable has none. */
  describe(context: RequestContext): string | undefined;
}

export interface PositiveOperator {
  /** The IAM name, e.g. `StringLike`. */
  readonly name: string;
  readonly family: OperatorFamily;
  /** Policy variables are substituted in this operator's values (IAM: String and ARN operators, Bool). */
  readonly variables: boolean;
  /** Compiles one policy value, or explains why it can never be read. */
  compile(value: Template): Operand | { readonly error: string };
}

/** An operand for a constant value whose test ignores the context. */
export function constantOperand(text: string, test: (contextValue: string) => boolean | 'error'): Operand {
  return { test: (v) => test(v), describe: () => text };
}
