// NumericGreaterThanEquals: the context value compared with the policy value as numbers (`a >= b`).
import { numericOperator } from './numeric.js';

export const NumericGreaterThanEquals = numericOperator('NumericGreaterThanEquals', (a, b) => a >= b);
