// `tessera login` against a real `tessera up` (child process, the seed's and the multiple-roles
// scenario): the browser-like login over HTTP, STS, the three output formats, the password from the
// flag, the environment or stdin; a role chosen among several; refusals with their exit codes; and
// other people's clients using it — AWS CLI v2 and v1 with `credential_process` in a temp AWS_CONFIG_FILE.

import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  TESSERA_BIN,
  cleanEnv,
  parseXml,
  removeTempDirs,
  run,
  runTessera,
  signedCall,
  startTessera,
  tempDir,
  xmlText,
} from './support/server.js';
import type { RunningTessera } from './support/server.js';

const ROLE = 'arn:aws:iam::013823792818:role/AccessByCostCenter';
let seed: RunningTessera;
let roles: RunningTessera;

beforeAll(async () => {
  [seed, roles] = await Promise.all([
    startTessera({ args: ['--scenario', 'scenarios/seed.yaml'] }),
    startTessera({ args: ['--scenario', 'scenarios/multiple-roles.yaml'] }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([seed?.stop(), roles?.stop()]);
  removeTempDirs();
});

function login(server: RunningTessera, args: readonly string[], env: Record<string, string> = {}) {
  return runTessera(['login', '--endpoint', server.url, ...args], { env, timeoutMs: 30_000 });
}

async function callerArn(server: RunningTessera, c: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }): Promise<string | undefined> {
  const r = await signedCall(server, 'sts', 'GetCallerIdentity', {}, { credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
  return xmlText(parseXml(r.body), 'GetCallerIdentityResult', 'Arn');
}

describe('tessera login', () => {
  it('prints env exports that work as the assumed role', async () => {
    const r = await login(seed, ['--user', 'jane@example.com', '--password', 'jane-demo-password']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const vars = Object.fromEntries([...r.stdout.matchAll(/^export (AWS_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(vars)).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION']);
    expect(vars['AWS_ACCESS_KEY_ID']).toMatch(/^ASIA/);
    const arn = await callerArn(seed, { AccessKeyId: vars['AWS_ACCESS_KEY_ID'] ?? '', SecretAccessKey: vars['AWS_SECRET_ACCESS_KEY'] ?? '', SessionToken: vars['AWS_SESSION_TOKEN'] ?? '' });
    expect(arn).toBe('arn:aws:sts::013823792818:assumed-role/AccessByCostCenter/jane@example.com');
  });

  it('--format json prints what aws sts assume-role-with-saml prints; the password from TESSERA_PASSWORD', async () => {
    const r = await login(seed, ['--user', 'jane@example.com', '--format', 'json', '--app', 'AWS Console', '--data', seed.dataDir], { TESSERA_PASSWORD: 'jane-demo-password' });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { Credentials: Record<string, string>; AssumedRoleUser: { Arn: string }; RoleArn: string };
    expect(out.AssumedRoleUser.Arn).toBe('arn:aws:sts::013823792818:assumed-role/AccessByCostCenter/jane@example.com');
    expect(out.RoleArn).toBe(ROLE);
    expect(Object.keys(out.Credentials)).toEqual(['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    expect(Date.parse(out.Credentials['Expiration'] ?? '') - Date.now()).toBeGreaterThan(50 * 60_000);
  });

  it('--format credential-process prints the AWS CLI contract (Version 1), the password from stdin', async () => {
    const child = spawn(process.execPath, [TESSERA_BIN, 'login', '--endpoint', seed.url, '--user', 'jane@example.com', '--format', 'credential-process', '--duration', '900'], {
      cwd: REPO_ROOT,
      env: cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stdin.end('jane-demo-password\n');
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    expect(out['Version']).toBe(1);
    const left = Date.parse(String(out['Expiration'])) - Date.now();
    expect(left).toBeGreaterThan(10 * 60_000);
    expect(left).toBeLessThanOrEqual(15 * 60_000);
  });

  it('chooses among several roles with --role, and says which there are without it', async () => {
    const base = ['--user', 'jane@example.com', '--password', 'jane-demo-password', '--format', 'json'];
    const none = await login(roles, base);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^tessera login: the assertion offers 3 roles \(`arn:aws:iam::013823792818:role\/Operator`, `arn:aws:iam::013823792818:role\/ReadOnly`, `arn:aws:iam::013823792818:role\/Auditor`\): choose one with --role\n$/);
    const readOnly = await login(roles, [...base, '--role', 'ReadOnly']);
    expect(readOnly.code).toBe(0);
    expect((JSON.parse(readOnly.stdout) as { AssumedRoleUser: { Arn: string } }).AssumedRoleUser.Arn).toBe('arn:aws:sts::013823792818:assumed-role/ReadOnly/jane@example.com');
    const operator = await login(roles, [...base, '--role', 'arn:aws:iam::013823792818:role/Operator']);
    expect(operator.code).toBe(0);
    // Offered, but its trust policy lacks sts:TagSession: STS refuses (exit 1).
    const auditor = await login(roles, [...base, '--role', 'Auditor']);
    expect(auditor.code).toBe(1);
    expect(auditor.stderr).toBe('tessera login: STS AssumeRoleWithSAML refused arn:aws:iam::013823792818:role/Auditor: AccessDenied: Not authorized to perform sts:AssumeRoleWithSAML\n');
    const notOffered = await login(roles, ['--user', 'bob@example.com', '--password', 'bob-demo-password', '--role', 'Operator']);
    expect(notOffered.code).toBe(1);
    expect(notOffered.stderr).toContain('the assertion does not offer `Operator`');
  });

  it('refuses a wrong password, a missing user flag, and an endpoint with nothing behind it (exit 2)', async () => {
    const wrong = await login(seed, ['--user', 'jane@example.com', '--password', 'nope']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('tessera login: Wrong email or password. (jane@example.com)\n');
    expect(wrong.stdout).toBe('');
    expect((await runTessera(['login', '--password', 'x'])).code).toBe(2);
    const format = await login(seed, ['--user', 'jane@example.com', '--password', 'x', '--format', 'yaml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be one of env, json, credential-process');
    const closed = await runTessera(['login', '--endpoint', 'http://127.0.0.1:9', '--user', 'jane@example.com', '--password', 'x']);
    expect(closed.code).toBe(2);
    expect(closed.stderr).toMatch(/^tessera login: cannot reach Tessera at http:\/\/127\.0\.0\.1:9 .*is it running\? \(tessera up\)\n$/);
  });
});

// --- other people's clients: the AWS CLI with credential_process ------------------------------------

interface Cli {
  readonly label: string;
  readonly command: string;
  readonly prefix: readonly string[];
}

async function findCli(major: 1 | 2): Promise<Cli | undefined> {
  const candidates: [string, string[]][] =
    major === 2
      ? [['/usr/bin/aws', []]]
      : [
          ...(process.env['PATH'] ?? '')
            .split(':')
            .filter((d) => d !== '' && d !== '/usr/bin' && d !== '/bin')
            .map((d) => join(d, 'aws'))
            .filter((p) => existsSync(p))
            .map((p): [string, string[]] => [p, []]),
          ['python3', ['-m', 'awscli']],
        ];
  for (const [command, prefix] of candidates) {
    try {
      const r = await run(command, [...prefix, '--version'], { timeoutMs: 20_000 });
      if (r.code === 0 && `${r.stdout}${r.stderr}`.trim().startsWith(`aws-cli/${major}.`)) return { label: `AWS CLI v${major}`, command, prefix };
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

for (const major of [2, 1] as const) {
  describe(`AWS CLI v${major} with credential_process = tessera login`, () => {
    it('describes the instances as jane, and is refused stopping the engineering one', async () => {
      const cli = await findCli(major);
      if (cli === undefined) throw new Error(`AWS CLI v${major} not found (install it: Debian awscli for v2, pip awscli for v1)`);
      const home = tempDir('tessera-login-cli-');
      const config = join(home, 'config');
      writeFileSync(
        config,
        `[profile jane]\nregion = us-east-1\noutput = json\ncredential_process = ${process.execPath} ${TESSERA_BIN} login --user jane@example.com --endpoint ${seed.url} --format credential-process\n`,
      );
      const env = { HOME: home, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_PAGER: '', TESSERA_PASSWORD: 'jane-demo-password' };
      const aws = (args: string[]) => run(cli.command, [...cli.prefix, '--profile', 'jane', '--endpoint-url', seed.url, ...args], { env, timeoutMs: 60_000 });
      const described = await aws(['ec2', 'describe-instances']);
      expect(described.stderr).toBe('');
      expect(described.code).toBe(0);
      const instances = (JSON.parse(described.stdout) as { Reservations: { Instances: { InstanceId: string; Tags: { Key: string; Value: string }[] }[] }[] }).Reservations.flatMap((r) => r.Instances);
      expect(instances).toHaveLength(3);
      const engineering = instances.find((i) => i.Tags.some((t) => t.Key === 'CostCenter' && t.Value === 'engineering'));
      const stopped = await aws(['ec2', 'stop-instances', '--instance-ids', engineering?.InstanceId ?? '', '--dry-run']);
      expect(stopped.code).not.toBe(0);
      expect(stopped.stderr).toContain('(UnauthorizedOperation)');
      const who = await aws(['sts', 'get-caller-identity']);
      expect((JSON.parse(who.stdout) as { Arn: string }).Arn).toBe('arn:aws:sts::013823792818:assumed-role/AccessByCostCenter/jane@example.com');
    });
  });
}
