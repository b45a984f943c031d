// The EC2 part of the console, transport-free: the instance list's filters as DescribeInstances
// parameters, the rows the table shows, and the banners in the AWS console's words. It never calls
// anything: the HTTP layer makes the signed calls and hands their outcomes here.
//
// Banner wording (the EC2 console's flash messages, as people quote them):
// - "Successfully stopped i-0174049baeff9a392" / "Failed to stop the instance i-018751259dc5b6f40"
//   (an IAM lab's notes quoting the console, found by the library search; the ABAC test of the seed);
// - "Failed to stop the instance i-1234567xxx. The instance 'i-1234567xxx' may not be stopped. …"
//   (AWS's own lab text on stop protection: the API's message follows the title);
// - "Successfully terminated i-04b66660881f833e0" (a console screenshot transcribed in a course repo);
// - "Failed to start the instance i-00986d4453cf86141 / The instance is not in a state from which it
//   can be started." (a troubleshooting log quoting the console).
// "Successfully started i-…" follows the same pattern (INF).

import type { DescribeInstancesResult, Instance } from '../services/ec2/types.js';

export const INSTANCE_ACTIONS = ['start', 'stop', 'terminate'] as const;
export type InstanceAction = (typeof INSTANCE_ACTIONS)[number];

export function isInstanceAction(v: string | undefined): v is InstanceAction {
  return (INSTANCE_ACTIONS as readonly (string | undefined)[]).includes(v);
}

interface ActionWords {
  /** The EC2 API operation. */
  readonly operation: 'StartInstances' | 'StopInstances' | 'TerminateInstances';
  readonly verb: string;
  readonly past: string;
  /** The confirmation dialog's title and question (the console's "Stop instance?"). */
  readonly title: string;
  readonly question: string;
  readonly warning: string | undefined;
  readonly button: string;
}

export const ACTION_WORDS: Readonly<Record<InstanceAction, ActionWords>> = {
  start: {
    operation: 'StartInstances',
    verb: 'start',
    past: 'started',
    title: 'Start instance?',
    question: 'Are you sure you want to start this instance?',
    warning: undefined,
    button: 'Start',
  },
  stop: {
    operation: 'StopInstances',
    verb: 'stop',
    past: 'stopped',
    title: 'Stop instance?',
    question: 'Are you sure you want to stop this instance?',
    warning: 'Any data on the instance store volumes is lost when the instance stops.',
    button: 'Stop',
  },
  terminate: {
    operation: 'TerminateInstances',
    verb: 'terminate',
    past: 'terminated',
    title: 'Terminate (delete) instance?',
    question: 'Are you sure you want to terminate this instance?',
    warning: 'A terminated instance cannot be started again. Storage on any local drives will be lost.',
    button: 'Terminate',
  },
};

export interface Banner {
  readonly kind: 'success' | 'error';
  readonly title: string;
  /** The API's message (for a failure), verbatim. */
  readonly message?: string;
  /** The EC2 error code (for a failure). */
  readonly code?: string;
}

export function successBanner(action: InstanceAction, instanceIds: readonly string[]): Banner {
  return { kind: 'success', title: `Successfully ${ACTION_WORDS[action].past} ${instanceIds.join(', ')}` };
}

export function failureBanner(action: InstanceAction, instanceIds: readonly string[], error: { code: string; message: string }): Banner {
  const noun = instanceIds.length === 1 ? 'the instance' : 'the instances';
  return { kind: 'error', title: `Failed to ${ACTION_WORDS[action].verb} ${noun} ${instanceIds.join(', ')}`, message: error.message, code: error.code };
}

// ---------------------------------------------------------------------------------------------
// Filters → DescribeInstances parameters

export interface InstanceFilters {
  /** `tag:<key>` when a value is given too, else `tag-key`. */
  readonly tagKey: string;
  readonly tagValue: string;
  /** An instance-state-name, or '' for any. */
  readonly state: string;
  /** Free text: an instance id (prefix) when it starts with `i-`, else a part of the Name tag. */
  readonly text: string;
}

export const EMPTY_FILTERS: InstanceFilters = { tagKey: '', tagValue: '', state: '', text: '' };

export const STATE_NAMES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'] as const;

const MAX_FILTER_LENGTH = 256;

/** The filters of a query string; anything unknown or oversized is dropped, never echoed raw. */
export function readFilters(query: URLSearchParams): InstanceFilters {
  const get = (name: string): string => {
    const v = query.get(name) ?? '';
    return v.length > MAX_FILTER_LENGTH ? v.slice(0, MAX_FILTER_LENGTH) : v.trim();
  };
  const state = get('state');
  return { tagKey: get('tagKey'), tagValue: get('tagValue'), state: (STATE_NAMES as readonly string[]).includes(state) ? state : '', text: get('q') };
}

/** EC2 filter wildcards are `*` and `?`, escaped with `\` (EC2 User Guide, Filtering). */
function literal(text: string): string {
  return text.replace(/[\\*?]/g, (c) => `\\${c}`);
}

/** The `Filter.N.Name` / `Filter.N.Value.M` parameters of DescribeInstances, as the SDKs send them. */
export function describeParams(filters: InstanceFilters): [string, string][] {
  const out: [string, string][] = [];
  let n = 0;
  const add = (name: string, value: string) => {
    n++;
    out.push([`Filter.${n}.Name`, name], [`Filter.${n}.Value.1`, value]);
  };
  if (filters.tagKey !== '') {
    if (filters.tagValue !== '') add(`tag:${filters.tagKey}`, literal(filters.tagValue));
    else add('tag-key', literal(filters.tagKey));
  } else if (filters.tagValue !== '') {
    // A value without a key: any tag with that value is not a DescribeInstances filter; the Name tag is the usual one.
    add('tag:Name', literal(filters.tagValue));
  }
  if (filters.state !== '') add('instance-state-name', filters.state);
  if (filters.text !== '') {
    if (/^i-[0-9a-f]*$/.test(filters.text)) add('instance-id', `${filters.text}*`);
    else add('tag:Name', `*${literal(filters.text)}*`);
  }
  return out;
}

/** The filters as a query string (to keep them across an action), `?…` or ''. */
export function filtersQuery(filters: InstanceFilters): string {
  const q = new URLSearchParams();
  if (filters.tagKey !== '') q.set('tagKey', filters.tagKey);
  if (filters.tagValue !== '') q.set('tagValue', filters.tagValue);
  if (filters.state !== '') q.set('state', filters.state);
  if (filters.text !== '') q.set('q', filters.text);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

// ---------------------------------------------------------------------------------------------
// Rows

export interface InstanceRow {
  readonly id: string;
  /** The Name tag, or '' (the console shows "–"). */
  readonly name: string;
  readonly state: string;
  readonly type: string;
  readonly launchTime: Date | undefined;
  readonly tags: readonly { readonly key: string; readonly value: string }[];
  /** Which actions make sense in this state (others are offered disabled). */
  readonly can: Readonly<Record<InstanceAction, boolean>>;
}

function row(i: Instance): InstanceRow | undefined {
  if (i.InstanceId === undefined) return undefined;
  const tags = (i.Tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const state = i.State?.Name ?? 'unknown';
  const launchTime = i.LaunchTime;
  return {
    id: i.InstanceId,
    name: tags.find((t) => t.key === 'Name')?.value ?? '',
    state,
    type: i.InstanceType ?? '',
    launchTime,
    tags,
    can: {
      start: state === 'stopped',
      stop: state === 'running' || state === 'pending',
      terminate: state !== 'terminated' && state !== 'shutting-down',
    },
  };
}

/** Every instance of a DescribeInstances answer, in answer order. */
export function instanceRows(result: DescribeInstancesResult): InstanceRow[] {
  const out: InstanceRow[] = [];
  for (const r of result.Reservations ?? []) for (const i of r.Instances ?? []) {
    const x = row(i);
    if (x !== undefined) out.push(x);
  }
  return out;
}
