import { describe, expect, it } from 'vitest';
import { parsePolicy, policySize } from './parse.js';

describe('parsePolicy', () => {
  it('reports a JSON syntax error with line and column', () => {
    const r = parsePolicy('{\n  "Version": "2012-10-17",\n  "Statement": [\n}', { kind: 'identity' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ code: 'ERR_POLICY_JSON', awsCode: 'MalformedPolicyDocument', awsMessage: 'Syntax errors in policy.' });
    expect(r.errors[0]!.message).toMatch(/line 4 column 1/);
  });

  it('names the path of every error, not just the first', () => {
    const r = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2', Resource: '*' }, { Effect: 'Allow', Action: 'ec2:*', Resource: 'bucket' }] }),
      { kind: 'identity' },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([
      ['ERR_POLICY_ACTION_VENDOR', 'Statement[0].Action'],
      ['ERR_POLICY_RESOURCE_FORMAT', 'Statement[1].Resource'],
    ]);
    expect(r.errors[1]!.awsMessage).toBe('Resource bucket must be in ARN format or "*".');
  });

  it('keeps condition values as strings, numbers and booleans normalised to text', () => {
    const r = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { NumericLessThan: { 's3:max-keys': 10 }, Bool: { 'aws:SecureTransport': true } } } }),
      { kind: 'identity' },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.document.statements[0]!.conditions.map((c) => c.values)).toEqual([['10'], ['true']]);
    expect(r.document.statements[0]!.path).toBe('Statement');
  });

  it('refuses a policy over its size quota with LimitExceeded, counting no whitespace', () => {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ec2:*', Resource: '*' } });
    expect(policySize(JSON.stringify(JSON.parse(doc), null, 8))).toBe(doc.length);
    const r = parsePolicy(doc, { kind: 'identity', maxSize: doc.length - 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ code: 'ERR_POLICY_SIZE', awsCode: 'LimitExceeded', awsMessage: `Cannot exceed quota for PolicySize: ${doc.length - 1}` });
  });

  it('reads an omitted Version as 2008-10-17: variables are literal, with a warning', () => {
    const r = parsePolicy(JSON.stringify({ Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}/*' } }), { kind: 'identity' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.document.version).toBeUndefined();
    expect(r.warnings.map((w) => w.code)).toContain('WARN_VARIABLE_LITERAL');
  });

  it('suggests the closest operator for a misspelled one', () => {
    const r = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { 'ForAnyValue:StringLikee': { 'aws:TagKeys': 'a' } } } }),
      { kind: 'identity' },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]!.message).toBe('unknown condition operator `ForAnyValue:StringLikee`: did you mean `StringLike`?');
  });
});
