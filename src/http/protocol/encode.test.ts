import { describe, expect, it } from 'vitest';
import { MODEL as EC2 } from '../../services/ec2/model.js';
import { AwsError, internalFailure } from '../../services/errors.js';
import { MODEL as IAM } from '../../services/iam/model.js';
import type { ServiceModel } from '../../services/model/types.js';
import { MODEL as STS } from '../../services/sts/model.js';
import { encodeError, encodeResult, encodeResultChunks, responseHeaders } from './encode.js';
import { escapeXmlText } from './xml.js';

const RID = '16fc956c-311e-4199-bee1-1680236e9698';
const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

describe('escapeXmlText', () => {
  it('escapes markup and CR, keeps TAB and LF', () => {
    expect(escapeXmlText('a & b <c> "d" \'e\'')).toBe('a &amp; b &lt;c&gt; "d" \'e\'');
    expect(escapeXmlText('x\r\ny\tz')).toBe('x&#13;\ny\tz');
    expect(escapeXmlText(']]>')).toBe(']]&gt;');
  });

  it('returns the same string when nothing needs escaping', () => {
    const s = 'plain text é \u{1F600}';
    expect(escapeXmlText(s)).toBe(s);
  });

  it('replaces characters XML 1.0 forbids with U+FFFD instead of writing an unparseable document', () => {
    expect(escapeXmlText('a\u0000b\u0001c\u001Fd')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(escapeXmlText('\uFFFE\uFFFF')).toBe('\uFFFD\uFFFD');
    expect(escapeXmlText('lone \uD800 high, lone \uDC00 low')).toBe('lone \uFFFD high, lone \uFFFD low');
    expect(escapeXmlText('pair \uD83D\uDE00 & ok')).toBe('pair \u{1F600} &amp; ok');
  });
});

describe('encodeResult, awsQuery', () => {
  it('wraps members in <OpResult> and ends with ResponseMetadata', () => {
    expect(encodeResult(STS, 'GetCallerIdentity', { UserId: 'AIDA', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/a&b' }, RID)).toBe(
      `${DECL}<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
        '<UserId>AIDA</UserId><Account>123456789012</Account><Arn>arn:aws:iam::123456789012:user/a&amp;b</Arn>' +
        `</GetCallerIdentityResult><ResponseMetadata><RequestId>${RID}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
  });

  it('writes members in model order whatever the object order, and omits undefined ones', () => {
    const xml = encodeResult(STS, 'GetCallerIdentity', { Arn: 'arn', UserId: 'u', Account: undefined }, RID);
    expect(xml).toContain('<GetCallerIdentityResult><UserId>u</UserId><Arn>arn</Arn></GetCallerIdentityResult>');
  });

  it('has no OpResult when the operation has no output', () => {
    expect(encodeResult(IAM, 'TagRole', undefined, RID)).toBe(
      `${DECL}<TagRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>${RID}</RequestId></ResponseMetadata></TagRoleResponse>`,
    );
  });

  it('writes lists as <Name><member>…</member></Name> and timestamps in whole UTC seconds', () => {
    const xml = encodeResult(IAM, 'ListRoleTags', { Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }], IsTruncated: false }, RID);
    expect(xml).toContain('<Tags><member><Key>a</Key><Value>1</Value></member><member><Key>b</Key><Value>2</Value></member></Tags><IsTruncated>false</IsTruncated>');
    const user = { Path: '/', UserName: 'u', UserId: 'AIDAEXAMPLE', Arn: 'arn', CreateDate: new Date('2019-11-01T20:26:47.999Z') };
    expect(encodeResult(IAM, 'GetUser', { User: user }, RID)).toContain('<CreateDate>2019-11-01T20:26:47Z</CreateDate>');
  });

  it('URL-encodes IAM policy documents (RFC 3986) and nothing else', () => {
    const doc = '{"Sid":"a b+c%(d)*!\'~é"}';
    const xml = encodeResult(IAM, 'GetRolePolicy', { RoleName: 'r b', PolicyName: 'p', PolicyDocument: doc }, RID);
    expect(xml).toContain('<RoleName>r b</RoleName>');
    expect(xml).toContain('<PolicyDocument>%7B%22Sid%22%3A%22a%20b%2Bc%25%28d%29%2A%21%27~%C3%A9%22%7D</PolicyDocument>');
    expect(decodeURIComponent('%7B%22Sid%22%3A%22a%20b%2Bc%25%28d%29%2A%21%27~%C3%A9%22%7D')).toBe(doc);
  });

  it('writes an empty output structure as an empty result element', () => {
    expect(encodeResult(IAM, 'UpdateRole', {}, RID)).toContain('<UpdateRoleResult></UpdateRoleResult>');
  });
});

describe('encodeResult, EC2', () => {
  it('puts requestId first, has no Result wrapper, uses locationNames and <item> lists, milliseconds in timestamps', () => {
    const xml = encodeResult(EC2, 'DescribeInstances', {
      Reservations: [{ ReservationId: 'r-1', OwnerId: '123456789012', Instances: [{ InstanceId: 'i-1', State: { Code: 16, Name: 'running' }, LaunchTime: new Date('2024-05-06T07:08:09Z'), Tags: [{ Key: 'k', Value: 'v' }] }] }],
    }, RID);
    expect(xml).toBe(
      `${DECL}<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${RID}</requestId>` +
        '<reservationSet><item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId><instancesSet><item>' +
        '<tagSet><item><key>k</key><value>v</value></item></tagSet><instanceId>i-1</instanceId>' +
        '<instanceState><code>16</code><name>running</name></instanceState><launchTime>2024-05-06T07:08:09.000Z</launchTime>' +
        '</item></instancesSet></item></reservationSet></DescribeInstancesResponse>',
    );
  });

  it('writes the same bytes in pieces (encodeResultChunks) as in one string, for a multi-megabyte answer with non-ASCII tags', () => {
    const instances = Array.from({ length: 3000 }, (_, i) => ({
      InstanceId: `i-${i}`, State: { Code: 16, Name: 'running' }, LaunchTime: new Date('2024-05-06T07:08:09Z'),
      Tags: [{ Key: 'Owner', Value: `jané 😀 <${i}> & ${'x'.repeat(i % 300)}` }],
    }));
    const output = { Reservations: [{ ReservationId: 'r-1', OwnerId: '123456789012', Instances: instances }], NextToken: 'tok' };
    const chunks = encodeResultChunks(EC2, 'DescribeInstances', output, RID);
    expect(chunks.length).toBeGreaterThan(3);
    expect(Buffer.concat(chunks).equals(Buffer.from(encodeResult(EC2, 'DescribeInstances', output, RID), 'utf8'))).toBe(true);
    expect(Buffer.concat(encodeResultChunks(EC2, 'DeleteTags', undefined, RID)).toString('utf8')).toBe(encodeResult(EC2, 'DeleteTags', undefined, RID));
  });

  it('answers <return>true</return> for operations without output', () => {
    expect(encodeResult(EC2, 'DeleteTags', undefined, RID)).toBe(
      `${DECL}<DeleteTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${RID}</requestId><return>true</return></DeleteTagsResponse>`,
    );
  });
});

describe('encodeResult refuses output the model does not describe (a handler bug, not a wire value)', () => {
  it.each([
    ['a string for an integer', { Policy: { AttachmentCount: '1' } }],
    ['a fractional integer', { Policy: { AttachmentCount: 1.5 } }],
    ['a string for a timestamp', { Policy: { CreateDate: '2019-11-01T20:26:47Z' } }],
    ['an invalid Date', { Policy: { CreateDate: new Date(Number.NaN) } }],
    ['a number for a string', { Policy: { PolicyName: 7 } }],
    ['an object for a list', { Policy: { Tags: {} } }],
  ])('%s', (_, output) => {
    expect(() => encodeResult(IAM, 'GetPolicy', output, RID)).toThrow(/^encode: /);
  });

  it('an operation the model does not have', () => {
    expect(() => encodeResult(IAM, 'CreateGroup', {}, RID)).toThrow(/no operation CreateGroup/);
  });
});

/** Shapes the served operations do not use in output: maps, flattened lists, blobs, doubles. */
const SYNTHETIC: ServiceModel = {
  metadata: { service: 'sts', protocol: 'query', apiVersion: '2011-06-15', xmlNamespace: 'urn:test' },
  operations: { Op: { name: 'Op', output: 'Out', resultWrapper: 'OpResult', errors: [] } },
  shapes: {
    Out: {
      type: 'structure',
      members: {
        Attrs: { shape: 'Attrs' },
        Flat: { shape: 'Flat' },
        Named: { shape: 'Named' },
        Data: { shape: 'Bytes' },
        Ratio: { shape: 'Ratio' },
        PolicyDocument: { shape: 'policyDocumentType' },
      },
    },
    Attrs: { type: 'map', key: { shape: 'Str', locationName: 'Name' }, value: { shape: 'Str' } },
    Flat: { type: 'list', member: { shape: 'Str' }, flattened: true },
    Named: { type: 'list', member: { shape: 'Str', locationName: 'Item' }, flattened: true },
    Bytes: { type: 'blob' },
    Ratio: { type: 'double' },
    Str: { type: 'string' },
    policyDocumentType: { type: 'string' },
  },
};

describe('encodeResult, the shapes the served outputs do not use yet', () => {
  it('writes maps as <entry>, flattened lists repeated, blobs in base64, doubles; URL-encodes policies only for IAM', () => {
    const xml = encodeResult(SYNTHETIC, 'Op', { Attrs: { a: '1', b: '2' }, Flat: ['x', 'y'], Named: ['z'], Data: new Uint8Array([0x68, 0x69]), Ratio: Number.NaN, PolicyDocument: '{"a": 1}' }, RID);
    expect(xml).toContain(
      '<OpResult><Attrs><entry><Name>a</Name><value>1</value></entry><entry><Name>b</Name><value>2</value></entry></Attrs>' +
        '<Flat>x</Flat><Flat>y</Flat><Item>z</Item><Data>aGk=</Data><Ratio>NaN</Ratio><PolicyDocument>{"a": 1}</PolicyDocument></OpResult>',
    );
  });
});

describe('encodeError', () => {
  it('writes the awsQuery ErrorResponse with Type, in the service namespace', () => {
    const e = new AwsError('NoSuchEntity', 'The role with name <x> cannot be found.', 404);
    expect(encodeError(IAM, e, RID)).toEqual({
      status: 404,
      headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': RID },
      body: `${DECL}<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name &lt;x&gt; cannot be found.</Message></Error><RequestId>${RID}</RequestId></ErrorResponse>`,
    });
  });

  it('says Receiver for server faults', () => {
    expect(encodeError(STS, internalFailure(), RID).body).toContain('<Type>Receiver</Type><Code>InternalFailure</Code>');
    expect(encodeError(STS, internalFailure(), RID).status).toBe(500);
  });

  it('writes the EC2 Response: no namespace, no Type, RequestID with a capital D', () => {
    const e = new AwsError('MissingParameter', 'The request must contain the parameter InstanceId', 400);
    expect(encodeError(EC2, e, RID)).toEqual({
      status: 400,
      headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': RID },
      body: `${DECL}<Response><Errors><Error><Code>MissingParameter</Code><Message>The request must contain the parameter InstanceId</Message></Error></Errors><RequestID>${RID}</RequestID></Response>`,
    });
  });

  it('takes just the protocol and namespace when no model is at hand', () => {
    const e = new AwsError('InvalidAction', 'Could not find operation Foo for version', 400);
    expect(encodeError({ protocol: 'query', xmlNamespace: IAM.metadata.xmlNamespace }, e, RID)).toEqual(encodeError(IAM, e, RID));
  });
});

describe('responseHeaders', () => {
  it('is text/xml with the request id', () => {
    expect(responseHeaders(RID)).toEqual({ 'content-type': 'text/xml', 'x-amzn-RequestId': RID });
  });
});
