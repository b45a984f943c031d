import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../kernel/index.js';
import { INSTANCE_STATE_NAMES, instanceState } from '../../store/port.js';
import type { Instance, InstanceStateName } from '../../store/port.js';
import { OPERATIONS, plan, settle, settlesFrom, step, transitionStart, userInitiatedReason } from './lifecycle.js';

const T0 = new Date('2024-05-01T12:00:00Z');

function instance(state: InstanceStateName, reason = '', launchTime = T0): Instance {
  return {
    instanceId: 'i-0123456789abcdef0',
    reservationId: 'r-0123456789abcdef0',
    amiLaunchIndex: 0,
    imageId: 'ami-12345678',
    instanceType: 't3.micro',
    state: instanceState(state),
    stateTransitionReason: reason,
    launchTime,
    availabilityZone: 'us-east-1a',
    privateIpAddress: '172.31.0.4',
    privateDnsName: 'ip-172-31-0-4.ec2.internal',
    tags: [],
  };
}

describe('the settling rule', () => {
  it('settles pending, stopping and shutting-down once the delay has passed since the transition began', () => {
    const clock = new ManualClock(T0);
    const reason = userInitiatedReason(clock.now());
    const cases = [
      [instance('pending'), 'running'],
      [instance('stopping', reason), 'stopped'],
      [instance('shutting-down', reason), 'terminated'],
    ] as const;
    for (const [i, end] of cases) {
      expect(settle(i, clock.now(), 2000).state.name).toBe(i.state.name);
      clock.set(T0);
      clock.advance(1.999);
      expect(settle(i, clock.now(), 2000).state.name).toBe(i.state.name);
      clock.advance(0.001);
      expect(settle(i, clock.now(), 2000).state).toEqual(instanceState(end));
      clock.set(T0);
    }
  });

  it('settles at once with a zero delay, and leaves settled states alone', () => {
    expect(settle(instance('pending'), T0, 0).state.name).toBe('running');
    for (const s of ['running', 'stopped', 'terminated'] as const) {
      const i = instance(s, 'User initiated (2020-01-01 00:00:00 GMT)', new Date(0));
      expect(settle(i, T0, 0)).toBe(i);
    }
  });

  it('clears the reason of an instance that reaches running and keeps it for stopped and terminated', () => {
    const reason = userInitiatedReason(T0);
    expect(settle(instance('pending', reason), new Date(T0.getTime() + 5000), 2000).stateTransitionReason).toBe('');
    expect(settle(instance('stopping', reason), new Date(T0.getTime() + 5000), 2000).stateTransitionReason).toBe(reason);
  });

  it("measures a started instance's transition from the reason, not the launch time", () => {
    const long = new Date('2020-01-01T00:00:00Z');
    const started = instance('pending', userInitiatedReason(T0), long);
    expect(transitionStart(started)).toEqual(T0);
    expect(settle(started, new Date(T0.getTime() + 1000), 2000).state.name).toBe('pending');
    expect(transitionStart(instance('pending', '', long))).toEqual(long);
    expect(transitionStart(instance('stopping', 'User initiated', long))).toEqual(long);
  });

  it("writes EC2's reason wording", () => {
    expect(userInitiatedReason(new Date('2021-10-04T14:13:33.789Z'))).toBe('User initiated (2021-10-04 14:13:33 GMT)');
  });

  it('knows which state settles into which', () => {
    expect(settlesFrom('running')).toBe('pending');
    expect(settlesFrom('stopped')).toBe('stopping');
    expect(settlesFrom('terminated')).toBe('shutting-down');
    expect(settlesFrom('pending')).toBeUndefined();
  });
});

describe('the state machine (aws.md §6.5)', () => {
  const table: Record<string, Record<InstanceStateName, string>> = {
    start: { pending: 'stay', running: 'stay', stopping: 'refuse', stopped: 'pending', 'shutting-down': 'refuse', terminated: 'refuse' },
    stop: { pending: 'refuse', running: 'stopping', stopping: 'stay', stopped: 'stay', 'shutting-down': 'refuse', terminated: 'refuse' },
    terminate: { pending: 'shutting-down', running: 'shutting-down', stopping: 'shutting-down', stopped: 'shutting-down', 'shutting-down': 'stay', terminated: 'stay' },
  };

  it.each(OPERATIONS.flatMap((op) => INSTANCE_STATE_NAMES.map((s) => [op, s] as const)))('%s from %s', (op, from) => {
    const s = step(op, from);
    expect(s.kind === 'move' ? s.to : s.kind).toBe(table[op]?.[from]);
  });

  it('plans all or nothing and decides on the settled state', () => {
    const later = new Date(T0.getTime() + 10_000);
    const changes = plan('stop', [instance('running'), instance('pending')], later, 2000);
    expect(changes.map((c) => [c.stored, c.previous, c.current])).toEqual([
      ['running', 'running', 'stopping'],
      ['pending', 'running', 'stopping'],
    ]);
    expect(() => plan('stop', [instance('running'), instance('pending')], T0, 2000)).toThrow(/never reached the 'running' state/);
  });
});
