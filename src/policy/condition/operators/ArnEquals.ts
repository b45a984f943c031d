// ArnEquals: IAM documents it exactly as ArnLike (component-wise, wildcards allowed).
import { arnOperator } from './ArnLike.js';
import type { PositiveOperator } from './types.js';

export const ArnEquals: PositiveOperator = arnOperator('ArnEquals');
