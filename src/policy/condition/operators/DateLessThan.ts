// DateLessThan: the context date compared with the policy date as instants (`a < b`).
import { dateOperator } from './date.js';

export const DateLessThan = dateOperator('DateLessThan', (a, b) => a < b);
