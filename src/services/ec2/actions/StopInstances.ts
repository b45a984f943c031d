// ec2:StopInstances — running → stopping (then stopped), all named instances or none, each
// authorized on its own ARN with its tags (the seed's ABAC check). Must never stop an instance the
// caller was not allowed to stop, nor any instance when one of them is refused. Hibernate, Force and
// SkipOsShutdown change nothing here: every stop is the same user-initiated shutdown.

import { defineAction } from '../../types.js';
import { changeState } from '../instances.js';
import type { StopInstancesRequest, StopInstancesResult } from '../types.js';

export const StopInstances = defineAction<StopInstancesRequest, StopInstancesResult>({
  name: 'StopInstances',
  async handle(input, ctx) {
    return { StoppingInstances: await changeState(ctx, 'stop', input) };
  },
});
