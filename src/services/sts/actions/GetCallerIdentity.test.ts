// sts:GetCallerIdentity for every kind of caller — the account root, an IAM user, a role session —
// through the signed invoke pipeline; it needs no permission, so even an explicit Deny cannot stop it.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SigningCredentials } from '../../../sigv4/index.js';
import { sealSessionToken } from '../../session.js';
import type { SessionClaims } from '../../session.js';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../../../test/support/services.js';
import type { TestServices } from '../../../../test/support/services.js';
import type { GetCallerIdentityResponse } from '../types.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date(Date.UTC(2026, 5, 1, 12)) });
});
afterEach(async () => {
  await t.close();
});

/** An IAM user with one access key (and an inline policy when given), straight into the store. */
async function iamUser(name: string, policy?: unknown): Promise<{ credentials: SigningCredentials; userId: string }> {
  const userId = t.env.ids.uniqueId('AIDA');
  await t.store.users.create({ userId, userName: name, path: '/', arn: `arn:aws:iam::${TEST_ACCOUNT}:user/${name}`, createDate: t.clock.now(), tags: [] });
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
  return { credentials: { accessKeyId, secretAccessKey }, userId };
}

/** Temporary credentials for a role session, sealed as STS seals them. */
function roleSession(): { credentials: SigningCredentials; claims: SessionClaims } {
  const issuedAt = Math.floor(t.clock.now().getTime() / 1000);
  const claims: SessionClaims = {
    accessKeyId: t.env.ids.accessKeyId('ASIA'),
    secretAccessKey: t.env.ids.secretAccessKey(),
    accountId: TEST_ACCOUNT,
    roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/team/my-role-name`,
    roleId: t.env.ids.uniqueId('AROA'),
    roleName: 'my-role-name',
    sessionName: 'my-role-session-name',
    tags: [],
    transitiveTagKeys: [],
    sessionPolicyArns: [],
    issuedAt,
    expiresAt: issuedAt + 3600,
  };
  return { credentials: { accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: sealSessionToken(t.env.sealer, claims) }, claims };
}

describe('GetCallerIdentity', () => {
  it('names the account root for the admin key', async () => {
    expect(ok<GetCallerIdentityResponse>(await t.call('sts', 'GetCallerIdentity'))).toEqual({
      UserId: TEST_ACCOUNT,
      Account: TEST_ACCOUNT,
      Arn: `arn:aws:iam::${TEST_ACCOUNT}:root`,
    });
  });

  it('names an IAM user by its unique id and ARN', async () => {
    const { credentials, userId } = await iamUser('jane');
    expect(ok<GetCallerIdentityResponse>(await t.call('sts', 'GetCallerIdentity', {}, { credentials }))).toEqual({
      UserId: userId,
      Account: TEST_ACCOUNT,
      Arn: `arn:aws:iam::${TEST_ACCOUNT}:user/jane`,
    });
  });

  it('names a role session by AROA…:session and the assumed-role ARN without the role path', async () => {
    const { credentials, claims } = roleSession();
    expect(ok<GetCallerIdentityResponse>(await t.call('sts', 'GetCallerIdentity', {}, { credentials }))).toEqual({
      UserId: `${claims.roleId}:my-role-session-name`,
      Account: TEST_ACCOUNT,
      Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/my-role-name/my-role-session-name`,
    });
  });

  it('answers even when a policy explicitly denies sts:GetCallerIdentity', async () => {
    // STS API reference: "If an administrator attaches a policy to your identity that explicitly
    // denies access to the sts:GetCallerIdentity action, you can still perform this operation."
    const { credentials } = await iamUser('denied', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:*', Resource: '*' }] });
    expect(ok<GetCallerIdentityResponse>(await t.call('sts', 'GetCallerIdentity', {}, { credentials })).Arn).toBe(`arn:aws:iam::${TEST_ACCOUNT}:user/denied`);
  });

  it('refuses an unsigned call', async () => {
    expect(failure(await t.call('sts', 'GetCallerIdentity', {}, { credentials: 'unsigned' }))).toEqual({
      code: 'MissingAuthenticationToken',
      message: 'Request is missing Authentication Token',
      httpStatus: 403,
    });
  });

  it('refuses an unknown access key', async () => {
    const out = await t.call('sts', 'GetCallerIdentity', {}, { credentials: { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'x'.repeat(40) } });
    expect(failure(out)).toMatchObject({ code: 'InvalidClientTokenId', httpStatus: 403 });
  });

  it('renders GetCallerIdentityResult and audits a read-only call', async () => {
    const answer = await t.http('sts', 'GetCallerIdentity');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<GetCallerIdentityResult>');
    expect(answer.body).toContain(`<Arn>arn:aws:iam::${TEST_ACCOUNT}:root</Arn>`);
    expect(answer.body).toContain(`<Account>${TEST_ACCOUNT}</Account>`);
    const record = t.auditRecords.at(-1)!;
    expect(record).toMatchObject({ eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com', readOnly: true });
  });
});
