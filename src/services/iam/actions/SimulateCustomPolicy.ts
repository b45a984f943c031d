// iam:SimulateCustomPolicy — evaluates the given identity policies (and optional boundary and
// resource policy) for every action × resource, without touching the store: src/policy/simulate.ts
// on the IAM wire shapes. Results carry Tessera's explanation in-process only (shapes.ts).

import { simulateCustomPolicy } from '../../../policy/index.js';
import { defineAction } from '../../types.js';
import { simulationError } from '../errors.js';
import { DEFAULT_MAX_ITEMS, simulationContextEntries, simulationOutput } from '../shapes.js';
import type { SimulationOutput } from '../shapes.js';
import type { SimulateCustomPolicyRequest } from '../types.js';

export const SimulateCustomPolicy = defineAction<SimulateCustomPolicyRequest, SimulationOutput>({
  name: 'SimulateCustomPolicy',
  async handle(input, ctx) {
    // SimulateCustomPolicy has no resource-level permissions (Service Authorization Reference).
    await ctx.authorize({ action: 'iam:SimulateCustomPolicy', resource: '*' });
    try {
      const result = simulateCustomPolicy({
        PolicyInputList: input.PolicyInputList,
        ...(input.PermissionsBoundaryPolicyInputList === undefined ? {} : { PermissionsBoundaryPolicyInputList: input.PermissionsBoundaryPolicyInputList }),
        ActionNames: input.ActionNames,
        ...(input.ResourceArns === undefined ? {} : { ResourceArns: input.ResourceArns }),
        ...(input.ResourcePolicy === undefined ? {} : { ResourcePolicy: input.ResourcePolicy }),
        ...(input.ResourceOwner === undefined ? {} : { ResourceOwner: input.ResourceOwner }),
        ...(input.CallerArn === undefined ? {} : { CallerArn: input.CallerArn }),
        ContextEntries: simulationContextEntries(input.ContextEntries),
        ...(input.ResourceHandlingOption === undefined ? {} : { ResourceHandlingOption: input.ResourceHandlingOption }),
        // IAM: "If you do not include this parameter, the number of items defaults to 100."
        MaxItems: input.MaxItems ?? DEFAULT_MAX_ITEMS,
        ...(input.Marker === undefined ? {} : { Marker: input.Marker }),
      });
      return simulationOutput(result);
    } catch (e) {
      throw simulationError(e);
    }
  },
});
