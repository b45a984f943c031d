// ec2:DescribeRegions — the regions Tessera answers for. EC2 has no resource-level permission for
// it (Resource `*`, key ec2:Region). Filters: region-name, endpoint, opt-in-status. Parameters are
// checked before authorization, as everywhere in EC2 (aws.md §6.10).

import { defineAction } from '../../types.js';
import type { DescribeRegionsRequest, DescribeRegionsResult, Region } from '../types.js';
import { REGIONS } from '../regions.js';
import { dryRun, invalidParameterValue } from '../errors.js';
import { ec2Filters, matchesAny } from '../filters.js';

export const DescribeRegions = defineAction<DescribeRegionsRequest, DescribeRegionsResult>({
  name: 'DescribeRegions',
  async handle(input, ctx) {
    const filters = ec2Filters(input.Filters, ['region-name', 'endpoint', 'opt-in-status']);
    const wanted = input.RegionNames;
    if (wanted !== undefined) {
      const unknown = wanted.filter((r) => !REGIONS.includes(r));
      // [INF] EC2 names the first unknown region.
      if (unknown.length > 0) throw invalidParameterValue(`Invalid region: ${unknown[0]}`);
    }
    await ctx.authorize({ action: 'ec2:DescribeRegions', resource: '*' });
    if (input.DryRun === true) throw dryRun();
    const regions: Region[] = [];
    for (const name of REGIONS) {
      if (wanted !== undefined && !wanted.includes(name)) continue;
      const region: Region = { RegionName: name, Endpoint: `ec2.${name}.amazonaws.com`, OptInStatus: 'opt-in-not-required' };
      const fields: Record<string, string> = { 'region-name': name, endpoint: region.Endpoint ?? '', 'opt-in-status': 'opt-in-not-required' };
      if (filters.every((f) => matchesAny(fields[f.name] ?? '', f.values))) regions.push(region);
    }
    return { Regions: regions };
  },
});
