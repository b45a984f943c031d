import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import { allow, list, policy, roleSession, seedInstance, seedPolicy, stateOf, userWithPolicy } from '../../../../test/support/ec2.js';

type StartOutput = { StartingInstances: { InstanceId: string; CurrentState: { Code: number; Name: string }; PreviousState: { Code: number; Name: string } }[] };

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2024-05-01T12:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

const start = (ids: readonly string[], extra: Record<string, string> = {}, credentials?: Parameters<TestServices['call']>[3]) =>
  t.call('ec2', 'StartInstances', { ...list('InstanceId', ids), ...extra }, credentials);

const stoppedReason = 'User initiated (2024-05-01 11:00:00 GMT)';

describe('StartInstances', () => {
  it('starts a stopped instance: stopped 80 → pending 0, then running with no reason', async () => {
    const i = await seedInstance(t, { state: 'stopped', reason: stoppedReason });
    const out = ok<StartOutput>(await start([i.instanceId]));
    expect(out.StartingInstances).toEqual([
      { InstanceId: i.instanceId, PreviousState: { Code: 80, Name: 'stopped' }, CurrentState: { Code: 0, Name: 'pending' } },
    ]);
    expect(await stateOf(t, i.instanceId)).toBe('pending');
    t.clock.advance(2);
    expect(await stateOf(t, i.instanceId)).toBe('running');
    const described = ok<{ Reservations: { Instances: { StateTransitionReason: string; StateReason?: unknown }[] }[] }>(
      await t.call('ec2', 'DescribeInstances', list('InstanceId', [i.instanceId])),
    );
    expect(described.Reservations[0]?.Instances[0]?.StateTransitionReason).toBe('');
    expect(described.Reservations[0]?.Instances[0]?.StateReason).toBeUndefined();
  });

  it.each([
    ['running', 16],
    ['pending', 0],
  ] as const)('answers %s → %s unchanged', async (state, code) => {
    const i = await seedInstance(t, { state });
    const out = ok<StartOutput>(await start([i.instanceId]));
    expect(out.StartingInstances[0]).toMatchObject({ PreviousState: { Code: code, Name: state }, CurrentState: { Code: code, Name: state } });
  });

  it.each(['stopping', 'shutting-down', 'terminated'] as const)('refuses a %s instance', async (state) => {
    const i = await seedInstance(t, { state, reason: 'User initiated (2024-05-01 12:00:00 GMT)' });
    expect(failure(await start([i.instanceId]))).toEqual({
      code: 'IncorrectInstanceState',
      message: `The instance '${i.instanceId}' is not in a state from which it can be started.`,
      httpStatus: 400,
    });
  });

  it('starts a stopping instance once it has settled to stopped', async () => {
    const i = await seedInstance(t, { state: 'stopping', reason: stoppedReason });
    const out = ok<StartOutput>(await start([i.instanceId]));
    expect(out.StartingInstances[0]).toMatchObject({ PreviousState: { Name: 'stopped' }, CurrentState: { Name: 'pending' } });
  });

  it('starts all or none', async () => {
    const a = await seedInstance(t, { state: 'stopped', reason: stoppedReason });
    const b = await seedInstance(t, { state: 'terminated', reason: stoppedReason });
    expect(failure(await start([a.instanceId, b.instanceId])).code).toBe('IncorrectInstanceState');
    expect((await t.store.instances.get(a.instanceId))?.state.name).toBe('stopped');
    expect(failure(await start([a.instanceId, 'i-33333333'])).message).toBe("The instance ID 'i-33333333' does not exist");
    expect(failure(await start([a.instanceId, 'x'])).code).toBe('InvalidInstanceID.Malformed');
  });

  it('returns one change per distinct id', async () => {
    const i = await seedInstance(t, { state: 'stopped', reason: stoppedReason });
    expect(ok<StartOutput>(await start([i.instanceId, i.instanceId])).StartingInstances).toHaveLength(1);
  });

  it('answers DryRun with 412 when allowed and UnauthorizedOperation when not', async () => {
    const i = await seedInstance(t, { state: 'stopped', reason: stoppedReason });
    expect(failure(await start([i.instanceId], { DryRun: 'true' })).httpStatus).toBe(412);
    const user = await userWithPolicy(t, policy(allow('ec2:StopInstances')));
    expect(failure(await start([i.instanceId], { DryRun: 'true' }, { credentials: user })).code).toBe('UnauthorizedOperation');
    expect((await t.store.instances.get(i.instanceId))?.state.name).toBe('stopped');
  });

  it("follows the seed's ABAC policy", async () => {
    const mine = await seedInstance(t, { state: 'stopped', reason: stoppedReason, tags: [{ key: 'CostCenter', value: 'marketing' }] });
    const theirs = await seedInstance(t, { state: 'stopped', reason: stoppedReason, tags: [{ key: 'CostCenter', value: 'engineering' }] });
    const jane = await roleSession(t, { policy: seedPolicy(), sessionTags: [{ key: 'CostCenter', value: 'marketing' }] });
    ok(await start([mine.instanceId], {}, { credentials: jane }));
    const e = failure(await start([theirs.instanceId], {}, { credentials: jane }));
    expect(e.code).toBe('UnauthorizedOperation');
    expect(e.message).toContain('is not authorized to perform: ec2:StartInstances on resource: ');
  });
});
