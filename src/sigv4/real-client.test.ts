// Compatibility is proved by other people's code (CONVENTIONS.md): signatures made by real clients verify.
// 1. @smithy/signature-v4 (the signer of the AWS SDK for JavaScript v3): requests it signed, recorded in
//    fixtures/smithy-signature-v4/recorded.json (fixtures/README.md), and signed live (dev dependency).
// 2. The AWS CLI (botocore) on the machine: real requests over loopback to a capture server, and a
//    presigned URL from `aws rds generate-db-auth-token` (offline). Never skipped: CLI v1 is on the image.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { flipChar, mapHeader } from './fixtures/http-message.js';
import type { SigV4Request, SigV4Result } from './types.js';
import { verifySigV4 } from './verify.js';

const run = promisify(execFile);

interface Recorded {
  readonly source: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken: string };
  readonly signingDate: string;
  readonly cases: readonly { readonly name: string; readonly service: string; readonly region: string; readonly request: SigV4Request }[];
}

const recorded = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'smithy-signature-v4', 'recorded.json'), 'utf8')) as Recorded;
const { credentials } = recorded;

function lookupFor(creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return (id: string, token: string | undefined) =>
    id === creds.accessKeyId && token === creds.sessionToken ? { secretAccessKey: creds.secretAccessKey } : undefined;
}

function expectOk(result: SigV4Result<{ secretAccessKey: string }>): void {
  if (!result.ok) expect.fail(`${result.code} (${result.reason}): ${result.message}\n${result.canonicalRequest ?? ''}`);
}

describe(`@smithy/signature-v4, recorded (${recorded.source})`, () => {
  for (const c of recorded.cases) {
    it(`verifies ${c.name}`, () => {
      const result = verifySigV4(c.request, {
        now: new Date(recorded.signingDate),
        lookupSecret: lookupFor(credentials),
        expectedService: c.service,
        expectedRegion: c.region,
      });
      expectOk(result);
      expect(result.ok && result.securityToken).toBe(credentials.sessionToken);
      expect(result.ok && result.scope).toEqual({ date: '20260115', region: c.region, service: c.service });
    });

    it(`refuses ${c.name} with one character of its signature changed`, () => {
      const q = c.request.path.includes('X-Amz-Signature=');
      const tampered = q
        ? { ...c.request, path: flipChar(c.request.path, c.request.path.length - 1) }
        : mapHeader(c.request, 'authorization', (a) => flipChar(a, a.length - 1));
      const result = verifySigV4(tampered, { now: new Date(recorded.signingDate), lookupSecret: lookupFor(credentials) });
      expect(result.ok ? 'verified' : result.code).toBe('SignatureDoesNotMatch');
    });
  }
});

describe('@smithy/signature-v4 (the AWS SDK v3 signer), live', () => {
  it('verifies what it signs now', async () => {
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'sts', sha256: Hash.bind(null, 'sha256') });
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const now = new Date();
    const signed = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4750, path: '/', query: {}, headers: { host: '127.0.0.1:4750', 'content-type': 'application/x-www-form-urlencoded' }, body },
      { signingDate: now },
    );
    const result = verifySigV4({ method: 'POST', path: '/', headers: Object.entries(signed.headers), body }, { now, lookupSecret: lookupFor(credentials) });
    expectOk(result);
  });
});

// --- the AWS CLI -----------------------------------------------------------------------------------

const CLI_KEY = { accessKeyId: 'ASIAQWERTYUIOPASDFGH', secretAccessKey: 'Zm9vYmFyYmF6cXV4/quux+CLItestSecretEXAMPLE', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/cli+session==' };

const cliEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_ACCESS_KEY_ID: CLI_KEY.accessKeyId,
  AWS_SECRET_ACCESS_KEY: CLI_KEY.secretAccessKey,
  AWS_SESSION_TOKEN: CLI_KEY.sessionToken,
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_RETRY_MODE: 'standard',
  AWS_MAX_ATTEMPTS: '1',
  AWS_PAGER: '',
};

const cliWorks = await run('aws', ['--version'], { env: cliEnv, timeout: 30000 }).then(
  () => true,
  () => false,
);

/** Runs `aws …` against a loopback server that records each request and answers `reply`. */
async function captureCli(args: readonly string[], reply: string): Promise<{ request: SigV4Request; at: Date }[]> {
  const seen: { request: SigV4Request; at: Date }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
      seen.push({ request: { method: req.method ?? '', path: req.url ?? '', headers, body: Buffer.concat(chunks) }, at: new Date() });
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await run('aws', [...args, '--endpoint-url', `http://127.0.0.1:${port}`, '--output', 'json'], { env: cliEnv, timeout: 60000 });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  return seen;
}

describe('the AWS CLI (botocore)', () => {
  it('is installed (the image\'s Python has AWS CLI v1)', () => expect(cliWorks).toBe(true));

  it('signs sts get-caller-identity with a session token, and it verifies', async () => {
    const reply =
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
      '<Arn>arn:aws:sts::013823792818:assumed-role/AccessByCostCenter/jane</Arn><UserId>AROAEXAMPLE:jane</UserId>' +
      '<Account>013823792818</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>';
    const seen = await captureCli(['sts', 'get-caller-identity', '--region', 'us-east-1'], reply);
    expect(seen).toHaveLength(1);
    const { request, at } = seen[0] as { request: SigV4Request; at: Date };
    const result = verifySigV4(request, { now: at, lookupSecret: lookupFor(CLI_KEY), expectedService: 'sts' });
    expectOk(result);
    expect(result.ok && [result.securityToken, result.scope.region]).toEqual([CLI_KEY.sessionToken, 'us-east-1']);
    const tampered = verifySigV4({ ...request, body: Buffer.from(`${String(request.body)}&x=1`) }, { now: at, lookupSecret: lookupFor(CLI_KEY) });
    expect(tampered.ok ? 'verified' : tampered.code).toBe('SignatureDoesNotMatch');
  }, 90000);

  it('signs ec2 describe-instances with a tag filter of reserved characters, and it verifies', async () => {
    const reply = '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>1</requestId><reservationSet/></DescribeInstancesResponse>';
    const seen = await captureCli(['ec2', 'describe-instances', '--region', 'eu-west-1', '--filters', JSON.stringify([{ Name: 'tag:CostCenter', Values: ["a b+c/~*'()!ሴ"] }])], reply);
    expect(seen).toHaveLength(1);
    const { request, at } = seen[0] as { request: SigV4Request; at: Date };
    const result = verifySigV4(request, { now: at, lookupSecret: lookupFor(CLI_KEY), expectedService: 'ec2', expectedRegion: 'eu-west-1' });
    expectOk(result);
  }, 90000);

  it('presigns with query parameters (rds generate-db-auth-token), and the URL verifies until it expires', async () => {
    const before = new Date();
    const { stdout } = await run(
      'aws',
      ['rds', 'generate-db-auth-token', '--hostname', 'db.example.internal', '--port', '5432', '--username', 'jane', '--region', 'eu-west-1'],
      { env: cliEnv, timeout: 60000 },
    );
    const url = stdout.trim(); // db.example.internal:5432/?Action=connect&DBUser=jane&X-Amz-…
    const slash = url.indexOf('/');
    const request: SigV4Request = { method: 'GET', path: url.slice(slash), headers: [['Host', url.slice(0, slash)]], body: '' };
    const result = verifySigV4(request, { now: new Date(), lookupSecret: lookupFor(CLI_KEY), expectedService: 'rds-db' });
    expectOk(result);
    expect(result.ok && result.authLocation).toBe('query');
    expect(result.ok && result.securityToken).toBe(CLI_KEY.sessionToken);
    const late = verifySigV4(request, { now: new Date(before.getTime() + 16 * 60 * 1000), lookupSecret: lookupFor(CLI_KEY) });
    expect(late.ok ? 'verified' : late.code).toBe('AccessDenied');
  }, 90000);
});
