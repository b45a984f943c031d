// ec2:CreateTags — adds or overwrites tags on every named instance or on none, each instance
// authorized on its own ARN with the tags asked for (aws:RequestTag/K, aws:TagKeys) and the tags it
// has (aws:ResourceTag/K, ec2:ResourceTag/K): a caller cannot retag an instance out of or into an
// ABAC condition it was not granted. Never writes an `aws:` tag or a 51st tag.

import { defineAction } from '../../types.js';
import { context, instanceArn, instanceContext, requestTagContext } from '../authz.js';
import { tagLimitExceeded } from '../errors.js';
import { changeInstances, checkIds } from '../instances.js';
import { mergedCount, tagsToSet } from '../tags.js';
import { TAGS_PER_RESOURCE_LIMIT } from '../../../store/port.js';
import type { CreateTagsRequest } from '../types.js';

export const CreateTags = defineAction<CreateTagsRequest, undefined>({
  name: 'CreateTags',
  async handle(input, ctx) {
    const tags = tagsToSet(input.Tags, 'parameter');
    const instanceIds = checkIds(input.Resources, 'resource');
    const requested = requestTagContext(tags);
    await changeInstances(ctx, {
      instanceIds,
      dryRun: input.DryRun === true,
      checks: (instances) =>
        instances.map((i) => ({
          action: 'ec2:CreateTags',
          resource: instanceArn(ctx.region, ctx.env.accountId, i.instanceId),
          context: context(instanceContext(i), requested),
        })),
      async apply(tx, instances) {
        // "You can have up to 50 tags per resource"; overwriting a key adds none (MOTO PR getmoto/moto#8150, verified against AWS).
        for (const i of instances) if (mergedCount(i.tags, tags) > TAGS_PER_RESOURCE_LIMIT) throw tagLimitExceeded();
        await tx.instances.createTags(instanceIds, tags);
      },
    });
    // The model has no output: the encoder answers `<return>true</return>` (EC2 API Reference, CreateTags).
    return undefined;
  },
});
