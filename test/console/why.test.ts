// The "Why?" explanation read from real denials: each case makes a real EC2 call through invoke with
// a role session holding a policy, takes the UnauthorizedOperation's encoded message, decodes it as the
// console does, and checks the sentences a person reads. If the engine's wording changes, these fail
// here rather than the panel silently falling back to raw sentences.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodedMessageOf, explainDenial, keyInWords, resourceKindOf } from '../../src/console/index.js';
import type { WhyView } from '../../src/console/index.js';
import { decodeAuthorizationMessage } from '../../src/services/authorize.js';
import { allow, deny, list, policy, roleSession, seedInstance, seedPolicy } from '../support/ec2.js';
import { createTestServices, failure } from '../support/services.js';
import type { TestServices } from '../support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

async function whyOfStop(options: { policy: string; instanceTags: { key: string; value: string }[]; sessionTags?: { key: string; value: string }[] }): Promise<WhyView> {
  const instance = await seedInstance(t, { tags: options.instanceTags });
  const credentials = await roleSession(t, { policy: options.policy, sessionTags: options.sessionTags ?? [] });
  const error = failure(await t.call('ec2', 'StopInstances', list('InstanceId', [instance.instanceId]), { credentials }));
  expect(error.code).toBe('UnauthorizedOperation');
  const encoded = encodedMessageOf(error.message);
  expect(encoded).toBeDefined();
  const decoded = decodeAuthorizationMessage(t.env, encoded as string);
  expect(decoded).toBeDefined();
  return explainDenial(decoded as Record<string, unknown>, 'ec2');
}

describe('the "Why?" of a denial', () => {
  it('explains the seed: the statement that could have allowed, its condition, both tag values', async () => {
    const why = await whyOfStop({
      policy: seedPolicy(),
      instanceTags: [
        { key: 'CostCenter', value: 'engineering' },
        { key: 'Project', value: 'management_dashboard' },
      ],
      sessionTags: [{ key: 'CostCenter', value: 'marketing' }],
    });
    expect(why.decision).toBe('implicitDeny');
    expect(why.action).toBe('ec2:StopInstances');
    expect(why.resource).toMatch(/^arn:aws:ec2:us-east-1:013823792818:instance\/i-/);
    expect(why.principalArn).toMatch(/^arn:aws:sts::013823792818:assumed-role\/role-\d+\/jane@example.com$/);
    expect(why.unparsed).toEqual([]);
    const near = why.statements.filter((s) => s.outcome === 'conditions-failed');
    expect(near).toHaveLength(1);
    const s = near[0]!;
    expect(s.policy).toBe('permissions');
    expect(s.number).toBe(2);
    expect(s.conditions).toEqual([
      expect.objectContaining({
        operator: 'StringEquals',
        key: 'ec2:ResourceTag/CostCenter',
        verdict: 'fails',
        requestValues: ['engineering'],
        policyValues: [{ written: '${aws:PrincipalTag/CostCenter}', resolved: 'marketing' }],
      }),
    ]);
    expect(s.sentence).toBe(
      'Statement 2 of the policy `permissions` could have allowed `ec2:StopInstances`, but its condition does not hold: ' +
        "it requires the instance's tag `CostCenter` (`ec2:ResourceTag/CostCenter`) to equal your session's tag `CostCenter` (`aws:PrincipalTag/CostCenter`) [StringEquals]. " +
        'This instance has `engineering`; your session has `marketing`.',
    );
    expect(why.headline).toContain('No policy of your role allows `ec2:StopInstances` on this instance');
    expect(why.headline).toContain('statement 2 of the policy `permissions`');
    expect(why.comparisons).toEqual([
      {
        tagKey: 'CostCenter',
        resourceKey: 'ec2:ResourceTag/CostCenter',
        resourceValue: 'engineering',
        principalKey: 'aws:PrincipalTag/CostCenter',
        principalValue: 'marketing',
        equal: false,
      },
    ]);
    // The engine lists only the statements that cover the action (statement 1 is DescribeInstances).
    expect(why.statements).toHaveLength(1);
  });

  it('says when the session has no value for the variable the policy compares with', async () => {
    const why = await whyOfStop({ policy: seedPolicy(), instanceTags: [{ key: 'CostCenter', value: 'engineering' }] });
    const s = why.statements.find((x) => x.outcome === 'conditions-failed')!;
    expect(s.conditions[0]?.policyValues).toEqual([{ written: '${aws:PrincipalTag/CostCenter}', resolved: null }]);
    expect(s.sentence).toContain('This instance has `engineering`; your session has no value for `aws:PrincipalTag/CostCenter`.');
    expect(why.comparisons).toEqual([expect.objectContaining({ tagKey: 'CostCenter', resourceValue: 'engineering', principalValue: undefined, equal: false })]);
  });

  it('reads a literal condition and an untagged instance', async () => {
    const why = await whyOfStop({ policy: policy(allow('ec2:StopInstances', '*', { StringEquals: { 'ec2:ResourceTag/Env': 'dev' } })), instanceTags: [] });
    const s = why.statements.find((x) => x.outcome === 'conditions-failed')!;
    expect(s.sentence).toContain("it requires the instance's tag `Env` (`ec2:ResourceTag/Env`) to equal `dev` [StringEquals]. This instance has no value for `ec2:ResourceTag/Env`.");
  });

  it('explains an explicit deny by the Deny statement that matched', async () => {
    const why = await whyOfStop({
      policy: policy(allow('ec2:*'), { Sid: 'NoProd', ...deny('ec2:StopInstances', '*', { StringEquals: { 'ec2:ResourceTag/Env': 'prod' } }) }),
      instanceTags: [{ key: 'Env', value: 'prod' }],
    });
    expect(why.decision).toBe('explicitDeny');
    expect(why.headline).toContain('A Deny statement refuses `ec2:StopInstances`');
    const d = why.statements.find((x) => x.effect === 'Deny');
    expect(d).toBeDefined();
    expect(d?.sid).toBe('NoProd');
    expect(d?.sentence).toContain('Statement 2 (`NoProd`) of the policy `permissions` denies it, because its condition holds');
    expect(d?.sentence).toContain("the instance's tag `Env` (`ec2:ResourceTag/Env`) to equal `prod`");
  });

  it('explains a role with no Allow for the action at all', async () => {
    const why = await whyOfStop({ policy: policy(allow('ec2:DescribeInstances')), instanceTags: [] });
    expect(why.headline).toContain('No policy of your role allows `ec2:StopInstances`');
    expect(why.statements.filter((s) => s.outcome === 'conditions-failed')).toEqual([]);
  });

  it('keeps a sentence it cannot read (a tag value with a backtick) verbatim instead of guessing', async () => {
    const why = await whyOfStop({ policy: seedPolicy(), instanceTags: [{ key: 'CostCenter', value: 'eng`ineering' }], sessionTags: [{ key: 'CostCenter', value: 'marketing' }] });
    const parsed = why.statements.find((s) => s.outcome === 'conditions-failed');
    if (parsed === undefined) expect(why.unparsed.some((d) => d.includes('eng`ineering'))).toBe(true);
    else expect(parsed.conditions[0]?.requestValues).not.toEqual(['engineering']);
  });
});

describe('helpers', () => {
  it('finds the encoded message at the end of an UnauthorizedOperation message only', () => {
    expect(encodedMessageOf('You are not authorized to perform this operation. User: x. Encoded authorization failure message: abc_DEF-123')).toBe('abc_DEF-123');
    expect(encodedMessageOf('Encoded authorization failure message: <script>')).toBeUndefined();
    expect(encodedMessageOf('nothing here')).toBeUndefined();
  });

  it('names who holds a key', () => {
    expect(keyInWords('aws:PrincipalTag/CostCenter', 'instance')).toBe("your session's tag `CostCenter`");
    expect(keyInWords('ec2:ResourceTag/CostCenter', 'instance')).toBe("the instance's tag `CostCenter`");
    expect(keyInWords('aws:ResourceTag/CostCenter', undefined)).toBe("the resource's tag `CostCenter`");
    expect(keyInWords('aws:RequestTag/Team', 'instance')).toBe('the tag `Team` in the request');
    expect(keyInWords('aws:SourceIp', 'instance')).toBe('`aws:SourceIp`');
    expect(resourceKindOf('arn:aws:ec2:us-east-1:013823792818:instance/i-0123')).toBe('instance');
    expect(resourceKindOf('*')).toBeUndefined();
  });
});
