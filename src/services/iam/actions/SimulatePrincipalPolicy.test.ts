import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import seed from '../../../policy/cases/seed.json' with { type: 'json' };
import type { Role, Tag, User } from '../../../store/port.js';
import { createAuthorizer } from '../../authorize.js';
import type { AuthzCheck, Caller } from '../../types.js';
import { ACCOUNT, allow, createManagedPolicy, createUser, expectDenied, policy, tagParams } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';
import type { SimulationOutput } from '../shapes.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

/** The Auth0 guide's VirtualMachineAccessByCostCenter policy, as the seed scenario's case table holds it. */
const SEED_POLICY = JSON.stringify(seed.cases[0]!.policies.identity[0]);
const instance = (id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${id}`;

function contextEntry(n: number, name: string, value: string): Record<string, string> {
  return {
    [`ContextEntries.member.${n}.ContextKeyName`]: name,
    [`ContextEntries.member.${n}.ContextKeyType`]: 'string',
    [`ContextEntries.member.${n}.ContextKeyValues.member.1`]: value,
  };
}

async function simulate(params: Record<string, string>): Promise<SimulationOutput> {
  return ok<SimulationOutput>(await t.call('iam', 'SimulatePrincipalPolicy', params));
}

async function createRole(name: string, tags: readonly Tag[] = []): Promise<Role> {
  return t.store.roles.create({
    roleId: t.env.ids.uniqueId('AROA'),
    roleName: name,
    path: '/',
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Auth0` }, Action: 'sts:AssumeRoleWithSAML' }] }),
    maxSessionDuration: 3600,
    createDate: t.clock.now(),
    tags: [...tags],
  });
}

describe('SimulatePrincipalPolicy', () => {
  it('evaluates a user’s inline and attached policies, named as AWS names them', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alejandro' }));
    const inline = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "codecommit:ListRepositories",\n      "Resource": "*"\n    }\n  ]\n}';
    ok(await t.call('iam', 'PutUserPolicy', { UserName: 'alejandro', PolicyName: 'Grant-Access-To-CodeCommit-ListRepo', PolicyDocument: inline }));
    const managed = await createManagedPolicy(t, 'S3Reader', policy(allow('s3:GetObject')));
    ok(await t.call('iam', 'AttachUserPolicy', { UserName: 'alejandro', PolicyArn: managed }));
    const out = await simulate({
      PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/alejandro`,
      'ActionNames.member.1': 'codecommit:ListRepositories',
      'ActionNames.member.2': 's3:GetObject',
      'ActionNames.member.3': 's3:PutObject',
    });
    expect(out.EvaluationResults.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['codecommit:ListRepositories', 'allowed'],
      ['s3:GetObject', 'allowed'],
      ['s3:PutObject', 'implicitDeny'],
    ]);
    // As the AWS CLI example simulate-principal-policy.rst: the inline policy's name identifies it;
    // positions follow simulate.ts's convention (the column just after the statement's braces).
    expect(out.EvaluationResults[0]!.MatchedStatements).toEqual([
      { SourcePolicyId: 'Grant-Access-To-CodeCommit-ListRepo', SourcePolicyType: 'user', StartPosition: { Line: 4, Column: 6 }, EndPosition: { Line: 8, Column: 6 } },
    ]);
    expect(out.EvaluationResults[1]!.MatchedStatements![0]).toMatchObject({ SourcePolicyId: 'S3Reader', SourcePolicyType: 'user-managed' });
  });

  it('applies the principal’s permissions boundary, and a given boundary instead of it', async () => {
    const boundary = await createManagedPolicy(t, 'OnlyS3', policy(allow('s3:*')));
    ok(await t.call('iam', 'CreateUser', { UserName: 'bounded', PermissionsBoundary: boundary }));
    ok(await t.call('iam', 'PutUserPolicy', { UserName: 'bounded', PolicyName: 'p', PolicyDocument: policy(allow(['s3:GetObject', 'iam:ListUsers'])) }));
    const base = { PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/bounded`, 'ActionNames.member.1': 's3:GetObject', 'ActionNames.member.2': 'iam:ListUsers' };
    const own = await simulate(base);
    expect(own.EvaluationResults.map((r) => [r.EvalDecision, r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary])).toEqual([
      ['allowed', true],
      ['implicitDeny', false],
    ]);
    const given = await simulate({ ...base, 'PermissionsBoundaryPolicyInputList.member.1': policy(allow('iam:*')) });
    expect(given.EvaluationResults.map((r) => r.EvalDecision)).toEqual(['implicitDeny', 'allowed']);
  });

  it('adds PolicyInputList policies to the principal’s own', async () => {
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
    const out = await simulate({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/alice`, 'PolicyInputList.member.1': policy(allow('sqs:SendMessage')), 'ActionNames.member.1': 'sqs:SendMessage' });
    expect(out.EvaluationResults[0]).toMatchObject({ EvalDecision: 'allowed', MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1' }] });
  });

  it('evaluates a role’s policies (SourcePolicyType role); ContextEntries override its tags as session tags do', async () => {
    await createRole('Engineers', [{ key: 'CostCenter', value: 'engineering' }]);
    await t.store.roles.putInlinePolicy('Engineers', { policyName: 'VirtualMachineAccessByCostCenter', policyDocument: SEED_POLICY });
    const base = {
      PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/Engineers`,
      'ActionNames.member.1': 'ec2:StopInstances',
      'ResourceArns.member.1': instance('i-0aaaaaaaaaaaaaaa1'),
      ...contextEntry(1, 'ec2:ResourceTag/CostCenter', 'marketing'),
    };
    const asRole = await simulate(base);
    expect(asRole.EvaluationResults[0]).toMatchObject({ EvalDecision: 'implicitDeny', MissingContextValues: [] });
    const withSessionTag = await simulate({ ...base, ...contextEntry(2, 'aws:PrincipalTag/CostCenter', 'marketing') });
    expect(withSessionTag.EvaluationResults[0]).toMatchObject({
      EvalDecision: 'allowed',
      MatchedStatements: [{ SourcePolicyId: 'VirtualMachineAccessByCostCenter', SourcePolicyType: 'role' }],
    });
  });

  it('answers NoSuchEntity for a user, role or group that does not exist, and InvalidInput for a session ARN', async () => {
    const params = (arn: string) => ({ PolicySourceArn: arn, 'ActionNames.member.1': 's3:GetObject' });
    expect(failure(await t.call('iam', 'SimulatePrincipalPolicy', params(`arn:aws:iam::${ACCOUNT}:user/ghost`)))).toEqual({
      code: 'NoSuchEntity',
      message: 'The user with name ghost cannot be found.',
      httpStatus: 404,
    });
    expect(failure(await t.call('iam', 'SimulatePrincipalPolicy', params(`arn:aws:iam::${ACCOUNT}:role/ghost`))).message).toBe('The role with name ghost cannot be found.');
    expect(failure(await t.call('iam', 'SimulatePrincipalPolicy', params(`arn:aws:iam::${ACCOUNT}:group/devs`))).message).toBe('The group with name devs cannot be found.');
    // Same name, other path: not this user.
    ok(await t.call('iam', 'CreateUser', { UserName: 'alice', Path: '/eng/' }));
    expect(failure(await t.call('iam', 'SimulatePrincipalPolicy', params(`arn:aws:iam::${ACCOUNT}:user/alice`))).code).toBe('NoSuchEntity');
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane`;
    expect(failure(await t.call('iam', 'SimulatePrincipalPolicy', params(session)))).toEqual({
      code: 'InvalidInput',
      message: `Invalid Entity Arn: ${session} does not clearly define entity type and name.`,
      httpStatus: 400,
    });
  });

  describe('authorization', () => {
    it('denies a user without iam:SimulatePrincipalPolicy on the PolicySourceArn — before revealing its policies or existence', async () => {
      ok(await t.call('iam', 'CreateUser', { UserName: 'alice' }));
      const dev = await createUser(t, 'dev', { p: policy(allow('iam:SimulatePrincipalPolicy', `arn:aws:iam::${ACCOUNT}:user/dev`)) });
      ok(await t.call('iam', 'SimulatePrincipalPolicy', { PolicySourceArn: dev.arn, 'ActionNames.member.1': 's3:GetObject' }, { credentials: dev }));
      for (const target of [`arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${ACCOUNT}:user/ghost`]) {
        expectDenied(
          await t.call('iam', 'SimulatePrincipalPolicy', { PolicySourceArn: target, 'ActionNames.member.1': 's3:GetObject' }, { credentials: dev }),
          dev.arn,
          'iam:SimulatePrincipalPolicy',
          target,
        );
      }
    });
  });

  describe('agreement with the authorizer (services/authorize.ts)', () => {
    // Every (principal tag × resource tag × action) the seed's ABAC policy distinguishes, for an IAM
    // user and for a role session: SimulatePrincipalPolicy must decide exactly what a real request
    // decides. If the simulator and the authorizer ever compile, fill or evaluate differently, this fails.
    const PRINCIPAL_TAGS = ['marketing', 'engineering', undefined] as const;
    const RESOURCE_TAGS = ['marketing', 'engineering', 'Marketing', undefined] as const;
    const ACTIONS = ['ec2:StopInstances', 'ec2:StartInstances', 'ec2:TerminateInstances', 'ec2:DescribeInstances'] as const;

    async function realDecision(caller: Caller, check: AuthzCheck): Promise<boolean> {
      const authorizer = createAuthorizer({ env: t.env, caller, service: 'ec2', region: 'us-east-1', now: t.clock.now(), transport: { sourceIp: '127.0.0.1', secure: true } });
      try {
        await authorizer.authorize(check);
        return true;
      } catch (e) {
        if ((e as { code?: string }).code === 'UnauthorizedOperation') return false;
        throw e;
      }
    }

    function check(action: string, resourceTag: string | undefined): AuthzCheck {
      if (action === 'ec2:DescribeInstances') return { action, resource: '*' };
      return { action, resource: instance('i-0aaaaaaaaaaaaaaa1'), ...(resourceTag === undefined ? {} : { context: { 'ec2:ResourceTag/CostCenter': resourceTag } }) };
    }

    async function simulated(sourceArn: string, c: AuthzCheck, extra: Record<string, string> = {}): Promise<boolean> {
      const tag = (c.context as Record<string, string> | undefined)?.['ec2:ResourceTag/CostCenter'];
      const out = await simulate({
        PolicySourceArn: sourceArn,
        'ActionNames.member.1': c.action,
        ...(c.resource === '*' ? {} : { 'ResourceArns.member.1': c.resource }),
        ...(tag === undefined ? {} : contextEntry(1, 'ec2:ResourceTag/CostCenter', tag)),
        ...extra,
      });
      return out.EvaluationResults[0]!.EvalDecision === 'allowed';
    }

    it('agrees for IAM users whose CostCenter tag feeds aws:PrincipalTag', async () => {
      const boundary = await createManagedPolicy(t, 'NoTerminate', policy(allow('ec2:*'), { Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*' }));
      let seen = 0;
      for (const [i, principalTag] of PRINCIPAL_TAGS.entries()) {
        const name = `user${i}`;
        ok(await t.call('iam', 'CreateUser', { UserName: name, PermissionsBoundary: boundary, ...(principalTag === undefined ? {} : tagParams([['CostCenter', principalTag]])) }));
        ok(await t.call('iam', 'PutUserPolicy', { UserName: name, PolicyName: 'VirtualMachineAccessByCostCenter', PolicyDocument: SEED_POLICY }));
        ok(await t.call('iam', 'PutUserPolicy', { UserName: name, PolicyName: 'Terminate', PolicyDocument: policy(allow('ec2:TerminateInstances')) }));
        const user = (await t.store.users.get(name)) as User;
        const caller: Caller = { kind: 'user', accountId: ACCOUNT, accessKeyId: 'AKIAAGREEMENTTEST001', user };
        for (const resourceTag of RESOURCE_TAGS) {
          for (const action of ACTIONS) {
            const c = check(action, resourceTag);
            const real = await realDecision(caller, c);
            expect(await simulated(user.arn, c), `${name} (CostCenter=${principalTag}) ${action} on CostCenter=${resourceTag}`).toBe(real);
            if (real) seen++;
          }
        }
      }
      // The guide's own case: marketing may stop the marketing instance, not the engineering one.
      const marketing = (await t.store.users.get('user0')) as User;
      const asMarketing: Caller = { kind: 'user', accountId: ACCOUNT, accessKeyId: 'AKIAAGREEMENTTEST001', user: marketing };
      expect(await realDecision(asMarketing, check('ec2:StopInstances', 'marketing'))).toBe(true);
      expect(await simulated(marketing.arn, check('ec2:StopInstances', 'marketing'))).toBe(true);
      expect(await simulated(marketing.arn, check('ec2:StopInstances', 'engineering'))).toBe(false);
      expect(seen).toBeGreaterThan(3);
    });

    it('agrees for role sessions, session tags given to the simulator as ContextEntries', async () => {
      const role = await createRole('access-session-tags', [{ key: 'CostCenter', value: 'engineering' }]);
      await t.store.roles.putInlinePolicy(role.roleName, { policyName: 'VirtualMachineAccessByCostCenter', policyDocument: SEED_POLICY });
      const now = Math.floor(t.clock.now().getTime() / 1000);
      for (const sessionTag of PRINCIPAL_TAGS) {
        const session: Caller = {
          kind: 'session',
          accountId: ACCOUNT,
          accessKeyId: 'ASIAAGREEMENTTEST001',
          session: {
            accessKeyId: 'ASIAAGREEMENTTEST001',
            secretAccessKey: 'unused',
            accountId: ACCOUNT,
            roleArn: role.arn,
            roleId: role.roleId,
            roleName: role.roleName,
            sessionName: 'jane',
            tags: sessionTag === undefined ? [] : [{ key: 'CostCenter', value: sessionTag }],
            transitiveTagKeys: [],
            sessionPolicyArns: [],
            issuedAt: now,
            expiresAt: now + 3600,
          },
        };
        const extra = sessionTag === undefined ? {} : contextEntry(2, 'aws:PrincipalTag/CostCenter', sessionTag);
        for (const resourceTag of RESOURCE_TAGS) {
          for (const action of ACTIONS) {
            const c = check(action, resourceTag);
            expect(await simulated(role.arn, c, extra), `session CostCenter=${sessionTag} ${action} on CostCenter=${resourceTag}`).toBe(await realDecision(session, c));
          }
        }
      }
    });
  });
});
