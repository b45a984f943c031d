import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import { allow, list, policy, seedInstance, tagParams, userWithPolicy } from '../../../../test/support/ec2.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2024-05-01T12:00:00Z') });
});
afterEach(async () => {
  await t.close();
});

const deleteTags = (resources: readonly string[], tags?: readonly { key: string; value?: string }[], extra: Record<string, string> = {}, credentials?: Parameters<TestServices['call']>[3]) =>
  t.call('ec2', 'DeleteTags', { ...list('ResourceId', resources), ...(tags === undefined ? {} : tagParams('Tag', tags)), ...extra }, credentials);

const tagsOf = async (id: string) => (await t.store.instances.get(id))?.tags.map((tag) => `${tag.key}=${tag.value}`);

const TAGS = [
  { key: 'Name', value: 'web' },
  { key: 'Env', value: '' },
  { key: 'Team', value: 'a' },
  { key: 'aws:cloudformation:stack-name', value: 'stack' },
];

describe('DeleteTags', () => {
  it('deletes a key whatever its value', async () => {
    const i = await seedInstance(t, { tags: TAGS });
    ok(await deleteTags([i.instanceId], [{ key: 'Name' }]));
    expect(await tagsOf(i.instanceId)).toEqual(['Env=', 'Team=a', 'aws:cloudformation:stack-name=stack']);
  });

  it('deletes a key with a value only when the value matches, an empty value included', async () => {
    const i = await seedInstance(t, { tags: TAGS });
    ok(await deleteTags([i.instanceId], [{ key: 'Name', value: 'other' }, { key: 'Env', value: '' }, { key: 'Team', value: '' }]));
    expect(await tagsOf(i.instanceId)).toEqual(['Name=web', 'Team=a', 'aws:cloudformation:stack-name=stack']);
  });

  it("deletes every tag but AWS's own when no tag is named", async () => {
    const i = await seedInstance(t, { tags: TAGS });
    const answer = await t.http('ec2', 'DeleteTags', list('ResourceId', [i.instanceId]));
    expect(answer.body).toContain('<return>true</return>');
    expect(await tagsOf(i.instanceId)).toEqual(['aws:cloudformation:stack-name=stack']);
  });

  it("refuses to delete an 'aws:' tag", async () => {
    const i = await seedInstance(t, { tags: TAGS });
    expect(failure(await deleteTags([i.instanceId], [{ key: 'aws:cloudformation:stack-name' }]))).toEqual({
      code: 'InvalidParameterValue',
      message: "Value ( aws:cloudformation:stack-name ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use",
      httpStatus: 400,
    });
  });

  it('deletes from all named instances or none', async () => {
    const a = await seedInstance(t, { tags: TAGS });
    expect(failure(await deleteTags([a.instanceId, 'i-88888888'], [{ key: 'Name' }])).code).toBe('InvalidInstanceID.NotFound');
    expect(failure(await deleteTags(['vpc-12345678'], [{ key: 'Name' }])).code).toBe('InvalidID');
    expect(await tagsOf(a.instanceId)).toHaveLength(4);
  });

  describe('authorization', () => {
    it('passes the keys being deleted as aws:TagKeys, also when deleting every tag', async () => {
      const i = await seedInstance(t, { tags: TAGS });
      const onlyTeam = await userWithPolicy(t, policy(allow('ec2:DeleteTags', '*', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Team'] } })));
      ok(await deleteTags([i.instanceId], [{ key: 'Team' }], {}, { credentials: onlyTeam }));
      expect(failure(await deleteTags([i.instanceId], [{ key: 'Name' }], {}, { credentials: onlyTeam })).code).toBe('UnauthorizedOperation');
      // Naming no key deletes Name and Env: not only Team, so refused.
      expect(failure(await deleteTags([i.instanceId], undefined, {}, { credentials: onlyTeam })).code).toBe('UnauthorizedOperation');
      expect(await tagsOf(i.instanceId)).toEqual(['Name=web', 'Env=', 'aws:cloudformation:stack-name=stack']);
    });

    it('passes the current tags of the instance (ABAC)', async () => {
      const mine = await seedInstance(t, { tags: [{ key: 'Owner', value: 'jane' }, { key: 'Name', value: 'a' }] });
      const theirs = await seedInstance(t, { tags: [{ key: 'Owner', value: 'bob' }, { key: 'Name', value: 'b' }] });
      const user = await userWithPolicy(t, policy(allow('ec2:DeleteTags', '*', { StringEquals: { 'ec2:ResourceTag/Owner': '${aws:username}' } })), 'jane');
      ok(await deleteTags([mine.instanceId], [{ key: 'Name' }], {}, { credentials: user }));
      expect(failure(await deleteTags([theirs.instanceId], [{ key: 'Name' }], {}, { credentials: user })).code).toBe('UnauthorizedOperation');
    });

    it('answers DryRun with 412 when allowed and UnauthorizedOperation when not', async () => {
      const i = await seedInstance(t, { tags: TAGS });
      expect(failure(await deleteTags([i.instanceId], [{ key: 'Name' }], { DryRun: 'true' })).code).toBe('DryRunOperation');
      const user = await userWithPolicy(t, policy(allow('ec2:CreateTags')));
      expect(failure(await deleteTags([i.instanceId], [{ key: 'Name' }], { DryRun: 'true' }, { credentials: user })).code).toBe('UnauthorizedOperation');
      expect(await tagsOf(i.instanceId)).toHaveLength(4);
    });
  });
});
