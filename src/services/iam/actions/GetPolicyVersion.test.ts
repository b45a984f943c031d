import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, allow, createUser, expectDenied, policy } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

const DOC = '{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "iam:GetUser", "Resource": "*" } ] }';

async function create(): Promise<string> {
  const out = ok<{ Policy: { Arn: string } }>(await t.call('iam', 'CreatePolicy', { PolicyName: 'P', PolicyDocument: DOC }));
  return out.Policy.Arn;
}

describe('GetPolicyVersion', () => {
  it('answers the version with its document as raw JSON text; the wire carries it URL-encoded', async () => {
    const arn = await create();
    const out = ok<{ PolicyVersion: Record<string, unknown> }>(await t.call('iam', 'GetPolicyVersion', { PolicyArn: arn, VersionId: 'v1' }));
    expect(out.PolicyVersion).toEqual({ Document: DOC, VersionId: 'v1', IsDefaultVersion: true, CreateDate: t.clock.now() });
    const h = await t.http('iam', 'GetPolicyVersion', { PolicyArn: arn, VersionId: 'v1' });
    expect(h.body).toContain('<Document>%7B%20%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22');
    expect(h.body).toContain('%22Resource%22%3A%20%22%2A%22');
  });

  it('is decoded by botocore into the policy object the AWS CLI prints', async () => {
    const arn = await create();
    const h = await t.http('iam', 'GetPolicyVersion', { PolicyArn: arn, VersionId: 'v1' });
    const helper = resolve(import.meta.dirname, '..', '..', '..', '..', 'test', 'support', 'botocore-codec.py');
    const run = spawnSync('/usr/bin/env', ['python3', helper], {
      input: JSON.stringify({ cases: [{ kind: 'parse', service: 'iam', operation: 'GetPolicyVersion', xml: h.body }] }),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const [result] = (JSON.parse(run.stdout) as { results: { parsed: { PolicyVersion: Record<string, unknown> } }[] }).results;
    expect(result!.parsed.PolicyVersion).toMatchObject({ Document: { $json: JSON.parse(DOC) }, VersionId: 'v1', IsDefaultVersion: true });
  });

  it('answers NoSuchEntity for a missing version or policy, in one sentence', async () => {
    const arn = await create();
    expect(failure(await t.call('iam', 'GetPolicyVersion', { PolicyArn: arn, VersionId: 'v9' }))).toEqual({
      code: 'NoSuchEntity',
      message: `Policy ${arn} version v9 does not exist or is not attachable.`,
      httpStatus: 404,
    });
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/TestNonExistingPolicy`;
    expect(failure(await t.call('iam', 'GetPolicyVersion', { PolicyArn: ghost, VersionId: 'v1' })).message).toBe(`Policy ${ghost} version v1 does not exist or is not attachable.`);
  });

  it('refuses a malformed version id with the model’s ValidationError', async () => {
    const arn = await create();
    expect(failure(await t.call('iam', 'GetPolicyVersion', { PolicyArn: arn, VersionId: 'v0' })).code).toBe('ValidationError');
  });

  it('denies a user without iam:GetPolicyVersion', async () => {
    const arn = await create();
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:GetPolicy')) });
    expectDenied(await t.call('iam', 'GetPolicyVersion', { PolicyArn: arn, VersionId: 'v1' }, { credentials: dev }), dev.arn, 'iam:GetPolicyVersion', arn);
  });
});
