// What EC2 puts into the authorization context of a request (aws.md §5, §6.5–6.7; SAR-EC2 via
// src/policy/catalog/ec2.json): resource ARNs, the condition keys of an existing instance, and the
// keys of tags a request carries. ec2:Region and the global keys come from services/authorize.ts.
// Must never put a key into the context that the request or the instance does not really have.

import type { ContextInput } from '../../policy/index.js';
import { instanceArn } from '../../kernel/index.js';
import type { Instance, Tag } from '../../store/port.js';

export { instanceArn };

/** `arn:aws:ec2:<region>::image/ami-…` — images carry no account in their ARN (aws.md §6.9). */
export function imageArn(region: string, imageId: string): string {
  return `arn:aws:ec2:${region}::image/${imageId}`;
}

/** `arn:aws:ec2:<region>:<account>:<type>/<id>` for the account's other EC2 resources. */
export function ec2Arn(region: string, accountId: string, type: string, id: string): string {
  return `arn:aws:ec2:${region}:${accountId}:${type}/${id}`;
}

/**
 * Adds `<prefix><key>` = value for each tag. Condition-key names are case-insensitive while EC2 tag
 * keys are not, so `CostCenter` and `costcenter` name one condition key (IAM User Guide,
 * reference_policies_elements_condition: "the key name matches both tags, but only one value
 * matches. This can result in unexpected condition failures"). Such a key is entered with all its
 * values as a multi-valued key, which every single-valued operator refuses to match (fail closed):
 * a look-alike tag can neither satisfy an Allow nor dodge a Deny by case (CWE-178).
 */
function addTagKeys(prefix: string, tags: readonly Tag[], out: Record<string, string | string[]>): void {
  const seen = new Map<string, string>();
  for (const t of tags) {
    const folded = t.key.toLowerCase();
    const first = seen.get(folded);
    if (first === undefined) {
      seen.set(folded, prefix + t.key);
      out[prefix + t.key] = t.value;
      continue;
    }
    const current = out[first];
    out[first] = Array.isArray(current) ? [...current, t.value] : [current as string, t.value];
  }
}

/**
 * The keys of an existing instance (SAR-EC2, resource type `instance`): its tags under both
 * `aws:ResourceTag/` and `ec2:ResourceTag/`, its id, type and zone, and the attributes every
 * Tessera instance has (default tenancy, EBS root, not EBS-optimized, on-demand, IMDS defaults —
 * what shapes.ts shows for it). Keys for things it has none of (instance profile, placement group,
 * product code) are absent, never empty.
 */
export function instanceContext(instance: Instance): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {
    'ec2:InstanceID': instance.instanceId,
    'ec2:InstanceType': instance.instanceType,
    'ec2:AvailabilityZone': instance.availabilityZone,
    ...LAUNCH_DEFAULTS,
  };
  addTagKeys('aws:ResourceTag/', instance.tags, out);
  addTagKeys('ec2:ResourceTag/', instance.tags, out);
  return out;
}

/** The attributes every instance Tessera launches has, as condition-key values (shapes.ts shows the same). */
export const LAUNCH_DEFAULTS: Readonly<Record<string, string>> = {
  'ec2:Tenancy': 'default',
  'ec2:RootDeviceType': 'ebs',
  'ec2:EbsOptimized': 'false',
  'ec2:InstanceMarketType': 'on-demand',
  'ec2:MetadataHttpTokens': 'optional',
  'ec2:MetadataHttpEndpoint': 'enabled',
  'ec2:MetadataHttpPutResponseHopLimit': '1',
  'ec2:InstanceMetadataTags': 'disabled',
};

/**
 * The keys of tags a request passes (CreateTags, DeleteTags with values, RunInstances'
 * TagSpecifications): `aws:RequestTag/<k>` per tag and `aws:TagKeys` with every key. Nothing at all
 * when the request passes no tags, so `aws:TagKeys` is absent rather than empty.
 */
export function requestTagContext(tags: readonly Tag[], keys: readonly string[] = tags.map((t) => t.key)): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  addTagKeys('aws:RequestTag/', tags, out);
  if (keys.length > 0) out['aws:TagKeys'] = [...new Set(keys)];
  return out;
}

/** Merges context parts; later parts win. */
export function context(...parts: readonly Record<string, string | string[]>[]): ContextInput {
  return Object.assign({}, ...parts) as ContextInput;
}

/**
 * A stable text of everything authorization read about an instance. A handler compares it before and
 * after its write transaction begins: if it changed (a concurrent CreateTags), the decision was made
 * on stale facts and must be made again (TOCTOU, CWE-367).
 */
export function authorizationFacts(instance: Instance): string {
  return JSON.stringify([instance.instanceId, instance.instanceType, instance.availabilityZone, instance.tags.map((t) => [t.key, t.value])]);
}
