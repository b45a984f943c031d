// The AWS Query API over raw HTTP (node fetch) against a real `tessera up`: the home page, unknown
// paths, unsigned and mis-signed calls, clock skew, cross-service signatures, oversized and non-form
// bodies, too many parameters — each answered in its protocol's error document with a request id.
// Wordings are AWS's, cited at each assertion (aws.md §8).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignRequest } from '../src/sigv4/index.js';
import { API_VERSIONS, parseXml, removeTempDirs, rawRequest, readWireError, requestIdHeader, signedCall, startTessera, xmlText } from './support/server.js';
import type { HttpResult, RunningTessera, Service } from './support/server.js';

let server: RunningTessera;

beforeAll(async () => {
  server = await startTessera();
});
afterAll(async () => {
  await server?.stop();
  removeTempDirs();
});

const NAMESPACE: Record<Service, string | null> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  ec2: null,
};

/**
 * The answer is an error document of `service`'s protocol (awsQuery ErrorResponse in the service's
 * namespace, or EC2's un-namespaced Response/Errors), with `status`, `code`, and the request id in
 * both the body and the `x-amzn-RequestId` header.
 */
function expectError(r: HttpResult, service: Service, status: number, code: string): { message: string } {
  expect({ status: r.status, body: r.body.slice(0, 300) }).toMatchObject({ status });
  expect(r.headers.get('content-type')).toMatch(/^text\/xml/);
  const e = readWireError(r.body);
  expect(e.code).toBe(code);
  expect(e.protocol).toBe(service === 'ec2' ? 'ec2' : 'query');
  const root = parseXml(r.body).documentElement as Element;
  if (service === 'ec2') {
    expect(root.namespaceURI ?? null).toBeNull();
  } else {
    expect(root.namespaceURI).toBe(NAMESPACE[service]);
    expect(e.type).toBe(status >= 500 ? 'Receiver' : 'Sender');
  }
  expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(requestIdHeader(r)).toBe(e.requestId);
  return { message: e.message };
}

describe('plain HTTP', () => {
  it('GET / answers the home text', async () => {
    const r = await rawRequest(server.url, { method: 'GET', path: '/', headers: [] });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.body).toContain('Tessera');
    expect(r.body).toContain('--endpoint-url');
  });

  it('an unknown path or method is 404', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['POST', '/api'],
      ['GET', '/..%2f'],
      ['DELETE', '/'],
      ['PUT', '/'],
    ] as const) {
      const r = await rawRequest(server.url, { method, path, headers: [], ...(method === 'GET' ? {} : { body: 'x' }) });
      expect(r.status, `${method} ${path}`).toBe(404);
    }
  });
});

describe('unsigned calls', () => {
  it('IAM and STS actions need a signature: 403 MissingAuthenticationToken', async () => {
    for (const [service, action] of [
      ['iam', 'ListRoles'],
      ['iam', 'CreateRole'],
      ['sts', 'GetCallerIdentity'],
      ['sts', 'DecodeAuthorizationMessage'],
    ] as const) {
      const r = await signedCall(server, service, action, {}, { credentials: 'unsigned' });
      // aws.md §2.1 (OBS GH:cert-manager/aws-privateca-issuer#40).
      expect(expectError(r, service, 403, 'MissingAuthenticationToken').message).toBe('Request is missing Authentication Token');
    }
  });

  it('EC2 actions need a signature: 401 AuthFailure in <Response><Errors>', async () => {
    for (const action of ['DescribeRegions', 'StopInstances', 'RunInstances']) {
      const r = await signedCall(server, 'ec2', action, {}, { credentials: 'unsigned' });
      // aws.md §8.3.3, §6.10.
      expect(expectError(r, 'ec2', 401, 'AuthFailure').message).toBe('AWS was not able to validate the provided access credentials');
    }
  });

  it('AssumeRoleWithSAML is the one action accepted unsigned (it reaches the assertion check)', async () => {
    const r = await signedCall(
      server,
      'sts',
      'AssumeRoleWithSAML',
      {
        RoleArn: 'arn:aws:iam::013823792818:role/AccessByCostCenter',
        PrincipalArn: 'arn:aws:iam::013823792818:saml-provider/auth0SamlProvider',
        SAMLAssertion: Buffer.from('<not-saml/>').toString('base64'),
      },
      { credentials: 'unsigned' },
    );
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    const e = readWireError(r.body);
    expect(e.code).not.toBe('MissingAuthenticationToken');
    expect(['InvalidIdentityToken', 'AccessDenied', 'ValidationError']).toContain(e.code);
  });

  it('an unsigned call with no Action and no Version is refused, not routed', async () => {
    const r = await rawRequest(server.url, { method: 'POST', path: '/', headers: [['content-type', 'application/x-www-form-urlencoded']], body: 'Foo=bar' });
    expectError(r, 'iam', 403, 'MissingAuthenticationToken');
  });
});

describe('signed calls that name no operation', () => {
  it.each(['iam', 'sts', 'ec2'] as const)('%s: a missing Action is 400 MissingAction', async (service) => {
    const r = await signedCall(server, service, undefined);
    // aws.md §8.5 (API-CE).
    expectError(r, service, 400, 'MissingAction');
  });

  it.each(['iam', 'sts', 'ec2'] as const)('%s: an unknown Action is 400 InvalidAction', async (service) => {
    for (const action of ['Frobnicate', 'constructor', '__proto__', 'hasOwnProperty', 'getCallerIdentity']) {
      const r = await signedCall(server, service, action);
      expectError(r, service, 400, 'InvalidAction');
    }
  });

  it('an operation of another service under this scope is InvalidAction (no cross-service routing)', async () => {
    expectError(await signedCall(server, 'ec2', 'GetCallerIdentity'), 'ec2', 400, 'InvalidAction');
    expectError(await signedCall(server, 'iam', 'DescribeRegions'), 'iam', 400, 'InvalidAction');
  });
});

describe('bad signatures', () => {
  const breakSignature = (request: { headers: [string, string][] }) => {
    const auth = request.headers.find(([k]) => k === 'Authorization') as [string, string];
    auth[1] = auth[1].replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`);
  };

  it('a wrong signature is 403 SignatureDoesNotMatch (IAM, STS) and 401 AuthFailure (EC2)', async () => {
    // aws.md §8.4.9 (MOTO:moto/core/exceptions.py; DOC).
    const signatureMismatch =
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
    expect(expectError(await signedCall(server, 'iam', 'ListRoles', {}, { tamper: breakSignature }), 'iam', 403, 'SignatureDoesNotMatch').message).toBe(signatureMismatch);
    expectError(await signedCall(server, 'sts', 'GetCallerIdentity', {}, { tamper: breakSignature }), 'sts', 403, 'SignatureDoesNotMatch');
    expectError(await signedCall(server, 'ec2', 'DescribeRegions', {}, { tamper: breakSignature }), 'ec2', 401, 'AuthFailure');
  });

  it('a body changed after signing is refused', async () => {
    const addParam = (request: { body: string }) => {
      request.body += '&RoleName=Injected';
    };
    expectError(await signedCall(server, 'iam', 'ListRoles', {}, { tamper: addParam }), 'iam', 403, 'SignatureDoesNotMatch');
    expectError(await signedCall(server, 'ec2', 'DescribeRegions', {}, { tamper: addParam }), 'ec2', 401, 'AuthFailure');
  });

  it('the wrong secret is refused; an unknown key id is InvalidClientTokenId (IAM/STS), AuthFailure (EC2)', async () => {
    const wrongSecret = { accessKeyId: server.admin.accessKeyId, secretAccessKey: 'not-the-secret-000000000000000000000000' };
    expectError(await signedCall(server, 'sts', 'GetCallerIdentity', {}, { credentials: wrongSecret }), 'sts', 403, 'SignatureDoesNotMatch');
    const unknown = { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: server.admin.secretAccessKey };
    // aws.md §8.4.5 (OBS GH:aws-azure-login#251).
    expect(expectError(await signedCall(server, 'sts', 'GetCallerIdentity', {}, { credentials: unknown }), 'sts', 403, 'InvalidClientTokenId').message).toMatch(
      /^The security token included in the request is invalid\.?$/,
    );
    expectError(await signedCall(server, 'ec2', 'DescribeRegions', {}, { credentials: unknown }), 'ec2', 401, 'AuthFailure');
  });

  it('a date 20 minutes off is "Signature expired" / "not yet current" (IAM, STS) and RequestExpired (EC2)', async () => {
    const past = new Date(Date.now() - 20 * 60_000);
    const future = new Date(Date.now() + 20 * 60_000);
    // aws.md §8.4.4 (OBS GH:aws/aws-cli#6676): `Signature expired: <date> is now earlier than <now-15> (<now> - 15 min.)`.
    const expired = expectError(await signedCall(server, 'iam', 'ListRoles', {}, { now: past }), 'iam', 403, 'SignatureDoesNotMatch');
    expect(expired.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const early = expectError(await signedCall(server, 'sts', 'GetCallerIdentity', {}, { now: future }), 'sts', 403, 'SignatureDoesNotMatch');
    expect(early.message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/);
    // aws.md §6.10 (OBS GH:aws/aws-sdk-java#1443).
    expect(expectError(await signedCall(server, 'ec2', 'DescribeRegions', {}, { now: past }), 'ec2', 400, 'RequestExpired').message).toBe('Request has expired.');
    expectError(await signedCall(server, 'ec2', 'DescribeRegions', {}, { now: future }), 'ec2', 400, 'RequestExpired');
  });

  it('a request signed for s3 is SignatureDoesNotMatch (a cross-service replay)', async () => {
    const r = await signedCall(server, 'iam', 'ListRoles', {}, { signingService: 's3' });
    // aws.md §8.4.3 (DOC UG:signature-v4-troubleshooting).
    expect(expectError(r, 'iam', 403, 'SignatureDoesNotMatch').message).toMatch(/^Credential should be scoped to correct service: 'iam'/);
  });

  it('an x-amz-* header added after signing is refused', async () => {
    const r = await signedCall(server, 'sts', 'GetCallerIdentity', {}, {
      tamper: (req) => {
        req.headers.push(['X-Amz-Meta-Injected', 'yes']);
      },
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(['IncompleteSignature', 'SignatureDoesNotMatch', 'AccessDenied']).toContain(readWireError(r.body).code);
  });

  it('a presigned GET (query-string signature) works, and its tampered twin does not', async () => {
    const request = { method: 'GET', path: `/?Action=GetCallerIdentity&Version=${API_VERSIONS.sts}`, headers: [['host', server.host]] as [string, string][], body: '' };
    const signed = presignRequest(request, server.admin, { region: 'us-east-1', service: 'sts', now: new Date(), expiresIn: 300 });
    const good = await rawRequest(server.url, signed);
    expect(good.status).toBe(200);
    expect(xmlText(parseXml(good.body), 'GetCallerIdentityResult', 'Account')).toBe('013823792818');
    const bad = await rawRequest(server.url, { ...signed, path: signed.path.replace('GetCallerIdentity', 'GetCallerIdentitY') });
    expectError(bad, 'sts', 403, 'SignatureDoesNotMatch');
  });
});

describe('bodies the API does not read', () => {
  it('a body over 12 MiB is 413', async () => {
    const big = 'Action=ListRoles&Version=2010-05-08&Pad=' + 'a'.repeat(12 * 1024 * 1024);
    let r: HttpResult;
    try {
      r = await rawRequest(server.url, { method: 'POST', path: '/', headers: [['content-type', 'application/x-www-form-urlencoded']], body: big });
    } catch (e) {
      throw new Error(`the server dropped the connection instead of answering 413: ${(e as Error).message} (${String((e as { cause?: unknown }).cause)})`);
    }
    expectError(r, 'iam', 413, 'RequestEntityTooLarge');
  });

  it('a non-form body is 415', async () => {
    const r = await signedCall(server, 'iam', 'ListRoles', {}, {
      tamper: (req) => {
        const ct = req.headers.find(([k]) => k === 'content-type') as [string, string];
        ct[1] = 'application/json';
      },
    });
    // The content type is a signed header, so either refusal is right; an unsigned one must be 415.
    expect([403, 415]).toContain(r.status);
    const json = await rawRequest(server.url, { method: 'POST', path: '/', headers: [['content-type', 'application/json']], body: '{"Action":"ListRoles"}' });
    expectError(json, 'iam', 415, 'UnsupportedMediaType');
    const xml = await rawRequest(server.url, { method: 'POST', path: '/', headers: [['content-type', 'text/xml']], body: '<a/>' });
    expectError(xml, 'iam', 415, 'UnsupportedMediaType');
  });

  it('more than 1000 parameters is 400', async () => {
    const params: [string, string][] = [];
    for (let i = 1; i <= 1001; i++) params.push([`Tags.member.${i}.Key`, `k${i}`]);
    const r = await signedCall(server, 'iam', 'TagRole', params);
    expectError(r, 'iam', 400, 'ValidationError');
    const unsigned = await rawRequest(server.url, {
      method: 'POST',
      path: '/',
      headers: [['content-type', 'application/x-www-form-urlencoded']],
      body: params.map(([k, v]) => `${k}=${v}`).join('&'),
    });
    expect(unsigned.status).toBe(400);
    readWireError(unsigned.body);
  });

  it('a malformed percent-encoding in the body is a 4xx error document, not a crash', async () => {
    const r = await rawRequest(server.url, {
      method: 'POST',
      path: '/',
      headers: [['content-type', 'application/x-www-form-urlencoded']],
      body: 'Action=GetCallerIdentity&Version=2011-06-15&X=%E0%A4%A',
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    readWireError(r.body);
  });
});

describe('malformed list items', () => {
  // A list item given children instead of a value (`InstanceId.1.Foo=x`) names nothing. Dropping it
  // silently turns a required list into an empty one, and the call "succeeds" on nothing — with an
  // authorization over zero resources, which is vacuously true for any caller.
  it.each([
    ['ec2', 'TerminateInstances', [['InstanceId.1.Foo', 'i-0123456789abcdef0']]],
    ['ec2', 'StopInstances', [['InstanceId.1.Foo', 'i-0123456789abcdef0']]],
    ['ec2', 'StartInstances', [['InstanceId.1.1', 'i-0123456789abcdef0']]],
    ['ec2', 'CreateTags', [['ResourceId.1.x', 'i-0123456789abcdef0'], ['Tag.1.Key', 'k'], ['Tag.1.Value', 'v']]],
    ['iam', 'UntagRole', [['RoleName', 'MalformedListTarget'], ['TagKeys.member.1.x', 'k']]],
  ] as const)('%s:%s with only malformed items of a required list is a 4xx, not an empty success', async (service, action, params) => {
    if (action === 'UntagRole') {
      const trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::013823792818:saml-provider/x"},"Action":"sts:AssumeRoleWithSAML"}]}';
      expect((await signedCall(server, 'iam', 'CreateRole', { RoleName: 'MalformedListTarget', AssumeRolePolicyDocument: trust })).status).toBe(200);
    }
    const r = await signedCall(server, service, action, params);
    expect(r.status, r.body.slice(0, 400)).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    readWireError(r.body);
  });
});

describe('successful answers', () => {
  it('carry the request id in the header and the body, in each protocol\'s place', async () => {
    const sts = await signedCall(server, 'sts', 'GetCallerIdentity');
    expect(sts.status).toBe(200);
    const stsDoc = parseXml(sts.body);
    expect((stsDoc.documentElement as Element).namespaceURI).toBe(NAMESPACE.sts);
    expect(xmlText(stsDoc, 'ResponseMetadata', 'RequestId')).toBe(requestIdHeader(sts));
    const ec2 = await signedCall(server, 'ec2', 'DescribeRegions');
    expect(ec2.status).toBe(200);
    const ec2Doc = parseXml(ec2.body);
    expect((ec2Doc.documentElement as Element).namespaceURI).toBe('http://ec2.amazonaws.com/doc/2016-11-15/');
    expect(xmlText(ec2Doc, 'requestId')).toBe(requestIdHeader(ec2));
  });
});
