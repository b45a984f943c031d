import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import { allow, deny, list, policy, seedInstance, stateOf, userWithPolicy } from '../../../../test/support/ec2.js';

type TerminateOutput = { TerminatingInstances: { InstanceId: string; CurrentState: { Code: number; Name: string }; PreviousState: { Code: number; Name: string } }[] };

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2024-05-01T12:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

const terminate = (ids: readonly string[], extra: Record<string, string> = {}, credentials?: Parameters<TestServices['call']>[3]) =>
  t.call('ec2', 'TerminateInstances', { ...list('InstanceId', ids), ...extra }, credentials);

describe('TerminateInstances', () => {
  it('terminates a running instance: running 16 → shutting-down 32, then terminated 48, still described', async () => {
    const i = await seedInstance(t);
    const out = ok<TerminateOutput>(await terminate([i.instanceId]));
    expect(out.TerminatingInstances).toEqual([
      { InstanceId: i.instanceId, PreviousState: { Code: 16, Name: 'running' }, CurrentState: { Code: 32, Name: 'shutting-down' } },
    ]);
    t.clock.advance(2);
    expect(await stateOf(t, i.instanceId)).toBe('terminated');
    const again = ok<TerminateOutput>(await terminate([i.instanceId]));
    expect(again.TerminatingInstances[0]).toMatchObject({ PreviousState: { Code: 48, Name: 'terminated' }, CurrentState: { Code: 48, Name: 'terminated' } });
  });

  it.each(['pending', 'stopping', 'stopped'] as const)('moves a %s instance to shutting-down', async (state) => {
    const i = await seedInstance(t, { state, reason: 'User initiated (2024-05-01 12:00:00 GMT)' });
    const out = ok<TerminateOutput>(await terminate([i.instanceId]));
    expect(out.TerminatingInstances[0]).toMatchObject({ PreviousState: { Name: state }, CurrentState: { Name: 'shutting-down' } });
  });

  it('answers shutting-down → shutting-down while it shuts down', async () => {
    const i = await seedInstance(t, { state: 'shutting-down', reason: 'User initiated (2024-05-01 12:00:00 GMT)' });
    const out = ok<TerminateOutput>(await terminate([i.instanceId]));
    expect(out.TerminatingInstances[0]).toMatchObject({ PreviousState: { Code: 32 }, CurrentState: { Code: 32 } });
  });

  it('terminates none when one id is unknown ("none of the instances are terminated")', async () => {
    const a = await seedInstance(t);
    expect(failure(await terminate([a.instanceId, 'i-0000000000000dead'])).code).toBe('InvalidInstanceID.NotFound');
    expect((await t.store.instances.get(a.instanceId))?.state.name).toBe('running');
  });

  it('terminates none when one instance is denied', async () => {
    const a = await seedInstance(t);
    const b = await seedInstance(t, { tags: [{ key: 'protected', value: 'yes' }] });
    const user = await userWithPolicy(
      t,
      policy(allow('ec2:TerminateInstances', `arn:aws:ec2:*:${TEST_ACCOUNT}:instance/*`), deny('ec2:TerminateInstances', '*', { StringEquals: { 'ec2:ResourceTag/protected': 'yes' } })),
    );
    const e = failure(await terminate([a.instanceId, b.instanceId], {}, { credentials: user }));
    expect(e.code).toBe('UnauthorizedOperation');
    expect(e.message).toContain('with an explicit deny in an identity-based policy');
    expect((await t.store.instances.get(a.instanceId))?.state.name).toBe('running');
    ok(await terminate([a.instanceId], {}, { credentials: user }));
  });

  it('answers DryRun with 412 when allowed and UnauthorizedOperation when not', async () => {
    const i = await seedInstance(t);
    expect(failure(await terminate([i.instanceId], { DryRun: 'true' })).code).toBe('DryRunOperation');
    const user = await userWithPolicy(t, policy(allow('ec2:StopInstances')));
    expect(failure(await terminate([i.instanceId], { DryRun: 'true' }, { credentials: user })).code).toBe('UnauthorizedOperation');
    expect((await t.store.instances.get(i.instanceId))?.state.name).toBe('running');
  });

  it('refuses a malformed id', async () => {
    expect(failure(await terminate(['i-12345']))).toEqual({ code: 'InvalidInstanceID.Malformed', message: 'Invalid id: "i-12345"', httpStatus: 400 });
  });
});
