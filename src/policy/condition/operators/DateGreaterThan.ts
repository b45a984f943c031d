// DateGreaterThan: the context date compared with the policy date as instants (`a > b`).
import { dateOperator } from './date.js';

export const DateGreaterThan = dateOperator('DateGreaterThan', (a, b) => a > b);
