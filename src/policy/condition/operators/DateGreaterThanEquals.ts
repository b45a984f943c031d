// DateGreaterThanEquals: the context date compared with the policy date as instants (`a >= b`).
import { dateOperator } from './date.js';

export const DateGreaterThanEquals = dateOperator('DateGreaterThanEquals', (a, b) => a >= b);
