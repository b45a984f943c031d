// The seed guide's world built from nothing with both real AWS CLIs as subprocesses: v2 (Debian's
// /usr/bin/aws) and v1 (the image's Python, botocore). Each CLI gets its own `tessera up` and a scrubbed
// environment (empty config and credentials files, no pager, no retries), so nothing on the machine
// leaks in. Asserts exit codes, the printed JSON, and the CLI's own error line naming AWS's code.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, REGION, removeTempDirs, run, startTessera, tempDir } from '../support/server.js';
import type { RunningTessera } from '../support/server.js';
import {
  AWS_SIGNIN_URL,
  POLICY_ARN,
  POLICY_NAME,
  PROVIDER_ARN,
  PROVIDER_NAME,
  ROLE_ARN,
  ROLE_NAME,
  SEED_INSTANCES,
  SESSION_NAME,
  createTestIdp,
  seedPolicyDocument,
  seedTrustPolicy,
} from '../support/test-idp.js';
import type { TestIdp } from '../support/test-idp.js';

interface Cli {
  readonly label: string;
  readonly major: 1 | 2;
  readonly command: string;
  readonly prefix: readonly string[];
  /** The exit status for an error the service returned (v2: 254; v1: 255). */
  readonly serviceErrorExit: number;
}

/** Finds an AWS CLI of the given major version: v2 at /usr/bin/aws; v1 as `aws` on PATH or `python3 -m awscli`. */
async function findCli(major: 1 | 2): Promise<Cli> {
  const candidates: [string, string[]][] =
    major === 2
      ? [['/usr/bin/aws', []]]
      : [
          ...(process.env['PATH'] ?? '')
            .split(':')
            .filter((dir) => dir !== '' && dir !== '/usr/bin' && dir !== '/bin')
            .map((dir) => join(dir, 'aws'))
            .filter((p) => existsSync(p))
            .map((p): [string, string[]] => [p, []]),
          ['python3', ['-m', 'awscli']],
        ];
  const tried: string[] = [];
  for (const [command, prefix] of candidates) {
    try {
      const r = await run(command, [...prefix, '--version'], { timeoutMs: 20_000, env: { AWS_PAGER: '' } });
      const version = `${r.stdout}${r.stderr}`.trim();
      tried.push(`${[command, ...prefix].join(' ')}: ${version || `exit ${r.code}`}`);
      if (r.code === 0 && version.startsWith(`aws-cli/${major}.`)) {
        return { label: `AWS CLI v${major} (${version.split(' ')[0]})`, major, command, prefix, serviceErrorExit: major === 2 ? 254 : 255 };
      }
    } catch (e) {
      tried.push(`${command}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no AWS CLI v${major} found (.ci/run installs Debian's awscli for v2; v1 comes with the image's Python). Tried:\n${tried.join('\n')}`);
}

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** `An error occurred (CODE) when calling the OP operation[ (reached max retries: N)]: MESSAGE` (botocore ClientError). */
function cliError(stderr: string): { code: string; operation: string; message: string } | undefined {
  const m = /An error occurred \(([^)]+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: (.*)/.exec(stderr);
  return m ? { code: m[1] as string, operation: m[2] as string, message: (m[3] as string).trim() } : undefined;
}

function seedFlow(major: 1 | 2): void {
  let cli: Cli;
  let server: RunningTessera;
  let idp: TestIdp;
  let dir: string;
  const ids: Record<string, string> = {};
  let roleId = '';
  let session: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } | undefined;
  let encoded = '';

  /** Runs the CLI as the admin (default), as the federated session, or with no credentials at all. */
  async function aws(args: readonly string[], as: 'admin' | 'session' | 'nobody' = 'admin'): Promise<CliResult> {
    const credentials =
      as === 'admin'
        ? { AWS_ACCESS_KEY_ID: server.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: server.admin.secretAccessKey }
        : as === 'session'
          ? (() => {
              if (session === undefined) throw new Error('no session: assume-role-with-saml did not succeed');
              return { AWS_ACCESS_KEY_ID: session.AccessKeyId, AWS_SECRET_ACCESS_KEY: session.SecretAccessKey, AWS_SESSION_TOKEN: session.SessionToken };
            })()
          : {};
    const r = await run(cli.command, [...cli.prefix, '--endpoint-url', server.url, '--output', 'json', ...args], {
      timeoutMs: 30_000,
      cwd: dir,
      env: {
        ...credentials,
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_PAGER: '',
        AWS_MAX_ATTEMPTS: '1',
        AWS_RETRY_MODE: 'standard',
        AWS_EC2_METADATA_DISABLED: 'true',
        HOME: dir,
      },
    });
    let json: unknown;
    if (r.code === 0 && r.stdout.trim() !== '') {
      try {
        json = JSON.parse(r.stdout);
      } catch {
        throw new Error(`${cli.label} printed non-JSON for ${args.join(' ')}:\n${r.stdout}`);
      }
    }
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, json };
  }

  /** A call that must succeed: exit 0 (the stderr is shown otherwise). */
  async function ok(args: readonly string[], as: 'admin' | 'session' | 'nobody' = 'admin'): Promise<CliResult> {
    const r = await aws(args, as);
    expect(r.code, `${cli.label} ${args.slice(0, 2).join(' ')} failed:\n${r.stderr}`).toBe(0);
    return r;
  }

  /** A call that must fail with AWS error `code`: the CLI's service-error exit and its error line. */
  async function fails(args: readonly string[], code: string, as: 'admin' | 'session' | 'nobody' = 'admin'): Promise<string> {
    const r = await aws(args, as);
    const e = cliError(r.stderr);
    expect({ exit: r.code, code: e?.code }, `${cli.label} ${args.slice(0, 2).join(' ')}: stdout ${r.stdout} stderr ${r.stderr}`).toEqual({
      exit: cli.serviceErrorExit,
      code,
    });
    return e?.message ?? '';
  }

  function file(name: string, text: string): string {
    const p = join(dir, name);
    writeFileSync(p, text);
    return `file://${p}`;
  }

  async function waitRunning(instanceIds: readonly string[]): Promise<void> {
    const deadline = Date.now() + 15_000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      const r = await ok(['ec2', 'describe-instances', '--instance-ids', ...instanceIds]);
      states = r.json.Reservations.flatMap((x: { Instances: { State: { Name: string } }[] }) => x.Instances.map((i) => i.State.Name));
      if (states.length === instanceIds.length && states.every((s) => s === 'running')) return;
      await new Promise((res) => setTimeout(res, 250));
    }
    throw new Error(`instances not running within 15 s: ${states.join(', ')}`);
  }

  describe(`the seed guide from nothing, with AWS CLI v${major}`, () => {
    beforeAll(async () => {
      dir = tempDir(`tessera-cli-v${major}-`);
      writeFileSync(join(dir, 'config'), '');
      writeFileSync(join(dir, 'credentials'), '');
      [cli, server, idp] = await Promise.all([findCli(major), startTessera(), createTestIdp()]);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('iam create-saml-provider registers the IdP metadata', async () => {
      const r = await ok(['iam', 'create-saml-provider', '--name', PROVIDER_NAME, '--saml-metadata-document', file('metadata.xml', idp.metadata)]);
      expect(r.json.SAMLProviderArn).toBe(PROVIDER_ARN);
    });

    it('iam create-policy creates the seed policy', async () => {
      const r = await ok(['iam', 'create-policy', '--policy-name', POLICY_NAME, '--policy-document', file('policy.json', seedPolicyDocument())]);
      expect(r.json.Policy).toMatchObject({ PolicyName: POLICY_NAME, Arn: POLICY_ARN, DefaultVersionId: 'v1', IsAttachable: true });
      // botocore URL-decodes and parses policy documents (BC-H json_decode_policies): an object here.
      const v = await ok(['iam', 'get-policy-version', '--policy-arn', POLICY_ARN, '--version-id', 'v1']);
      expect(v.json.PolicyVersion.Document).toEqual(JSON.parse(seedPolicyDocument()));
    });

    it('iam create-role creates the role, and get-role prints its trust policy as an object', async () => {
      const trust = seedTrustPolicy(PROVIDER_ARN);
      const r = await ok(['iam', 'create-role', '--role-name', ROLE_NAME, '--assume-role-policy-document', file('trust.json', trust)]);
      expect(r.json.Role).toMatchObject({ RoleName: ROLE_NAME, Arn: ROLE_ARN, Path: '/' });
      expect(r.json.Role.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
      roleId = r.json.Role.RoleId;
      const got = await ok(['iam', 'get-role', '--role-name', ROLE_NAME]);
      expect(got.json.Role.AssumeRolePolicyDocument).toEqual(JSON.parse(trust));
      expect(got.json.Role.MaxSessionDuration).toBe(3600);
    });

    it('iam attach-role-policy attaches the policy (no output)', async () => {
      const r = await ok(['iam', 'attach-role-policy', '--role-name', ROLE_NAME, '--policy-arn', POLICY_ARN]);
      expect(r.stdout.trim()).toBe('');
      const listed = await ok(['iam', 'list-attached-role-policies', '--role-name', ROLE_NAME]);
      expect(listed.json.AttachedPolicies).toEqual([{ PolicyName: POLICY_NAME, PolicyArn: POLICY_ARN }]);
    });

    it('ec2 run-instances launches the three tagged instances', async () => {
      for (const tags of SEED_INSTANCES) {
        const spec = `ResourceType=instance,Tags=[${Object.entries(tags).map(([k, v]) => `{Key=${k},Value=${v}}`).join(',')}]`;
        const r = await ok(['ec2', 'run-instances', '--image-id', 'ami-0abcdef1234567890', '--instance-type', 't3.micro', '--count', '1', '--tag-specifications', spec]);
        expect(r.json.OwnerId).toBe(ACCOUNT_ID);
        expect(r.json.Instances).toHaveLength(1);
        const i = r.json.Instances[0];
        expect(i.State).toEqual({ Code: 0, Name: 'pending' });
        expect(Object.fromEntries(i.Tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]))).toEqual(tags);
        ids[tags.Project] = i.InstanceId;
      }
      await waitRunning(Object.values(ids));
    });

    it('sts assume-role-with-saml works with no credentials at all (unsigned)', async () => {
      const assertion = idp.assertionFor({ roles: [[ROLE_ARN, PROVIDER_ARN]], sessionName: SESSION_NAME, tags: { CostCenter: 'marketing', Project: 'website' } });
      const r = await ok(
        ['sts', 'assume-role-with-saml', '--role-arn', ROLE_ARN, '--principal-arn', PROVIDER_ARN, '--saml-assertion', file('assertion.b64', assertion)],
        'nobody',
      );
      expect(r.json.Credentials.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(r.json.AssumedRoleUser).toEqual({ AssumedRoleId: `${roleId}:${SESSION_NAME}`, Arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${ROLE_NAME}/${SESSION_NAME}` });
      expect(r.json.Audience).toBe(AWS_SIGNIN_URL);
      expect(r.json.Issuer).toBe(idp.entityId);
      session = r.json.Credentials;
    });

    it('sts get-caller-identity with the session names the assumed role', async () => {
      const r = await ok(['sts', 'get-caller-identity'], 'session');
      expect(r.json).toEqual({ UserId: `${roleId}:${SESSION_NAME}`, Account: ACCOUNT_ID, Arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${ROLE_NAME}/${SESSION_NAME}` });
    });

    it('ec2 stop-instances on the marketing instance succeeds (stopping)', async () => {
      const id = ids['website'] as string;
      const r = await ok(['ec2', 'stop-instances', '--instance-ids', id], 'session');
      expect(r.json.StoppingInstances).toEqual([{ InstanceId: id, CurrentState: { Code: 64, Name: 'stopping' }, PreviousState: { Code: 16, Name: 'running' } }]);
    });

    it('ec2 stop-instances on the engineering instance fails with UnauthorizedOperation', async () => {
      const id = ids['management_dashboard'] as string;
      const message = await fails(['ec2', 'stop-instances', '--instance-ids', id], 'UnauthorizedOperation', 'session');
      expect(message).toContain(`is not authorized to perform: ec2:StopInstances on resource: arn:aws:ec2:${REGION}:${ACCOUNT_ID}:instance/${id}`);
      const m = /Encoded authorization failure message: (\S+)$/.exec(message);
      expect(m, message).not.toBeNull();
      encoded = m?.[1] as string;
    });

    it('sts decode-authorization-message shows marketing against engineering', async () => {
      expect(encoded).not.toBe('');
      const r = await ok(['sts', 'decode-authorization-message', '--encoded-message', encoded]);
      const decoded = JSON.parse(r.json.DecodedMessage);
      expect(decoded.allowed).toBe(false);
      const value = (key: string) =>
        decoded.context.conditions.items.find((c: { key: string }) => c.key.toLowerCase() === key.toLowerCase())?.values.items.map((v: { value: string }) => v.value);
      expect(value('aws:PrincipalTag/CostCenter')).toEqual(['marketing']);
      expect(value('ec2:ResourceTag/CostCenter')).toEqual(['engineering']);
    });

    it('iam simulate-principal-policy agrees with the live decisions', async () => {
      const simulate = async (id: string, tag: string) => {
        const entries = JSON.stringify([
          { ContextKeyName: 'aws:PrincipalTag/CostCenter', ContextKeyValues: ['marketing'], ContextKeyType: 'string' },
          { ContextKeyName: 'ec2:ResourceTag/CostCenter', ContextKeyValues: [tag], ContextKeyType: 'string' },
        ]);
        const r = await ok([
          'iam', 'simulate-principal-policy', '--policy-source-arn', ROLE_ARN, '--action-names', 'ec2:StopInstances',
          '--resource-arns', `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:instance/${id}`, '--context-entries', entries,
        ]);
        return r.json.EvaluationResults[0].EvalDecision as string;
      };
      expect(await simulate(ids['community_site'] as string, 'marketing')).toBe('allowed');
      expect(await simulate(ids['management_dashboard'] as string, 'engineering')).toBe('implicitDeny');
    });

    it('ec2 describe-instances filters by tag and pages (--page-size, --max-items/--starting-token)', async () => {
      const more = await ok([
        'ec2', 'run-instances', '--image-id', 'ami-0abcdef1234567890', '--count', '6',
        '--tag-specifications', 'ResourceType=instance,Tags=[{Key=CostCenter,Value=marketing},{Key=Project,Value=bulk}]',
      ]);
      const expected = [ids['website'], ids['community_site'], ...more.json.Instances.map((i: { InstanceId: string }) => i.InstanceId)].sort();
      const idsOf = (json: { Reservations: { Instances: { InstanceId: string }[] }[] }) => json.Reservations.flatMap((r) => r.Instances.map((i) => i.InstanceId));
      const all = await ok(['ec2', 'describe-instances', '--filters', 'Name=tag:CostCenter,Values=marketing', '--page-size', '5'], 'session');
      expect(idsOf(all.json).sort()).toEqual(expected);
      // The CLI's --max-items counts the paginator's result key, Reservations (botocore ec2 paginators-1.json).
      const first = await ok(['ec2', 'describe-instances', '--filters', 'Name=tag:CostCenter,Values=marketing', '--max-items', '2', '--page-size', '5'], 'session');
      expect(first.json.Reservations).toHaveLength(2);
      expect(typeof first.json.NextToken).toBe('string');
      const rest = await ok(
        ['ec2', 'describe-instances', '--filters', 'Name=tag:CostCenter,Values=marketing', '--page-size', '5', '--starting-token', first.json.NextToken],
        'session',
      );
      const paged = [...idsOf(first.json), ...idsOf(rest.json)];
      expect(new Set(paged).size).toBe(paged.length);
      expect(paged.sort()).toEqual(expected);
    });

    it('round-trips XML specials, non-ASCII and URL-special characters (description, tags, URL-encoded trust policy)', async () => {
      const trust = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': `${AWS_SIGNIN_URL}?é=%20+&<>` } } }],
      });
      const description = 'Café <&> "q" ]]> 100%';
      await ok(['iam', 'create-role', '--role-name', 'Unicode', '--description', description, '--assume-role-policy-document', file('trust-u.json', trust), '--tags', 'Key=Équipe,Value=Δelta']);
      const got = await ok(['iam', 'get-role', '--role-name', 'Unicode']);
      expect(got.json.Role.Description).toBe(description);
      expect(got.json.Role.AssumeRolePolicyDocument).toEqual(JSON.parse(trust));
      expect(got.json.Role.Tags).toEqual([{ Key: 'Équipe', Value: 'Δelta' }]);
    });

    it('errors print AWS\'s code: NoSuchEntity, EntityAlreadyExists, MalformedPolicyDocument, InvalidIdentityToken, AccessDenied', async () => {
      expect(await fails(['iam', 'get-role', '--role-name', 'NoSuchRole'], 'NoSuchEntity')).toBe('The role with name NoSuchRole cannot be found.');
      await fails(['iam', 'create-role', '--role-name', ROLE_NAME, '--assume-role-policy-document', file('trust2.json', seedTrustPolicy(PROVIDER_ARN))], 'EntityAlreadyExists');
      await fails(['iam', 'create-policy', '--policy-name', 'Broken', '--policy-document', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StopInstances"}]}'], 'MalformedPolicyDocument');
      const tampered = Buffer.from(
        idp.responseXml({ roles: [[ROLE_ARN, PROVIDER_ARN]], sessionName: SESSION_NAME, tags: { CostCenter: 'marketing' } }).replace('>marketing<', '>engineering<'),
      ).toString('base64');
      await fails(['sts', 'assume-role-with-saml', '--role-arn', ROLE_ARN, '--principal-arn', PROVIDER_ARN, '--saml-assertion', file('tampered.b64', tampered)], 'InvalidIdentityToken', 'nobody');
      await fails(['iam', 'create-user', '--user-name', 'escalate'], 'AccessDenied', 'session');
    });
  });
}

seedFlow(2);
seedFlow(1);
afterAll(removeTempDirs);
