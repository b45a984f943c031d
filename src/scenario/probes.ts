// How `tessera check` and `tessera matrix` ask "may this session do that?" through the real EC2 API
// without changing the world: mutating actions go with DryRun=true (DryRunOperation = allowed,
// UnauthorizedOperation = denied), Describe* are made for real. Each probe also states the one
// authorization check the handler makes, so the policy engine can decide the same question with the
// same context (the two must agree; matrix tests it). A probe never sends DryRun=false to a mutating action.

import type { AuthzCheck } from '../services/types.js';
import { context, instanceArn, instanceContext, requestTagContext } from '../services/ec2/authz.js';
import type { Instance } from '../store/port.js';
import type { Tag } from './schema.js';

export type ProbeScope = 'instance' | 'account';

export interface ProbeTarget {
  readonly region: string;
  readonly accountId: string;
  /** The instance, for instance-scoped probes. */
  readonly instance?: Instance;
  /** Tags the request carries (CreateTags, DeleteTags, RunInstances). */
  readonly tags: readonly Tag[];
  /** RunInstances: the image and type to ask for. */
  readonly imageId?: string;
}

export interface Probe {
  /** `ec2:StopInstances`, as AWS spells it. */
  readonly action: string;
  readonly scope: ProbeScope;
  /** Sent with DryRun=true (so nothing changes). */
  readonly dryRun: boolean;
  /** Takes request tags. */
  readonly takesTags: boolean;
  /** The EC2 Query parameters (Action included). */
  params(target: ProbeTarget): [string, string][];
  /** The one check the handler makes; undefined when it makes several (RunInstances): authorizer only. */
  check?(target: ProbeTarget): AuthzCheck;
}

/** A neutral tag for probes that need one and were given none (CreateTags needs a tag to ask about). */
export const PROBE_TAG: Tag = { key: 'TesseraProbe', value: 'check' };

function tagParams(prefix: string, tags: readonly Tag[], withValues = true): [string, string][] {
  const out: [string, string][] = [];
  tags.forEach((t, i) => {
    out.push([`${prefix}.${i + 1}.Key`, t.key]);
    if (withValues) out.push([`${prefix}.${i + 1}.Value`, t.value]);
  });
  return out;
}

function instanceOf(target: ProbeTarget): Instance {
  if (target.instance === undefined) throw new TypeError('an instance probe needs an instance');
  return target.instance;
}

function stateProbe(name: 'StartInstances' | 'StopInstances' | 'TerminateInstances'): Probe {
  return {
    action: `ec2:${name}`,
    scope: 'instance',
    dryRun: true,
    takesTags: false,
    params: (t) => [['Action', name], ['InstanceId.1', instanceOf(t).instanceId], ['DryRun', 'true']],
    check: (t) => ({ action: `ec2:${name}`, resource: instanceArn(t.region, t.accountId, instanceOf(t).instanceId), context: instanceContext(instanceOf(t)) }),
  };
}

function describeProbe(name: 'DescribeInstances' | 'DescribeTags' | 'DescribeRegions'): Probe {
  return {
    action: `ec2:${name}`,
    scope: 'account',
    dryRun: false,
    takesTags: false,
    params: (t) => [['Action', name], ...(name === 'DescribeInstances' && t.instance !== undefined ? ([['InstanceId.1', t.instance.instanceId]] as [string, string][]) : [])],
    check: () => ({ action: `ec2:${name}`, resource: '*' }),
  };
}

const PROBE_LIST: readonly Probe[] = [
  {
    action: 'ec2:CreateTags',
    scope: 'instance',
    dryRun: true,
    takesTags: true,
    params: (t) => [['Action', 'CreateTags'], ['ResourceId.1', instanceOf(t).instanceId], ...tagParams('Tag', t.tags.length === 0 ? [PROBE_TAG] : t.tags), ['DryRun', 'true']],
    check: (t) => {
      const tags = t.tags.length === 0 ? [PROBE_TAG] : t.tags;
      return { action: 'ec2:CreateTags', resource: instanceArn(t.region, t.accountId, instanceOf(t).instanceId), context: context(instanceContext(instanceOf(t)), requestTagContext(tags)) };
    },
  },
  {
    action: 'ec2:DeleteTags',
    scope: 'instance',
    dryRun: true,
    takesTags: true,
    // With tags: exactly those (key and value); without: the probe tag's key alone.
    params: (t) => [['Action', 'DeleteTags'], ['ResourceId.1', instanceOf(t).instanceId], ...(t.tags.length === 0 ? tagParams('Tag', [PROBE_TAG], false) : tagParams('Tag', t.tags)), ['DryRun', 'true']],
    check: (t) => {
      const withValues = t.tags;
      const keys = t.tags.length === 0 ? [PROBE_TAG.key] : t.tags.map((x) => x.key);
      return { action: 'ec2:DeleteTags', resource: instanceArn(t.region, t.accountId, instanceOf(t).instanceId), context: context(instanceContext(instanceOf(t)), requestTagContext(withValues, keys)) };
    },
  },
  describeProbe('DescribeInstances'),
  describeProbe('DescribeRegions'),
  describeProbe('DescribeTags'),
  {
    action: 'ec2:RunInstances',
    scope: 'account',
    dryRun: true,
    takesTags: true,
    params: (t) => [
      ['Action', 'RunInstances'],
      ['ImageId', t.imageId ?? 'ami-0abcdef1234567890'],
      ['MinCount', '1'],
      ['MaxCount', '1'],
      ...(t.tags.length === 0 ? [] : ([['TagSpecification.1.ResourceType', 'instance'], ...tagParams('TagSpecification.1.Tag', t.tags)] as [string, string][])),
      ['DryRun', 'true'],
    ],
  },
  stateProbe('StartInstances'),
  stateProbe('StopInstances'),
  stateProbe('TerminateInstances'),
];

const BY_ACTION = new Map(PROBE_LIST.map((p) => [p.action.toLowerCase(), p]));

/** The probe for an action (any case), or undefined when Tessera's EC2 does not serve it. */
export function probeFor(action: string): Probe | undefined {
  return BY_ACTION.get(action.toLowerCase());
}

/** The EC2 actions check and matrix can ask about through the API. */
export function probedActions(): readonly string[] {
  return PROBE_LIST.map((p) => p.action);
}

/** The STS action an expectation may name: may the user assume the role at all? */
export const ASSUME_ACTION = 'sts:AssumeRoleWithSAML';
