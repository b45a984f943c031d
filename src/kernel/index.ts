// The kernel: ids, clock and ARN text shared by the control plane. Imports node builtins only.

export { assumedRoleArn, iamArn, instanceArn, parseArn, rootArn } from './arn.js';
export type { Arn } from './arn.js';
export { ManualClock, systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { ID_PREFIXES, randomIds } from './ids.js';
export type { IdGenerator } from './ids.js';
