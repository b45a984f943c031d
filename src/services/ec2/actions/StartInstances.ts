// ec2:StartInstances — stopped → pending (then running), all named instances or none, each
// authorized on its own ARN with its tags. Must never start an instance the caller was not allowed
// to start, nor any instance when one of them is refused.

import { defineAction } from '../../types.js';
import { changeState } from '../instances.js';
import type { StartInstancesRequest, StartInstancesResult } from '../types.js';

export const StartInstances = defineAction<StartInstancesRequest, StartInstancesResult>({
  name: 'StartInstances',
  async handle(input, ctx) {
    return { StartingInstances: await changeState(ctx, 'start', input) };
  },
});
