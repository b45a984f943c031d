// ArnLike: case-sensitive; each of the six colon-delimited ARN components is matched separately,
// with `*` and `?` wildcards; policy variables allowed (their values are literal text).
import { arnMatch, compileArnPattern } from '../../arn.js';
import { resolveText } from '../../variables.js';
import type { PositiveOperator } from './types.js';

export function arnOperator(name: string): PositiveOperator {
  return {
    name,
    family: 'Arn',
    variables: true,
    compile(value) {
      // IAM substitutes policy variables in ARN condition values in every component.
      const pattern = compileArnPattern(value, true);
      return {
        test: (v, ctx) => arnMatch(pattern, v, ctx) === true,
        describe: (ctx) => resolveText(value, ctx),
      };
    },
  };
}

export const ArnLike: PositiveOperator = arnOperator('ArnLike');
