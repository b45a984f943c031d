// `tessera simulate` and `tessera policy validate` through the CLI entry point, with the request
// and response shapes checked against botocore's IAM service model (the wire contract).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { serviceModel } from './support/botocore.js';

const root = resolve(import.meta.dirname, '..');

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const input = new PassThrough();
  input.end(stdin);
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, stdin: input });
  return { code, out, err };
}

const seedPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['ec2:StartInstances', 'ec2:StopInstances'],
      Resource: '*',
      Condition: { StringEquals: { 'ec2:ResourceTag/CostCenter': '${aws:PrincipalTag/CostCenter}' } },
    },
  ],
});

function request(resourceTag: string, more: Record<string, unknown> = {}): string {
  return JSON.stringify({
    PolicyInputList: [seedPolicy],
    ActionNames: ['ec2:StopInstances'],
    ResourceArns: ['arn:aws:ec2:us-east-1:013823792818:instance/i-0e1a2b3c4d5e6f701'],
    ContextEntries: [
      { ContextKeyName: 'aws:PrincipalTag/CostCenter', ContextKeyValues: ['marketing'], ContextKeyType: 'string' },
      { ContextKeyName: 'ec2:ResourceTag/CostCenter', ContextKeyValues: [resourceTag], ContextKeyType: 'string' },
    ],
    ...more,
  });
}

describe('tessera simulate', () => {
  it('allows marketing to stop a marketing instance and names the statement', async () => {
    const r = await run(['simulate', '--input', '-'], request('marketing'));
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out).EvaluationResults[0];
    expect(res.EvalDecision).toBe('allowed');
    expect(res.MatchedStatements).toEqual([
      expect.objectContaining({ SourcePolicyId: 'PolicyInputList.1', StartPosition: expect.objectContaining({ Line: 1 }) }),
    ]);
  });

  it('denies engineering and explains it with both tag values', async () => {
    const r = await run(['simulate', '--input', '-'], request('engineering'));
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out).EvaluationResults[0];
    expect(res.EvalDecision).toBe('implicitDeny');
    expect(res.MatchedStatements).toEqual([]);
    const text = [res.Explain.summary, ...res.Explain.details].join('\n');
    expect(text).toContain('`engineering`');
    expect(text).toContain('`marketing`');
    expect(text).toContain('${aws:PrincipalTag/CostCenter}');
  });

  it('reports the context keys the policy reads but the request lacks', async () => {
    const r = await run(['simulate', '--input', '-'], JSON.stringify({ PolicyInputList: [seedPolicy], ActionNames: ['ec2:StopInstances'] }));
    const res = JSON.parse(r.out).EvaluationResults[0];
    expect(res.EvalDecision).toBe('implicitDeny');
    expect(res.MissingContextValues).toEqual(expect.arrayContaining(['ec2:ResourceTag/CostCenter', 'aws:PrincipalTag/CostCenter']));
  });

  it('reports AWS\'s statement position for the CLI example policy', async () => {
    // awscli/examples/iam/simulate-custom-policy.rst: this policy's statement is reported at
    // Line 1, Column 38 to Line 1, Column 167.
    const policy =
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}';
    const r = await run(
      ['simulate', '--input', '-'],
      JSON.stringify({
        PolicyInputList: [policy],
        ActionNames: ['dynamodb:CreateBackup'],
        ContextEntries: [{ ContextKeyName: 'aws:CurrentTime', ContextKeyValues: ['2019-04-25T11:00:00Z'], ContextKeyType: 'date' }],
      }),
    );
    const res = JSON.parse(r.out).EvaluationResults[0];
    expect(res.EvalDecision).toBe('allowed');
    expect(res.MatchedStatements[0]).toEqual({
      SourcePolicyId: 'PolicyInputList.1',
      StartPosition: { Line: 1, Column: 38 },
      EndPosition: { Line: 1, Column: 167 },
    });
  });

  it('exits 2 with the JSON path on a malformed policy', async () => {
    const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { StringEqual: { 'aws:username': 'x' } } }] });
    const r = await run(['simulate', '--input', '-'], JSON.stringify({ PolicyInputList: [bad], ActionNames: ['ec2:StopInstances'] }));
    expect(r.code).toBe(2);
    expect(r.err).toContain('MalformedPolicyDocument');
    expect(r.err).toContain('Statement[0].Condition.StringEqual');
    expect(r.err).toContain('did you mean `StringEquals`');
  });

  it('exits 2 on malformed JSON and on an unknown context key type', async () => {
    expect((await run(['simulate', '--input', '-'], '{"PolicyInputList": [')).code).toBe(2);
    const r = await run(
      ['simulate', '--input', '-'],
      request('marketing', { ContextEntries: [{ ContextKeyName: 'aws:username', ContextKeyValues: ['x'], ContextKeyType: 'text' }] }),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown ContextKeyType `text`');
  });

  it('exits 2 without --input, and on a missing file', async () => {
    expect((await run(['simulate'])).code).toBe(2);
    const r = await run(['simulate', '--input', '/nonexistent/request.json']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no such file');
  });

  it('accepts exactly the members of SimulateCustomPolicyRequest in botocore\'s IAM model', () => {
    const model = serviceModel('iam');
    const members = Object.keys(model.shapes.SimulateCustomPolicyRequest!.members!).sort();
    const help = readFileSync(join(root, 'src', 'cli', 'simulate.ts'), 'utf8');
    for (const m of members) expect(help, `simulate --help should document ${m}`).toContain(m);
    const resultMembers = Object.keys(model.shapes.EvaluationResult!.members!);
    const source = readFileSync(join(root, 'src', 'policy', 'simulate.ts'), 'utf8');
    // Tessera models one account outside AWS Organizations: there are no SCPs to report on.
    const notModelled = ['OrganizationsDecisionDetail'];
    for (const m of resultMembers) {
      if (!notModelled.includes(m)) expect(source, `EvaluationResult.${m}`).toContain(`readonly ${m}`);
    }
    expect(model.shapes.ContextKeyTypeEnum!.enum!.sort()).toEqual(
      ['string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList', 'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList'].sort(),
    );
  });
});

describe('tessera policy validate', () => {
  it('warns about the guide policy\'s templating artefact but accepts it', async () => {
    const r = await run(['policy', 'validate', join(root, 'examples', 'seed-policy.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^warning Statement\[1\]\.Condition\.StringEquals.*<%=/m);
    expect(r.out).toContain('valid identity policy');
  });

  it('refuses the guide\'s policy exactly as printed (not JSON) and says how to fix it', async () => {
    const r = await run(['policy', 'validate', join(root, 'examples', 'seed-policy-as-printed.txt')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Syntax errors in policy.');
    expect(r.out).toContain('line 20');
    expect(r.out).toContain('it should probably be `${aws:PrincipalTag/CostCenter}`');
  });

  it('exits 1 on an invalid policy and prints AWS\'s message', async () => {
    const r = await run(['policy', 'validate', '-'], '{"Statement":{"Effect":"allow","Action":"ec2:*","Resource":"*"}}');
    expect(r.code).toBe(1);
    expect(r.out).toContain('The policy failed legacy parsing');
  });
});

describe('the tessera binary', () => {
  it('runs simulate on the shipped example from the built CLI', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'tessera.js'), 'simulate', '--input', join(root, 'examples', 'simulate-seed.json')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const results = JSON.parse(r.stdout).EvaluationResults;
    expect(results.map((x: { EvalActionName: string; EvalDecision: string }) => `${x.EvalActionName}=${x.EvalDecision}`)).toEqual([
      'ec2:StopInstances=implicitDeny',
      'ec2:DescribeInstances=allowed',
    ]);
  });
});
