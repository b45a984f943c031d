// The all-or-nothing skeleton of every EC2 call that changes named instances (Start, Stop,
// Terminate, CreateTags, DeleteTags): check every id, find every instance, authorize every instance
// in one call, honour DryRun, then change them in one store transaction — after proving that what
// authorization read is still true. Never writes before ctx.authorize has allowed every check.

import { AwsError } from '../errors.js';
import { isStoreError } from '../../store/errors.js';
import type { Instance, InstanceRepository, StoreTx } from '../../store/port.js';
import type { ActionContext, AuthzCheck } from '../types.js';
import { authorizationFacts, instanceArn, instanceContext } from './authz.js';
import { concurrentTagAccess, dryRun, instanceIdMalformed, instancesNotFound, invalidId, tagLimitExceeded } from './errors.js';
import { distinct, isInstanceId } from './ids.js';
import { plan, transitionMs } from './lifecycle.js';
import type { Operation } from './lifecycle.js';
import { isZoneOf } from './regions.js';
import { stateChangeShape } from './shapes.js';
import type { InstanceStateChange } from './types.js';

/**
 * Checks the shape of every id, in order, and returns them without repeats. Instance operations
 * answer `InvalidInstanceID.Malformed`; the tagging operations, which take any resource id, answer
 * `InvalidID` (aws.md §6.3, §6.7).
 */
export function checkIds(ids: readonly string[], kind: 'instance' | 'resource'): string[] {
  // An empty id list acts on nothing and so would authorize nothing: EC2 requires the parameter.
  if (ids.length === 0) throw new AwsError('MissingParameter', `The request must contain the parameter ${kind === 'instance' ? 'InstanceId' : 'ResourceId'}`, 400);
  for (const id of ids) {
    if (!isInstanceId(id)) throw kind === 'instance' ? instanceIdMalformed(id) : invalidId(id);
  }
  return distinct(ids);
}

/**
 * The instances with these ids in `region`, in the order of `ids`, or `InvalidInstanceID.NotFound`
 * naming every missing one. An instance of another region does not exist here, as in EC2: an ARN
 * minted for this region must never name it.
 */
export async function findInstances(repo: InstanceRepository, ids: readonly string[], region: string): Promise<Instance[]> {
  const page = await repo.describe({ instanceIds: ids });
  const byId = new Map<string, Instance>();
  for (const i of page.items) if (isZoneOf(i.availabilityZone, region)) byId.set(i.instanceId, i);
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw instancesNotFound(missing);
  return ids.map((id) => byId.get(id) as Instance);
}

/** The authorization facts changed between the decision and the write. */
class StaleDecision extends Error {
  constructor() {
    super('authorization facts changed during the request');
  }
}

export interface InstanceChange<T> {
  /** Distinct, well-formed instance ids (checkIds). */
  readonly instanceIds: readonly string[];
  readonly dryRun: boolean;
  /** Every check the request needs, built from the instances as found. */
  checks(instances: readonly Instance[]): AuthzCheck[];
  /** The change, inside one transaction, on the instances as they are now (same order as the ids). */
  apply(tx: StoreTx, instances: readonly Instance[], now: Date): Promise<T>;
}

/** Attempts before a decision that keeps going stale is given up (ConcurrentTagAccess). */
const ATTEMPTS = 3;

/**
 * Runs an all-or-nothing instance change. The decision is made on a snapshot (authorization reads
 * the policy store, which a transaction may not touch); the transaction re-reads every instance and
 * refuses to write if its tags, type or zone moved meanwhile, then decides afresh — a concurrent
 * CreateTags cannot slip an instance past an ABAC condition between check and use (CWE-367).
 */
export async function changeInstances<T>(ctx: ActionContext, change: InstanceChange<T>): Promise<T> {
  const store = ctx.env.store;
  for (let attempt = 1; ; attempt++) {
    const snapshot = await findInstances(store.instances, change.instanceIds, ctx.region);
    await ctx.authorize(change.checks(snapshot));
    if (change.dryRun) throw dryRun();
    const facts = new Map(snapshot.map((i) => [i.instanceId, authorizationFacts(i)]));
    try {
      return await store.transaction(async (tx) => {
        const current = await findInstances(tx.instances, change.instanceIds, ctx.region);
        for (const i of current) if (facts.get(i.instanceId) !== authorizationFacts(i)) throw new StaleDecision();
        return change.apply(tx, current, ctx.now);
      });
    } catch (e) {
      const stale = e instanceof StaleDecision || isStoreError(e, 'ERR_STORE_CAS_FAILED');
      if (!stale) throw storeErrorToEc2(e);
      if (attempt >= ATTEMPTS) throw concurrentTagAccess();
    }
  }
}

/** Store errors an instance change can meet, in EC2's words; anything else passes through (InternalFailure). */
export function storeErrorToEc2(e: unknown): unknown {
  if (isStoreError(e, 'ERR_STORE_LIMIT_EXCEEDED') && e.reason === 'tags') return tagLimitExceeded();
  if (isStoreError(e, 'ERR_STORE_NOT_FOUND') && e.entity === 'instance' && e.key !== undefined) return instancesNotFound([e.key]);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Start, Stop, Terminate

const STATE_ACTIONS: Readonly<Record<Operation, string>> = {
  start: 'ec2:StartInstances',
  stop: 'ec2:StopInstances',
  terminate: 'ec2:TerminateInstances',
};

/**
 * Start, Stop or Terminate every named instance, or none (aws.md §6.5): each instance ARN is a
 * required resource of the action, with that instance's keys; the state machine decides on the
 * instances as they are inside the transaction, and each write is a compare-and-set on the state
 * it was decided from, so concurrent calls serialize into one consistent history.
 */
export async function changeState(
  ctx: ActionContext,
  operation: Operation,
  input: { readonly InstanceIds: readonly string[]; readonly DryRun?: boolean | undefined },
): Promise<InstanceStateChange[]> {
  const action = STATE_ACTIONS[operation];
  const delay = transitionMs(ctx.env);
  return changeInstances(ctx, {
    instanceIds: checkIds(input.InstanceIds, 'instance'),
    dryRun: input.DryRun === true,
    checks: (instances) =>
      instances.map((i) => ({ action, resource: instanceArn(ctx.region, ctx.env.accountId, i.instanceId), context: instanceContext(i) })),
    async apply(tx, instances, now) {
      const changes = plan(operation, instances, now, delay);
      for (const c of changes) {
        if (c.stored !== c.current) await tx.instances.updateInstanceState(c.instanceId, [c.stored], c.current, { stateTransitionReason: c.reason });
      }
      return changes.map(stateChangeShape);
    },
  });
}
