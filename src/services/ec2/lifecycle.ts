// The instance state machine (aws.md §6.4–6.5): what Start, Stop and Terminate do from each state,
// and how transitional states settle. Settling is lazy and computed from the store alone — no
// timers, no second source of truth: a `pending`, `stopping` or `shutting-down` instance reads as
// `running`, `stopped` or `terminated` once the transition delay has passed since it began.
// Pure functions; the handlers persist what they decide through the store's compare-and-set.

import type { Instance, InstanceStateName } from '../../store/port.js';
import { instanceState } from '../../store/port.js';
import type { AwsError } from '../errors.js';
import type { ServiceEnv } from '../types.js';
import { cannotStart, cannotStop, neverRunning } from './errors.js';

// ---------------------------------------------------------------------------------------------
// Configuration

/** How long a transition lasts unless configured: short enough for a console demo, long enough to see. */
export const DEFAULT_TRANSITION_SECONDS = 2;

export function transitionMs(env: ServiceEnv): number {
  return env.ec2.transitionSeconds * 1000;
}

// ---------------------------------------------------------------------------------------------
// Settling

/** Where each transitional state ends. */
const SETTLES_TO: Readonly<Partial<Record<InstanceStateName, InstanceStateName>>> = {
  pending: 'running',
  stopping: 'stopped',
  'shutting-down': 'terminated',
};

/** The transitional state that settles into `state`, if any (DescribeInstances state filters need it). */
export function settlesFrom(state: InstanceStateName): InstanceStateName | undefined {
  for (const [from, to] of Object.entries(SETTLES_TO)) if (to === state) return from as InstanceStateName;
  return undefined;
}

// EC2 writes the time of a user's stop or terminate into StateTransitionReason:
// `User initiated (2021-10-04 14:13:33 GMT)` (OBS GH:cloud-custodian/cloud-custodian#6924).
const USER_INITIATED = /^User initiated \((\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT\)$/;

export function userInitiatedReason(now: Date): string {
  const iso = now.toISOString();
  return `User initiated (${iso.slice(0, 10)} ${iso.slice(11, 19)} GMT)`;
}

/**
 * When the instance's current transition began: the time in its StateTransitionReason (Start, Stop
 * and Terminate write one), else its launch time (RunInstances' `pending`). Whole seconds, as EC2
 * writes them.
 */
export function transitionStart(instance: Instance): Date {
  const m = USER_INITIATED.exec(instance.stateTransitionReason);
  if (m === null) return instance.launchTime;
  const [, y, mo, d, h, mi, s] = m as unknown as [string, string, string, string, string, string, string];
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

/**
 * THE settling rule (the only place it is written): a transitional instance whose transition began
 * at least `delayMs` before `now` reads in its end state. A started instance that reaches `running`
 * loses its reason, as EC2's running instances show none; stopped and terminated keep theirs.
 */
export function settle(instance: Instance, now: Date, delayMs: number): Instance {
  const to = SETTLES_TO[instance.state.name];
  if (to === undefined) return instance;
  if (now.getTime() - transitionStart(instance).getTime() < delayMs) return instance;
  return { ...instance, state: instanceState(to), stateTransitionReason: to === 'running' ? '' : instance.stateTransitionReason };
}

// ---------------------------------------------------------------------------------------------
// Start, Stop, Terminate

export const OPERATIONS = ['start', 'stop', 'terminate'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What an operation does from one state: move, stay (idempotent success), or refuse. */
export type Step =
  | { readonly kind: 'move'; readonly to: InstanceStateName }
  | { readonly kind: 'stay' }
  | { readonly kind: 'refuse'; readonly error: (instanceId: string) => AwsError };

const move = (to: InstanceStateName): Step => ({ kind: 'move', to });
const stay: Step = { kind: 'stay' };
const refuse = (error: (instanceId: string) => AwsError): Step => ({ kind: 'refuse', error });

/**
 * aws.md §6.5. Stop running→stopping and Start stopped→pending [CLI:ec2/stop-instances, EC2 API
 * reference]; Terminate →shutting-down [CLI:ec2/terminate-instances], terminated again succeeds
 * ("each call succeeds", MODEL); Start of a running and Stop of a stopped instance succeed unchanged
 * [INF]; so do Start of a pending, Stop of a stopping and Terminate of a shutting-down one [INF: a
 * repeated request while the first is in progress]. Refusals carry EC2's observed messages.
 */
const TABLE: Readonly<Record<Operation, Readonly<Record<InstanceStateName, Step>>>> = {
  start: {
    pending: stay,
    running: stay,
    stopping: refuse(cannotStart),
    stopped: move('pending'),
    'shutting-down': refuse(cannotStart),
    terminated: refuse(cannotStart),
  },
  stop: {
    pending: refuse(neverRunning),
    running: move('stopping'),
    stopping: stay,
    stopped: stay,
    'shutting-down': refuse(cannotStop),
    terminated: refuse(cannotStop),
  },
  terminate: {
    pending: move('shutting-down'),
    running: move('shutting-down'),
    stopping: move('shutting-down'),
    stopped: move('shutting-down'),
    'shutting-down': stay,
    terminated: stay,
  },
};

export function step(operation: Operation, from: InstanceStateName): Step {
  return TABLE[operation][from];
}

/** One instance's decided change: the stored state it was decided from, and what it reads as before and after. */
export interface PlannedChange {
  readonly instanceId: string;
  /** The state in the store (the compare-and-set's expectation). */
  readonly stored: InstanceStateName;
  /** What the instance reads as now (settled). */
  readonly previous: InstanceStateName;
  readonly current: InstanceStateName;
  /** The reason to store when the stored state changes. */
  readonly reason: string;
}

/**
 * Decides `operation` for every instance, or throws the first refusal: all or nothing ("if any of
 * the instances … is invalid, none of the instances are terminated", MODEL TerminateInstances).
 * An unchanged instance whose stored state is transitional but settled is written settled, so the
 * store catches up whenever an instance is touched.
 */
export function plan(operation: Operation, instances: readonly Instance[], now: Date, delayMs: number): PlannedChange[] {
  const out: PlannedChange[] = [];
  for (const stored of instances) {
    const seen = settle(stored, now, delayMs);
    const s = step(operation, seen.state.name);
    switch (s.kind) {
      case 'refuse':
        throw s.error(stored.instanceId);
      case 'stay':
        out.push({ instanceId: stored.instanceId, stored: stored.state.name, previous: seen.state.name, current: seen.state.name, reason: seen.stateTransitionReason });
        break;
      case 'move':
        out.push({ instanceId: stored.instanceId, stored: stored.state.name, previous: seen.state.name, current: s.to, reason: userInitiatedReason(now) });
        break;
      default: {
        const never: never = s;
        throw new Error(`unknown step ${String(never)}`);
      }
    }
  }
  return out;
}
