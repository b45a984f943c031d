// NumericGreaterThan: the context value compared with the policy value as numbers (`a > b`).
import { numericOperator } from './numeric.js';

export const NumericGreaterThan = numericOperator('NumericGreaterThan', (a, b) => a > b);
