// DateEquals: the context date compared with the policy date as instants (`a === b`).
import { dateOperator } from './date.js';

export const DateEquals = dateOperator('DateEquals', (a, b) => a === b);
