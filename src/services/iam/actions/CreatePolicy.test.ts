import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, allow, createUser, expectDenied, policy, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2026-03-01T10:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

type PolicyOut = { Policy: Record<string, unknown> };
const DOC = policy(allow('ec2:DescribeInstances'));

describe('CreatePolicy', () => {
  it('creates v1 of a managed policy: ANPA id, path in the ARN, no Description or Tags in the answer', async () => {
    const out = ok<PolicyOut>(await t.call('iam', 'CreatePolicy', { PolicyName: 'Readers', Path: '/team/', PolicyDocument: DOC, Description: 'read only' }));
    expect(out.Policy).toEqual({
      PolicyName: 'Readers',
      PolicyId: expect.stringMatching(/^ANPA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::${ACCOUNT}:policy/team/Readers`,
      Path: '/team/',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      CreateDate: new Date('2026-03-01T10:00:00Z'),
      UpdateDate: new Date('2026-03-01T10:00:00Z'),
    });
    const version = await t.store.policies.getVersion(`arn:aws:iam::${ACCOUNT}:policy/team/Readers`, 'v1');
    expect(version.document).toBe(DOC);
    expect((await t.store.policies.get(`arn:aws:iam::${ACCOUNT}:policy/team/Readers`))?.description).toBe('read only');
  });

  it('keeps tags, whose keys are case-sensitive, and shows them', async () => {
    const out = ok<PolicyOut>(await t.call('iam', 'CreatePolicy', { PolicyName: 'P', PolicyDocument: DOC, ...tagParams([['a', 'lower'], ['A', 'upper']]) }));
    expect(out.Policy.Tags).toEqual([
      { Key: 'a', Value: 'lower' },
      { Key: 'A', Value: 'upper' },
    ]);
    expect(failure(await t.call('iam', 'CreatePolicy', { PolicyName: 'Q', PolicyDocument: DOC, ...tagParams([['k', '1'], ['k', '2']]) }))).toEqual({
      code: 'InvalidInput',
      message: 'Duplicate tag keys found.',
      httpStatus: 400,
    });
  });

  it('refuses a name taken in any case', async () => {
    ok(await t.call('iam', 'CreatePolicy', { PolicyName: 'Readers', PolicyDocument: DOC }));
    expect(failure(await t.call('iam', 'CreatePolicy', { PolicyName: 'readers', Path: '/other/', PolicyDocument: DOC }))).toEqual({
      code: 'EntityAlreadyExists',
      message: 'A policy called readers already exists. Duplicate names are not allowed.',
      httpStatus: 409,
    });
  });

  it('refuses documents IAM refuses for managed policies', async () => {
    const old = JSON.stringify({ Version: '2008-10-17', Statement: [allow('ec2:DescribeInstances')] });
    expect(failure(await t.call('iam', 'CreatePolicy', { PolicyName: 'Old', PolicyDocument: old }))).toEqual({
      code: 'MalformedPolicyDocument',
      message: 'Policy document must be version 2012-10-17 or greater.',
      httpStatus: 400,
    });
    const noVersion = JSON.stringify({ Statement: [allow('ec2:DescribeInstances')] });
    expect(failure(await t.call('iam', 'CreatePolicy', { PolicyName: 'Old', PolicyDocument: noVersion })).message).toBe('Policy document must be version 2012-10-17 or greater.');
    expect(failure(await t.call('iam', 'CreatePolicy', { PolicyName: 'Bad', PolicyDocument: '{not json' })).message).toBe('Syntax errors in policy.');
    const noResource = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] });
    expect(failure(await t.call('iam', 'CreatePolicy', { PolicyName: 'Bad', PolicyDocument: noResource })).message).toBe('Policy statement must contain resources.');
    const big = policy(allow('s3:GetObject', `arn:aws:s3:::${'b'.repeat(6200)}`));
    expect(failure(await t.call('iam', 'CreatePolicy', { PolicyName: 'Big', PolicyDocument: big }))).toEqual({
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for PolicySize: 6144',
      httpStatus: 409,
    });
    expect((await t.store.policies.list()).items).toEqual([]);
  });

  describe('authorization', () => {
    it('denies a user without iam:CreatePolicy, in AWS’s sentence', async () => {
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetPolicy')) });
      expectDenied(
        await t.call('iam', 'CreatePolicy', { PolicyName: 'Escalate', PolicyDocument: policy(allow('*')) }, { credentials: dev }),
        dev.arn,
        'iam:CreatePolicy',
        `arn:aws:iam::${ACCOUNT}:policy/Escalate`,
      );
      expect((await t.store.policies.list()).items).toEqual([]);
    });

    it('reads aws:RequestTag/* and aws:TagKeys, and needs iam:TagPolicy for tags', async () => {
      const dev = await createUser(t, 'dev', {
        p: policy({
          Effect: 'Allow',
          Action: ['iam:CreatePolicy', 'iam:TagPolicy'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestTag/Team': 'web' } },
        }),
      });
      ok(await t.call('iam', 'CreatePolicy', { PolicyName: 'Web', PolicyDocument: DOC, ...tagParams([['Team', 'web']]) }, { credentials: dev }));
      expectDenied(
        await t.call('iam', 'CreatePolicy', { PolicyName: 'Db', PolicyDocument: DOC, ...tagParams([['Team', 'db']]) }, { credentials: dev }),
        dev.arn,
        'iam:CreatePolicy',
        `arn:aws:iam::${ACCOUNT}:policy/Db`,
      );
      const noTag = await createUser(t, 'notag', { p: policy(allow('iam:CreatePolicy')) });
      expectDenied(
        await t.call('iam', 'CreatePolicy', { PolicyName: 'Tagged', PolicyDocument: DOC, ...tagParams([['Team', 'web']]) }, { credentials: noTag }),
        noTag.arn,
        'iam:TagPolicy',
        `arn:aws:iam::${ACCOUNT}:policy/Tagged`,
      );
      ok(await t.call('iam', 'CreatePolicy', { PolicyName: 'Untagged', PolicyDocument: DOC }, { credentials: noTag }));
    });
  });
});
