// ec2:DeleteTags — removes tags from every named instance or from none (a key alone: whatever its
// value; a key and a value, even empty: only that value; no tags: every tag but AWS's own), each
// instance authorized on its own ARN with its current tags and the keys being removed. Never
// removes an `aws:` tag (aws.md §6.7).

import { defineAction } from '../../types.js';
import type { Tag } from '../../../store/port.js';
import { context, instanceArn, instanceContext, requestTagContext } from '../authz.js';
import { changeInstances, checkIds } from '../instances.js';
import { tagsToDelete } from '../tags.js';
import type { DeleteTagsRequest } from '../types.js';

export const DeleteTags = defineAction<DeleteTagsRequest, undefined>({
  name: 'DeleteTags',
  async handle(input, ctx) {
    const deletions = input.Tags === undefined ? undefined : tagsToDelete(input.Tags);
    const instanceIds = checkIds(input.Resources, 'resource');
    // Tags given with a value are request tags (aws:RequestTag/K); every key named is in aws:TagKeys.
    const withValues: Tag[] = [];
    for (const d of deletions ?? []) if (d.value !== undefined) withValues.push({ key: d.key, value: d.value });
    await changeInstances(ctx, {
      instanceIds,
      dryRun: input.DryRun === true,
      checks: (instances) =>
        instances.map((i) => {
          // [INF] Deleting every tag names no key in the request; aws:TagKeys then holds the keys that
          // will go, so a policy limiting which keys may be deleted (ForAllValues on aws:TagKeys)
          // cannot be bypassed by naming none (an absent key would make it vacuously true). The
          // store spares exactly the `aws:`-prefixed ones.
          const keys = deletions === undefined ? i.tags.filter((t) => !t.key.startsWith('aws:')).map((t) => t.key) : deletions.map((d) => d.key);
          return {
            action: 'ec2:DeleteTags',
            resource: instanceArn(ctx.region, ctx.env.accountId, i.instanceId),
            context: context(instanceContext(i), requestTagContext(withValues, keys)),
          };
        }),
      async apply(tx) {
        await tx.instances.deleteTags(instanceIds, deletions);
      },
    });
    return undefined;
  },
});
