// Authorization through invoke: the caller's policies, the global condition keys the engine sees,
// and AWS's denials (EC2's encoded message, IAM/STS AccessDenied).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServices, failure, ok, TEST_ACCOUNT } from '../../test/support/services.js';
import type { TestServices } from '../../test/support/services.js';
import { decodeAuthorizationMessage, deniedSentence, mergePrincipalTags } from './authorize.js';
import { sealSessionToken } from './session.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices({ now: new Date('2026-11-29T10:00:00Z') });
});
afterEach(() => t.close());

async function userWithPolicy(name: string, policy: object, tags: { key: string; value: string }[] = []) {
  const arn = `arn:aws:iam::${TEST_ACCOUNT}:user/${name}`;
  await t.store.users.create({ userId: `AIDA${name.toUpperCase().padEnd(17, 'X')}`, userName: name, path: '/', arn, createDate: t.clock.now(), tags });
  await t.store.users.putInlinePolicy(name, { policyName: 'p', policyDocument: JSON.stringify(policy) });
  const accessKeyId = `AKIA${name.toUpperCase().padEnd(16, 'K')}`;
  const secretAccessKey = `${name}-secret-0000000000000000000000000000`;
  await t.store.accessKeys.create({ accessKeyId, userName: name, status: 'Active', createDate: t.clock.now(), secretSealed: t.env.sealer.seal('access-key-secret', Buffer.from(secretAccessKey), accessKeyId) });
  return { accessKeyId, secretAccessKey };
}

const allow = (action: string, condition?: object) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: '*', ...(condition === undefined ? {} : { Condition: condition }) }],
});

describe('authorization', () => {
  it('allows what an IAM user policy allows, with the global keys of the request', async () => {
    const creds = await userWithPolicy('ana', allow('ec2:DescribeRegions', {
      StringEquals: { 'aws:username': 'ana', 'aws:PrincipalType': 'User', 'aws:PrincipalTag/team': 'blue', 'ec2:Region': 'eu-west-1', 'aws:RequestedRegion': 'eu-west-1' },
      Bool: { 'aws:SecureTransport': 'false' },
      IpAddress: { 'aws:SourceIp': '127.0.0.0/8' },
      DateGreaterThan: { 'aws:CurrentTime': '2026-11-29T09:59:00Z' },
    }), [{ key: 'team', value: 'blue' }]);
    ok(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds, region: 'eu-west-1' }));
    // The same call from another region fails the ec2:Region condition.
    expect(failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds, region: 'us-east-1' })).code).toBe('UnauthorizedOperation');
    expect(failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds, region: 'eu-west-1', sourceIp: '10.1.2.3' })).code).toBe('UnauthorizedOperation');
  });

  it('denies EC2 with UnauthorizedOperation and an encoded message only STS can read', async () => {
    const creds = await userWithPolicy('bo', allow('ec2:DescribeInstances'));
    const e = failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds }));
    expect(e.httpStatus).toBe(403);
    const prefix = `You are not authorized to perform this operation. User: arn:aws:iam::${TEST_ACCOUNT}:user/bo is not authorized to perform: ec2:DescribeRegions because no identity-based policy allows the ec2:DescribeRegions action. Encoded authorization failure message: `;
    expect(e.message.startsWith(prefix)).toBe(true);
    const decoded = decodeAuthorizationMessage(t.env, e.message.slice(prefix.length));
    expect(decoded).toMatchObject({
      allowed: false,
      explicitDeny: false,
      matchedStatements: { items: [] },
      context: { principal: { arn: `arn:aws:iam::${TEST_ACCOUNT}:user/bo` }, action: 'DescribeRegions', resource: '*' },
      tessera: { decision: 'implicitDeny' },
    });
    const keys = (decoded?.['context'] as { conditions: { items: { key: string }[] } }).conditions.items.map((i) => i.key);
    expect(keys).toEqual(expect.arrayContaining(['aws:username', 'aws:SourceIp', 'ec2:Region', 'aws:PrincipalArn']));
    // The message is opaque and tamper-evident.
    expect(decodeAuthorizationMessage(t.env, e.message.slice(prefix.length, -2) + 'AA')).toBeUndefined();
  });

  it('names an explicit deny and its layer', async () => {
    const creds = await userWithPolicy('cy', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
        { Sid: 'NoRegions', Effect: 'Deny', Action: 'ec2:DescribeRegions', Resource: '*' },
      ],
    });
    const e = failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds }));
    expect(e.message).toContain('with an explicit deny in an identity-based policy');
  });

  it('evaluates a role session with role tags overridden by session tags, case-insensitively', async () => {
    const roleArn = `arn:aws:iam::${TEST_ACCOUNT}:role/R`;
    await t.store.roles.create({
      roleId: 'AROARRRRRRRRRRRRRRRRR', roleName: 'R', path: '/', arn: roleArn, assumeRolePolicyDocument: '{}', maxSessionDuration: 3600,
      createDate: t.clock.now(), tags: [{ key: 'costcenter', value: 'engineering' }, { key: 'Team', value: 'blue' }],
    });
    await t.store.roles.putInlinePolicy('R', { policyName: 'p', policyDocument: JSON.stringify(allow('ec2:DescribeRegions', { StringEquals: { 'aws:PrincipalTag/CostCenter': 'marketing', 'aws:PrincipalTag/team': 'blue', 'aws:PrincipalType': 'AssumedRole', 'aws:userid': 'AROARRRRRRRRRRRRRRRRR:jane' } })) });
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const claims = {
      accessKeyId: 'ASIASSSSSSSSSSSSSSS1', secretAccessKey: 's'.repeat(40), accountId: TEST_ACCOUNT, roleArn, roleId: 'AROARRRRRRRRRRRRRRRRR', roleName: 'R',
      sessionName: 'jane', tags: [{ key: 'CostCenter', value: 'marketing' }], transitiveTagKeys: [], sessionPolicyArns: [], issuedAt: now, expiresAt: now + 3600,
    };
    const creds = { accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: sealSessionToken(t.env.sealer, claims) };
    ok(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds }));
    // A session policy filters: it allows nothing for ec2, so the call is denied.
    const scoped = { ...claims, accessKeyId: 'ASIASSSSSSSSSSSSSSS2', sessionPolicy: JSON.stringify(allow('s3:GetObject')) };
    const scopedCreds = { accessKeyId: scoped.accessKeyId, secretAccessKey: scoped.secretAccessKey, sessionToken: sealSessionToken(t.env.sealer, scoped) };
    expect(failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: scopedCreds })).message).toContain('because no session policy allows');
    // The role deleted and re-created under the same name: the old session grants nothing.
    await t.store.roles.deleteInlinePolicy('R', 'p');
    await t.store.roles.delete('R');
    await t.store.roles.create({ roleId: 'AROAOTHERRRRRRRRRRRR', roleName: 'R', path: '/', arn: roleArn, assumeRolePolicyDocument: '{}', maxSessionDuration: 3600, createDate: t.clock.now(), tags: [] });
    await t.store.roles.putInlinePolicy('R', { policyName: 'p', policyDocument: JSON.stringify(allow('ec2:*')) });
    expect(failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds })).code).toBe('UnauthorizedOperation');
  });

  it('treats a permissions boundary whose policy is gone as allowing nothing (fail closed)', async () => {
    const creds = await userWithPolicy('dee', allow('ec2:DescribeRegions'));
    ok(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds }));
    const boundaryArn = `arn:aws:iam::${TEST_ACCOUNT}:policy/Gone`;
    await t.store.policies.create({ policyId: 'ANPAGONEGONEGONEGONE1', policyName: 'Gone', path: '/', arn: boundaryArn, policyDocument: JSON.stringify(allow('ec2:*')), createDate: t.clock.now(), tags: [] });
    await t.store.users.update('dee', { permissionsBoundaryArn: boundaryArn });
    ok(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds }));
    // However the policy disappears (an older store, a manual edit), the boundary must not vanish with it:
    // the store keeps a boundary ARN that names no policy, and the authorizer reads it as allowing nothing.
    await t.store.users.update('dee', { permissionsBoundaryArn: `arn:aws:iam::${TEST_ACCOUNT}:policy/NeverExisted` });
    expect(failure(await t.call('ec2', 'DescribeRegions', {}, { credentials: creds })).message).toContain('because no permissions boundary policy allows');
  });

  it('merges tags with later keys winning regardless of case', () => {
    expect(mergePrincipalTags([{ key: 'CostCenter', value: 'a' }, { key: 'x', value: '1' }], [{ key: 'costcenter', value: 'b' }])).toEqual([
      { key: 'costcenter', value: 'b' },
      { key: 'x', value: '1' },
    ]);
  });

  it('words denials as the IAM User Guide does', () => {
    const decision = { decision: 'implicitDeny', matched: [], decidedBy: 'boundary', boundaryAllowed: false, diagnostics: [], missingContextKeys: [], trace: undefined } as const;
    expect(deniedSentence('arn:aws:iam::1:user/u', { action: 'iam:CreateRole', resource: 'arn:aws:iam::1:role/r' }, decision)).toBe(
      'User: arn:aws:iam::1:user/u is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::1:role/r because no permissions boundary policy allows the iam:CreateRole action',
    );
  });
});
