// Authentication through services/invoke: which keys are accepted, and the refusals in each
// service's own words (aws.md §8.4, security.md V12/V13).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../test/support/services.js';
import type { TestServices } from '../../test/support/services.js';
import { sealSessionToken } from './session.js';
import type { SessionClaims } from './session.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2026-11-29T10:00:00Z') });
});
afterEach(() => t.close());

function session(overrides: Partial<SessionClaims> = {}): SessionClaims {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  return {
    accessKeyId: 'ASIAAAAAAAAAAAAAAAA1',
    secretAccessKey: 'session-secret-0000000000000000000000000',
    accountId: TEST_ACCOUNT,
    roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/AccessByCostCenter`,
    roleId: 'AROAAAAAAAAAAAAAAAAAA',
    roleName: 'AccessByCostCenter',
    sessionName: 'jane@example.com',
    tags: [{ key: 'CostCenter', value: 'marketing' }],
    transitiveTagKeys: [],
    sessionPolicyArns: [],
    issuedAt: now,
    expiresAt: now + 3600,
    ...overrides,
  };
}

function credentialsOf(claims: SessionClaims, token?: string) {
  return { accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: token ?? sealSessionToken(t.env.sealer, claims) };
}

describe('authentication', () => {
  it('accepts the admin key as the account root', async () => {
    expect(ok(await t.call('sts', 'GetCallerIdentity'))).toEqual({ UserId: TEST_ACCOUNT, Account: TEST_ACCOUNT, Arn: `arn:aws:iam::${TEST_ACCOUNT}:root` });
  });

  it('accepts a session key with its sealed token, as the assumed role', async () => {
    const out = ok(await t.call('sts', 'GetCallerIdentity', {}, { credentials: credentialsOf(session()) }));
    expect(out).toEqual({
      UserId: 'AROAAAAAAAAAAAAAAAAAA:jane@example.com',
      Account: TEST_ACCOUNT,
      Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/AccessByCostCenter/jane@example.com`,
    });
  });

  it('refuses an unknown key: InvalidClientTokenId (IAM/STS), AuthFailure 401 (EC2)', async () => {
    const creds = { accessKeyId: 'AKIANOTAKEY000000000', secretAccessKey: 'x'.repeat(40) };
    expect(failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: creds }))).toEqual({
      code: 'InvalidClientTokenId', httpStatus: 403, message: 'The security token included in the request is invalid',
    });
    expect(failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds }))).toMatchObject({ code: 'AuthFailure', httpStatus: 401 });
  });

  it('refuses a wrong secret: SignatureDoesNotMatch (IAM/STS), AuthFailure (EC2)', async () => {
    const creds = { accessKeyId: 'AKIAADMINTESTKEY0001', secretAccessKey: 'not-the-secret' };
    expect(failure(await t.call('iam', 'GetCallerIdentity', {}, { credentials: creds }))).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 403 });
    expect(failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds }))).toMatchObject({ code: 'AuthFailure', httpStatus: 401 });
  });

  it('refuses a temporary key without its token, and a long-term key with one (security.md V13)', async () => {
    const claims = session();
    expect(failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: { accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey } }))).toMatchObject({ code: 'InvalidClientTokenId' });
    const adminWithToken = { accessKeyId: 'AKIAADMINTESTKEY0001', secretAccessKey: 'admin-secret-for-tests-only-0000000000000', sessionToken: sealSessionToken(t.env.sealer, claims) };
    expect(failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: adminWithToken }))).toMatchObject({ code: 'InvalidClientTokenId' });
  });

  it('refuses a token with one altered character, and a token swapped to another key id (security.md V12)', async () => {
    const claims = session();
    const token = sealSessionToken(t.env.sealer, claims);
    const i = token.length - 10;
    const altered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    expect(failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: credentialsOf(claims, altered) }))).toMatchObject({ code: 'InvalidClientTokenId' });
    const other = session({ accessKeyId: 'ASIABBBBBBBBBBBBBBB2' });
    // The attacker knows session 2's secret and presents session 1's token (with session 1's tags).
    const swapped = { accessKeyId: other.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: token };
    expect(failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: swapped }))).toMatchObject({ code: 'InvalidClientTokenId' });
  });

  it('refuses a token sealed under another master key (forged)', async () => {
    const other = await createTestServices();
    try {
      const claims = session();
      const forged = sealSessionToken(other.env.sealer, claims);
      expect(failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: credentialsOf(claims, forged) }))).toMatchObject({ code: 'InvalidClientTokenId' });
    } finally {
      await other.close();
    }
  });

  it('refuses an expired session: ExpiredToken (STS/IAM), RequestExpired (EC2)', async () => {
    const claims = session();
    const creds = credentialsOf(claims);
    t.clock.advance(3600);
    expect(failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: creds }))).toEqual({
      code: 'ExpiredToken', httpStatus: 403, message: 'The security token included in the request is expired',
    });
    expect(failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds }))).toEqual({ code: 'RequestExpired', httpStatus: 400, message: 'Request has expired.' });
  });

  it('accepts only AssumeRoleWithSAML unsigned', async () => {
    expect(failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: 'unsigned' }))).toEqual({
      code: 'MissingAuthenticationToken', httpStatus: 403, message: 'Request is missing Authentication Token',
    });
    expect(failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: 'unsigned' }))).toMatchObject({ code: 'AuthFailure', httpStatus: 401 });
  });

  it('answers a missing or unknown action with MissingAction / InvalidAction', async () => {
    expect(failure(await t.call('sts', '', {}))).toMatchObject({ code: 'MissingAction', httpStatus: 400 });
    expect(failure(await t.call('sts', 'GetSessionToken', {}))).toMatchObject({ code: 'InvalidAction', httpStatus: 400 });
    // An IAM-signed call cannot reach an EC2 action: the scope routes it.
    expect(failure(await t.call('iam', 'DescribeRegions', {}))).toMatchObject({ code: 'InvalidAction' });
    expect(failure(await t.call('iam', 'toString', {}))).toMatchObject({ code: 'InvalidAction' });
  });
});
