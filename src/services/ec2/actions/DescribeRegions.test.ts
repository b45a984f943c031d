import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import { REGIONS } from '../regions.js';
import { allow, filterParams, list, policy, userWithPolicy } from '../../../../test/support/ec2.js';

type Out = { Regions: { RegionName: string; Endpoint: string; OptInStatus: string }[] };

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

const names = (out: Out) => out.Regions.map((r) => r.RegionName);

describe('DescribeRegions', () => {
  it('lists every default region with its endpoint', async () => {
    const out = ok<Out>(await t.call('ec2', 'DescribeRegions'));
    expect(names(out)).toEqual(REGIONS);
    expect(out.Regions.find((r) => r.RegionName === 'us-east-1')).toEqual({ RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' });
  });

  it('renders regionInfo items', async () => {
    const answer = await t.http('ec2', 'DescribeRegions', list('RegionName', ['eu-west-1']));
    expect(answer.body).toContain('<regionInfo><item><optInStatus>opt-in-not-required</optInStatus><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint></item></regionInfo>');
  });

  it('answers the regions named, and refuses an unknown one', async () => {
    expect(names(ok<Out>(await t.call('ec2', 'DescribeRegions', list('RegionName', ['us-west-2', 'eu-west-1']))))).toEqual(['eu-west-1', 'us-west-2']);
    expect(failure(await t.call('ec2', 'DescribeRegions', list('RegionName', ['mars-1'])))).toEqual({ code: 'InvalidParameterValue', message: 'Invalid region: mars-1', httpStatus: 400 });
  });

  it('filters on region-name, endpoint and opt-in-status, and refuses other filters', async () => {
    expect(names(ok<Out>(await t.call('ec2', 'DescribeRegions', filterParams([{ name: 'region-name', values: ['us-*'] }]))))).toEqual(['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2']);
    expect(names(ok<Out>(await t.call('ec2', 'DescribeRegions', filterParams([{ name: 'endpoint', values: ['ec2.sa-east-1.amazonaws.com'] }]))))).toEqual(['sa-east-1']);
    expect(names(ok<Out>(await t.call('ec2', 'DescribeRegions', filterParams([{ name: 'opt-in-status', values: ['opted-in'] }]))))).toEqual([]);
    expect(failure(await t.call('ec2', 'DescribeRegions', filterParams([{ name: 'zone', values: ['x'] }]))).message).toBe("The filter 'zone' is invalid");
  });

  it('validates before authorizing, and answers DryRun both ways', async () => {
    const user = await userWithPolicy(t, policy(allow('ec2:DescribeInstances')));
    expect(failure(await t.call('ec2', 'DescribeRegions', list('RegionName', ['mars-1']), { credentials: user })).code).toBe('InvalidParameterValue');
    expect(failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: user })).code).toBe('UnauthorizedOperation');
    expect(failure(await t.call('ec2', 'DescribeRegions', { DryRun: 'true' }, { credentials: user })).code).toBe('UnauthorizedOperation');
    expect(failure(await t.call('ec2', 'DescribeRegions', { DryRun: 'true' })).code).toBe('DryRunOperation');
    const allowed = await userWithPolicy(t, policy(allow('ec2:DescribeRegions')));
    expect(names(ok<Out>(await t.call('ec2', 'DescribeRegions', {}, { credentials: allowed })))).toEqual(REGIONS);
  });
});
