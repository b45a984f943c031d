// Every condition operator IAM documents, bound once by name. A negated operator is its positive
// twin with the result inverted over all policy values (NOR), as IAM defines it.

import { ArnEquals } from './ArnEquals.js';
import { ArnLike } from './ArnLike.js';
import { BinaryEquals } from './BinaryEquals.js';
import { Bool } from './Bool.js';
import { DateEquals } from './DateEquals.js';
import { DateGreaterThan } from './DateGreaterThan.js';
import { DateGreaterThanEquals } from './DateGreaterThanEquals.js';
import { DateLessThan } from './DateLessThan.js';
import { DateLessThanEquals } from './DateLessThanEquals.js';
import { IpAddress } from './IpAddress.js';
import { Null } from './Null.js';
import { NumericEquals } from './NumericEquals.js';
import { NumericGreaterThan } from './NumericGreaterThan.js';
import { NumericGreaterThanEquals } from './NumericGreaterThanEquals.js';
import { NumericLessThan } from './NumericLessThan.js';
import { NumericLessThanEquals } from './NumericLessThanEquals.js';
import { StringEquals } from './StringEquals.js';
import { StringEqualsIgnoreCase } from './StringEqualsIgnoreCase.js';
import { StringLike } from './StringLike.js';
import type { PositiveOperator } from './types.js';

export interface OperatorSpec {
  /** The base name as IAM spells it, e.g. `StringNotLike`. */
  readonly name: string;
  readonly positive: PositiveOperator;
  readonly negated: boolean;
}

const POSITIVE: readonly PositiveOperator[] = [
  StringEquals, StringEqualsIgnoreCase, StringLike,
  NumericEquals, NumericLessThan, NumericLessThanEquals, NumericGreaterThan, NumericGreaterThanEquals,
  DateEquals, DateLessThan, DateLessThanEquals, DateGreaterThan, DateGreaterThanEquals,
  Bool, BinaryEquals, IpAddress, ArnEquals, ArnLike, Null,
];

const NEGATED: readonly [string, PositiveOperator][] = [
  ['StringNotEquals', StringEquals],
  ['StringNotEqualsIgnoreCase', StringEqualsIgnoreCase],
  ['StringNotLike', StringLike],
  ['NumericNotEquals', NumericEquals],
  ['DateNotEquals', DateEquals],
  ['NotIpAddress', IpAddress],
  ['ArnNotEquals', ArnEquals],
  ['ArnNotLike', ArnLike],
];

export const OPERATORS: ReadonlyMap<string, OperatorSpec> = new Map<string, OperatorSpec>([
  ...POSITIVE.map((p): [string, OperatorSpec] => [p.name, { name: p.name, positive: p, negated: false }]),
  ...NEGATED.map(([name, p]): [string, OperatorSpec] => [name, { name, positive: p, negated: true }]),
]);

export const SET_QUALIFIERS = ['ForAllValues', 'ForAnyValue'] as const;
export type SetQualifier = (typeof SET_QUALIFIERS)[number];

export interface ParsedOperator {
  readonly spec: OperatorSpec;
  readonly qualifier: SetQualifier | undefined;
  readonly ifExists: boolean;
}

/** Splits `ForAnyValue:StringLikeIfExists` into its parts; undefined when IAM has no such operator. */
export function parseOperator(written: string): ParsedOperator | undefined {
  let rest = written;
  let qualifier: SetQualifier | undefined;
  for (const q of SET_QUALIFIERS) {
    if (rest.startsWith(`${q}:`)) {
      qualifier = q;
      rest = rest.slice(q.length + 1);
      break;
    }
  }
  let spec = OPERATORS.get(rest);
  let ifExists = false;
  if (spec === undefined && rest.endsWith('IfExists')) {
    spec = OPERATORS.get(rest.slice(0, -'IfExists'.length));
    ifExists = true;
  }
  if (spec === undefined) return undefined;
  return { spec, qualifier, ifExists };
}

/** All spellings, for "did you mean" suggestions. */
export function operatorNames(): string[] {
  return [...OPERATORS.keys()];
}
