// NumericEquals: the context value compared with the policy value as numbers (`a === b`).
import { numericOperator } from './numeric.js';

export const NumericEquals = numericOperator('NumericEquals', (a, b) => a === b);
