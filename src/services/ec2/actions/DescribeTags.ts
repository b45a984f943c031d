// ec2:DescribeTags — the tags of the caller's region's resources (instances: the only taggable
// resources Tessera holds), filtered by key, value, resource-id, resource-type and tag:<key>, paged
// by the store. No resource-level permission: one check on `*` (aws.md §6.7, §6.9).

import type { ResourceTag } from '../../../store/port.js';
import { defineAction } from '../../types.js';
import { checkMaxResults, dryRun, withNextToken } from '../errors.js';
import { ec2Filters, tagQuery, TAG_FILTER_NAMES } from '../filters.js';
import { isZoneOf } from '../regions.js';
import { tagDescriptionShape } from '../shapes.js';
import type { DescribeTagsRequest, DescribeTagsResult } from '../types.js';

export const DescribeTags = defineAction<DescribeTagsRequest, DescribeTagsResult>({
  name: 'DescribeTags',
  async handle(input, ctx) {
    checkMaxResults(input.MaxResults);
    const filters = tagQuery(ec2Filters(input.Filters, TAG_FILTER_NAMES, true));

    await ctx.authorize({ action: 'ec2:DescribeTags', resource: '*' });
    if (input.DryRun === true) throw dryRun();

    const repo = ctx.env.store.instances;
    const page = await withNextToken(input.NextToken, () =>
      repo.describeTags({
        filters,
        ...(input.MaxResults === undefined ? {} : { maxItems: input.MaxResults }),
        ...(input.NextToken === undefined ? {} : { nextToken: input.NextToken }),
      }),
    );
    // The store keeps no region: keep the tags of this region's instances (one read per page).
    const ids = [...new Set(page.items.map((t) => t.resourceId))];
    const here = new Set<string>();
    if (ids.length > 0) {
      for (const i of (await repo.describe({ instanceIds: ids })).items) if (isZoneOf(i.availabilityZone, ctx.region)) here.add(i.instanceId);
    }
    const tags: ResourceTag[] = page.items.filter((t) => here.has(t.resourceId));
    const out: DescribeTagsResult = { Tags: tags.map(tagDescriptionShape) };
    if (page.nextToken !== undefined) out.NextToken = page.nextToken;
    return out;
  },
});
