import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import { defaultSecurityGroupId, defaultSubnetId, defaultVpcId, privateAddress } from '../shapes.js';
import { allow, deny, list, policy, roleSession, stateOf, userWithPolicy } from '../../../../test/support/ec2.js';

type Out = {
  ReservationId: string;
  OwnerId: string;
  Groups: unknown[];
  Instances: {
    InstanceId: string;
    ImageId: string;
    InstanceType: string;
    AmiLaunchIndex: number;
    State: { Code: number; Name: string };
    Placement: { AvailabilityZone: string; Tenancy: string };
    PrivateIpAddress: string;
    PrivateDnsName: string;
    VpcId: string;
    SubnetId: string;
    SecurityGroups: { GroupId: string; GroupName: string }[];
    Tags?: { Key: string; Value: string }[];
    LaunchTime: Date;
  }[];
};

const AMI = 'ami-0abcdef1234567890';
const NOW = new Date('2024-05-01T12:00:00Z');

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: NOW });
});
afterEach(async () => {
  await t.close();
});

const run = (params: Record<string, string> = {}, credentials?: Parameters<TestServices['call']>[3]) =>
  t.call('ec2', 'RunInstances', { ImageId: AMI, MinCount: '1', MaxCount: '1', ...params }, credentials);

const count = async () => (await t.store.instances.describe()).items.length;

describe('RunInstances', () => {
  it('launches one reservation of pending instances in the default VPC', async () => {
    const out = ok<Out>(await run({ MaxCount: '3' }));
    expect(out.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(out.OwnerId).toBe(TEST_ACCOUNT);
    expect(out.Groups).toEqual([]);
    expect(out.Instances).toHaveLength(3);
    out.Instances.forEach((i, n) => {
      expect(i.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
      expect(i.ImageId).toBe(AMI);
      expect(i.AmiLaunchIndex).toBe(n);
      expect(i.State).toEqual({ Code: 0, Name: 'pending' });
      // MODEL: InstanceType "Default: m1.small"; the zone defaults to the region's first.
      expect(i.InstanceType).toBe('m1.small');
      expect(i.Placement).toMatchObject({ AvailabilityZone: 'us-east-1a', Tenancy: 'default' });
      const address = privateAddress(i.InstanceId, 'us-east-1a');
      expect(i.PrivateIpAddress).toBe(address.ip);
      expect(i.PrivateDnsName).toBe(address.dnsName);
      expect(i.PrivateDnsName).toMatch(/^ip-172-31-\d+-\d+\.ec2\.internal$/);
      expect(i.VpcId).toBe(defaultVpcId(TEST_ACCOUNT, 'us-east-1'));
      expect(i.SubnetId).toBe(defaultSubnetId(TEST_ACCOUNT, 'us-east-1a'));
      expect(i.SecurityGroups).toEqual([{ GroupId: defaultSecurityGroupId(TEST_ACCOUNT, 'us-east-1'), GroupName: 'default' }]);
      expect(i.LaunchTime).toEqual(NOW);
    });
    expect(await count()).toBe(3);
    t.clock.advance(2);
    expect(await stateOf(t, out.Instances[0]!.InstanceId)).toBe('running');
  });

  it('renders the reservation as EC2 XML', async () => {
    const answer = await t.http('ec2', 'RunInstances', { ImageId: AMI, MinCount: '1', MaxCount: '1', InstanceType: 't3.micro' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
    expect(answer.body).toMatch(/<reservationId>r-[0-9a-f]{17}<\/reservationId><ownerId>013823792818<\/ownerId>/);
    expect(answer.body).toContain('<instanceState><code>0</code><name>pending</name></instanceState>');
    expect(answer.body).toContain('<instanceType>t3.micro</instanceType>');
  });

  it('launches in the zone or default subnet asked for', async () => {
    expect(ok<Out>(await run({ 'Placement.AvailabilityZone': 'us-east-1c' })).Instances[0]?.Placement.AvailabilityZone).toBe('us-east-1c');
    const subnet = defaultSubnetId(TEST_ACCOUNT, 'us-east-1b');
    const i = ok<Out>(await run({ SubnetId: subnet })).Instances[0];
    expect(i?.Placement.AvailabilityZone).toBe('us-east-1b');
    expect(i?.SubnetId).toBe(subnet);
    const west = ok<Out>(await run({}, { region: 'eu-west-1' })).Instances[0];
    expect(west?.Placement.AvailabilityZone).toBe('eu-west-1a');
    expect(west?.PrivateDnsName).toMatch(/\.eu-west-1\.compute\.internal$/);
  });

  it('refuses a zone of another region, an unknown subnet, security group or key pair', async () => {
    expect(failure(await run({ 'Placement.AvailabilityZone': 'eu-west-1a' }))).toEqual({
      code: 'InvalidParameterValue',
      message: 'Invalid availability zone: [eu-west-1a]',
      httpStatus: 400,
    });
    expect(failure(await run({ SubnetId: 'subnet-12345678' }))).toEqual({
      code: 'InvalidSubnetID.NotFound',
      message: "The subnet ID 'subnet-12345678' does not exist",
      httpStatus: 400,
    });
    expect(failure(await run({ 'SecurityGroupId.1': 'sg-12345678' })).code).toBe('InvalidGroup.NotFound');
    ok(await run({ 'SecurityGroupId.1': defaultSecurityGroupId(TEST_ACCOUNT, 'us-east-1'), 'SecurityGroup.1': 'default' }));
    expect(failure(await run({ KeyName: 'mine' }))).toEqual({ code: 'InvalidKeyPair.NotFound', message: "The key pair 'mine' does not exist", httpStatus: 400 });
  });

  it('refuses what it cannot honour rather than ignoring it', async () => {
    for (const params of [{ 'LaunchTemplate.LaunchTemplateId': 'lt-12345678' }, { EbsOptimized: 'true' }, { 'Placement.Tenancy': 'dedicated' }, { 'IamInstanceProfile.Name': 'x' }]) {
      expect(failure(await run(params)).code).toBe('Unsupported');
    }
    expect(await count()).toBe(0);
  });

  describe('counts', () => {
    it('launches up to 100 a call, as many as possible above MinCount', async () => {
      expect(ok<Out>(await run({ MinCount: '2', MaxCount: '150' })).Instances).toHaveLength(100);
    });

    it('refuses a MinCount above the limit', async () => {
      expect(failure(await run({ MinCount: '101', MaxCount: '101' }))).toEqual({
        code: 'InstanceLimitExceeded',
        message:
          'You have requested more instances (101) than your current instance limit of 100 allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.',
        httpStatus: 400,
      });
    });

    it.each([
      [{ MinCount: '1', MaxCount: '0' }, 'Maximum instance count must be greater than zero'],
      [{ MinCount: '0', MaxCount: '1' }, 'Minimum instance count must be greater than zero'],
      [{ MinCount: '3', MaxCount: '2' }, 'Minimum instance count must be less than or equal to maximum instance count'],
    ])('refuses %o', async (params, message) => {
      expect(failure(await run(params))).toEqual({ code: 'InvalidParameterValue', message, httpStatus: 400 });
    });

    it('needs MinCount and MaxCount', async () => {
      expect(failure(await t.call('ec2', 'RunInstances', { ImageId: AMI, MinCount: '1' })).code).toBe('MissingParameter');
    });
  });

  describe('image', () => {
    it('needs an image id', async () => {
      expect(failure(await t.call('ec2', 'RunInstances', { MinCount: '1', MaxCount: '1' }))).toEqual({
        code: 'MissingParameter',
        message: 'The request must contain the parameter ImageId',
        httpStatus: 400,
      });
    });

    it.each(['ami-xyz', '{var.ami_id}', 'ami-1234567', 'i-12345678'])('refuses the malformed image id %s', async (id) => {
      expect(failure(await run({ ImageId: id }))).toEqual({ code: 'InvalidAMIID.Malformed', message: `Invalid id: "${id}" (expecting "ami-...")`, httpStatus: 400 });
    });

    it('accepts short and long image ids', async () => {
      ok(await run({ ImageId: 'ami-12345678' }));
      ok(await run({ ImageId: 'ami-0123456789abcdef0' }));
    });
  });

  describe('TagSpecifications', () => {
    const spec = (type: string, tags: [string, string][]) => {
      const out: Record<string, string> = { 'TagSpecification.1.ResourceType': type };
      tags.forEach(([k, v], n) => {
        out[`TagSpecification.1.Tag.${n + 1}.Key`] = k;
        out[`TagSpecification.1.Tag.${n + 1}.Value`] = v;
      });
      return out;
    };

    it('tags every instance launched', async () => {
      const out = ok<Out>(await run({ MaxCount: '2', ...spec('instance', [['Name', 'web'], ['CostCenter', 'marketing']]) }));
      for (const i of out.Instances) expect(i.Tags).toEqual([{ Key: 'Name', Value: 'web' }, { Key: 'CostCenter', Value: 'marketing' }]);
    });

    it('refuses other resource types, reserved keys and repeated keys', async () => {
      expect(failure(await run(spec('volume', [['a', 'b']])))).toEqual({
        code: 'InvalidParameterValue',
        message: "'volume' is not a valid taggable resource type for this operation.",
        httpStatus: 400,
      });
      expect(failure(await run(spec('instance', [['aws:cloudformation:stack-name', 'x']])))).toEqual({
        code: 'InvalidParameterValue',
        message: "Tag keys starting with 'aws:' are reserved for internal use",
        httpStatus: 400,
      });
      expect(failure(await run(spec('instance', [['keep', '1'], ['keep', '2']]))).message).toBe("Duplicate tag key 'keep' specified.");
      expect(await count()).toBe(0);
    });
  });

  describe('authorization', () => {
    it('needs ec2:RunInstances on the image too, not only on the instance', async () => {
      const user = await userWithPolicy(t, policy(allow('ec2:RunInstances', 'arn:aws:ec2:*:*:instance/*')));
      const e = failure(await run({}, { credentials: user }));
      expect(e.code).toBe('UnauthorizedOperation');
      expect(e.message).toContain(`ec2:RunInstances on resource: arn:aws:ec2:us-east-1::image/${AMI}`);
      expect(await count()).toBe(0);
    });

    it('needs the subnet, security group and network interface as EC2 does', async () => {
      const user = await userWithPolicy(t, policy(allow('ec2:RunInstances', ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:*::image/*'])));
      expect(failure(await run({}, { credentials: user })).message).toContain(`arn:aws:ec2:us-east-1:${TEST_ACCOUNT}:network-interface/*`);
      const enough = await userWithPolicy(
        t,
        policy(
          allow('ec2:RunInstances', [
            'arn:aws:ec2:*:*:instance/*',
            'arn:aws:ec2:*::image/*',
            'arn:aws:ec2:*:*:network-interface/*',
            'arn:aws:ec2:*:*:security-group/*',
            'arn:aws:ec2:*:*:subnet/*',
          ]),
        ),
      );
      ok(await run({}, { credentials: enough }));
    });

    it('evaluates ec2:CreateTags with ec2:CreateAction only when tags are applied', async () => {
      const runOnly = await userWithPolicy(t, policy(allow('ec2:RunInstances')));
      ok(await run({}, { credentials: runOnly }));
      const tagged = { 'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'team', 'TagSpecification.1.Tag.1.Value': 'a' };
      const e = failure(await run(tagged, { credentials: runOnly }));
      expect(e.code).toBe('UnauthorizedOperation');
      expect(e.message).toContain(`ec2:CreateTags on resource: arn:aws:ec2:us-east-1:${TEST_ACCOUNT}:instance/*`);

      const withCreate = await userWithPolicy(
        t,
        policy(allow('ec2:RunInstances'), allow('ec2:CreateTags', `arn:aws:ec2:us-east-1:${TEST_ACCOUNT}:*/*`, { StringEquals: { 'ec2:CreateAction': 'RunInstances' } })),
      );
      ok(await run(tagged, { credentials: withCreate }));
      // The same permission does not allow tagging an existing instance (no ec2:CreateAction there).
      const id = (await t.store.instances.describe()).items[0]!.instanceId;
      expect(failure(await t.call('ec2', 'CreateTags', { 'ResourceId.1': id, 'Tag.1.Key': 'x', 'Tag.1.Value': 'y' }, { credentials: withCreate })).code).toBe(
        'UnauthorizedOperation',
      );
    });

    it('passes the request tags and the instance type to conditions (ABAC on create)', async () => {
      const abac = policy(
        allow('ec2:RunInstances', '*', { StringEquals: { 'aws:RequestTag/CostCenter': '${aws:PrincipalTag/CostCenter}', 'ec2:InstanceType': 't3.micro' } }),
        allow('ec2:RunInstances', ['arn:aws:ec2:*::image/*', 'arn:aws:ec2:*:*:network-interface/*', 'arn:aws:ec2:*:*:security-group/*', 'arn:aws:ec2:*:*:subnet/*']),
        allow('ec2:CreateTags', '*', { StringEquals: { 'ec2:CreateAction': 'RunInstances' } }),
        deny('ec2:RunInstances', 'arn:aws:ec2:*:*:instance/*', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['CostCenter', 'Name'] } }),
      );
      const jane = await roleSession(t, { policy: abac, sessionTags: [{ key: 'CostCenter', value: 'marketing' }] });
      const tags = (value: string, extra: Record<string, string> = {}) => ({
        InstanceType: 't3.micro',
        'TagSpecification.1.ResourceType': 'instance',
        'TagSpecification.1.Tag.1.Key': 'CostCenter',
        'TagSpecification.1.Tag.1.Value': value,
        ...extra,
      });
      ok(await run(tags('marketing'), { credentials: jane }));
      expect(failure(await run(tags('engineering'), { credentials: jane })).code).toBe('UnauthorizedOperation');
      expect(failure(await run({ ...tags('marketing'), InstanceType: 'm5.large' }, { credentials: jane })).code).toBe('UnauthorizedOperation');
      // Without tags the RequestTag key is absent: StringEquals is false.
      expect(failure(await run({ InstanceType: 't3.micro' }, { credentials: jane })).code).toBe('UnauthorizedOperation');
      // An extra tag key outside the allowed set is denied.
      expect(
        failure(await run(tags('marketing', { 'TagSpecification.1.Tag.2.Key': 'owner', 'TagSpecification.1.Tag.2.Value': 'x' }), { credentials: jane })).message,
      ).toContain('explicit deny');
      expect(await count()).toBe(1);
    });

    it('answers DryRun with 412 when allowed and UnauthorizedOperation when not, launching nothing', async () => {
      expect(failure(await run({ DryRun: 'true' })).httpStatus).toBe(412);
      const user = await userWithPolicy(t, policy(allow('ec2:DescribeInstances')));
      expect(failure(await run({ DryRun: 'true' }, { credentials: user })).code).toBe('UnauthorizedOperation');
      expect(await count()).toBe(0);
    });
  });
});
