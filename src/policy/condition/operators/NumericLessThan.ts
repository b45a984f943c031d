// NumericLessThan: the context value compared with the policy value as numbers (`a < b`).
import { numericOperator } from './numeric.js';

export const NumericLessThan = numericOperator('NumericLessThan', (a, b) => a < b);
