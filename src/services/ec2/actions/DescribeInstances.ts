// ec2:DescribeInstances — the instances of the caller's region, grouped by reservation, filtered and
// paged by the store (indexed: 100,000 instances with a tag filter stay fast). EC2 has no
// resource-level permission for it: one check on `*`, so statements naming instance ARNs or
// resource tags never allow it (aws.md §6.3, §11.9). Results are never filtered by permission.

import { AwsError } from '../../errors.js';
import { defineAction } from '../../types.js';
import { checkMaxResults, dryRun, withNextToken } from '../errors.js';
import { ec2Filters, instanceQuery, INSTANCE_FILTER_NAMES } from '../filters.js';
import { checkIds, findInstances } from '../instances.js';
import { settle, transitionMs } from '../lifecycle.js';
import { reservationsShape } from '../shapes.js';
import type { DescribeInstancesRequest, DescribeInstancesResult } from '../types.js';

export const DescribeInstances = defineAction<DescribeInstancesRequest, DescribeInstancesResult>({
  name: 'DescribeInstances',
  async handle(input, ctx) {
    // Parameters first (aws.md §6.10: validation errors precede DryRun's answer).
    const ids = input.InstanceIds === undefined ? undefined : checkIds(input.InstanceIds, 'instance');
    if (ids !== undefined && input.MaxResults !== undefined) {
      // MODEL: "You cannot specify this parameter and the instance IDs parameter in the same request";
      // wording OBS GH:yuuki/grabeni#7, GH:getmoto/moto#6282.
      throw new AwsError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults', 400);
    }
    checkMaxResults(input.MaxResults);
    const query = instanceQuery(ec2Filters(input.Filters, INSTANCE_FILTER_NAMES, true), ctx.env.accountId, ctx.region);

    await ctx.authorize({ action: 'ec2:DescribeInstances', resource: '*' });
    if (input.DryRun === true) throw dryRun();

    const repo = ctx.env.store.instances;
    // Named instances must all exist (here, in this region) whatever the filters keep.
    if (ids !== undefined) await findInstances(repo, ids, ctx.region);
    const page = await withNextToken(input.NextToken, () =>
      repo.describe({
        ...(ids === undefined ? {} : { instanceIds: ids }),
        filters: query.filters,
        ...(input.MaxResults === undefined ? {} : { maxItems: input.MaxResults }),
        ...(input.NextToken === undefined ? {} : { nextToken: input.NextToken }),
      }),
    );
    const delay = transitionMs(ctx.env);
    const instances = [];
    for (const stored of page.items) {
      const seen = settle(stored, ctx.now, delay);
      if (query.states.every((wanted) => wanted.has(seen.state.name))) instances.push(seen);
    }
    const out: DescribeInstancesResult = { Reservations: reservationsShape(instances, ctx.env.accountId) };
    if (page.nextToken !== undefined) out.NextToken = page.nextToken;
    return out;
  },
});
