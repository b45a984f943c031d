// ec2:TerminateInstances — → shutting-down (then terminated); terminating again succeeds. All named
// instances or none ("if any of the instances … is invalid, none of the instances are terminated",
// MODEL), each authorized on its own ARN. Terminated instances stay visible to DescribeInstances.

import { defineAction } from '../../types.js';
import { changeState } from '../instances.js';
import type { TerminateInstancesRequest, TerminateInstancesResult } from '../types.js';

export const TerminateInstances = defineAction<TerminateInstancesRequest, TerminateInstancesResult>({
  name: 'TerminateInstances',
  async handle(input, ctx) {
    return { TerminatingInstances: await changeState(ctx, 'terminate', input) };
  },
});
