import { describe, expect, it } from 'vitest';
import type { ConditionNode, PolicyDocument, PolicyKind, StatementNode } from './ast.js';
import type { PolicyWarningCode, PolicyWarningFinding } from './errors.js';
import { lintPolicy, lintPolicyText } from './lint.js';
import { parsePolicy } from './parse.js';

/** Parses with the real parser (paths as the API reports them); fails the test on a parse error. */
function parsed(policy: unknown, kind: PolicyKind = 'identity'): PolicyDocument {
  const text = typeof policy === 'string' ? policy : JSON.stringify(policy, null, 2);
  const r = parsePolicy(text, { kind });
  if (!r.ok) throw new Error(`test policy does not parse: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return r.document;
}

function lint(policy: unknown, kind: PolicyKind = 'identity'): PolicyWarningFinding[] {
  return lintPolicy(parsed(policy, kind));
}

function only(findings: readonly PolicyWarningFinding[], code: PolicyWarningCode): PolicyWarningFinding[] {
  return findings.filter((f) => f.code === code);
}

/**
 * The same document with other action patterns and no source text. IAM refuses a wildcard in a
 * service prefix, so only a hand-built document can carry one; lint must still not guess.
 */
function withActions(doc: PolicyDocument, patterns: readonly string[]): PolicyDocument {
  return {
    ...doc,
    source: '',
    statements: doc.statements.map((s) => ({ ...s, action: { negated: false, patterns } })),
  };
}

/** One statement, identity policy. */
function stmt(statement: Record<string, unknown>): unknown {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*', ...statement }] };
}

/** The Auth0 guide's policy `VirtualMachineAccessByCostCenter`, with the value the template prints. */
const SEED_POLICY = {
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
};

/** The same policy exactly as the guide prints it (seed/000_c7d7427b45b224d5.txt): not valid JSON. */
const SEED_POLICY_VERBATIM = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ec2:DescribeInstances"
            ],
            "Resource": "*"
        },
        {
            "Effect": "Allow",
            "Action": [
                "ec2:StartInstances",
                "ec2:StopInstances"
            ],
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "ec2:ResourceTag/CostCenter": "<%= "\${aws:PrincipalTag/CostCenter}" %>"
                }
            }
        }
    ]
}`;

describe('lintPolicy on clean policies', () => {
  it('finds nothing to say about the seed policy with its real policy variable', () => {
    expect(lint(SEED_POLICY)).toEqual([]);
  });

  it('finds nothing to say about a SAML trust policy with session tags', () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::013823792818:saml-provider/auth0SamlProvider' },
          Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
          Condition: {
            StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' },
            StringLike: { 'aws:RequestTag/CostCenter': '*' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['CostCenter', 'Project'] },
            Null: { 'aws:TagKeys': 'false' },
          },
        },
      ],
    };
    expect(lint(trust, 'trust')).toEqual([]);
  });

  it('matches condition key names case-insensitively, as IAM does', () => {
    const f = lint(stmt({ Action: 'ec2:StopInstances', Condition: { IpAddress: { 'AWS:SOURCEIP': '203.0.113.0/24' }, StringEquals: { 'EC2:resourcetag/costcenter': 'x' } } }));
    expect(f).toEqual([]);
  });
});

describe('WARN_TEMPLATE_ARTEFACT', () => {
  it('flags the guide\'s `<%= … %>` value and proposes the policy variable it stands for', () => {
    const policy = structuredClone(SEED_POLICY);
    (policy.Statement[1] as { Condition: { StringEquals: Record<string, string> } }).Condition.StringEquals['ec2:ResourceTag/CostCenter'] =
      '<%= "${aws:PrincipalTag/CostCenter}" %>';
    const f = lint(policy);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      severity: 'warning',
      code: 'WARN_TEMPLATE_ARTEFACT',
      path: 'Statement[1].Condition.StringEquals.ec2:ResourceTag/CostCenter',
    });
    expect(f[0]?.message).toBe(
      'condition value `<%= "${aws:PrincipalTag/CostCenter}" %>` contains a documentation-templating artefact (`<%= … %>`): it should probably be `${aws:PrincipalTag/CostCenter}`',
    );
  });

  it('locates the artefact in the guide\'s verbatim text, which is not JSON and never reaches lintPolicy', () => {
    expect(parsePolicy(SEED_POLICY_VERBATIM, { kind: 'identity' }).ok).toBe(false);
    const f = lintPolicyText(SEED_POLICY_VERBATIM);
    expect(f).toHaveLength(1);
    expect(f[0]?.code).toBe('WARN_TEMPLATE_ARTEFACT');
    expect(f[0]?.message).toBe(
      'line 20 column 52: `<%= "${aws:PrincipalTag/CostCenter}" %>` is a documentation-templating artefact: it should probably be `${aws:PrincipalTag/CostCenter}`',
    );
  });

  it('names the list position of an artefact in a resource list and keeps surrounding text in the fix', () => {
    const f = only(
      lint(stmt({ Action: 'ec2:StopInstances', Resource: ['*', "arn:aws:ec2:*:*:instance/<%= 'i-1' %>"] })),
      'WARN_TEMPLATE_ARTEFACT',
    );
    expect(f).toHaveLength(1);
    expect(f[0]?.path).toBe('Statement[0].Resource[1]');
    expect(f[0]?.message).toContain('it should probably be `arn:aws:ec2:*:*:instance/i-1`');
  });

  it('flags a stray `%>` without guessing a fix', () => {
    const f = only(lint(stmt({ Sid: 'A', Action: 'ec2:StopInstances', Condition: { StringEquals: { 'aws:PrincipalTag/Team': 'ops %>' } } })), 'WARN_TEMPLATE_ARTEFACT');
    expect(f).toHaveLength(1);
    expect(f[0]?.message).not.toContain('should probably be');
  });
});

describe('WARN_UNKNOWN_GLOBAL_KEY', () => {
  it('suggests the closest global key and keeps the tag key', () => {
    const f = lint(stmt({ Action: 'ec2:StopInstances', Condition: { StringEquals: { 'aws:PrincipalTags/CostCenter': 'marketing' } } }));
    expect(f).toEqual([
      {
        severity: 'warning',
        code: 'WARN_UNKNOWN_GLOBAL_KEY',
        path: 'Statement[0].Condition.StringEquals.aws:PrincipalTags/CostCenter',
        message: 'condition key `aws:PrincipalTags/CostCenter` is not a global condition key: did you mean `aws:PrincipalTag/CostCenter`?',
      },
    ]);
  });

  it('suggests plain keys by edit distance, ignoring case', () => {
    const f = only(lint(stmt({ Action: 'ec2:StopInstances', Condition: { IpAddress: { 'aws:SourceIP4': '10.0.0.0/8' } } })), 'WARN_UNKNOWN_GLOBAL_KEY');
    expect(f[0]?.message).toBe('condition key `aws:SourceIP4` is not a global condition key: did you mean `aws:SourceIp`?');
  });

  it('gives no suggestion when nothing is close', () => {
    const f = only(lint(stmt({ Action: 'ec2:StopInstances', Condition: { Bool: { 'aws:CompletelyMadeUp': 'true' } } })), 'WARN_UNKNOWN_GLOBAL_KEY');
    expect(f[0]?.message).toBe('condition key `aws:CompletelyMadeUp` is not a global condition key');
  });

  it('knows the newer global keys and the cross-service ones', () => {
    const f = lint(
      stmt({
        Action: 'ec2:StopInstances',
        Condition: {
          Bool: { 'aws:IsMcpServiceAction': 'false', 'aws:ViaAWSService': 'false' },
          ArnEquals: { 'ec2:SourceInstanceArn': 'arn:aws:ec2:us-east-1:013823792818:instance/i-1', 'lambda:SourceFunctionArn': 'arn:aws:lambda:us-east-1:013823792818:function:f' },
        },
      }),
    );
    expect(f).toEqual([]);
  });
});

describe('WARN_UNKNOWN_SERVICE_KEY', () => {
  it('flags an ec2 key the ec2 reference does not list and suggests the closest', () => {
    const f = lint(stmt({ Action: 'ec2:StopInstances', Condition: { StringEquals: { 'ec2:ResourceTags/CostCenter': 'marketing' } } }));
    expect(f).toEqual([
      {
        severity: 'warning',
        code: 'WARN_UNKNOWN_SERVICE_KEY',
        path: 'Statement[0].Condition.StringEquals.ec2:ResourceTags/CostCenter',
        message: 'condition key `ec2:ResourceTags/CostCenter` is not a condition key of `ec2`: did you mean `ec2:ResourceTag/CostCenter`?',
      },
    ]);
  });

  it('checks sts and the saml keys sts defines', () => {
    const f = only(
      lint(
        {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: 'arn:aws:iam::013823792818:saml-provider/p' },
              Action: 'sts:AssumeRoleWithSAML',
              Condition: { StringEquals: { 'saml:audience': 'x', 'sts:RoleSesionName': 'y' } },
            },
          ],
        },
        'trust',
      ),
      'WARN_UNKNOWN_SERVICE_KEY',
    );
    expect(f.map((x) => x.message)).toEqual([
      'condition key `saml:audience` is not a condition key of `sts`',
      'condition key `sts:RoleSesionName` is not a condition key of `sts`: did you mean `sts:RoleSessionName`?',
    ]);
  });

  it('leaves keys of services outside the catalogue alone', () => {
    expect(lint(stmt({ Action: 's3:GetObject', Condition: { StringEquals: { 's3:prefixx': 'a' } } }))).toEqual([]);
  });
});

describe('WARN_KEY_NOT_PROVIDED', () => {
  it('flags ec2:ResourceTag on DescribeInstances, which has no resource-level permissions', () => {
    const f = lint(stmt({ Action: 'ec2:DescribeInstances', Condition: { StringEquals: { 'ec2:ResourceTag/CostCenter': '${aws:PrincipalTag/CostCenter}' } } }));
    expect(f).toEqual([
      {
        severity: 'warning',
        code: 'WARN_KEY_NOT_PROVIDED',
        path: 'Statement[0].Condition.StringEquals.ec2:ResourceTag/CostCenter',
        message:
          'condition key `ec2:ResourceTag/CostCenter` is never in the request context of `ec2:DescribeInstances`: `StringEquals` then never matches and the statement never applies',
      },
    ]);
  });

  it('says a negated or IfExists condition on a missing key always holds', () => {
    const f = only(
      lint(stmt({ Action: 'ec2:DescribeInstances', Condition: { StringNotEquals: { 'aws:ResourceTag/Team': 'x' }, StringEqualsIfExists: { 'ec2:InstanceType': 't2.micro' } } })),
      'WARN_KEY_NOT_PROVIDED',
    );
    expect(f.map((x) => x.message)).toEqual([
      'condition key `aws:ResourceTag/Team` is never in the request context of `ec2:DescribeInstances`: `StringNotEquals` then always holds',
      'condition key `ec2:InstanceType` is never in the request context of `ec2:DescribeInstances`: `StringEqualsIfExists` then always holds',
    ]);
  });

  it('expands wildcard actions against the catalogue', () => {
    const tag = { StringEquals: { 'ec2:ResourceTag/CostCenter': 'x' } };
    // DescribeInstances, DescribeInstanceStatus…: none has resource-level permissions.
    expect(only(lint(stmt({ Action: 'ec2:DescribeInstanceS*', Condition: tag })), 'WARN_KEY_NOT_PROVIDED')).toHaveLength(1);
    // …but DescribeInstanceAttribute acts on an instance.
    expect(lint(stmt({ Action: 'ec2:DescribeInstance*', Condition: tag }))).toEqual([]);
    expect(lint(stmt({ Action: 'ec2:St*Instances', Condition: tag }))).toEqual([]);
    expect(lint(stmt({ Action: ['ec2:DescribeInstances', 'ec2:StopInstances'], Condition: tag }))).toEqual([]);
  });

  it('provides a resource type\'s keys when the action row lists none (sts:AssumeRole on a tagged role)', () => {
    const f = lint(stmt({ Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::013823792818:role/r', Condition: { StringEquals: { 'iam:ResourceTag/Team': 'x', 'aws:ResourceTag/Team': 'x' } } }));
    expect(f).toEqual([]);
  });

  it('flags another service\'s key on an action outside the catalogue', () => {
    const f = only(lint(stmt({ Action: 's3:GetObject', Condition: { StringEquals: { 'ec2:ResourceTag/CostCenter': 'x' } } })), 'WARN_KEY_NOT_PROVIDED');
    expect(f).toHaveLength(1);
  });

  it('stays silent where it cannot know: NotAction, `*`, unknown services, global keys, the action\'s own service', () => {
    const tag = { StringEquals: { 'ec2:ResourceTag/CostCenter': 'x' } };
    expect(lint(stmt({ NotAction: 'ec2:DescribeInstances', Condition: tag }))).toEqual([]);
    expect(lint(stmt({ Action: '*', Condition: tag }))).toEqual([]);
    expect(lintPolicy(withActions(parsed(stmt({ Action: 'ec2:DescribeInstances', Condition: tag })), ['ec*:DescribeInstances']))).toEqual([]);
    expect(lint(stmt({ Action: 'ec2:DescribeInstances', Condition: { StringEquals: { 'aws:PrincipalTag/CostCenter': 'x', 'aws:RequestedRegion': 'us-east-1' } } }))).toEqual([]);
    expect(lint(stmt({ Action: 's3:GetObject', Condition: { StringEquals: { 's3:ExistingObjectTag/a': 'x', 'aws:ResourceTag/a': 'x' } } }))).toEqual([]);
    expect(lint(stmt({ Action: 'ssm:SendCommand', Condition: { StringEquals: { 'ec2:ResourceTag/a': 'x' } } }))).toEqual([]);
  });
});

describe('WARN_RESOURCE_SERVICE_MISMATCH', () => {
  it('flags an ARN of a service none of the actions belongs to', () => {
    const f = lint(stmt({ Action: ['ec2:StopInstances', 'ec2:StartInstances'], Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:s3:::bucket/*'] }));
    expect(f).toEqual([
      {
        severity: 'warning',
        code: 'WARN_RESOURCE_SERVICE_MISMATCH',
        path: 'Statement[0].Resource[1]',
        message: 'resource `arn:aws:s3:::bucket/*` belongs to service `s3`, which no action of the statement (`ec2`) acts on: the statement never applies to it',
      },
    ]);
  });

  it('accepts resources the action\'s reference names in another service (sts acts on iam roles)', () => {
    expect(lint(stmt({ Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::013823792818:role/r' }))).toEqual([]);
  });

  it('skips wildcards in the action\'s service, NotAction and NotResource', () => {
    expect(lintPolicy(withActions(parsed(stmt({ Action: 'ec2:StopInstances', Resource: 'arn:aws:s3:::b' })), ['e*:StopInstances']))).toEqual([]);
    expect(lint(stmt({ NotAction: 'ec2:StopInstances', Resource: 'arn:aws:s3:::b' }))).toEqual([]);
    expect(lint({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:StopInstances', NotResource: 'arn:aws:s3:::b' }] })).toEqual([]);
  });
});

describe('WARN_UNKNOWN_ACTION', () => {
  it('flags a misspelt action of a catalogued service and suggests the closest', () => {
    const f = lint(stmt({ Action: ['ec2:StopInstances', 'ec2:StopInstance'] }));
    expect(f).toEqual([
      {
        severity: 'warning',
        code: 'WARN_UNKNOWN_ACTION',
        path: 'Statement[0].Action[1]',
        message: 'action `ec2:StopInstance` is not an action of `ec2`: did you mean `ec2:StopInstances`?',
      },
    ]);
  });

  it('matches action names case-insensitively', () => {
    expect(lint(stmt({ Action: 'EC2:stopinstances' }))).toEqual([]);
  });

  it('flags an unknown service prefix', () => {
    const f = lint(stmt({ Action: 'ec3:StopInstances' }));
    expect(f.map((x) => [x.code, x.path, x.message])).toEqual([
      ['WARN_UNKNOWN_ACTION', 'Statement[0].Action', 'action `ec3:StopInstances`: `ec3` is not a known AWS service prefix: did you mean `ec2`?'],
    ]);
  });

  it('flags a wildcard that matches no action', () => {
    const f = only(lint(stmt({ Action: 'iam:GetRoel*' })), 'WARN_UNKNOWN_ACTION');
    expect(f[0]?.message).toBe('action pattern `iam:GetRoel*` matches no action of `iam`');
  });

  it('leaves actions of services outside the catalogue alone', () => {
    expect(lint(stmt({ Action: 's3:GetObjectt' }))).toEqual([]);
  });
});

describe('WARN_SET_OPERATOR_SINGLE_VALUED', () => {
  it('flags ForAnyValue on a single-valued key', () => {
    const f = lint(stmt({ Action: 'ec2:StopInstances', Condition: { 'ForAnyValue:StringEquals': { 'aws:PrincipalTag/CostCenter': ['a', 'b'] } } }));
    expect(f).toEqual([
      {
        severity: 'warning',
        code: 'WARN_SET_OPERATOR_SINGLE_VALUED',
        path: 'Statement[0].Condition.ForAnyValue:StringEquals.aws:PrincipalTag/CostCenter',
        message: '`ForAnyValue:` is for multivalued keys but `aws:PrincipalTag/CostCenter` is single-valued: use `StringEquals`',
      },
    ]);
  });

  it('uses the service reference\'s types and accepts multivalued keys', () => {
    const f = lint(
      stmt({
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: { 'ForAnyValue:StringLikeIfExists': { 'sts:TransitiveTagKeys': 'Cost*', 'sts:SourceIdentity': 'x' }, 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'CostCenter' } },
      }),
    );
    expect(f.map((x) => [x.code, x.path])).toEqual([
      ['WARN_SET_OPERATOR_SINGLE_VALUED', 'Statement[0].Condition.ForAnyValue:StringLikeIfExists.sts:SourceIdentity'],
    ]);
  });
});

describe('WARN_FOR_ALL_VALUES_ALLOW', () => {
  const forAll = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['CostCenter', 'Project'] } };

  it('flags ForAllValues in an Allow statement: it holds when the key is missing', () => {
    const f = lint(stmt({ Action: 'ec2:CreateTags', Condition: forAll }));
    expect(f).toEqual([
      {
        severity: 'warning',
        code: 'WARN_FOR_ALL_VALUES_ALLOW',
        path: 'Statement[0].Condition.ForAllValues:StringEquals.aws:TagKeys',
        message:
          '`ForAllValues:StringEquals` in an `Allow` statement also holds when the request has no `aws:TagKeys`: add `"Null": {"aws:TagKeys": "false"}` or use `ForAnyValue:StringEquals`',
      },
    ]);
  });

  it('accepts it when a Null condition requires the key', () => {
    expect(lint(stmt({ Action: 'ec2:CreateTags', Condition: { ...forAll, Null: { 'AWS:TagKeys': 'false' } } }))).toEqual([]);
  });

  it('accepts it in a Deny statement', () => {
    expect(lint({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ec2:CreateTags', Resource: '*', Condition: forAll }] })).toEqual([]);
  });
});

describe('WARN_NULL_IF_EXISTS', () => {
  it('flags NullIfExists once per operator', () => {
    const f = lint(stmt({ Action: 'ec2:CreateTags', Condition: { NullIfExists: { 'aws:RequestTag/CostCenter': 'false', 'aws:TagKeys': 'false' } } }));
    expect(f).toEqual([
      {
        severity: 'warning',
        code: 'WARN_NULL_IF_EXISTS',
        path: 'Statement[0].Condition.NullIfExists',
        message: 'operator `NullIfExists` is meaningless: `Null` already tests whether the key exists, and `IfExists` makes a missing key pass: use `Null`',
      },
    ]);
  });
});

describe('lintPolicy on documents built without source text', () => {
  it('takes the paths from the AST and indexes lists of more than one entry', () => {
    const condition: ConditionNode = {
      operator: 'StringEquals',
      key: 'ec2:ResourceTag/CostCenter',
      values: ['x'],
      path: 'Statement[0].Condition.StringEquals.ec2:ResourceTag/CostCenter',
    };
    const statement: StatementNode = {
      index: 0,
      path: 'Statement[0]',
      sid: undefined,
      effect: 'Allow',
      principal: undefined,
      action: { negated: false, patterns: ['ec2:DescribeInstances', 'ec2:DescribeInstance'] },
      resource: { negated: false, patterns: ['arn:aws:s3:::b'] },
      conditions: [condition],
      span: { start: 0, end: 0 },
    };
    const doc: PolicyDocument = { kind: 'identity', version: '2012-10-17', id: undefined, statements: [statement], source: '' };
    expect(lintPolicy(doc).map((f) => [f.code, f.path])).toEqual([
      ['WARN_UNKNOWN_ACTION', 'Statement[0].Action[1]'],
      ['WARN_RESOURCE_SERVICE_MISMATCH', 'Statement[0].Resource'],
    ]);
  });
});

describe('multivalued keys without a set operator', () => {
  it('warns that StringEquals on aws:TagKeys fails closed', () => {
    const r = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { StringEquals: { 'aws:TagKeys': 'CostCenter' } } } }),
      { kind: 'identity' },
    );
    if (!r.ok) throw new Error('parses');
    expect(lintPolicy(r.document).map((w) => w.code)).toContain('WARN_MULTIVALUED_WITHOUT_SET_OPERATOR');
  });
});
