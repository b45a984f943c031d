import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import { allow, filterParams, list, policy, roleSession, seedInstance, seedPolicy, userWithPolicy } from '../../../../test/support/ec2.js';
import type { Instance } from '../../../store/port.js';

type Out = {
  Reservations: { ReservationId: string; OwnerId: string; Instances: { InstanceId: string; State: { Name: string; Code: number }; Tags?: { Key: string; Value: string }[] }[] }[];
  NextToken?: string;
};

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2024-05-01T12:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

const describeInstances = (params: Record<string, string> = {}, credentials?: Parameters<TestServices['call']>[3]) =>
  t.call('ec2', 'DescribeInstances', params, credentials);

const ids = (out: Out) => out.Reservations.flatMap((r) => r.Instances.map((i) => i.InstanceId));
const filtered = async (name: string, ...values: string[]) => ids(ok<Out>(await describeInstances(filterParams([{ name, values }]))));

describe('DescribeInstances', () => {
  it('groups the instances of one RunInstances call in one reservation', async () => {
    const run = ok<{ ReservationId: string; Instances: { InstanceId: string }[] }>(
      await t.call('ec2', 'RunInstances', { ImageId: 'ami-12345678', MinCount: '2', MaxCount: '2' }),
    );
    const other = await seedInstance(t, { tags: [{ key: 'Name', value: 'web' }] });
    const out = ok<Out>(await describeInstances());
    expect(out.Reservations.map((r) => r.ReservationId)).toEqual([run.ReservationId, other.reservationId]);
    expect(out.Reservations[0]?.Instances.map((i) => i.InstanceId)).toEqual(run.Instances.map((i) => i.InstanceId));
    expect(out.Reservations[0]?.OwnerId).toBe(TEST_ACCOUNT);
    expect(out.Reservations[1]?.Instances[0]?.Tags).toEqual([{ Key: 'Name', Value: 'web' }]);
    expect(out.Reservations[0]?.Instances[0]?.Tags).toBeUndefined();
    expect(out.NextToken).toBeUndefined();
  });

  it('renders EC2 XML with instanceState and tagSet', async () => {
    await seedInstance(t, { tags: [{ key: 'Project', value: 'Alpha' }] });
    const answer = await t.http('ec2', 'DescribeInstances', {});
    expect(answer.body).toContain('<reservationSet><item>');
    expect(answer.body).toContain('<instanceState><code>16</code><name>running</name></instanceState>');
    expect(answer.body).toContain('<tagSet><item><key>Project</key><value>Alpha</value></item></tagSet>');
  });

  it('keeps terminated instances visible', async () => {
    const i = await seedInstance(t);
    ok(await t.call('ec2', 'TerminateInstances', list('InstanceId', [i.instanceId])));
    t.clock.advance(60);
    const out = ok<Out>(await describeInstances(list('InstanceId', [i.instanceId])));
    expect(out.Reservations[0]?.Instances[0]?.State).toEqual({ Code: 48, Name: 'terminated' });
  });

  describe('InstanceIds', () => {
    it('describes the named instances', async () => {
      const a = await seedInstance(t);
      await seedInstance(t);
      expect(ids(ok<Out>(await describeInstances(list('InstanceId', [a.instanceId]))))).toEqual([a.instanceId]);
    });

    it('names every unknown instance', async () => {
      const a = await seedInstance(t);
      expect(failure(await describeInstances(list('InstanceId', [a.instanceId, 'i-44444444', 'i-55555555'])))).toEqual({
        code: 'InvalidInstanceID.NotFound',
        message: "The instance IDs 'i-44444444, i-55555555' do not exist",
        httpStatus: 400,
      });
    });

    it('refuses a malformed id', async () => {
      expect(failure(await describeInstances(list('InstanceId', ['ma1'])))).toEqual({ code: 'InvalidInstanceID.Malformed', message: 'Invalid id: "ma1"', httpStatus: 400 });
    });

    it('refuses InstanceIds with MaxResults', async () => {
      const a = await seedInstance(t);
      expect(failure(await describeInstances({ ...list('InstanceId', [a.instanceId]), MaxResults: '5' }))).toEqual({
        code: 'InvalidParameterCombination',
        message: 'The parameter instancesSet cannot be used with the parameter maxResults',
        httpStatus: 400,
      });
    });

    it('applies filters to named instances, which must exist anyway', async () => {
      const a = await seedInstance(t, { instanceType: 't3.micro' });
      expect(ids(ok<Out>(await describeInstances({ ...list('InstanceId', [a.instanceId]), ...filterParams([{ name: 'instance-type', values: ['m5.large'] }]) })))).toEqual([]);
    });
  });

  describe('Filters', () => {
    let a: Instance;
    let b: Instance;
    beforeEach(async () => {
      a = await seedInstance(t, { instanceType: 't3.micro', zone: 'us-east-1a', tags: [{ key: 'CostCenter', value: 'marketing' }, { key: 'Name', value: 'website' }] });
      b = await seedInstance(t, { instanceType: 'm5.large', zone: 'us-east-1b', state: 'stopped', reason: 'User initiated (2024-05-01 11:00:00 GMT)', tags: [{ key: 'CostCenter', value: 'engineering' }] });
    });

    it.each([
      ['instance-id', () => [a.instanceId], () => [a.instanceId]],
      ['instance-type', () => ['m5.large'], () => [b.instanceId]],
      ['image-id', () => ['ami-0abcdef1234567890'], () => [a.instanceId, b.instanceId]],
      ['availability-zone', () => ['us-east-1b'], () => [b.instanceId]],
      ['reservation-id', () => [a.reservationId], () => [a.instanceId]],
      ['owner-id', () => [TEST_ACCOUNT], () => [a.instanceId, b.instanceId]],
      ['owner-id', () => ['111122223333'], () => []],
      ['private-ip-address', () => [b.privateIpAddress], () => [b.instanceId]],
      ['private-dns-name', () => [a.privateDnsName], () => [a.instanceId]],
      ['vpc-id', () => [a.vpcId as string], () => [a.instanceId, b.instanceId]],
      ['subnet-id', () => [b.subnetId as string], () => [b.instanceId]],
      ['instance-state-name', () => ['stopped'], () => [b.instanceId]],
      ['instance-state-code', () => ['16'], () => [a.instanceId]],
      ['tag:CostCenter', () => ['marketing'], () => [a.instanceId]],
      ['tag:CostCenter', () => ['marketing', 'engineering'], () => [a.instanceId, b.instanceId]],
      ['tag:costcenter', () => ['marketing'], () => []],
      ['tag-key', () => ['Name'], () => [a.instanceId]],
    ] as const)('filters on %s', async (name, values, expected) => {
      expect(await filtered(name, ...values())).toEqual(expected());
    });

    it("matches EC2 wildcards (* any run, ? zero or one character)", async () => {
      expect(await filtered('tag:CostCenter', 'mark*')).toEqual([a.instanceId]);
      expect(await filtered('instance-type', 't3.micro?')).toEqual([a.instanceId]);
      expect(await filtered('instance-state-name', 'stop*')).toEqual([b.instanceId]);
    });

    it('ANDs filters and ORs the values of one filter', async () => {
      const both = filterParams([
        { name: 'tag:CostCenter', values: ['marketing', 'engineering'] },
        { name: 'instance-state-name', values: ['running'] },
      ]);
      expect(ids(ok<Out>(await describeInstances(both)))).toEqual([a.instanceId]);
    });

    it('filters on the state an instance has settled into', async () => {
      const c = await seedInstance(t, { state: 'stopping', reason: 'User initiated (2024-05-01 11:00:00 GMT)' });
      expect(await filtered('instance-state-name', 'stopped')).toEqual([b.instanceId, c.instanceId]);
      expect(await filtered('instance-state-name', 'stopping')).toEqual([]);
      const d = await seedInstance(t, { state: 'stopping', reason: 'User initiated (2024-05-01 12:00:00 GMT)' });
      expect(await filtered('instance-state-name', 'stopping')).toEqual([d.instanceId]);
      expect(await filtered('instance-state-code', '80')).toEqual([b.instanceId, c.instanceId]);
    });

    it('refuses an unknown filter name as EC2 does', async () => {
      expect(failure(await describeInstances(filterParams([{ name: 'public-ip', values: ['1.2.3.4'] }])))).toEqual({
        code: 'InvalidParameterValue',
        message: "The filter 'public-ip' is invalid",
        httpStatus: 400,
      });
    });
  });

  describe('paging', () => {
    it('pages with MaxResults and NextToken until every instance was seen once', async () => {
      const all: string[] = [];
      for (let n = 0; n < 12; n++) all.push((await seedInstance(t)).instanceId);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const out = ok<Out>(await describeInstances({ MaxResults: '5', ...(token === undefined ? {} : { NextToken: token }) }));
        seen.push(...ids(out));
        token = out.NextToken;
        pages++;
      } while (token !== undefined);
      expect(seen).toEqual(all);
      expect(pages).toBe(3);
    });

    it.each([
      ['4', 'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.'],
      ['1001', 'Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000.'],
    ])('refuses MaxResults %s', async (max, message) => {
      expect(failure(await describeInstances({ MaxResults: max }))).toEqual({ code: 'InvalidParameterValue', message, httpStatus: 400 });
    });

    it('refuses a token it did not issue', async () => {
      expect(failure(await describeInstances({ NextToken: 'bogus' }))).toEqual({
        code: 'InvalidParameterValue',
        message: 'Value ( bogus ) for parameter NextToken is invalid. The token is invalid.',
        httpStatus: 400,
      });
    });
  });

  it("shows only the caller's region", async () => {
    const east = await seedInstance(t);
    const west = await seedInstance(t, { zone: 'eu-west-1b' });
    expect(ids(ok<Out>(await describeInstances()))).toEqual([east.instanceId]);
    expect(ids(ok<Out>(await describeInstances({}, { region: 'eu-west-1' })))).toEqual([west.instanceId]);
    expect(failure(await describeInstances(list('InstanceId', [west.instanceId]))).code).toBe('InvalidInstanceID.NotFound');
  });

  describe('authorization (no resource-level permissions)', () => {
    it('is allowed by a statement on "*"', async () => {
      const i = await seedInstance(t);
      const user = await userWithPolicy(t, policy(allow('ec2:DescribeInstances')));
      expect(ids(ok<Out>(await describeInstances({}, { credentials: user })))).toEqual([i.instanceId]);
    });

    it('is never allowed by a statement naming instance ARNs', async () => {
      await seedInstance(t);
      const user = await userWithPolicy(t, policy(allow('ec2:DescribeInstances', 'arn:aws:ec2:*:*:instance/*')));
      const e = failure(await describeInstances({}, { credentials: user }));
      expect(e.code).toBe('UnauthorizedOperation');
      expect(e.message).toContain('is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action');
    });

    it('is never allowed by a statement with a resource-tag condition', async () => {
      await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'marketing' }] });
      const jane = await roleSession(t, {
        policy: policy(allow('ec2:DescribeInstances', '*', { StringEquals: { 'ec2:ResourceTag/CostCenter': '${aws:PrincipalTag/CostCenter}' } })),
        sessionTags: [{ key: 'CostCenter', value: 'marketing' }],
      });
      expect(failure(await describeInstances({}, { credentials: jane })).code).toBe('UnauthorizedOperation');
    });

    it("is allowed by the seed's policy, which lists every instance", async () => {
      await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'marketing' }] });
      await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'engineering' }] });
      const jane = await roleSession(t, { policy: seedPolicy(), sessionTags: [{ key: 'CostCenter', value: 'marketing' }] });
      expect(ids(ok<Out>(await describeInstances({}, { credentials: jane })))).toHaveLength(2);
    });

    it('answers DryRun with 412 when allowed and UnauthorizedOperation when not', async () => {
      expect(failure(await describeInstances({ DryRun: 'true' })).httpStatus).toBe(412);
      const user = await userWithPolicy(t, policy(allow('ec2:StopInstances')));
      expect(failure(await describeInstances({ DryRun: 'true' }, { credentials: user })).code).toBe('UnauthorizedOperation');
    });

    it('does not tell an unauthorized caller which instances exist', async () => {
      const user = await userWithPolicy(t, policy(allow('ec2:StopInstances')));
      expect(failure(await describeInstances(list('InstanceId', ['i-66666666']), { credentials: user })).code).toBe('UnauthorizedOperation');
    });
  });
});
