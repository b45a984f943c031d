import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, allow, createUser, expectDenied, policy, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

type PolicyOut = { Policy: Record<string, unknown> };

describe('GetPolicy', () => {
  it('answers the policy with Description and Tags (`[]` when none)', async () => {
    const arn = ok<PolicyOut>(await t.call('iam', 'CreatePolicy', { PolicyName: 'P', PolicyDocument: policy(allow('iam:GetUser')), Description: 'testing' })).Policy.Arn as string;
    const out = ok<PolicyOut>(await t.call('iam', 'GetPolicy', { PolicyArn: arn }));
    expect(out.Policy).toMatchObject({ PolicyName: 'P', Arn: arn, Description: 'testing', Tags: [], DefaultVersionId: 'v1', IsAttachable: true });
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn }));
    expect(ok<PolicyOut>(await t.call('iam', 'GetPolicy', { PolicyArn: arn })).Policy.AttachmentCount).toBe(1);
    expect((await t.http('iam', 'GetPolicy', { PolicyArn: arn })).body).toContain('<Tags></Tags>');
  });

  it('answers NoSuchEntity `Policy <arn> was not found.`, AWS managed ARNs included', async () => {
    for (const arn of [`arn:aws:iam::${ACCOUNT}:policy/Ghost`, 'arn:aws:iam::aws:policy/ReadOnlyAccess']) {
      expect(failure(await t.call('iam', 'GetPolicy', { PolicyArn: arn }))).toEqual({ code: 'NoSuchEntity', message: `Policy ${arn} was not found.`, httpStatus: 404 });
    }
  });

  describe('authorization', () => {
    it('denies a user without iam:GetPolicy', async () => {
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:ListPolicies')) });
      const arn = `arn:aws:iam::${ACCOUNT}:policy/P`;
      expectDenied(await t.call('iam', 'GetPolicy', { PolicyArn: arn }, { credentials: dev }), dev.arn, 'iam:GetPolicy', arn);
    });

    it('reads aws:ResourceTag/* of the policy', async () => {
      const web = ok<PolicyOut>(await t.call('iam', 'CreatePolicy', { PolicyName: 'Web', PolicyDocument: policy(allow('iam:GetUser')), ...tagParams([['Team', 'web']]) })).Policy.Arn as string;
      const db = ok<PolicyOut>(await t.call('iam', 'CreatePolicy', { PolicyName: 'Db', PolicyDocument: policy(allow('iam:GetUser')), ...tagParams([['Team', 'db']]) })).Policy.Arn as string;
      const dev = await createUser(t, 'dev', {
        p: policy({ Effect: 'Allow', Action: 'iam:GetPolicy', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Team': 'web' } } }),
      });
      ok(await t.call('iam', 'GetPolicy', { PolicyArn: web }, { credentials: dev }));
      expectDenied(await t.call('iam', 'GetPolicy', { PolicyArn: db }, { credentials: dev }), dev.arn, 'iam:GetPolicy', db);
    });
  });
});
