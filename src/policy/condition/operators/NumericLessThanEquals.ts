// NumericLessThanEquals: the context value compared with the policy value as numbers (`a <= b`).
import { numericOperator } from './numeric.js';

export const NumericLessThanEquals = numericOperator('NumericLessThanEquals', (a, b) => a <= b);
