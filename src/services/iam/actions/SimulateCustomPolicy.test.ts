import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allow, createUser, expectDenied, policy } from '../../../../test/support/iam-callers.js';
import { createTestServices, failure, ok, type TestServices } from '../../../../test/support/services.js';
import type { SimulationOutput } from '../shapes.js';

let t: TestServices;
beforeEach(async () => {
  t = await createTestServices();
});
afterEach(async () => {
  await t.close();
});

/** The AWS CLI's own example (awscli/examples/iam/simulate-custom-policy.rst), as captured from real AWS. */
const CLI_POLICY =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}';

function contextEntry(n: number, name: string, values: readonly string[], type: string): Record<string, string> {
  const out: Record<string, string> = { [`ContextEntries.member.${n}.ContextKeyName`]: name, [`ContextEntries.member.${n}.ContextKeyType`]: type };
  values.forEach((v, i) => (out[`ContextEntries.member.${n}.ContextKeyValues.member.${i + 1}`] = v));
  return out;
}

describe('SimulateCustomPolicy', () => {
  it('reproduces the AWS CLI example: allowed, the statement at line 1 columns 38–167', async () => {
    const out = ok<SimulationOutput>(
      await t.call('iam', 'SimulateCustomPolicy', {
        'PolicyInputList.member.1': CLI_POLICY,
        'ActionNames.member.1': 'dynamodb:CreateBackup',
        ...contextEntry(1, 'aws:CurrentTime', ['2019-04-25T11:00:00Z'], 'date'),
      }),
    );
    expect(out.IsTruncated).toBe(false);
    const [r] = out.EvaluationResults;
    expect(r).toMatchObject({
      EvalActionName: 'dynamodb:CreateBackup',
      EvalResourceName: '*',
      EvalDecision: 'allowed',
      MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', StartPosition: { Line: 1, Column: 38 }, EndPosition: { Line: 1, Column: 167 } }],
      MissingContextValues: [],
    });
    // Same account, resource `*`: EvalDecisionDetails is not returned (model documentation).
    expect(r).not.toHaveProperty('EvalDecisionDetails');
  });

  it('reproduces the AWS CLI example’s implicit deny, and reports keys the policies needed but were not given', async () => {
    const early = ok<SimulationOutput>(
      await t.call('iam', 'SimulateCustomPolicy', {
        'PolicyInputList.member.1': CLI_POLICY,
        'ActionNames.member.1': 'dynamodb:CreateBackup',
        ...contextEntry(1, 'aws:CurrentTime', ['2014-04-25T11:00:00Z'], 'date'),
      }),
    );
    expect(early.EvaluationResults[0]).toMatchObject({ EvalDecision: 'implicitDeny', MatchedStatements: [], MissingContextValues: [] });
    const missing = ok<SimulationOutput>(await t.call('iam', 'SimulateCustomPolicy', { 'PolicyInputList.member.1': CLI_POLICY, 'ActionNames.member.1': 'dynamodb:CreateBackup' }));
    expect(missing.EvaluationResults[0]).toMatchObject({ EvalDecision: 'implicitDeny', MissingContextValues: ['aws:CurrentTime'] });
  });

  it('evaluates every action × resource, with resource-specific results and boundary details', async () => {
    const out = ok<SimulationOutput>(
      await t.call('iam', 'SimulateCustomPolicy', {
        'PolicyInputList.member.1': policy(allow(['s3:GetObject', 's3:PutObject'])),
        'PermissionsBoundaryPolicyInputList.member.1': policy(allow('s3:GetObject')),
        'ActionNames.member.1': 's3:GetObject',
        'ActionNames.member.2': 's3:PutObject',
        'ResourceArns.member.1': 'arn:aws:s3:::bucket/key',
      }),
    );
    expect(out.EvaluationResults.map((r) => [r.EvalActionName, r.EvalDecision, r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary])).toEqual([
      ['s3:GetObject', 'allowed', true],
      ['s3:PutObject', 'implicitDeny', false],
    ]);
    const get = out.EvaluationResults[0]!;
    expect(get.EvalDecisionDetails).toEqual({});
    expect(get.ResourceSpecificResults).toEqual([
      {
        EvalResourceName: 'arn:aws:s3:::bucket/key',
        EvalResourceDecision: 'allowed',
        MatchedStatements: get.MatchedStatements,
        MissingContextValues: [],
        PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: true },
      },
    ]);
  });

  it('carries Tessera’s explanation in-process but never on the wire', async () => {
    const params = {
      'PolicyInputList.member.1': policy({ Effect: 'Deny', Action: 's3:*', Resource: '*' }, allow('s3:*')),
      'ActionNames.member.1': 's3:GetObject',
    };
    const out = ok<SimulationOutput>(await t.call('iam', 'SimulateCustomPolicy', params));
    expect(out.EvaluationResults[0]!.EvalDecision).toBe('explicitDeny');
    expect(out.EvaluationResults[0]!.Explain.summary).toMatch(/deny/i);
    const h = await t.http('iam', 'SimulateCustomPolicy', params);
    expect(h.status).toBe(200);
    expect(h.body).toContain('<EvalDecision>explicitDeny</EvalDecision>');
    expect(h.body).not.toContain('Explain');
    expect(h.body).not.toContain(out.EvaluationResults[0]!.Explain.summary);
  });

  it('is read by botocore’s own parser: results, statements, positions and the empty EvalDecisionDetails', async () => {
    const h = await t.http('iam', 'SimulateCustomPolicy', {
      'PolicyInputList.member.1': CLI_POLICY,
      'ActionNames.member.1': 'dynamodb:CreateBackup',
      'ResourceArns.member.1': 'arn:aws:dynamodb:us-east-1:013823792818:table/T',
      ...contextEntry(1, 'aws:CurrentTime', ['2019-04-25T11:00:00Z'], 'date'),
    });
    const helper = resolve(import.meta.dirname, '..', '..', '..', '..', 'test', 'support', 'botocore-codec.py');
    const run = spawnSync('/usr/bin/env', ['python3', helper], {
      input: JSON.stringify({ cases: [{ kind: 'parse', service: 'iam', operation: 'SimulateCustomPolicy', xml: h.body }] }),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const [result] = (JSON.parse(run.stdout) as { results: { parsed: Record<string, unknown> }[] }).results;
    expect(result!.parsed).toEqual({
      EvaluationResults: [
        {
          EvalActionName: 'dynamodb:CreateBackup',
          EvalResourceName: 'arn:aws:dynamodb:us-east-1:013823792818:table/T',
          EvalDecision: 'allowed',
          MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', StartPosition: { Line: 1, Column: 38 }, EndPosition: { Line: 1, Column: 167 } }],
          MissingContextValues: [],
          EvalDecisionDetails: {},
          ResourceSpecificResults: [
            {
              EvalResourceName: 'arn:aws:dynamodb:us-east-1:013823792818:table/T',
              EvalResourceDecision: 'allowed',
              MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', StartPosition: { Line: 1, Column: 38 }, EndPosition: { Line: 1, Column: 167 } }],
              MissingContextValues: [],
            },
          ],
        },
      ],
      IsTruncated: false,
    });
  });

  it('pages results with MaxItems and Marker', async () => {
    const base = { 'PolicyInputList.member.1': policy(allow('s3:*')), 'ActionNames.member.1': 's3:GetObject', 'ActionNames.member.2': 's3:PutObject', 'ActionNames.member.3': 's3:DeleteObject' };
    const first = ok<SimulationOutput>(await t.call('iam', 'SimulateCustomPolicy', { ...base, MaxItems: '2' }));
    expect(first.EvaluationResults.map((r) => r.EvalActionName)).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(first.IsTruncated).toBe(true);
    const rest = ok<SimulationOutput>(await t.call('iam', 'SimulateCustomPolicy', { ...base, MaxItems: '2', Marker: first.Marker! }));
    expect(rest.EvaluationResults.map((r) => r.EvalActionName)).toEqual(['s3:DeleteObject']);
    expect(rest.IsTruncated).toBe(false);
  });

  it('refuses malformed input policies and context values with InvalidInput', async () => {
    const bad = failure(await t.call('iam', 'SimulateCustomPolicy', { 'PolicyInputList.member.1': '{"Version":"2012-10-17"', 'ActionNames.member.1': 's3:GetObject' }));
    expect(bad.code).toBe('InvalidInput');
    expect(bad.httpStatus).toBe(400);
    expect(bad.message).toMatch(/^PolicyInputList\.1/);
    const badValue = failure(
      await t.call('iam', 'SimulateCustomPolicy', {
        'PolicyInputList.member.1': CLI_POLICY,
        'ActionNames.member.1': 'dynamodb:CreateBackup',
        ...contextEntry(1, 'aws:CurrentTime', ['yesterday'], 'date'),
      }),
    );
    expect(badValue.code).toBe('InvalidInput');
  });

  it('denies a user without iam:SimulateCustomPolicy (resource `*`)', async () => {
    const dev = await createUser(t, 'dev', { p: policy(allow('iam:SimulatePrincipalPolicy')) });
    expectDenied(
      await t.call('iam', 'SimulateCustomPolicy', { 'PolicyInputList.member.1': CLI_POLICY, 'ActionNames.member.1': 'dynamodb:CreateBackup' }, { credentials: dev }),
      dev.arn,
      'iam:SimulateCustomPolicy',
      '*',
    );
  });
});
