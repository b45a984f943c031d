import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import type { Instance } from '../../../store/port.js';
import { allow, filterParams, policy, seedInstance, userWithPolicy } from '../../../../test/support/ec2.js';

type Out = { Tags: { ResourceId: string; ResourceType: string; Key: string; Value: string }[]; NextToken?: string };

let t: TestServices;
let a: Instance;
let b: Instance;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2024-05-01T12:00:00Z') });
  a = await seedInstance(t, { tags: [{ key: 'Name', value: 'web' }, { key: 'CostCenter', value: 'marketing' }] });
  b = await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'engineering' }] });
});
afterEach(async () => {
  await t.close();
});

const describeTags = (params: Record<string, string> = {}, credentials?: Parameters<TestServices['call']>[3]) => t.call('ec2', 'DescribeTags', params, credentials);
const rows = (out: Out) => out.Tags.map((tag) => `${tag.ResourceId}:${tag.Key}=${tag.Value}`);

describe('DescribeTags', () => {
  it('lists every tag by resource, then key', async () => {
    const out = ok<Out>(await describeTags());
    expect(out.Tags).toEqual([
      { ResourceId: a.instanceId, ResourceType: 'instance', Key: 'CostCenter', Value: 'marketing' },
      { ResourceId: a.instanceId, ResourceType: 'instance', Key: 'Name', Value: 'web' },
      { ResourceId: b.instanceId, ResourceType: 'instance', Key: 'CostCenter', Value: 'engineering' },
    ]);
  });

  it('renders tagSet items', async () => {
    const answer = await t.http('ec2', 'DescribeTags', filterParams([{ name: 'key', values: ['Name'] }]));
    expect(answer.body).toContain(`<tagSet><item><key>Name</key><resourceId>${a.instanceId}</resourceId><resourceType>instance</resourceType><value>web</value></item></tagSet>`);
  });

  it.each([
    ['key', ['Name'], () => [`${a.instanceId}:Name=web`]],
    ['value', ['engineering'], () => [`${b.instanceId}:CostCenter=engineering`]],
    ['value', ['*ing'], () => [`${a.instanceId}:CostCenter=marketing`, `${b.instanceId}:CostCenter=engineering`]],
    ['resource-id', () => [b.instanceId], () => [`${b.instanceId}:CostCenter=engineering`]],
    ['resource-type', ['instance'], () => [`${a.instanceId}:CostCenter=marketing`, `${a.instanceId}:Name=web`, `${b.instanceId}:CostCenter=engineering`]],
    ['resource-type', ['volume'], () => []],
    ['tag:CostCenter', ['marketing'], () => [`${a.instanceId}:CostCenter=marketing`]],
  ] as const)('filters on %s', async (name, values, expected) => {
    const v = typeof values === 'function' ? values() : values;
    expect(rows(ok<Out>(await describeTags(filterParams([{ name, values: v }]))))).toEqual(expected());
  });

  it('refuses an unknown filter', async () => {
    expect(failure(await describeTags(filterParams([{ name: 'owner', values: ['x'] }])))).toEqual({
      code: 'InvalidParameterValue',
      message: "The filter 'owner' is invalid",
      httpStatus: 400,
    });
  });

  it('pages with MaxResults and NextToken', async () => {
    for (let n = 0; n < 4; n++) await seedInstance(t, { tags: [{ key: 'k', value: String(n) }] });
    const first = ok<Out>(await describeTags({ MaxResults: '5' }));
    expect(first.Tags).toHaveLength(5);
    expect(first.NextToken).toBeDefined();
    const second = ok<Out>(await describeTags({ MaxResults: '5', NextToken: first.NextToken as string }));
    expect(second.Tags).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
    expect(failure(await describeTags({ MaxResults: '2' })).code).toBe('InvalidParameterValue');
    expect(failure(await describeTags({ NextToken: 'nope' })).code).toBe('InvalidParameterValue');
  });

  it("shows only the caller's region", async () => {
    const west = await seedInstance(t, { zone: 'eu-west-1a', tags: [{ key: 'Name', value: 'west' }] });
    expect(rows(ok<Out>(await describeTags(filterParams([{ name: 'key', values: ['Name'] }]))))).toEqual([`${a.instanceId}:Name=web`]);
    expect(rows(ok<Out>(await describeTags({}, { region: 'eu-west-1' })))).toEqual([`${west.instanceId}:Name=west`]);
  });

  it('is authorized on "*" only, with DryRun both ways', async () => {
    const onArn = await userWithPolicy(t, policy(allow('ec2:DescribeTags', 'arn:aws:ec2:*:*:instance/*')));
    expect(failure(await describeTags({}, { credentials: onArn })).code).toBe('UnauthorizedOperation');
    const onStar = await userWithPolicy(t, policy(allow('ec2:DescribeTags')));
    expect(ok<Out>(await describeTags({}, { credentials: onStar })).Tags).toHaveLength(3);
    expect(failure(await describeTags({ DryRun: 'true' }, { credentials: onStar })).code).toBe('DryRunOperation');
    expect(failure(await describeTags({ DryRun: 'true' }, { credentials: onArn })).code).toBe('UnauthorizedOperation');
  });
});
