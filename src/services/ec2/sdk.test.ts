// EC2 through other people's client: the AWS SDK for JavaScript v3 against this control plane over
// HTTP, for every EC2 action Tessera serves — request serialization, response parsing, modeled
// error names and statuses, the paginator.

import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeTagsCommand,
  EC2Client,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../http/server.js';
import type { RunningServer } from '../../http/server.js';
import { createTestServices, TEST_ADMIN } from '../../../test/support/services.js';
import type { TestServices } from '../../../test/support/services.js';
import type { SigningCredentials } from '../../sigv4/index.js';
import { roleSession, seedPolicy } from '../../../test/support/ec2.js';

let t: TestServices;
let server: RunningServer;
let admin: EC2Client;

function client(credentials: SigningCredentials): EC2Client {
  return new EC2Client({ endpoint: server.url, region: 'us-east-1', maxAttempts: 1, credentials });
}

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  t = await createTestServices();
  server = await startHttpServer(t.env, { host: '127.0.0.1', port: 0 });
  admin = client(TEST_ADMIN);
});

afterAll(async () => {
  admin.destroy();
  await server.close();
  await t.close();
});

describe('EC2 with the AWS SDK for JavaScript v3', () => {
  const ids: Record<string, string> = {};

  it('RunInstances, then DescribeInstances paged by the paginator with a tag filter', async () => {
    for (const cc of ['marketing', 'engineering']) {
      const out = await admin.send(
        new RunInstancesCommand({
          ImageId: 'ami-0abcdef1234567890',
          InstanceType: 't3.micro',
          MinCount: 3,
          MaxCount: 3,
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'CostCenter', Value: cc }] }],
        }),
      );
      expect(out.Instances?.map((i) => i.State)).toEqual([{ Code: 0, Name: 'pending' }, { Code: 0, Name: 'pending' }, { Code: 0, Name: 'pending' }]);
      expect(out.Instances?.[0]?.LaunchTime).toBeInstanceOf(Date);
      ids[cc] = out.Instances?.[0]?.InstanceId as string;
    }
    t.clock.advance(3);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstances({ client: admin, pageSize: 5 }, { Filters: [{ Name: 'tag:CostCenter', Values: ['marketing'] }] })) {
      pages++;
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) {
        expect(i.State?.Name).toBe('running');
        seen.push(i.InstanceId as string);
      }
    }
    expect(seen).toHaveLength(3);
    expect(pages).toBe(1);
    const all = await admin.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(all.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(5);
    expect(all.NextToken).toBeDefined();
  });

  it('StopInstances as the seed role session: allowed for marketing, UnauthorizedOperation for engineering', async () => {
    const jane = client(await roleSession(t, { policy: seedPolicy(), roleName: 'AccessByCostCenter', sessionTags: [{ key: 'CostCenter', value: 'marketing' }] }));
    const out = await jane.send(new StopInstancesCommand({ InstanceIds: [ids['marketing'] as string] }));
    expect(out.StoppingInstances).toEqual([{ InstanceId: ids['marketing'], CurrentState: { Code: 64, Name: 'stopping' }, PreviousState: { Code: 16, Name: 'running' } }]);
    const denied = await rejection(jane.send(new StopInstancesCommand({ InstanceIds: [ids['engineering'] as string] })));
    expect(denied.name).toBe('UnauthorizedOperation');
    expect(denied.status).toBe(403);
    expect(denied.message).toMatch(/^You are not authorized to perform this operation\. User: arn:aws:sts::013823792818:assumed-role\/AccessByCostCenter\/jane@example\.com is not authorized/);
    const dry = await rejection(jane.send(new StopInstancesCommand({ InstanceIds: [ids['marketing'] as string], DryRun: true })));
    expect([dry.name, dry.status]).toEqual(['DryRunOperation', 412]);
    jane.destroy();
  });

  it('StartInstances and TerminateInstances', async () => {
    t.clock.advance(3);
    const started = await admin.send(new StartInstancesCommand({ InstanceIds: [ids['marketing'] as string] }));
    expect(started.StartingInstances?.[0]?.CurrentState).toEqual({ Code: 0, Name: 'pending' });
    const terminated = await admin.send(new TerminateInstancesCommand({ InstanceIds: [ids['engineering'] as string] }));
    expect(terminated.TerminatingInstances?.[0]?.CurrentState).toEqual({ Code: 32, Name: 'shutting-down' });
    const missing = await rejection(admin.send(new StartInstancesCommand({ InstanceIds: ['i-0000000000000beef'] })));
    expect([missing.name, missing.status, missing.message]).toEqual(['InvalidInstanceID.NotFound', 400, "The instance ID 'i-0000000000000beef' does not exist"]);
  });

  it('CreateTags, DescribeTags, DeleteTags', async () => {
    const id = ids['marketing'] as string;
    await admin.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Name', Value: 'website' }] }));
    const tags = await admin.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }));
    expect(tags.Tags).toEqual([
      { ResourceId: id, ResourceType: 'instance', Key: 'CostCenter', Value: 'marketing' },
      { ResourceId: id, ResourceType: 'instance', Key: 'Name', Value: 'website' },
    ]);
    await admin.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'Name' }] }));
    const after = await admin.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }));
    expect(after.Tags?.map((x) => x.Key)).toEqual(['CostCenter']);
    const reserved = await rejection(admin.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'aws:x', Value: '' }] })));
    expect([reserved.name, reserved.status]).toEqual(['InvalidParameterValue', 400]);
  });

  it('DescribeRegions', async () => {
    const out = await admin.send(new DescribeRegionsCommand({ RegionNames: ['us-east-1'] }));
    expect(out.Regions).toEqual([{ RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' }]);
  });
});
