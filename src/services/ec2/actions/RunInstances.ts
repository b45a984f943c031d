// ec2:RunInstances — launches MinCount..MaxCount instances (capped at 100 a call) of one image in
// one reservation, in the region's default VPC, tagged by TagSpecifications. Authorized as EC2 does:
// ec2:RunInstances on every required resource (image, instance, network interface, security group,
// subnet) and, when tags are applied, ec2:CreateTags with ec2:CreateAction=RunInstances (aws.md
// §6.6). Must never launch with a parameter it cannot honour: that one is refused, not ignored.

import { AwsError } from '../../errors.js';
import { defineAction } from '../../types.js';
import type { AuthzCheck } from '../../types.js';
import type { NewInstance, Tag } from '../../../store/port.js';
import { context, ec2Arn, imageArn, LAUNCH_DEFAULTS, requestTagContext } from '../authz.js';
import { amiIdMalformed, dryRun, invalidParameterValue } from '../errors.js';
import { isImageId } from '../ids.js';
import { storeErrorToEc2 } from '../instances.js';
import { isZoneOf } from '../regions.js';
import { defaultSecurityGroupId, defaultSubnetId, defaultVpcId, privateAddress, reservationsShape, zoneOfDefaultSubnet } from '../shapes.js';
import { tagsToSet } from '../tags.js';
import type { Reservation, RunInstancesRequest } from '../types.js';

/** The most instances one call launches (EC2's smallest default On-Demand quota is of this order; a scenario needs no more). */
export const RUN_INSTANCES_LIMIT = 100;

/** MODEL RunInstancesRequest.InstanceType: "Default: m1.small". */
export const DEFAULT_INSTANCE_TYPE = 'm1.small';

/** `Unsupported` (OBS GH:hashicorp/terraform#20452, GH:ansible/ansible#70198: EC2's answer to a configuration it cannot launch). */
function unsupported(): AwsError {
  return new AwsError('Unsupported', 'The requested configuration is currently not supported. Please check the documentation for supported configurations.', 400);
}

/**
 * Members that would change what is launched or what must be authorized (launch templates,
 * network interfaces, instance profiles, volumes, …): Tessera does not model them, so a request
 * naming one is refused rather than launched as if it had not — an ignored parameter would be
 * authorized on facts that are not the request's.
 */
const UNSUPPORTED_MEMBERS = [
  'LaunchTemplate', 'NetworkInterfaces', 'IamInstanceProfile', 'InstanceMarketOptions', 'MetadataOptions', 'CpuOptions',
  'BlockDeviceMappings', 'PrivateIpAddress', 'Ipv6Addresses', 'Ipv6AddressCount', 'ElasticGpuSpecification',
  'ElasticInferenceAccelerators', 'LicenseSpecifications', 'CapacityReservationSpecification', 'SecondaryInterfaces', 'Operator',
  'KernelId', 'RamdiskId', 'EnclaveOptions', 'HibernationOptions', 'NetworkPerformanceOptions',
] as const satisfies readonly (keyof RunInstancesRequest)[];

/** Booleans whose `true` Tessera cannot honour (it would show and authorize the instance as `false`). */
const UNSUPPORTED_WHEN_TRUE = ['EbsOptimized', 'DisableApiTermination', 'DisableApiStop', 'EnablePrimaryIpv6'] as const satisfies readonly (keyof RunInstancesRequest)[];

function refuseUnsupported(input: RunInstancesRequest): void {
  for (const m of UNSUPPORTED_MEMBERS) if (input[m] !== undefined) throw unsupported();
  for (const m of UNSUPPORTED_WHEN_TRUE) if (input[m] === true) throw unsupported();
  const p = input.Placement;
  if (p !== undefined) {
    if (p.Tenancy !== undefined && p.Tenancy !== 'default') throw unsupported();
    for (const k of ['GroupName', 'GroupId', 'HostId', 'HostResourceGroupArn', 'Affinity', 'PartitionNumber', 'SpreadDomain', 'AvailabilityZoneId'] as const) {
      if (p[k] !== undefined && p[k] !== '') throw unsupported();
    }
  }
}

function checkCounts(min: number, max: number): number {
  // OBS GH:jenkinsci/ec2-plugin#252.
  if (max < 1) throw invalidParameterValue('Maximum instance count must be greater than zero');
  // [INF] the same words for the minimum, and for a minimum above the maximum.
  if (min < 1) throw invalidParameterValue('Minimum instance count must be greater than zero');
  if (min > max) throw invalidParameterValue('Minimum instance count must be less than or equal to maximum instance count');
  // "If you specify a minimum that is more instances than Amazon EC2 can launch … Amazon EC2
  // launches no instances"; above the maximum, "the largest possible number" (MODEL MinCount,
  // MaxCount). Wording OBS GH:saltstack/salt-ci-images#716, GH:convox/rack#2539.
  if (min > RUN_INSTANCES_LIMIT) {
    throw new AwsError(
      'InstanceLimitExceeded',
      `You have requested more instances (${min}) than your current instance limit of ${RUN_INSTANCES_LIMIT} allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
      400,
    );
  }
  return Math.min(max, RUN_INSTANCES_LIMIT);
}

/** The zone and subnet: a default subnet named by SubnetId, else the Placement zone, else `<region>a`. */
function placement(input: RunInstancesRequest, accountId: string, region: string): { zone: string; subnetId: string } {
  const asked = input.Placement?.AvailabilityZone;
  // OBS GH:newsapps/beeswithmachineguns#90.
  if (asked !== undefined && !isZoneOf(asked, region)) throw invalidParameterValue(`Invalid availability zone: [${asked}]`);
  if (input.SubnetId !== undefined) {
    const zone = zoneOfDefaultSubnet(accountId, region, input.SubnetId);
    // MOTO InvalidSubnetIdError (moto reproduces EC2's string).
    if (zone === undefined) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${input.SubnetId}' does not exist`, 400);
    // [INF] a zone that contradicts the subnet's.
    if (asked !== undefined && asked !== zone) throw invalidParameterValue(`Invalid availability zone: [${asked}]`);
    return { zone, subnetId: input.SubnetId };
  }
  const zone = asked ?? `${region}a`;
  return { zone, subnetId: defaultSubnetId(accountId, zone) };
}

/** Only the VPC's default security group exists. */
function checkSecurityGroups(input: RunInstancesRequest, groupId: string, vpcId: string): void {
  for (const id of input.SecurityGroupIds ?? []) {
    // MOTO InvalidSecurityGroupNotFoundError.
    if (id !== groupId) throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`, 400);
  }
  for (const name of input.SecurityGroups ?? []) {
    // [INF] EC2's wording for a group name in a default VPC.
    if (name !== 'default') throw new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${vpcId}'`, 400);
  }
}

/** Tags of the instances (ResourceType `instance`); other resource types are not launched here. */
function instanceTags(input: RunInstancesRequest): Tag[] {
  const raw = [];
  for (const spec of input.TagSpecifications ?? []) {
    // OBS GH:awsdocs/aws-cloudformation-user-guide#634.
    if (spec.ResourceType === undefined) throw new AwsError('InvalidTagSpecification.Malformed', 'The resource type cannot be null or empty.', 400);
    // OBS GH:aws/aws-cli#2865 (MOTO InvalidTaggableResourceType).
    if (spec.ResourceType !== 'instance') throw invalidParameterValue(`'${spec.ResourceType}' is not a valid taggable resource type for this operation.`);
    raw.push(...(spec.Tags ?? []));
  }
  return tagsToSet(raw, 'plain');
}

export const RunInstances = defineAction<RunInstancesRequest, Reservation>({
  name: 'RunInstances',
  async handle(input, ctx) {
    const { accountId } = ctx.env;
    const region = ctx.region;

    // Parameters first (aws.md §6.10), in EC2's order: counts, image, then the rest.
    const count = checkCounts(input.MinCount, input.MaxCount);
    // The decoder's wording for a missing member (MissingParameter, aws.md §8.5): ImageId is optional
    // in the model only because a launch template may carry it, and those are refused below.
    if (input.ImageId === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter ImageId', 400);
    if (!isImageId(input.ImageId)) throw amiIdMalformed(input.ImageId);
    refuseUnsupported(input);
    // OBS GH:hashicorp/vault-guides#260 (no key pair exists in Tessera).
    if (input.KeyName !== undefined) throw new AwsError('InvalidKeyPair.NotFound', `The key pair '${input.KeyName}' does not exist`, 400);
    const { zone, subnetId } = placement(input, accountId, region);
    const vpcId = defaultVpcId(accountId, region);
    const groupId = defaultSecurityGroupId(accountId, region);
    checkSecurityGroups(input, groupId, vpcId);
    const tags = instanceTags(input);
    const instanceType = input.InstanceType ?? DEFAULT_INSTANCE_TYPE;

    // Authorization: every required resource of RunInstances (SAR-EC2: image*, instance*,
    // network-interface*, security-group*, subnet*), the ones being created as `…/*`.
    const vpcArn = ec2Arn(region, accountId, 'vpc', vpcId);
    const subnetArn = ec2Arn(region, accountId, 'subnet', subnetId);
    const requested = requestTagContext(tags);
    const instanceKeys = { 'ec2:InstanceType': instanceType, 'ec2:AvailabilityZone': zone, ...LAUNCH_DEFAULTS };
    const instanceResource = ec2Arn(region, accountId, 'instance', '*');
    const checks: AuthzCheck[] = [
      { action: 'ec2:RunInstances', resource: imageArn(region, input.ImageId), context: { 'ec2:ImageID': input.ImageId, 'ec2:RootDeviceType': 'ebs' } },
      { action: 'ec2:RunInstances', resource: instanceResource, context: context(instanceKeys, requested) },
      { action: 'ec2:RunInstances', resource: ec2Arn(region, accountId, 'network-interface', '*'), context: { 'ec2:Subnet': subnetArn, 'ec2:Vpc': vpcArn, 'ec2:AvailabilityZone': zone } },
      { action: 'ec2:RunInstances', resource: ec2Arn(region, accountId, 'security-group', groupId), context: { 'ec2:SecurityGroupID': groupId, 'ec2:Vpc': vpcArn } },
      { action: 'ec2:RunInstances', resource: subnetArn, context: { 'ec2:SubnetID': subnetId, 'ec2:Vpc': vpcArn, 'ec2:AvailabilityZone': zone } },
    ];
    // Tag-on-create: "The ec2:CreateTags action is only evaluated if tags are applied during the
    // resource-creating action" (EC2 User Guide, supported-iam-actions-tagging; aws.md §6.6).
    if (tags.length > 0) {
      checks.push({ action: 'ec2:CreateTags', resource: instanceResource, context: context(instanceKeys, requested, { 'ec2:CreateAction': 'RunInstances' }) });
    }
    await ctx.authorize(checks);
    if (input.DryRun === true) throw dryRun();

    const reservationId = ctx.env.ids.reservationId();
    const launched: NewInstance[] = [];
    for (let n = 0; n < count; n++) {
      const instanceId = ctx.env.ids.instanceId();
      const address = privateAddress(instanceId, zone);
      launched.push({
        instanceId,
        reservationId,
        amiLaunchIndex: n,
        imageId: input.ImageId,
        instanceType,
        state: 'pending',
        stateTransitionReason: '',
        launchTime: ctx.now,
        availabilityZone: zone,
        privateIpAddress: address.ip,
        privateDnsName: address.dnsName,
        vpcId,
        subnetId,
        tags,
      });
    }
    let created;
    try {
      created = await ctx.env.store.instances.create(launched);
    } catch (e) {
      // A taken id (a collision of 17 random hex digits) stays an internal failure: nothing AWS
      // would tell the caller about.
      throw storeErrorToEc2(e);
    }
    ctx.note({ reservationId, instanceIds: created.map((i) => i.instanceId) });
    const [reservation] = reservationsShape(created, accountId);
    // INVARIANT: at least one instance was created, all in this reservation.
    return reservation as Reservation;
  },
});
