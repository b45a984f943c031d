// One condition (operator × key × values), compiled, and its evaluation with IAM's rules for
// missing keys, IfExists, Null, set qualifiers and negation (reference: IAM User Guide,
// "Condition operators" and "Multivalued context keys").

import type { ConditionNode } from '../ast.js';
import type { ContextEntry, RequestContext } from '../context.js';
import { parseTemplate, type TemplateProblem } from '../variables.js';
import { type OperatorSpec, parseOperator, type SetQualifier } from './operators/table.js';
import type { Operand as OperandType } from './operators/types.js';

export type Tri = boolean | 'error';

export interface CompiledCondition {
  readonly node: ConditionNode;
  readonly spec: OperatorSpec;
  readonly qualifier: SetQualifier | undefined;
  readonly ifExists: boolean;
  /** Lowercased key. */
  readonly key: string;
  readonly operands: readonly OperandType[];
  /** Why a policy value can never be read (the condition then evaluates to an error). */
  readonly broken: string | undefined;
}

export function compileCondition(node: ConditionNode, variablesEnabled: boolean): CompiledCondition | undefined {
  const parsed = parseOperator(node.operator);
  if (parsed === undefined) return undefined;
  const { spec, qualifier, ifExists } = parsed;
  const operands: OperandType[] = [];
  let broken: string | undefined;
  for (const v of node.values) {
    // A malformed `${…}` has no documented reading (literal text, no value, or a lenient parse): the
    // condition fails closed rather than pick one that could grant.
    const problems: TemplateProblem[] = [];
    const compiled = spec.positive.compile(parseTemplate(v, variablesEnabled && spec.positive.variables, problems));
    const malformed = problems.find((p) => p.kind === 'malformed');
    if (malformed !== undefined) broken ??= malformed.message.replace(': the text stays literal', ': the condition fails closed');
    if ('error' in compiled) broken ??= compiled.error;
    else operands.push(compiled);
  }
  return { node, spec, qualifier, ifExists, key: node.key.toLowerCase(), operands, broken };
}

function anyOperand(c: CompiledCondition, v: string, ctx: RequestContext): Tri {
  let sawError = false;
  for (let i = 0; i < c.operands.length; i++) {
    const r = (c.operands[i] as OperandType).test(v, ctx);
    if (r === true) return true;
    if (r === 'error') sawError = true;
  }
  return sawError ? 'error' : false;
}

function not(t: Tri): Tri {
  return t === 'error' ? t : !t;
}

/** IAM: a key is missing when absent from the context or when it carries no value. */
export function isPresent(entry: ContextEntry | undefined): entry is ContextEntry {
  return entry !== undefined && entry.values.length > 0;
}

export function evaluateCondition(c: CompiledCondition, ctx: RequestContext): Tri {
  if (c.broken !== undefined) return 'error';
  const entry = ctx.get(c.key);
  const present = isPresent(entry);
  if (c.spec.positive.family === 'Null') {
    // Null reads only presence; several values are alternatives, as for every key.
    return anyOperand(c, present ? 'present' : 'absent', ctx);
  }
  if (!present) {
    // IAM: "If the key … is not present in the request context, the values do not match" —
    // except IfExists (true), ForAllValues (vacuously true), ForAnyValue (false), and negated
    // operators, which hold when the key is absent.
    if (c.ifExists) return true;
    if (c.qualifier === 'ForAllValues') return true;
    if (c.qualifier === 'ForAnyValue') return false;
    return c.spec.negated;
  }
  const values = entry.values;
  if (c.qualifier === 'ForAllValues') {
    // Every request value must match (for a negated operator: match none of) the policy values.
    let sawError = false;
    for (let i = 0; i < values.length; i++) {
      const m = c.spec.negated ? not(anyOperand(c, values[i] as string, ctx)) : anyOperand(c, values[i] as string, ctx);
      if (m === false) return false;
      if (m === 'error') sawError = true;
    }
    return sawError ? 'error' : true;
  }
  if (c.qualifier === 'ForAnyValue') {
    let sawError = false;
    for (let i = 0; i < values.length; i++) {
      const m = c.spec.negated ? not(anyOperand(c, values[i] as string, ctx)) : anyOperand(c, values[i] as string, ctx);
      if (m === true) return true;
      if (m === 'error') sawError = true;
    }
    return sawError ? 'error' : false;
  }
  // A multivalued key read without a qualifier: IAM says "Multivalued context keys require a
  // condition set operator" and documents no result without one, so the condition fails closed
  // (an Allow is not applied, a Deny is) rather than guessing "any value" (CWE-636).
  if (entry.multi) return 'error';
  // No qualifier: several policy values are OR (NOR for negated operators).
  let sawError = false;
  for (let i = 0; i < values.length; i++) {
    const m = anyOperand(c, values[i] as string, ctx);
    if (m === true) return c.spec.negated ? false : true;
    if (m === 'error') sawError = true;
  }
  if (sawError) return 'error';
  return c.spec.negated;
}

