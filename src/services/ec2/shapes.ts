// The one mapping between Tessera's stored instances (camelCase, src/store/port.ts) and EC2's wire
// shapes (Instance, Reservation, InstanceStateChange, TagDescription), plus the made-up but
// deterministic network every account has: a default VPC per region, a default subnet per zone, a
// default security group, and each instance's private address derived from its id. Never reads the
// store or the clock: callers hand in settled instances (lifecycle.ts).

import { createHash } from 'node:crypto';
import { instanceState } from '../../store/port.js';
import type { Instance as StoredInstance, InstanceState as StoredState, InstanceStateName, ResourceTag, Tag as StoredTag } from '../../store/port.js';
import type {
  Instance,
  InstanceState,
  InstanceStateChange,
  Reservation,
  StateReason,
  Tag,
  TagDescription,
} from './types.js';
import { regionOfZone, ZONE_LETTERS } from './regions.js';
import type { PlannedChange } from './lifecycle.js';

// ---------------------------------------------------------------------------------------------
// The default network (EC2 User Guide, default-vpc: a default VPC per region with a default subnet
// per Availability Zone; RunInstances "If you don't specify a subnet ID, we choose a default
// subnet from your default VPC"; "If you don't specify a security group ID, we use the default
// security group", API_RunInstances)

function hex17(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 17);
}

export function defaultVpcId(accountId: string, region: string): string {
  return `vpc-${hex17(`vpc/${accountId}/${region}`)}`;
}

export function defaultSubnetId(accountId: string, zone: string): string {
  return `subnet-${hex17(`subnet/${accountId}/${zone}`)}`;
}

export function defaultSecurityGroupId(accountId: string, region: string): string {
  return `sg-${hex17(`sg/${accountId}/${region}`)}`;
}

/** The zone whose default subnet `subnetId` is, if it is one of the account's in `region`. */
export function zoneOfDefaultSubnet(accountId: string, region: string, subnetId: string): string | undefined {
  for (const letter of ZONE_LETTERS) {
    const zone = region + letter;
    if (defaultSubnetId(accountId, zone) === subnetId) return zone;
  }
  return undefined;
}

/**
 * A private IPv4 address inside the zone's default subnet (default VPC 172.31.0.0/16, default
 * subnets /20 in zone order: EC2 User Guide, default-vpc), derived from the instance id, and its
 * private DNS name (`ip-…​.ec2.internal` in us-east-1, `ip-…​.<region>.compute.internal` elsewhere:
 * EC2 User Guide, ec2-instance-naming). Host .0–.3 and the last address are reserved by AWS in every
 * subnet; the octets chosen avoid them.
 */
export function privateAddress(instanceId: string, zone: string): { readonly ip: string; readonly dnsName: string } {
  const h = createHash('sha256').update(`ip/${instanceId}`).digest();
  const zoneIndex = Math.max(0, ZONE_LETTERS.indexOf(zone.slice(-1) as (typeof ZONE_LETTERS)[number]));
  const third = zoneIndex * 16 + ((h[0] as number) % 16);
  const fourth = 4 + ((h[1] as number) % 250);
  const ip = `172.31.${third}.${fourth}`;
  const region = regionOfZone(zone);
  const domain = region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
  return { ip, dnsName: `ip-${ip.replaceAll('.', '-')}.${domain}` };
}

// ---------------------------------------------------------------------------------------------
// States

export function stateShape(state: StoredState): InstanceState {
  return { Code: state.code, Name: state.name };
}

function stateOf(name: InstanceStateName): InstanceState {
  return stateShape(instanceState(name));
}

/**
 * StateReason as DescribeInstances shows it: `pending` while launching, `Client.UserInitiatedShutdown`
 * once a user stopped or terminated it (MODEL StateReason: "The instance was shut down using the
 * Amazon EC2 API"; the message text is how EC2 prints it, [INF] from CLI output).
 */
function stateReason(name: InstanceStateName): StateReason | undefined {
  switch (name) {
    case 'pending':
      return { Code: 'pending', Message: 'pending' };
    case 'running':
      return undefined;
    case 'stopping':
    case 'stopped':
    case 'shutting-down':
    case 'terminated':
      return { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
    default: {
      const never: never = name;
      return never;
    }
  }
}

export function stateChangeShape(change: PlannedChange): InstanceStateChange {
  return { InstanceId: change.instanceId, CurrentState: stateOf(change.current), PreviousState: stateOf(change.previous) };
}

// ---------------------------------------------------------------------------------------------
// Instances and reservations

export function tagsShape(tags: readonly StoredTag[]): Tag[] {
  return tags.map((t) => ({ Key: t.key, Value: t.value }));
}

/**
 * One instance as DescribeInstances and RunInstances show it (aws.md §6.3). Attributes Tessera does
 * not model take the value every instance it launches really has: default tenancy, EBS root,
 * x86_64 HVM, monitoring off, IMDS defaults, the default security group.
 */
export function instanceShape(instance: StoredInstance, accountId: string): Instance {
  const region = regionOfZone(instance.availabilityZone);
  const shape: Instance = {
    InstanceId: instance.instanceId,
    ImageId: instance.imageId,
    State: stateShape(instance.state),
    PrivateDnsName: instance.privateDnsName,
    PublicDnsName: '',
    StateTransitionReason: instance.stateTransitionReason,
    AmiLaunchIndex: instance.amiLaunchIndex,
    ProductCodes: [],
    InstanceType: instance.instanceType as Instance['InstanceType'],
    LaunchTime: instance.launchTime,
    Placement: { AvailabilityZone: instance.availabilityZone, GroupName: '', Tenancy: 'default' },
    Monitoring: { State: 'disabled' },
    PrivateIpAddress: instance.privateIpAddress,
    Architecture: 'x86_64',
    RootDeviceType: 'ebs',
    RootDeviceName: '/dev/xvda',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EbsOptimized: false,
    EnaSupport: true,
    SourceDestCheck: true,
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    MetadataOptions: { State: 'applied', HttpTokens: 'optional', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
  };
  if (instance.subnetId !== undefined) shape.SubnetId = instance.subnetId;
  if (instance.vpcId !== undefined) {
    shape.VpcId = instance.vpcId;
    shape.SecurityGroups = [{ GroupId: defaultSecurityGroupId(accountId, region), GroupName: 'default' }];
  }
  const reason = stateReason(instance.state.name);
  if (reason !== undefined) shape.StateReason = reason;
  // aws.md §6.3: tagSet is left out when empty.
  if (instance.tags.length > 0) shape.Tags = tagsShape(instance.tags);
  return shape;
}

/** Groups instances into their reservations, in the order the instances come (one per RunInstances call). */
export function reservationsShape(instances: readonly StoredInstance[], accountId: string): Reservation[] {
  const out: Reservation[] = [];
  const byId = new Map<string, Instance[]>();
  for (const i of instances) {
    let list = byId.get(i.reservationId);
    if (list === undefined) {
      list = [];
      byId.set(i.reservationId, list);
      out.push({ ReservationId: i.reservationId, OwnerId: accountId, Groups: [], Instances: list });
    }
    list.push(instanceShape(i, accountId));
  }
  return out;
}

export function tagDescriptionShape(tag: ResourceTag): TagDescription {
  return { ResourceId: tag.resourceId, ResourceType: tag.resourceType, Key: tag.key, Value: tag.value };
}
