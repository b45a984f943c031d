// Input checks and value rules of the EC2 instance repository, shared by every adapter so they agree
// on what is invalid input and on what `create` returns.

import { invalidInput } from './errors.js';
import {
  INSTANCE_STATE_NAMES,
  instanceState,
  type Instance,
  type InstanceStateName,
  type NewInstance,
  type ValueMatch,
} from './port.js';
import { copyTags } from './tags.js';

export const REQUIRED_STRINGS = [
  'instanceId', 'reservationId', 'imageId', 'instanceType', 'stateTransitionReason', 'availabilityZone', 'privateIpAddress',
  'privateDnsName',
] as const satisfies readonly (keyof NewInstance)[];

/** What `create` stored, without reading it back (RunInstances may create thousands at once). */
export function created(n: NewInstance): Instance {
  const i: { -readonly [K in keyof Instance]: Instance[K] } = {
    instanceId: n.instanceId,
    reservationId: n.reservationId,
    amiLaunchIndex: n.amiLaunchIndex,
    imageId: n.imageId,
    instanceType: n.instanceType,
    state: instanceState(n.state),
    stateTransitionReason: n.stateTransitionReason,
    launchTime: new Date(n.launchTime.getTime()),
    availabilityZone: n.availabilityZone,
    privateIpAddress: n.privateIpAddress,
    privateDnsName: n.privateDnsName,
    tags: copyTags(n.tags),
  };
  if (n.vpcId !== undefined) i.vpcId = n.vpcId;
  if (n.subnetId !== undefined) i.subnetId = n.subnetId;
  return i;
}

export function checkState(s: unknown): InstanceStateName {
  if (!(INSTANCE_STATE_NAMES as readonly unknown[]).includes(s)) throw invalidInput(`unknown instance state \`${String(s)}\``, 'instance');
  return s as InstanceStateName;
}

export function checkValues(values: unknown): readonly ValueMatch[] {
  if (!Array.isArray(values)) throw invalidInput('filter values must be a list');
  for (const v of values as unknown[]) {
    const ok =
      typeof v === 'object' && v !== null &&
      (typeof (v as { equals?: unknown }).equals === 'string' || typeof (v as { wildcard?: unknown }).wildcard === 'string');
    if (!ok) throw invalidInput('filter value must be `{ equals }` or `{ wildcard }`');
  }
  return values as readonly ValueMatch[];
}
