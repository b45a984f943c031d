// `tessera saml verify` and `tessera saml decode` on responses our own IdP signer produces and on
// one signed by xmlsec1, through the CLI entry point and the built binary.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { createSigningCredential, type SigningCredential } from '../src/saml/keys.js';
import { buildIdpMetadata } from '../src/saml/metadata.js';
import { buildResponse, encodePostBinding, type ResponseSpec } from '../src/saml/response.js';

const root = resolve(import.meta.dirname, '..');
const NOW = Date.parse('2026-11-29T10:00:00.000Z');
const ACCOUNT = '013823792818';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/AccessByCostCenter`;
const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/auth0SamlProvider`;

let dir: string;
let cred: SigningCredential;
let metadataFile: string;

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const input = new PassThrough();
  input.end('');
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, stdin: input });
  return { code, out, err };
}

function spec(overrides: Partial<ResponseSpec> = {}): ResponseSpec {
  return {
    issuer: 'urn:tessera.example',
    destination: 'https://signin.aws.amazon.com/saml',
    recipient: 'https://signin.aws.amazon.com/saml',
    audiences: ['urn:amazon:webservices'],
    nameId: { value: 'jane@example.com', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' },
    attributes: {
      'https://aws.amazon.com/SAML/Attributes/Role': `${ROLE},${PROVIDER}`,
      'https://aws.amazon.com/SAML/Attributes/RoleSessionName': 'jane@example.com',
      'https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter': 'marketing',
      'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project': 'website',
    },
    now: NOW,
    ...overrides,
  };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-saml-cli-'));
  cred = await createSigningCredential({ host: 'tessera.example', notBefore: new Date(NOW - 86_400_000) });
  metadataFile = file(
    'metadata.xml',
    buildIdpMetadata({
      entityId: 'urn:tessera.example',
      signingCertificates: [cred.certificatePem],
      ssoUrl: 'https://tessera.example/samlp/client',
      sloUrl: 'https://tessera.example/samlp/client/logout',
    }),
  );
});

describe('tessera saml verify', () => {
  it('accepts the seed user\'s response and prints roles, session name and tags', async () => {
    const response = file('ok.b64', encodePostBinding(buildResponse(spec(), { privateKey: cred.privateKeyPem, certificate: cred.certificatePem })));
    const r = await run(['saml', 'verify', '--metadata', metadataFile, '--response', response, '--now', new Date(NOW + 10_000).toISOString()]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({
      verified: true,
      issuer: 'urn:tessera.example',
      nameId: { value: 'jane@example.com', subjectType: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' },
      roles: [{ role: ROLE, provider: PROVIDER }],
      roleSessionName: 'jane@example.com',
      sessionTags: { CostCenter: 'marketing', Project: 'website' },
      signed: 'assertion',
      awsProblems: [],
    });
    expect(out.warnings).toEqual([]);
  });

  it('accepts raw XML and reports an rsa-sha1 signature as a warning', async () => {
    const xml = buildResponse(spec(), { privateKey: cred.privateKeyPem, certificate: cred.certificatePem, signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' });
    const response = file('sha1.xml', xml);
    const r = await run(['saml', 'verify', '--metadata', metadataFile, '--response', response, '--now', new Date(NOW).toISOString()]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).warnings.join(' ')).toMatch(/SHA-1/);
    const strict = await run(['saml', 'verify', '--metadata', metadataFile, '--response', response, '--now', new Date(NOW).toISOString(), '--strict']);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.out).error).toMatchObject({ code: 'InvalidIdentityToken', reason: 'SIG_SHA1_STRICT' });
  });

  it('rejects a tampered tag with the AWS code and the precise reason', async () => {
    const xml = buildResponse(spec(), { privateKey: cred.privateKeyPem, certificate: cred.certificatePem }).replace('>marketing<', '>engineering<');
    const r = await run(['saml', 'verify', '--metadata', metadataFile, '--response', file('tampered.xml', xml), '--now', new Date(NOW).toISOString()]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({
      verified: false,
      error: { code: 'InvalidIdentityToken', message: 'Response signature invalid', reason: 'SIG_INVALID', detail: expect.any(String) },
    });
  });

  it('rejects an expired response as ExpiredTokenException', async () => {
    const response = file('old.b64', encodePostBinding(buildResponse(spec(), { privateKey: cred.privateKeyPem, certificate: cred.certificatePem })));
    const r = await run(['saml', 'verify', '--metadata', metadataFile, '--response', response, '--now', new Date(NOW + 2 * 3600_000).toISOString()]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.code).toBe('ExpiredTokenException');
  });

  it('exits 2 on usage errors and unreadable metadata', async () => {
    expect((await run(['saml', 'verify', '--response', metadataFile])).code).toBe(2);
    expect((await run(['saml', 'verify', '--metadata', file('bad.xml', '<nope/>'), '--response', metadataFile])).code).toBe(2);
    expect((await run(['saml', 'frobnicate'])).code).toBe(2);
  });
});

describe('tessera saml decode', () => {
  it('prints the claims of a response without verifying it, marked unverified', async () => {
    const xml = buildResponse(spec(), { privateKey: cred.privateKeyPem, certificate: cred.certificatePem }).replace('>marketing<', '>engineering<');
    const r = await run(['saml', 'decode', '--response', file('decode.xml', xml)]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.verified).toBe(false);
    expect(out.assertion.attributes).toContainEqual(expect.objectContaining({ name: 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter', values: ['engineering'] }));
  });

  it('works from the built binary', () => {
    const response = file('bin.b64', encodePostBinding(buildResponse(spec(), { privateKey: cred.privateKeyPem, certificate: cred.certificatePem })));
    const r = spawnSync(process.execPath, [join(root, 'bin', 'tessera.js'), 'saml', 'verify', '--metadata', metadataFile, '--response', response, '--now', new Date(NOW).toISOString()], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).roleSessionName).toBe('jane@example.com');
  });
});
