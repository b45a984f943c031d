// The invoke pipeline's own guarantees: an action that forgets to authorize fails closed, internal
// errors never leak, and every call leaves an audit record without secrets.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../test/support/services.js';
import type { TestServices } from '../../test/support/services.js';
import { StoreError } from '../store/index.js';
import { SERVICES } from './registry.js';
import { defineAction } from './types.js';
import type { ActionDefinition } from './types.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(() => t.close());

/** Puts a test action in the STS table for one test (GetCallerIdentity's model shapes: no input). */
async function withAction<T>(definition: ActionDefinition<unknown, unknown>, fn: () => Promise<T>): Promise<T> {
  const table = SERVICES.sts.actions as Record<string, ActionDefinition<unknown, unknown>>;
  const saved = table['GetCallerIdentity'];
  table['GetCallerIdentity'] = definition;
  try {
    return await fn();
  } finally {
    table['GetCallerIdentity'] = saved as ActionDefinition<unknown, unknown>;
  }
}

describe('invoke', () => {
  it('fails closed when an action returns without authorizing', async () => {
    const forgetful = defineAction({ name: 'GetCallerIdentity', handle: async () => ({ UserId: 'x', Account: 'y', Arn: 'z' }) });
    const out = await withAction(forgetful, () => t.call('sts', 'GetCallerIdentity'));
    expect(failure(out)).toMatchObject({ code: 'InternalFailure', httpStatus: 500 });
  });

  it('fails closed when an action authorizes an empty list of checks', async () => {
    const empty = defineAction({
      name: 'GetCallerIdentity',
      handle: async (_input, ctx) => {
        await ctx.authorize([]);
        return { UserId: 'x', Account: 'y', Arn: 'z' };
      },
    });
    expect(failure(await withAction(empty, () => t.call('sts', 'GetCallerIdentity'))).code).toBe('InternalFailure');
  });

  it('turns an unexpected exception into InternalFailure without its message', async () => {
    const broken = defineAction({
      name: 'GetCallerIdentity',
      authorization: 'none',
      handle: async () => {
        throw new Error('secret internal detail');
      },
    });
    const out = await withAction(broken, () => t.call('sts', 'GetCallerIdentity'));
    const e = failure(out);
    expect(e.code).toBe('InternalFailure');
    expect(e.message).not.toContain('secret internal detail');
  });

  it('answers a busy store with AWS\'s temporary failure (503), which clients retry', async () => {
    const busy = defineAction({
      name: 'GetCallerIdentity',
      authorization: 'none',
      handle: async () => {
        throw new StoreError('ERR_STORE_BUSY', 'database is busy: statement timeout');
      },
    });
    const e = failure(await withAction(busy, () => t.call('sts', 'GetCallerIdentity')));
    expect(e).toMatchObject({ code: 'ServiceUnavailable', httpStatus: 503 });
    expect(e.message).not.toContain('statement timeout');
  });

  it('writes a CloudTrail-shaped audit record for each call, success or failure', async () => {
    ok(await t.call('sts', 'GetCallerIdentity'));
    failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: { accessKeyId: 'AKIANOTAKEY000000000', secretAccessKey: 'x' } }));
    const [good, bad] = t.auditRecords;
    expect(good).toMatchObject({
      eventVersion: '1.08',
      eventSource: 'sts.amazonaws.com',
      eventName: 'GetCallerIdentity',
      eventType: 'AwsApiCall',
      readOnly: true,
      recipientAccountId: TEST_ACCOUNT,
      sourceIPAddress: '127.0.0.1',
      userIdentity: { type: 'Root', arn: `arn:aws:iam::${TEST_ACCOUNT}:root` },
    });
    expect(bad).toMatchObject({ errorCode: 'InvalidClientTokenId', userIdentity: { type: 'Unknown' } });
  });

  it('keeps declared secret inputs out of the audit log', async () => {
    const secretive = defineAction({ name: 'GetCallerIdentity', authorization: 'none', secretInputs: ['SAMLAssertion'], handle: async () => ({}) });
    await withAction(secretive, () => t.call('sts', 'GetCallerIdentity', { SAMLAssertion: 'PHNhbWxwOlJlc3BvbnNlPg==', Other: 'kept' }));
    const record = t.auditRecords.at(-1);
    expect(record?.requestParameters).toEqual({ SAMLAssertion: 'HIDDEN_DUE_TO_SECURITY_REASONS', Other: 'kept' });
    expect(JSON.stringify(record)).not.toContain('PHNhbWxwOlJlc3BvbnNlPg');
  });
});
