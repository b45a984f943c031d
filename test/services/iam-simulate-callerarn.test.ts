// Review finding: SimulatePrincipalPolicy authorizes only on PolicySourceArn, yet fills the context
// with the CallerArn principal's facts (aws:PrincipalTag/*, aws:userid). A caller allowed to simulate
// its own policies can name any other user as CallerArn and read that user's tags through the
// simulation's decisions — tags it may not read with iam:GetUser / ListUserTags.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, ok, TEST_ACCOUNT } from '../support/services.js';
import type { TestServices } from '../support/services.js';

let s: TestServices;
beforeEach(async () => {
  s = await createTestServices();
});
afterEach(async () => {
  await s.close();
});

async function userWithKey(name: string, policy: object, tags: Record<string, string> = {}) {
  const params: Record<string, string> = { UserName: name };
  Object.entries(tags).forEach(([k, v], i) => {
    params[`Tags.member.${i + 1}.Key`] = k;
    params[`Tags.member.${i + 1}.Value`] = v;
  });
  ok(await s.call('iam', 'CreateUser', params));
  ok(await s.call('iam', 'PutUserPolicy', { UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(policy) }));
  const key = ok<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>(await s.call('iam', 'CreateAccessKey', { UserName: name }));
  return { accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey };
}

describe('review: SimulatePrincipalPolicy CallerArn', () => {
  it('does not let a caller read another principal\'s tags through CallerArn', async () => {
    const bobArn = `arn:aws:iam::${TEST_ACCOUNT}:user/bob`;
    const aliceArn = `arn:aws:iam::${TEST_ACCOUNT}:user/alice`;
    await userWithKey('alice', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }, { Secret: 'hunter2' });
    const bob = await userWithKey('bob', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:SimulatePrincipalPolicy', Resource: bobArn }],
    });
    // Bob may not read Alice.
    expect((await s.call('iam', 'GetUser', { UserName: 'alice' }, { credentials: bob })).ok).toBe(false);

    const probe = async (guess: string) => {
      const out = ok<{ EvaluationResults: { EvalDecision: string }[] }>(
        await s.call(
          'iam',
          'SimulatePrincipalPolicy',
          {
            PolicySourceArn: bobArn,
            CallerArn: aliceArn,
            'ActionNames.member.1': 's3:GetObject',
            'PolicyInputList.member.1': JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/Secret': guess } } }],
            }),
          },
          { credentials: bob },
        ),
      );
      return out.EvaluationResults[0]?.EvalDecision;
    };
    const right = await probe('hunter2');
    const wrong = await probe('not-the-secret');
    // The answer must not depend on a tag Bob is not allowed to read.
    expect({ right, wrong }).toEqual({ right: wrong, wrong });
  });
});
