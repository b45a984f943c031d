import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import { decodeAuthorizationMessage } from '../../authorize.js';
import { allow, list, policy, roleSession, seedInstance, seedPolicy, stateOf, userWithPolicy } from '../../../../test/support/ec2.js';

type StopOutput = { StoppingInstances: { InstanceId: string; CurrentState: { Code: number; Name: string }; PreviousState: { Code: number; Name: string } }[] };

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2024-05-01T12:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

const stop = (ids: readonly string[], extra: Record<string, string> = {}, credentials?: Parameters<TestServices['call']>[3]) =>
  t.call('ec2', 'StopInstances', { ...list('InstanceId', ids), ...extra }, credentials);

describe('StopInstances', () => {
  it('stops a running instance: running 16 → stopping 64, then stopped after the transition delay', async () => {
    const i = await seedInstance(t);
    const out = ok<StopOutput>(await stop([i.instanceId]));
    expect(out.StoppingInstances).toEqual([
      { InstanceId: i.instanceId, PreviousState: { Code: 16, Name: 'running' }, CurrentState: { Code: 64, Name: 'stopping' } },
    ]);
    expect(await stateOf(t, i.instanceId)).toBe('stopping');
    t.clock.advance(2);
    expect(await stateOf(t, i.instanceId)).toBe('stopped');
    const stored = await t.store.instances.get(i.instanceId);
    expect(stored?.stateTransitionReason).toBe('User initiated (2024-05-01 12:00:00 GMT)');
  });

  it('answers stopped → stopped for a stopped instance, and writes the settled state', async () => {
    const i = await seedInstance(t);
    ok(await stop([i.instanceId]));
    t.clock.advance(5);
    const out = ok<StopOutput>(await stop([i.instanceId]));
    expect(out.StoppingInstances[0]).toMatchObject({ PreviousState: { Code: 80, Name: 'stopped' }, CurrentState: { Code: 80, Name: 'stopped' } });
    expect((await t.store.instances.get(i.instanceId))?.state.name).toBe('stopped');
  });

  it.each([
    ['stopping', 'stopping', 'stopping'],
    ['stopped', 'stopped', 'stopped'],
  ] as const)('answers %s → %s unchanged', async (from, previous, current) => {
    const i = await seedInstance(t, { state: from, reason: 'User initiated (2024-05-01 12:00:00 GMT)' });
    const out = ok<StopOutput>(await stop([i.instanceId]));
    expect(out.StoppingInstances[0]?.PreviousState.Name).toBe(previous);
    expect(out.StoppingInstances[0]?.CurrentState.Name).toBe(current);
  });

  it('refuses a pending instance with EC2 never-reached-running wording', async () => {
    const i = await seedInstance(t, { state: 'pending' });
    expect(failure(await stop([i.instanceId]))).toEqual({
      code: 'IncorrectInstanceState',
      message: `Instance '${i.instanceId}' cannot be stopped as it has never reached the 'running' state.`,
      httpStatus: 400,
    });
  });

  it.each(['shutting-down', 'terminated'] as const)('refuses a %s instance', async (state) => {
    const i = await seedInstance(t, { state, reason: 'User initiated (2024-05-01 12:00:00 GMT)' });
    expect(failure(await stop([i.instanceId]))).toEqual({
      code: 'IncorrectInstanceState',
      message: `The instance '${i.instanceId}' is not in a state from which it can be stopped.`,
      httpStatus: 400,
    });
  });

  it('stops a pending instance once it has settled to running', async () => {
    const i = await seedInstance(t, { state: 'pending', launchTime: new Date('2024-05-01T11:00:00Z') });
    const out = ok<StopOutput>(await stop([i.instanceId]));
    expect(out.StoppingInstances[0]).toMatchObject({ PreviousState: { Name: 'running' }, CurrentState: { Name: 'stopping' } });
  });

  it('honours a configured transition delay', async () => {
    t.env.ec2.transitionSeconds = 60;
    const i = await seedInstance(t);
    ok(await stop([i.instanceId]));
    t.clock.advance(59);
    expect(await stateOf(t, i.instanceId)).toBe('stopping');
    t.clock.advance(1);
    expect(await stateOf(t, i.instanceId)).toBe('stopped');
  });

  it('changes nothing when one of several instances is in the wrong state (all or nothing)', async () => {
    const a = await seedInstance(t);
    const b = await seedInstance(t, { state: 'terminated' });
    expect(failure(await stop([a.instanceId, b.instanceId])).code).toBe('IncorrectInstanceState');
    expect((await t.store.instances.get(a.instanceId))?.state.name).toBe('running');
  });

  it('refuses a malformed id before anything else', async () => {
    const a = await seedInstance(t);
    expect(failure(await stop([a.instanceId, 'i-xyz']))).toEqual({ code: 'InvalidInstanceID.Malformed', message: 'Invalid id: "i-xyz"', httpStatus: 400 });
    expect(failure(await stop(['ma1'])).message).toBe('Invalid id: "ma1"');
  });

  it('names every unknown instance, singular and plural', async () => {
    const a = await seedInstance(t);
    expect(failure(await stop(['i-0123456789abcdef0']))).toEqual({
      code: 'InvalidInstanceID.NotFound',
      message: "The instance ID 'i-0123456789abcdef0' does not exist",
      httpStatus: 400,
    });
    expect(failure(await stop([a.instanceId, 'i-11111111', 'i-22222222'])).message).toBe("The instance IDs 'i-11111111, i-22222222' do not exist");
    expect((await t.store.instances.get(a.instanceId))?.state.name).toBe('running');
  });

  it('does not see an instance of another region', async () => {
    const i = await seedInstance(t, { zone: 'eu-west-1a' });
    expect(failure(await stop([i.instanceId])).code).toBe('InvalidInstanceID.NotFound');
    ok(await stop([i.instanceId], {}, { region: 'eu-west-1' }));
  });

  it('serializes concurrent stops: one moves running → stopping, the other sees stopping', async () => {
    const i = await seedInstance(t);
    const outs = (await Promise.all([stop([i.instanceId]), stop([i.instanceId]), stop([i.instanceId])])).map((o) => ok<StopOutput>(o).StoppingInstances[0]);
    const previous = outs.map((o) => o?.PreviousState.Name).sort();
    expect(previous).toEqual(['running', 'stopping', 'stopping']);
    expect(outs.every((o) => o?.CurrentState.Name === 'stopping')).toBe(true);
  });

  it('keeps concurrent Stop and Terminate consistent with one order', async () => {
    const i = await seedInstance(t);
    const [s, term] = await Promise.all([stop([i.instanceId]), t.call('ec2', 'TerminateInstances', list('InstanceId', [i.instanceId]))]);
    const terminated = ok<{ TerminatingInstances: { PreviousState: { Name: string } }[] }>(term).TerminatingInstances[0];
    if (s.ok) expect(terminated?.PreviousState.Name).toBe('stopping');
    else {
      expect(failure(s).code).toBe('IncorrectInstanceState');
      expect(terminated?.PreviousState.Name).toBe('running');
    }
    expect(await stateOf(t, i.instanceId)).toBe('shutting-down');
  });

  describe('DryRun', () => {
    it('answers 412 DryRunOperation with the permission and changes nothing', async () => {
      const i = await seedInstance(t);
      expect(failure(await stop([i.instanceId], { DryRun: 'true' }))).toEqual({
        code: 'DryRunOperation',
        message: 'Request would have succeeded, but DryRun flag is set.',
        httpStatus: 412,
      });
      expect((await t.store.instances.get(i.instanceId))?.state.name).toBe('running');
    });

    it('answers UnauthorizedOperation without the permission', async () => {
      const i = await seedInstance(t);
      const user = await userWithPolicy(t, policy(allow('ec2:DescribeInstances')));
      const e = failure(await stop([i.instanceId], { DryRun: 'true' }, { credentials: user }));
      expect(e.code).toBe('UnauthorizedOperation');
      expect(e.httpStatus).toBe(403);
    });

    it('still validates before answering', async () => {
      expect(failure(await stop(['i-11111111'], { DryRun: 'true' })).code).toBe('InvalidInstanceID.NotFound');
    });
  });

  describe('authorization', () => {
    it('authorizes every instance on its own ARN: one denied instance stops none', async () => {
      const a = await seedInstance(t, { tags: [{ key: 'team', value: 'a' }] });
      const b = await seedInstance(t, { tags: [{ key: 'team', value: 'b' }] });
      const user = await userWithPolicy(t, policy(allow('ec2:StopInstances', `arn:aws:ec2:us-east-1:${TEST_ACCOUNT}:instance/${a.instanceId}`)));
      ok(await stop([a.instanceId], {}, { credentials: user }));
      const e = failure(await stop([b.instanceId], {}, { credentials: user }));
      expect(e.code).toBe('UnauthorizedOperation');
      expect(e.message).toContain(`on resource: arn:aws:ec2:us-east-1:${TEST_ACCOUNT}:instance/${b.instanceId}`);
      const c = await seedInstance(t);
      expect(failure(await stop([c.instanceId, b.instanceId], {}, { credentials: user })).code).toBe('UnauthorizedOperation');
      expect((await t.store.instances.get(c.instanceId))?.state.name).toBe('running');
    });

    it('gives the instance keys to conditions (ec2:InstanceType, ec2:AvailabilityZone, ec2:InstanceID)', async () => {
      const small = await seedInstance(t, { instanceType: 't3.micro' });
      const large = await seedInstance(t, { instanceType: 'm5.large' });
      const user = await userWithPolicy(
        t,
        policy(allow('ec2:StopInstances', '*', { StringEquals: { 'ec2:InstanceType': 't3.micro', 'ec2:AvailabilityZone': 'us-east-1a', 'ec2:Tenancy': 'default' } })),
      );
      ok(await stop([small.instanceId], {}, { credentials: user }));
      expect(failure(await stop([large.instanceId], {}, { credentials: user })).code).toBe('UnauthorizedOperation');
      const byId = await userWithPolicy(t, policy(allow('ec2:StopInstances', '*', { StringEquals: { 'ec2:InstanceID': large.instanceId } })));
      ok(await stop([large.instanceId], {}, { credentials: byId }));
    });

    it('fails closed on tag keys that differ only in case', async () => {
      const i = await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'marketing' }, { key: 'costcenter', value: 'engineering' }] });
      const user = await userWithPolicy(t, policy(allow('ec2:StopInstances', '*', { StringEquals: { 'aws:ResourceTag/CostCenter': 'marketing' } })));
      expect(failure(await stop([i.instanceId], {}, { credentials: user })).code).toBe('UnauthorizedOperation');
    });
  });

  describe("the seed's ABAC policy, as a SAML role session", () => {
    const roleTags = [{ key: 'CostCenter', value: 'engineering' }];

    it('may stop the instance tagged with its CostCenter and not the other', async () => {
      const marketing = await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'marketing' }] });
      const engineering = await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'engineering' }] });
      const jane = await roleSession(t, { policy: seedPolicy(), roleName: 'access-session-tags', sessionTags: [{ key: 'CostCenter', value: 'marketing' }] });

      const out = ok<StopOutput>(await stop([marketing.instanceId], {}, { credentials: jane }));
      expect(out.StoppingInstances[0]?.CurrentState.Name).toBe('stopping');

      const e = failure(await stop([engineering.instanceId], {}, { credentials: jane }));
      expect(e.code).toBe('UnauthorizedOperation');
      expect(e.httpStatus).toBe(403);
      expect(
        e.message.startsWith(
          `You are not authorized to perform this operation. User: arn:aws:sts::013823792818:assumed-role/access-session-tags/jane@example.com is not authorized to perform: ec2:StopInstances on resource: arn:aws:ec2:us-east-1:013823792818:instance/${engineering.instanceId} because no identity-based policy allows the ec2:StopInstances action. Encoded authorization failure message: `,
        ),
      ).toBe(true);
      const encoded = e.message.slice(e.message.indexOf('Encoded authorization failure message: ') + 39);
      const decoded = decodeAuthorizationMessage(t.env, encoded) as { allowed: boolean; context: { conditions: { items: { key: string; values: { items: { value: string }[] } }[] } } };
      expect(decoded.allowed).toBe(false);
      const keys = Object.fromEntries(decoded.context.conditions.items.map((c) => [c.key, c.values.items.map((v) => v.value)]));
      expect(keys['aws:PrincipalTag/CostCenter']).toEqual(['marketing']);
      expect(keys['ec2:ResourceTag/CostCenter']).toEqual(['engineering']);
      expect(keys['ec2:Region']).toEqual(['us-east-1']);
      expect((await t.store.instances.get(engineering.instanceId))?.state.name).toBe('running');
    });

    it('lets a session tag in another case override the role tag', async () => {
      const marketing = await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'marketing' }] });
      const engineering = await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'engineering' }] });
      const jane = await roleSession(t, { policy: seedPolicy(), roleTags, sessionTags: [{ key: 'costcenter', value: 'marketing' }] });
      ok(await stop([marketing.instanceId], {}, { credentials: jane }));
      expect(failure(await stop([engineering.instanceId], {}, { credentials: jane })).code).toBe('UnauthorizedOperation');
    });

    it('decides again when the tags change between the decision and the write (TOCTOU)', async () => {
      const i = await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'marketing' }] });
      const jane = await roleSession(t, { policy: seedPolicy(), sessionTags: [{ key: 'CostCenter', value: 'marketing' }] });
      const store = t.env.store;
      const original = store.transaction.bind(store);
      let retagged = false;
      // A concurrent CreateTags lands after authorization allowed the stop, before its transaction.
      store.transaction = (async (fn: Parameters<typeof original>[0]) => {
        if (!retagged) {
          retagged = true;
          await store.instances.createTags([i.instanceId], [{ key: 'CostCenter', value: 'engineering' }]);
        }
        return original(fn);
      }) as typeof store.transaction;
      expect(failure(await stop([i.instanceId], {}, { credentials: jane })).code).toBe('UnauthorizedOperation');
      expect((await t.store.instances.get(i.instanceId))?.state.name).toBe('running');
    });

    it('gives up with ConcurrentTagAccess when the tags keep changing', async () => {
      const i = await seedInstance(t);
      const store = t.env.store;
      const original = store.transaction.bind(store);
      let n = 0;
      store.transaction = (async (fn: Parameters<typeof original>[0]) => {
        await store.instances.createTags([i.instanceId], [{ key: 'churn', value: String(++n) }]);
        return original(fn);
      }) as typeof store.transaction;
      expect(failure(await stop([i.instanceId])).code).toBe('ConcurrentTagAccess');
      expect(n).toBe(3);
      expect((await t.store.instances.get(i.instanceId))?.state.name).toBe('running');
    });

    it('uses the role tag when the session carries none', async () => {
      const engineering = await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'engineering' }] });
      const bob = await roleSession(t, { policy: seedPolicy(), roleTags });
      ok(await stop([engineering.instanceId], {}, { credentials: bob }));
    });

    it('denies an untagged instance (the key is absent, so StringEquals is false)', async () => {
      const untagged = await seedInstance(t);
      const jane = await roleSession(t, { policy: seedPolicy(), sessionTags: [{ key: 'CostCenter', value: 'marketing' }] });
      expect(failure(await stop([untagged.instanceId], {}, { credentials: jane })).code).toBe('UnauthorizedOperation');
    });
  });
});
