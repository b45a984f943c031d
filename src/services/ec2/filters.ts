// EC2 `Filter.N.Name` / `Filter.N.Value.M`: names checked against what an action supports, values
// matched with EC2's wildcards (`*` any run, `?` zero or one character, `\` escapes) — not IAM's —
// and DescribeInstances/DescribeTags filters mapped onto the store's indexed filters. Filters AND,
// the values of one filter OR (EC2 User Guide, Filtering). Never builds a RegExp from a value.

import type { InstanceFilter, InstanceFilterField, InstanceStateName, TagDescriptionFilter, ValueMatch } from '../../store/port.js';
import { INSTANCE_STATE_CODES, INSTANCE_STATE_NAMES } from '../../store/port.js';
import { matchesValue, valueMatch } from '../../store/wildcard.js';
import { AwsError } from '../errors.js';
import { settlesFrom } from './lifecycle.js';
import { zonesOf } from './regions.js';
import type { Filter } from './types.js';

export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly ValueMatch[];
}

/**
 * Validates filter names: each must be one of `allowed` or, when `tagFilters` is set, `tag:<key>`.
 * Unknown names are refused as EC2 does: InvalidParameterValue `The filter 'public-ip' is invalid`
 * (OBS GH:boto/boto3#1299, GH:aws/aws-cli#7225).
 */
export function ec2Filters(filters: readonly Filter[] | undefined, allowed: readonly string[], tagFilters = false): Ec2Filter[] {
  const out: Ec2Filter[] = [];
  for (const f of filters ?? []) {
    const name = f.Name;
    if (name === undefined || name === '') throw new AwsError('InvalidParameterValue', "The filter 'null' is invalid", 400);
    if (!allowed.includes(name) && !(tagFilters && name.startsWith('tag:') && name.length > 4)) {
      throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`, 400);
    }
    out.push({ name, values: (f.Values ?? []).map(valueMatch) });
  }
  return out;
}

export function matchesAny(value: string, values: readonly ValueMatch[]): boolean {
  for (const v of values) if (matchesValue(v, value)) return true;
  return false;
}

/** A store filter no instance satisfies (an empty value list matches nothing: store/port.ts). */
const NOTHING: InstanceFilter = { kind: 'field', field: 'instanceId', values: [] };

// ---------------------------------------------------------------------------------------------
// DescribeInstances

/** DescribeInstances filters attribute by attribute (MODEL DescribeInstancesRequest.Filters). */
const INSTANCE_FIELDS: Readonly<Record<string, InstanceFilterField>> = {
  'instance-id': 'instanceId',
  'image-id': 'imageId',
  'instance-type': 'instanceType',
  'availability-zone': 'availabilityZone',
  'reservation-id': 'reservationId',
  'private-ip-address': 'privateIpAddress',
  'private-dns-name': 'privateDnsName',
  'vpc-id': 'vpcId',
  'subnet-id': 'subnetId',
};

/** Every DescribeInstances filter name Tessera answers, besides `tag:<key>`. */
export const INSTANCE_FILTER_NAMES: readonly string[] = [
  ...Object.keys(INSTANCE_FIELDS),
  'instance-state-name',
  'instance-state-code',
  'owner-id',
  'tag-key',
];

export interface InstanceQueryPlan {
  /** What the store evaluates (indexed). */
  readonly filters: InstanceFilter[];
  /**
   * State filters, re-applied to each instance once settled: a stored `pending` instance may read
   * as `running`, so the store is asked for both and the handler keeps what the state really is.
   */
  readonly states: ReadonlySet<InstanceStateName>[];
}

/** The states a filter's values name (instance-state-name: names; instance-state-code: the codes as text). */
function wantedStates(f: Ec2Filter): Set<InstanceStateName> {
  const wanted = new Set<InstanceStateName>();
  for (const name of INSTANCE_STATE_NAMES) {
    const text = f.name === 'instance-state-code' ? String(INSTANCE_STATE_CODES[name]) : name;
    if (matchesAny(text, f.values)) wanted.add(name);
  }
  return wanted;
}

/**
 * Maps validated DescribeInstances filters onto store filters, confined to `region`'s zones (an
 * instance of another region does not exist for this request).
 */
export function instanceQuery(filters: readonly Ec2Filter[], accountId: string, region: string): InstanceQueryPlan {
  const out: InstanceFilter[] = [];
  const states: Set<InstanceStateName>[] = [];
  for (const f of filters) {
    const field = INSTANCE_FIELDS[f.name];
    if (field !== undefined) {
      out.push({ kind: 'field', field, values: f.values });
    } else if (f.name === 'instance-state-name' || f.name === 'instance-state-code') {
      const wanted = wantedStates(f);
      const stored = new Set(wanted);
      for (const s of wanted) {
        const from = settlesFrom(s);
        if (from !== undefined) stored.add(from);
      }
      out.push({ kind: 'field', field: 'stateName', values: [...stored].map((s) => ({ equals: s })) });
      states.push(wanted);
    } else if (f.name === 'owner-id') {
      // Every instance here is the account's own.
      if (!matchesAny(accountId, f.values)) out.push(NOTHING);
    } else if (f.name === 'tag-key') {
      out.push({ kind: 'tagKey', values: f.values });
    } else if (f.name.startsWith('tag:')) {
      out.push({ kind: 'tag', key: f.name.slice(4), values: f.values });
    } else {
      // INVARIANT: ec2Filters admitted only the names handled above.
      throw new Error(`unmapped instance filter ${f.name}`);
    }
  }
  out.push({ kind: 'field', field: 'availabilityZone', values: zonesOf(region).map((z) => ({ equals: z })) });
  return { filters: out, states };
}

// ---------------------------------------------------------------------------------------------
// DescribeTags

/** MODEL DescribeTagsRequest.Filters: key, resource-id, resource-type, tag:<key>, value. */
export const TAG_FILTER_NAMES: readonly string[] = ['key', 'value', 'resource-id', 'resource-type'];

/** Instances are the only taggable resources Tessera holds. */
const NO_TAG: TagDescriptionFilter = { kind: 'key', values: [] };

export function tagQuery(filters: readonly Ec2Filter[]): TagDescriptionFilter[] {
  const out: TagDescriptionFilter[] = [];
  for (const f of filters) {
    switch (f.name) {
      case 'key':
        out.push({ kind: 'key', values: f.values });
        break;
      case 'value':
        out.push({ kind: 'value', values: f.values });
        break;
      case 'resource-id':
        out.push({ kind: 'resourceId', values: f.values });
        break;
      case 'resource-type':
        if (!matchesAny('instance', f.values)) out.push(NO_TAG);
        break;
      default:
        // `tag:<key>`: "the key/value combination of the tag" (MODEL).
        out.push({ kind: 'key', values: [{ equals: f.name.slice(4) }] }, { kind: 'value', values: f.values });
    }
  }
  return out;
}
