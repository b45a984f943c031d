// sts:DecodeAuthorizationMessage on messages from a real EC2 denial (DescribeRegions) and from the
// authorizer directly: decoded only for callers allowed sts:DecodeAuthorizationMessage, and never
// for a message that was altered, truncated, sealed for another purpose or by another control plane.

import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../../policy/index.js';
import type { SigningCredentials } from '../../../sigv4/index.js';
import { authorizationMessage, encodeAuthorizationMessage } from '../../authorize.js';
import { Sealer } from '../../sealer.js';
import { sealSessionToken } from '../../session.js';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import type { DecodeAuthorizationMessageResponse } from '../types.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date(Date.UTC(2026, 5, 1, 12)) });
});
afterEach(async () => {
  await t.close();
});

const MAY_DECODE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:DecodeAuthorizationMessage', Resource: '*' }] };

async function iamUser(name: string, policy?: unknown): Promise<SigningCredentials> {
  await t.store.users.create({ userId: t.env.ids.uniqueId('AIDA'), userName: name, path: '/', arn: `arn:aws:iam::${TEST_ACCOUNT}:user/${name}`, createDate: t.clock.now(), tags: [] });
  if (policy !== undefined) await t.store.users.putInlinePolicy(name, { policyName: 'inline', policyDocument: JSON.stringify(policy) });
  const accessKeyId = t.env.ids.accessKeyId('AKIA');
  const secretAccessKey = t.env.ids.secretAccessKey();
  await t.store.accessKeys.create({
    accessKeyId,
    userName: name,
    secretSealed: t.env.sealer.seal('access-key-secret', Buffer.from(secretAccessKey, 'utf8'), accessKeyId),
    status: 'Active',
    createDate: t.clock.now(),
  });
  return { accessKeyId, secretAccessKey };
}

/** The encoded message of an EC2 UnauthorizedOperation (aws.md §6.10). */
async function ec2Denial(credentials: SigningCredentials): Promise<string> {
  const denied = failure(await t.call('ec2', 'DescribeRegions', {}, { credentials }));
  expect(denied.code).toBe('UnauthorizedOperation');
  const m = /Encoded authorization failure message: ([A-Za-z0-9_-]+)$/.exec(denied.message);
  expect(m).not.toBeNull();
  return m![1]!;
}

async function decode(encoded: string, credentials?: SigningCredentials) {
  return t.call('sts', 'DecodeAuthorizationMessage', { EncodedMessage: encoded }, credentials === undefined ? {} : { credentials });
}

const INVALID = { code: 'InvalidAuthorizationMessageException', message: 'The message passed to DecodeAuthorizationMessage was invalid.', httpStatus: 400 };

describe('DecodeAuthorizationMessage', () => {
  it('decodes a real EC2 denial (implicit deny) for a caller allowed to', async () => {
    const bob = await iamUser('bob');
    const encoded = await ec2Denial(bob);
    const auditor = await iamUser('auditor', MAY_DECODE);
    const out = ok<DecodeAuthorizationMessageResponse>(await decode(encoded, auditor));
    const message = JSON.parse(out.DecodedMessage!);
    expect(message).toMatchObject({
      allowed: false,
      explicitDeny: false,
      matchedStatements: { items: [] },
      failures: { items: [] },
      context: {
        principal: { arn: `arn:aws:iam::${TEST_ACCOUNT}:user/bob` },
        action: 'DescribeRegions',
        resource: '*',
      },
    });
    const keys = (message.context.conditions.items as { key: string }[]).map((c) => c.key);
    expect(keys).toEqual(expect.arrayContaining(['aws:username', 'aws:SourceIp', 'ec2:Region']));
  });

  it('decodes an explicit deny with the statement that denied', async () => {
    const carol = await iamUser('carol', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
        { Sid: 'NoRegions', Effect: 'Deny', Action: 'ec2:DescribeRegions', Resource: '*' },
      ],
    });
    const encoded = await ec2Denial(carol);
    const message = JSON.parse(ok<DecodeAuthorizationMessageResponse>(await decode(encoded)).DecodedMessage!);
    expect(message.explicitDeny).toBe(true);
    expect(message.matchedStatements.items).toEqual([expect.objectContaining({ statementId: 'NoRegions', effect: 'DENY' })]);
  });

  it('decodes a message sealed by the authorizer itself, unchanged', async () => {
    const decision: Decision = {
      decision: 'implicitDeny',
      matched: [],
      decidedBy: 'identity',
      boundaryAllowed: undefined,
      diagnostics: [],
      missingContextKeys: [],
      trace: undefined,
    };
    const message = authorizationMessage(
      { kind: 'root', accountId: TEST_ACCOUNT, accessKeyId: 'AKIAADMINTESTKEY0001' },
      { action: 'ec2:StopInstances', resource: `arn:aws:ec2:us-east-1:${TEST_ACCOUNT}:instance/i-0123456789abcdef0` },
      { 'ec2:ResourceTag/CostCenter': 'engineering', 'aws:TagKeys': ['a', 'b'] },
      decision,
    );
    const encoded = encodeAuthorizationMessage(t.env, message);
    const out = ok<DecodeAuthorizationMessageResponse>(await decode(encoded));
    expect(JSON.parse(out.DecodedMessage!)).toEqual(message);
    expect(JSON.parse(out.DecodedMessage!).context.action).toBe('StopInstances');
  });

  it('refuses a caller without sts:DecodeAuthorizationMessage, before looking at the message', async () => {
    const bob = await iamUser('bob');
    const encoded = await ec2Denial(bob);
    expect(failure(await decode(encoded, bob))).toEqual({
      code: 'AccessDenied',
      message: `User: arn:aws:iam::${TEST_ACCOUNT}:user/bob is not authorized to perform: sts:DecodeAuthorizationMessage because no identity-based policy allows the sts:DecodeAuthorizationMessage action`,
      httpStatus: 403,
    });
    // A garbage message is refused the same way: the permission comes first.
    expect(failure(await decode('garbage', bob)).code).toBe('AccessDenied');
  });

  it('refuses a caller whose policy explicitly denies it', async () => {
    const dave = await iamUser('dave', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'sts:*', Resource: '*' },
        { Effect: 'Deny', Action: 'sts:DecodeAuthorizationMessage', Resource: '*' },
      ],
    });
    const encoded = await ec2Denial(await iamUser('bob'));
    expect(failure(await decode(encoded, dave))).toMatchObject({ code: 'AccessDenied', httpStatus: 403 });
  });

  it('refuses a tampered, truncated or line-broken message', async () => {
    const encoded = await ec2Denial(await iamUser('bob'));
    const i = Math.floor(encoded.length / 2);
    const flipped = encoded.slice(0, i) + (encoded[i] === 'A' ? 'B' : 'A') + encoded.slice(i + 1);
    expect(failure(await decode(flipped))).toEqual(INVALID);
    expect(failure(await decode(encoded.slice(0, -4)))).toEqual(INVALID);
    expect(failure(await decode(`${encoded.slice(0, i)}\n${encoded.slice(i)}`))).toEqual(INVALID);
    expect(failure(await decode('not-a-message'))).toEqual(INVALID);
  });

  it('refuses a blob sealed for another purpose or by another control plane', async () => {
    // A session token's body is sealed by the same master key, for another purpose.
    const token = sealSessionToken(t.env.sealer, {
      accessKeyId: 'ASIAEXAMPLE000000001', secretAccessKey: 'x'.repeat(40), accountId: TEST_ACCOUNT,
      roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/r`, roleId: 'AROAEXAMPLE0000000001', roleName: 'r', sessionName: 's',
      tags: [], transitiveTagKeys: [], sessionPolicyArns: [], issuedAt: 0, expiresAt: 1,
    });
    expect(failure(await decode(token.slice('TSRA1'.length)))).toEqual(INVALID);
    const foreign = new Sealer(randomBytes(32)).sealText('authorization-message', JSON.stringify({ allowed: true }), TEST_ACCOUNT);
    expect(failure(await decode(foreign))).toEqual(INVALID);
    const otherAccount = t.env.sealer.sealText('authorization-message', JSON.stringify({ allowed: true }), '111122223333');
    expect(failure(await decode(otherAccount))).toEqual(INVALID);
  });
});
