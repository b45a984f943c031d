import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import { allow, deny, list, policy, roleSession, seedInstance, tagParams, userWithPolicy } from '../../../../test/support/ec2.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2024-05-01T12:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

const createTags = (resources: readonly string[], tags: readonly { key: string; value?: string }[], extra: Record<string, string> = {}, credentials?: Parameters<TestServices['call']>[3]) =>
  t.call('ec2', 'CreateTags', { ...list('ResourceId', resources), ...tagParams('Tag', tags), ...extra }, credentials);

const tagsOf = async (id: string) => (await t.store.instances.get(id))?.tags;

describe('CreateTags', () => {
  it('adds and overwrites tags on every named instance, keys case-sensitive', async () => {
    const a = await seedInstance(t, { tags: [{ key: 'Name', value: 'old' }] });
    const b = await seedInstance(t);
    const out = await createTags([a.instanceId, b.instanceId], [{ key: 'Name', value: 'web' }, { key: 'name', value: 'lower' }, { key: 'Empty', value: '' }]);
    expect(out.ok).toBe(true);
    expect(await tagsOf(a.instanceId)).toEqual([{ key: 'Name', value: 'web' }, { key: 'name', value: 'lower' }, { key: 'Empty', value: '' }]);
    expect(await tagsOf(b.instanceId)).toEqual([{ key: 'Name', value: 'web' }, { key: 'name', value: 'lower' }, { key: 'Empty', value: '' }]);
  });

  it('answers <return>true</return>', async () => {
    const a = await seedInstance(t);
    const answer = await t.http('ec2', 'CreateTags', { 'ResourceId.1': a.instanceId, 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<return>true</return>');
  });

  describe('validation', () => {
    it("refuses keys starting with 'aws:' in any case", async () => {
      const a = await seedInstance(t);
      expect(failure(await createTags([a.instanceId], [{ key: 'aws:autoscaling:groupName', value: 'x' }]))).toEqual({
        code: 'InvalidParameterValue',
        message: "Value ( aws:autoscaling:groupName ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use",
        httpStatus: 400,
      });
      expect(failure(await createTags([a.instanceId], [{ key: 'AWS:CostCenter', value: 'x' }])).code).toBe('InvalidParameterValue');
      expect(await tagsOf(a.instanceId)).toEqual([]);
    });

    it('refuses an empty key, a missing value, a repeated key and over-long keys and values', async () => {
      const a = await seedInstance(t);
      expect(failure(await createTags([a.instanceId], [{ key: '', value: 'x' }])).message).toBe('Value (  ) for parameter Tag key is invalid. Tag key cannot be null or empty.');
      expect(failure(await createTags([a.instanceId], [{ key: 'k' }])).message).toBe('Tag value cannot be null. Use empty string instead.');
      expect(failure(await createTags([a.instanceId], [{ key: 'k', value: '1' }, { key: 'k', value: '2' }])).message).toBe("Duplicate tag key 'k' specified.");
      expect(failure(await createTags([a.instanceId], [{ key: 'k'.repeat(129), value: '' }])).code).toBe('InvalidParameterValue');
      expect(failure(await createTags([a.instanceId], [{ key: 'k', value: 'v'.repeat(257) }])).code).toBe('InvalidParameterValue');
      ok(await createTags([a.instanceId], [{ key: 'é'.repeat(128), value: 'ü'.repeat(256) }]));
    });

    it('refuses an id that is no resource id, and names unknown instances', async () => {
      const a = await seedInstance(t);
      expect(failure(await createTags(['i-eCHmOTcEW0OZ9KbNe'], [{ key: 'k', value: 'v' }]))).toEqual({
        code: 'InvalidID',
        message: "The ID 'i-eCHmOTcEW0OZ9KbNe' is not valid",
        httpStatus: 400,
      });
      expect(failure(await createTags([a.instanceId, 'i-77777777'], [{ key: 'k', value: 'v' }]))).toEqual({
        code: 'InvalidInstanceID.NotFound',
        message: "The instance ID 'i-77777777' does not exist",
        httpStatus: 400,
      });
      expect(await tagsOf(a.instanceId)).toEqual([]);
    });

    it('allows 50 tags per instance and refuses the 51st, all or nothing', async () => {
      const full = Array.from({ length: 49 }, (_, n) => ({ key: `k${n}`, value: '' }));
      const a = await seedInstance(t, { tags: full });
      const b = await seedInstance(t);
      ok(await createTags([a.instanceId], [{ key: 'k0', value: 'overwritten' }, { key: 'k49', value: '' }]));
      expect(failure(await createTags([b.instanceId, a.instanceId], [{ key: 'one-more', value: '' }]))).toEqual({
        code: 'TagLimitExceeded',
        message: 'The maximum number of Tags for a resource has been reached.',
        httpStatus: 400,
      });
      expect(await tagsOf(b.instanceId)).toEqual([]);
      const tooMany = Array.from({ length: 51 }, (_, n) => ({ key: `t${n}`, value: '' }));
      expect(failure(await createTags([b.instanceId], tooMany)).code).toBe('TagLimitExceeded');
    });
  });

  describe('authorization', () => {
    it('passes aws:RequestTag, aws:TagKeys and the current resource tags to conditions', async () => {
      const mine = await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'marketing' }] });
      const theirs = await seedInstance(t, { tags: [{ key: 'CostCenter', value: 'engineering' }] });
      const abac = policy(
        allow('ec2:CreateTags', `arn:aws:ec2:us-east-1:${TEST_ACCOUNT}:instance/*`, {
          StringEquals: { 'aws:ResourceTag/CostCenter': '${aws:PrincipalTag/CostCenter}' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['Name', 'CostCenter'] },
        }),
        deny('ec2:CreateTags', '*', { StringNotEquals: { 'aws:RequestTag/CostCenter': '${aws:PrincipalTag/CostCenter}' }, Null: { 'aws:RequestTag/CostCenter': 'false' } }),
      );
      const jane = await roleSession(t, { policy: abac, sessionTags: [{ key: 'CostCenter', value: 'marketing' }] });
      ok(await createTags([mine.instanceId], [{ key: 'Name', value: 'web' }], {}, { credentials: jane }));
      // Not her instance.
      expect(failure(await createTags([theirs.instanceId], [{ key: 'Name', value: 'x' }], {}, { credentials: jane })).code).toBe('UnauthorizedOperation');
      // A key outside the allowed set.
      expect(failure(await createTags([mine.instanceId], [{ key: 'Owner', value: 'x' }], {}, { credentials: jane })).code).toBe('UnauthorizedOperation');
      // Moving her instance to another cost center.
      const e = failure(await createTags([mine.instanceId], [{ key: 'CostCenter', value: 'engineering' }], {}, { credentials: jane }));
      expect(e.message).toContain('with an explicit deny');
      expect(await tagsOf(mine.instanceId)).toEqual([{ key: 'CostCenter', value: 'marketing' }, { key: 'Name', value: 'web' }]);
    });

    it('authorizes every instance: one denied instance tags none', async () => {
      const a = await seedInstance(t);
      const b = await seedInstance(t);
      const user = await userWithPolicy(t, policy(allow('ec2:CreateTags', `arn:aws:ec2:us-east-1:${TEST_ACCOUNT}:instance/${a.instanceId}`)));
      const e = failure(await createTags([a.instanceId, b.instanceId], [{ key: 'k', value: 'v' }], {}, { credentials: user }));
      expect(e.code).toBe('UnauthorizedOperation');
      expect(e.message).toContain(`instance/${b.instanceId}`);
      expect(await tagsOf(a.instanceId)).toEqual([]);
    });

    it('answers DryRun with 412 when allowed and UnauthorizedOperation when not', async () => {
      const a = await seedInstance(t);
      expect(failure(await createTags([a.instanceId], [{ key: 'k', value: 'v' }], { DryRun: 'true' })).httpStatus).toBe(412);
      const user = await userWithPolicy(t, policy(allow('ec2:DescribeTags')));
      expect(failure(await createTags([a.instanceId], [{ key: 'k', value: 'v' }], { DryRun: 'true' }, { credentials: user })).code).toBe('UnauthorizedOperation');
      expect(await tagsOf(a.instanceId)).toEqual([]);
    });
  });
});
