// DateLessThanEquals: the context date compared with the policy date as instants (`a <= b`).
import { dateOperator } from './date.js';

export const DateLessThanEquals = dateOperator('DateLessThanEquals', (a, b) => a <= b);
