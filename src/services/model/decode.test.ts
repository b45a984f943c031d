import { describe, expect, it } from 'vitest';
import { MODEL as EC2 } from '../ec2/model.js';
import { AwsError } from '../errors.js';
import { MODEL as IAM } from '../iam/model.js';
import { MODEL as STS } from '../sts/model.js';
import { decodeInput, javaPatternToRegExp, MAX_PARAMS } from './decode.js';
import type { ServiceModel } from './types.js';

const params = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));
const TRUST = '{"Version":"2012-10-17","Statement":[]}';

/** The AwsError decodeInput throws for these fields. */
function failure(model: ServiceModel, op: string, fields: Record<string, string>): AwsError {
  try {
    decodeInput(model, op, params(fields));
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error('decodeInput accepted the request');
}

/** The ValidationError message of an awsQuery request. */
function validation(model: ServiceModel, op: string, fields: Record<string, string>): string {
  const e = failure(model, op, fields);
  expect(e.code).toBe('ValidationError');
  expect(e.httpStatus).toBe(400);
  expect(e.fault).toBe('Sender');
  return e.message;
}

const role = (extra: Record<string, string>) => ({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'Engineer', AssumeRolePolicyDocument: TRUST, ...extra });

describe('awsQuery decoding (IAM, STS)', () => {
  it('reads scalars by member name and ignores Action, Version, X-Amz-* and unknown fields', () => {
    const out = decodeInput(IAM, 'CreateRole', params(role({ MaxSessionDuration: '7200', 'X-Amz-Signature': 'abc', 'x-amz-date': '1', Unknown: 'x', 'Tags.bogus.1': 'y' })));
    expect(out).toEqual({ RoleName: 'Engineer', AssumeRolePolicyDocument: TRUST, MaxSessionDuration: 7200 });
  });

  it('reads Name.member.N lists of structures in index order, indices need not be contiguous', () => {
    const out = decodeInput(IAM, 'TagRole', params({ RoleName: 'r', 'Tags.member.10.Key': 'c', 'Tags.member.10.Value': '3', 'Tags.member.2.Key': 'b', 'Tags.member.2.Value': '2', 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': '1' }));
    expect(out.Tags).toEqual([{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }]);
  });

  it('reads an empty list sent as `Name=` (botocore QuerySerializer)', () => {
    expect(decodeInput(IAM, 'CreateUser', params({ UserName: 'alice', Tags: '' })).Tags).toEqual([]);
  });

  it('reads lists of structures that hold lists (SimulateCustomPolicy ContextEntries)', () => {
    const out = decodeInput(IAM, 'SimulateCustomPolicy', params({
      'PolicyInputList.member.1': TRUST,
      'ActionNames.member.1': 'ec2:StartInstances',
      'ContextEntries.member.1.ContextKeyName': 'aws:TagKeys',
      'ContextEntries.member.1.ContextKeyType': 'stringList',
      'ContextEntries.member.1.ContextKeyValues.member.2': 'Team',
      'ContextEntries.member.1.ContextKeyValues.member.1': 'Project',
    }));
    expect(out.ContextEntries).toEqual([{ ContextKeyName: 'aws:TagKeys', ContextKeyType: 'stringList', ContextKeyValues: ['Project', 'Team'] }]);
  });

  it('reads booleans case-insensitively and refuses anything else', () => {
    expect(decodeInput(IAM, 'CreatePolicyVersion', params({ PolicyArn: 'arn:aws:iam::123456789012:policy/p', PolicyDocument: TRUST, SetAsDefault: 'TRUE' })).SetAsDefault).toBe(true);
    expect(decodeInput(IAM, 'CreatePolicyVersion', params({ PolicyArn: 'arn:aws:iam::123456789012:policy/p', PolicyDocument: TRUST, SetAsDefault: 'False' })).SetAsDefault).toBe(false);
    expect(validation(IAM, 'CreatePolicyVersion', { PolicyArn: 'arn:aws:iam::123456789012:policy/p', PolicyDocument: TRUST, SetAsDefault: 'yes' })).toBe(
      "1 validation error detected: Value 'yes' at 'setAsDefault' failed to satisfy constraint: Member must be a boolean",
    );
  });

  it('parses integers strictly as base-10, reporting one problem and no `null`', () => {
    for (const bad of ['1e4', '0x1000', ' 7200', '7200.0', '+7200', '', '99999999999']) {
      expect(validation(IAM, 'CreateRole', role({ MaxSessionDuration: bad }))).toBe(
        `1 validation error detected: Value '${bad}' at 'maxSessionDuration' failed to satisfy constraint: Member must be a number`,
      );
    }
  });

  it('rejects a RoleName with a space: the model pattern, matched against the whole value', () => {
    expect(validation(IAM, 'CreateRole', role({ RoleName: 'bad name' }))).toBe(
      "1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
  });

  it('rejects a 65-character RoleName with AWS wording', () => {
    const long = 'r'.repeat(65);
    expect(validation(IAM, 'CreateRole', role({ RoleName: long }))).toBe(
      `1 validation error detected: Value '${long}' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  });

  it('reports pattern before length for an empty value, as AWS does (aws-runas#80)', () => {
    expect(validation(IAM, 'CreateRole', role({ RoleName: '' }))).toBe(
      "2 validation errors detected: Value '' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; " +
        "Value '' at 'roleName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('reports a missing required member as `Value null`', () => {
    expect(validation(IAM, 'CreateRole', { AssumeRolePolicyDocument: TRUST })).toBe(
      "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null",
    );
  });

  it('checks MaxSessionDuration 100 and 50000 against 3600..43200', () => {
    expect(validation(IAM, 'CreateRole', role({ MaxSessionDuration: '100' }))).toBe(
      "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    );
    expect(validation(IAM, 'CreateRole', role({ MaxSessionDuration: '50000' }))).toBe(
      "1 validation error detected: Value '50000' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
  });

  it('checks enums and lists the set in model order', () => {
    const metadata = `<EntityDescriptor>${'x'.repeat(1000)}</EntityDescriptor>`;
    expect(validation(IAM, 'CreateSAMLProvider', { Name: 'Okta', SAMLMetadataDocument: metadata, AssertionEncryptionMode: 'Maybe' })).toBe(
      "1 validation error detected: Value 'Maybe' at 'assertionEncryptionMode' failed to satisfy constraint: Member must satisfy enum value set: [Required, Allowed]",
    );
  });

  it('names list elements `tags.N.member.key` and collects every problem', () => {
    expect(validation(IAM, 'TagRole', { RoleName: 'r', 'Tags.member.1.Key': 'bad!key', 'Tags.member.1.Value': 'v', 'Tags.member.2.Value': 'v' })).toBe(
      "2 validation errors detected: Value 'bad!key' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+; " +
        "Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null",
    );
  });

  it('checks list length without echoing the list', () => {
    const fields: Record<string, string> = { RoleName: 'r' };
    for (let i = 1; i <= 51; i++) {
      fields[`Tags.member.${i}.Key`] = `k${i}`;
      fields[`Tags.member.${i}.Value`] = 'v';
    }
    expect(validation(IAM, 'TagRole', fields)).toBe("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");
  });

  it('counts length in Unicode code points, not UTF-16 units', () => {
    const emoji = '\u{1F600}';
    const ok = decodeInput(IAM, 'SimulateCustomPolicy', params({ 'PolicyInputList.member.1': TRUST, 'ActionNames.member.1': emoji.repeat(128) }));
    expect(ok.ActionNames).toEqual([emoji.repeat(128)]);
    expect(validation(IAM, 'SimulateCustomPolicy', { 'PolicyInputList.member.1': TRUST, 'ActionNames.member.1': emoji.repeat(129) })).toContain(
      "at 'actionNames.1.member' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
    expect(validation(IAM, 'SimulateCustomPolicy', { 'PolicyInputList.member.1': TRUST, 'ActionNames.member.1': emoji })).toContain('Member must have length greater than or equal to 3');
  });

  it('never echoes a sensitive member (SAMLAssertion), as AWS leaves such values out', () => {
    const base = { RoleArn: 'arn:aws:iam::123456789012:role/r', PrincipalArn: 'arn:aws:iam::123456789012:saml-provider/p' };
    const message = validation(STS, 'AssumeRoleWithSAML', { ...base, SAMLAssertion: 'se!' });
    expect(message).toBe("1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length greater than or equal to 4");
    expect(message).not.toContain('se!');
    expect(validation(STS, 'AssumeRoleWithSAML', base)).toBe("1 validation error detected: Value null at 'sAMLAssertion' failed to satisfy constraint: Member must not be null");
  });

  it('reads STS PolicyArns.member.N.arn and checks DurationSeconds', () => {
    const base = { RoleArn: 'arn:aws:iam::123456789012:role/r', PrincipalArn: 'arn:aws:iam::123456789012:saml-provider/p', SAMLAssertion: 'PHg+' };
    expect(decodeInput(STS, 'AssumeRoleWithSAML', params({ ...base, 'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess' })).PolicyArns).toEqual([
      { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    ]);
    expect(validation(STS, 'AssumeRoleWithSAML', { ...base, DurationSeconds: '899' })).toContain("Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
  });

  it('refuses list indices that are not 1..1000 without allocating for them', () => {
    for (const index of ['0', '1001', '99999999999', 'x', '01', '-1']) {
      expect(validation(IAM, 'UntagRole', { RoleName: 'r', [`TagKeys.member.${index}`]: 'k' })).toBe(
        `1 validation error detected: Value '${index}' at 'tagKeys' failed to satisfy constraint: Member must have list indices between 1 and 1000`,
      );
    }
  });

  it(`refuses a 5000-item list: more than ${MAX_PARAMS} parameters are never read`, () => {
    const fields: Record<string, string> = { RoleName: 'r' };
    for (let i = 1; i <= 5000; i++) fields[`TagKeys.member.${i}`] = `k${i}`;
    expect(validation(IAM, 'UntagRole', fields)).toBe('1 validation error detected: Request has 5001 parameters; at most 1000 are accepted');
  });

  it('accepts exactly 1000 parameters', () => {
    const fields: Record<string, string> = { 'PolicyInputList.member.1': TRUST };
    for (let i = 1; i <= 999; i++) fields[`ActionNames.member.${i}`] = `s3:Action${i}`;
    expect(decodeInput(IAM, 'SimulateCustomPolicy', params(fields)).ActionNames).toHaveLength(999);
  });

  it('refuses an operation the model does not serve', () => {
    const e = failure(IAM, 'CreateGroup', {});
    expect(e.code).toBe('InvalidAction');
  });

  it('decodes operations without input members to {}', () => {
    expect(decodeInput(STS, 'GetCallerIdentity', params({ Action: 'GetCallerIdentity', Version: '2011-06-15' }))).toEqual({});
  });
});

describe('EC2 decoding', () => {
  it('refuses a list item that carries no value instead of dropping it (an emptied required list would authorize nothing)', () => {
    for (const key of ['InstanceId.1.Foo', 'InstanceId.1.1']) {
      const e = failure(EC2, 'TerminateInstances', { [key]: 'i-0123456789abcdef0' });
      expect(e.code).toBe('MissingParameter');
    }
    expect(validation(IAM, 'UntagRole', { RoleName: 'r', 'TagKeys.member.1.x': 'k' })).toContain("Value null at 'tagKeys.1.member'");
  });

  it('reads always-flattened lists (`InstanceId.1`, `Filter.1.Value.2`)', () => {
    const out = decodeInput(EC2, 'DescribeInstances', params({ 'Filter.1.Name': 'tag:Project', 'Filter.1.Value.2': 'Beta', 'Filter.1.Value.1': 'Alpha', 'Filter.2.Name': 'instance-state-name', 'Filter.2.Value.1': 'running', MaxResults: '5', DryRun: 'false' }));
    expect(out).toEqual({ Filters: [{ Name: 'tag:Project', Values: ['Alpha', 'Beta'] }, { Name: 'instance-state-name', Values: ['running'] }], MaxResults: 5, DryRun: false });
  });

  it('reads TagSpecification.N.Tag.M.Key, nested structures and integers', () => {
    const out = decodeInput(EC2, 'RunInstances', params({
      ImageId: 'ami-1', MinCount: '1', MaxCount: '1',
      'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'Project', 'TagSpecification.1.Tag.1.Value': 'Alpha',
      'Monitoring.Enabled': 'true', 'BlockDeviceMapping.1.DeviceName': '/dev/xvda', 'BlockDeviceMapping.1.Ebs.VolumeSize': '8',
    }));
    expect(out).toEqual({
      ImageId: 'ami-1', MinCount: 1, MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Project', Value: 'Alpha' }] }],
      Monitoring: { Enabled: true },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
    });
  });

  it('also accepts the lower-case first letter spelling (`dryRun`, `instanceId.1`)', () => {
    expect(decodeInput(EC2, 'StartInstances', params({ 'instanceId.1': 'i-1', dryRun: 'true', includeManagedResources: 'x' }))).toEqual({ InstanceIds: ['i-1'], DryRun: true });
    expect(decodeInput(EC2, 'DescribeInstances', params({ includeManagedResources: 'TRUE' }))).toEqual({ IncludeManagedResources: true });
  });

  it('answers a missing required member with MissingParameter naming the wire parameter', () => {
    const e = failure(EC2, 'StartInstances', { DryRun: 'true' });
    expect([e.code, e.message, e.httpStatus]).toEqual(['MissingParameter', 'The request must contain the parameter InstanceId', 400]);
    expect(failure(EC2, 'CreateTags', { 'ResourceId.1': 'i-1' }).message).toBe('The request must contain the parameter Tag');
    expect(failure(EC2, 'RunInstances', { MinCount: '1' }).message).toBe('The request must contain the parameter MaxCount');
  });

  it('prefers MissingParameter over an invalid value', () => {
    expect(failure(EC2, 'StartInstances', { DryRun: 'maybe' }).code).toBe('MissingParameter');
  });

  it('answers an invalid value with InvalidParameterValue in EC2 wording', () => {
    const e = failure(EC2, 'DescribeInstances', { MaxResults: 'ten' });
    expect([e.code, e.message, e.httpStatus]).toEqual(['InvalidParameterValue', 'Value (ten) for parameter maxResults is invalid. Expecting an integer.', 400]);
    expect(failure(EC2, 'RunInstances', { MinCount: '1', MaxCount: '1', InstanceType: 'm9.nope' }).message).toBe(
      'Value (m9.nope) for parameter instanceType is invalid. The value is not one of the accepted values.',
    );
    expect(failure(EC2, 'RunInstances', { MinCount: '1', MaxCount: '1', 'ElasticInferenceAccelerator.1.Type': 'eia1.medium', 'ElasticInferenceAccelerator.1.Count': '0' }).message).toBe(
      'Value ( 0 ) for parameter elasticInferenceAccelerator.1.count is invalid. Expecting a value greater than or equal to 1.',
    );
    expect(failure(EC2, 'StopInstances', { 'InstanceId.1': 'i-1', Force: 'yes' }).message).toBe('Value (yes) for parameter force is invalid. Expecting true or false.');
  });

  it('refuses list index 0 and a 5000-item list', () => {
    expect(failure(EC2, 'TerminateInstances', { 'InstanceId.0': 'i-1' }).message).toBe('Value (0) for parameter instanceId is invalid. List indices must be integers between 1 and 1000.');
    const fields: Record<string, string> = {};
    for (let i = 1; i <= 5000; i++) fields[`InstanceId.${i}`] = `i-${i}`;
    const e = failure(EC2, 'TerminateInstances', fields);
    expect([e.code, e.message]).toEqual(['InvalidParameterValue', 'The request has 5000 parameters; at most 1000 are accepted.']);
  });
});

/** A model with the shapes the served operations do not use: maps, timestamps, blobs, doubles, flattened lists. */
const SYNTHETIC: ServiceModel = {
  metadata: { service: 'iam', protocol: 'query', apiVersion: '2010-05-08', xmlNamespace: 'urn:test' },
  operations: { Op: { name: 'Op', input: 'OpRequest', errors: [] } },
  shapes: {
    OpRequest: {
      type: 'structure',
      members: {
        When: { shape: 'Time' },
        Data: { shape: 'Bytes' },
        Ratio: { shape: 'Ratio' },
        Attributes: { shape: 'Attributes' },
        Names: { shape: 'Names' },
        Renamed: { shape: 'Str', locationName: 'WireName' },
        Big: { shape: 'Long' },
      },
    },
    Time: { type: 'timestamp' },
    Bytes: { type: 'blob' },
    Ratio: { type: 'double' },
    Long: { type: 'long' },
    Str: { type: 'string' },
    Attributes: { type: 'map', key: { shape: 'Str', locationName: 'Name' }, value: { shape: 'Str', locationName: 'Value' } },
    Names: { type: 'list', member: { shape: 'Str', locationName: 'Name' }, flattened: true },
  },
};

describe('the types the served operations do not use yet', () => {
  const decode = (fields: Record<string, string>) => decodeInput(SYNTHETIC, 'Op', params(fields));

  it('reads ISO-8601 (with fraction and offset) and epoch-seconds timestamps', () => {
    expect(decode({ When: '2019-11-01T20:26:47Z' }).When).toEqual(new Date('2019-11-01T20:26:47Z'));
    expect(decode({ When: '2019-11-01T20:26:47.123456Z' }).When).toEqual(new Date('2019-11-01T20:26:47.123Z'));
    expect(decode({ When: '2019-11-01T22:26:47+02:00' }).When).toEqual(new Date('2019-11-01T20:26:47Z'));
    expect(decode({ When: '1572640007' }).When).toEqual(new Date('2019-11-01T20:26:47Z'));
    expect(decode({ When: '1572640007.5' }).When).toEqual(new Date('2019-11-01T20:26:47.500Z'));
    for (const bad of ['2019-02-30T00:00:00Z', 'yesterday', '2019-11-01', '2019-11-01T24:00:00Z']) {
      expect(validation(SYNTHETIC, 'Op', { When: bad })).toContain('Member must be a timestamp');
    }
  });

  it('reads base64 blobs and refuses non-base64 without echoing it', () => {
    expect(decode({ Data: 'aGk=' }).Data).toEqual(new Uint8Array([0x68, 0x69]));
    expect(validation(SYNTHETIC, 'Op', { Data: 'not base64!' })).toBe("1 validation error detected: Value at 'data' failed to satisfy constraint: Member must be base64-encoded");
  });

  it('reads doubles, including the spellings botocore writes for non-finite values', () => {
    expect(decode({ Ratio: '0.25' }).Ratio).toBe(0.25);
    expect(decode({ Ratio: '-1e3' }).Ratio).toBe(-1000);
    expect(decode({ Ratio: 'Infinity' }).Ratio).toBe(Infinity);
    expect(validation(SYNTHETIC, 'Op', { Ratio: '1,5' })).toContain('Member must be a number');
  });

  it('reads longs up to the largest safe integer', () => {
    expect(decode({ Big: '9007199254740991' }).Big).toBe(Number.MAX_SAFE_INTEGER);
    expect(validation(SYNTHETIC, 'Op', { Big: '9007199254740993' })).toContain('Member must be a number');
  });

  it('reads maps as Name.entry.N.<key>/<value>, honouring locationName, into a null-prototype object', () => {
    const out = decode({ 'Attributes.entry.1.Name': 'a', 'Attributes.entry.1.Value': '1', 'Attributes.entry.2.Name': '__proto__', 'Attributes.entry.2.Value': 'p' });
    expect(out.Attributes).toEqual({ a: '1', ['__proto__']: 'p' });
    expect(Object.getPrototypeOf(out.Attributes)).toBe(null);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('reads flattened awsQuery lists keyed by the member name, and member locationNames', () => {
    expect(decode({ 'Name.2': 'b', 'Name.1': 'a', WireName: 'w' })).toEqual({ Names: ['a', 'b'], Renamed: 'w' });
  });
});

describe('botocore patterns', () => {
  it('compile, anchored, for every string shape of every served model', () => {
    let n = 0;
    for (const model of [IAM, STS, EC2]) {
      for (const shape of Object.values(model.shapes)) {
        if (shape.type === 'string' && shape.pattern !== undefined) {
          const re = javaPatternToRegExp(shape.pattern);
          expect(re.flags).toContain('u');
          expect(re.source.startsWith('^(?:')).toBe(true);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(15);
  });

  it('drop Java-only identity escapes (`\\,`) and keep class escapes (`\\-`)', () => {
    const path = javaPatternToRegExp('((/[A-Za-z0-9\\.,\\+@=_-]+)*)/');
    expect(path.test('/a,b+c/d/')).toBe(true);
    expect(path.test('/a b/')).toBe(false);
    expect(javaPatternToRegExp('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+').test('Projekt-Ä 1')).toBe(true);
  });

  it('match the whole value, not a substring', () => {
    expect(javaPatternToRegExp('[\\w+=,.@-]+').test('ok')).toBe(true);
    expect(javaPatternToRegExp('[\\w+=,.@-]+').test('ok then not ok')).toBe(false);
    expect(javaPatternToRegExp('(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)').test('/x')).toBe(false);
  });

  it('read `\\u10000` as Java does: four hex digits, so no supplementary characters', () => {
    const arn = javaPatternToRegExp('[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+');
    expect(arn.test('arn:aws:iam::123456789012:role/é')).toBe(true);
    expect(arn.test('arn:aws:iam::123456789012:role/\u{1F600}')).toBe(false);
  });

  it('are compiled once and cached', () => {
    expect(javaPatternToRegExp('[A-Z0-9]+')).toBe(javaPatternToRegExp('[A-Z0-9]+'));
  });
});
