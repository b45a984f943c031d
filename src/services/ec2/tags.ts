// Tags a request carries (CreateTags, DeleteTags, RunInstances' TagSpecifications), checked as EC2
// checks them before anything is authorized or stored: non-empty keys, EC2's length limits, no
// reserved `aws:` prefix, no key twice, at most 50. Keys and values are case-sensitive in EC2.

import { TAGS_PER_RESOURCE_LIMIT } from '../../store/port.js';
import type { Tag, TagDeletion } from '../../store/port.js';
import type { AwsError } from '../errors.js';
import { invalidParameterValue, tagLimitExceeded } from './errors.js';
import type { Tag as Ec2Tag } from './types.js';

/** EC2 tag restrictions (EC2 User Guide, Using_Tags "Tag restrictions"): keys 1–128, values 0–256 Unicode characters. */
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;

/** Code points, as AWS counts "Unicode characters". */
function length(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * The `aws:` prefix belongs to AWS in any letter case (EC2 User Guide, tag restrictions). Refusing
 * every case stops a caller from planting a tag that policies written for AWS's own tags would read:
 * condition-key names are case-insensitive, so `AWS:cloudformation:stack-name` is the same key there
 * (tag spoofing, CWE-290).
 */
export function isReservedKey(key: string): boolean {
  return key.slice(0, 4).toLowerCase() === 'aws:';
}

/** How a reserved key is refused: CreateTags/DeleteTags name the parameter, RunInstances does not. */
export type ReservedWording = 'parameter' | 'plain';

function reserved(key: string, wording: ReservedWording): AwsError {
  // OBS GH:AndrewFarley/AWS-Automated-Daily-Instance-AMI-Snapshots#7 (CreateTags),
  // GH:kubernetes-sigs/cluster-api-provider-aws#5120 and GH:kubernetes/kops#5269 (DeleteTags);
  // GH:jcjorel/ec2-spot-converter#13 (RunInstances).
  return invalidParameterValue(
    wording === 'parameter'
      ? `Value ( ${key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use`
      : "Tag keys starting with 'aws:' are reserved for internal use",
  );
}

function checkKey(key: string | undefined, wording: ReservedWording): string {
  // OBS GH:aws/aws-cli#3283.
  if (key === undefined || key === '') throw invalidParameterValue(`Value ( ${key ?? ''} ) for parameter Tag key is invalid. Tag key cannot be null or empty.`);
  if (isReservedKey(key)) throw reserved(key, wording);
  // [INF] the limit's wording, in the form of EC2's other tag-key messages.
  if (length(key) > TAG_KEY_MAX) throw invalidParameterValue(`Value ( ${key} ) for parameter key is invalid. Tag key exceeds the maximum length of ${TAG_KEY_MAX} characters.`);
  return key;
}

function checkValue(value: string): string {
  // [INF] as for keys.
  if (length(value) > TAG_VALUE_MAX) throw invalidParameterValue(`Value ( ${value} ) for parameter value is invalid. Tag value exceeds the maximum length of ${TAG_VALUE_MAX} characters.`);
  return value;
}

/** `Duplicate tag key 'keep' specified.` (OBS GH:scylladb/scylla-cluster-tests#1532, GH:cloud-custodian/cloud-custodian#3792). */
function duplicate(key: string): AwsError {
  return invalidParameterValue(`Duplicate tag key '${key}' specified.`);
}

/** Tags to set (CreateTags, TagSpecifications): every key valid and distinct, every value present, at most 50. */
export function tagsToSet(tags: readonly Ec2Tag[], wording: ReservedWording): Tag[] {
  const out: Tag[] = [];
  const seen = new Set<string>();
  for (const t of tags) {
    const key = checkKey(t.Key, wording);
    // MOTO InvalidParameterValueErrorTagNull (moto reproduces EC2's string); CreateTags requires a value.
    if (t.Value === undefined) throw invalidParameterValue('Tag value cannot be null. Use empty string instead.');
    if (seen.has(key)) throw duplicate(key);
    seen.add(key);
    out.push({ key, value: checkValue(t.Value) });
  }
  if (out.length > TAGS_PER_RESOURCE_LIMIT) throw tagLimitExceeded();
  return out;
}

/** Tags to delete (DeleteTags): a key alone deletes whatever the value; with a value (even empty), only that value. */
export function tagsToDelete(tags: readonly Ec2Tag[]): TagDeletion[] {
  const out: TagDeletion[] = [];
  for (const t of tags) {
    const key = checkKey(t.Key, 'parameter');
    out.push(t.Value === undefined ? { key } : { key, value: t.Value });
  }
  return out;
}

/** The tags an instance has after `added` (CreateTags overwrites same keys): for the 50-tag limit before anything is written. */
export function mergedCount(existing: readonly Tag[], added: readonly Tag[]): number {
  const keys = new Set(existing.map((t) => t.key));
  for (const t of added) keys.add(t.key);
  return keys.size;
}
