// `tessera check` as CI runs it: every shipped scenario passes (exit 0); a wrong expectation exits 1
// and names the expectation, what happened and why (the decoded denial names both tag values); an
// invalid scenario exits 2 with file:line:column and checks nothing; --json carries the same facts.
// The shipped scenarios run through `main` in-process; one run goes through the real binary.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { runTessera } from './support/server.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function tessera(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, stdin: new PassThrough() });
  return { code, stdout, stderr };
}

/** The seed with its `expect` replaced, in a temp dir (the rule file referenced absolutely). */
function seedWith(expectations: string, name: string): string {
  const text = readFileSync('scenarios/seed.yaml', 'utf8')
    .replace('file:../examples/seed-rule.js', `file:${join(process.cwd(), 'examples', 'seed-rule.js')}`)
    .replace(/^expect:[\s\S]*$/m, `expect:\n${expectations}`);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('tessera check', () => {
  for (const file of ['scenarios/seed.yaml', 'scenarios/cost-center-from-metadata.yaml', 'scenarios/multiple-roles.yaml']) {
    it(`passes on the shipped ${file}`, async () => {
      const r = await tessera(['check', file]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/\d+ expectations?: (\d+) passed, 0 failed\n$/);
      expect(r.stdout).not.toContain('✗');
      expect(r.code).toBe(0);
    });
  }

  it('prints the seed\'s table through the real binary: the guide\'s "Test your setup"', async () => {
    const r = await runTessera(['check', 'scenarios/seed.yaml'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('scenarios/seed.yaml');
    expect(lines[1]).toMatch(/^line +as +role +action +resource +expected +actual +ok$/);
    expect(r.stdout).toMatch(/jane@example\.com +AccessByCostCenter +ec2:StopInstances +website +allowed +allowed +✓/);
    expect(r.stdout).toMatch(/jane@example\.com +AccessByCostCenter +ec2:StopInstances +management-dashboard +denied +denied +✓/);
  });

  it('exits 1 on a wrong expectation and names it and why', async () => {
    const path = seedWith(
      `  - as: jane@example.com
    action: ec2:StopInstances
    resource: website
    expect: allowed
  - as: jane@example.com
    action: ec2:StopInstances
    resource: management-dashboard
    expect: allowed
  - as: jane@example.com
    action: ec2:StopInstances
    resource: community-site
    expect: allowed
    because: "granted by \`SomeOtherPolicy\`"
`,
      'wrong.yaml',
    );
    const r = await tessera(['check', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/jane@example\.com +AccessByCostCenter +ec2:StopInstances +management-dashboard +allowed +denied +✗/);
    expect(r.stdout).toMatch(/jane@example\.com +AccessByCostCenter +ec2:StopInstances +community-site +allowed +allowed +✗/);
    // The failure names the expectation's line, the instance, what happened — and why, from the decoded message.
    expect(r.stdout).toMatch(/✗ line 95: jane@example\.com ec2:StopInstances management-dashboard \(i-[0-9a-f]{17}\): expected allowed, was denied\n/);
    expect(r.stdout).toContain('StringEquals on `ec2:ResourceTag/CostCenter` fails: the request has `engineering`; the policy compares it with `marketing` (from `${aws:PrincipalTag/CostCenter}`)');
    expect(r.stdout).toMatch(/✗ line 99: jane@example\.com ec2:StopInstances community-site \(i-[0-9a-f]{17}\): the explanation does not contain `granted by `SomeOtherPolicy``\n {4}Allowed: /);
    expect(r.stdout).toMatch(/3 expectations: 1 passed, 2 failed\n$/);
  });

  it('--json carries every result with its explanation', async () => {
    const path = seedWith(
      `  - as: jane@example.com
    action: ec2:StopInstances
    resource: management-dashboard
    expect: denied
    because: "the request has \`engineering\`; the policy compares it with \`marketing\`"
  - as: jane@example.com
    action: ec2:DescribeInstances
    expect: denied
`,
      'json.yaml',
    );
    const r = await tessera(['check', '--json', path]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { passed: boolean; total: number; failed: number; results: Record<string, unknown>[] };
    expect(out).toMatchObject({ passed: false, total: 2, failed: 1 });
    expect(out.results[0]).toMatchObject({
      index: 0,
      line: 91,
      as: 'jane@example.com',
      role: 'arn:aws:iam::013823792818:role/AccessByCostCenter',
      action: 'ec2:StopInstances',
      resource: 'management-dashboard',
      instanceId: expect.stringMatching(/^i-/),
      expected: 'denied',
      actual: 'denied',
      ok: true,
      explanation: { summary: expect.stringMatching(/^Denied/), details: expect.arrayContaining([expect.stringContaining('`engineering`')]) },
    });
    expect(out.results[1]).toMatchObject({ action: 'ec2:DescribeInstances', resource: '*', expected: 'denied', actual: 'allowed', ok: false, reason: 'expected denied, was allowed' });
  });

  it('exits 2 on an invalid scenario with every problem at file:line:column, and checks nothing', async () => {
    const path = seedWith(
      `  - as: nobody@example.com
    action: ec2:StopInstances
    resource: website
    expect: allowed
  - as: jane@example.com
    action: ec2:StopInstance
    resource: nowhere
    expect: maybe
`,
      'invalid.yaml',
    );
    const r = await tessera(['check', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/invalid\.yaml:91:9: expect\[0\]\.as: no user `nobody@example\.com` in `idp\.users` \(defined: `jane@example\.com`\)$/);
    expect(lines[1]).toMatch(/invalid\.yaml:96:13: expect\[1\]\.action: `ec2:StopInstance` cannot be checked/);
    expect(lines[2]).toMatch(/invalid\.yaml:97:15: expect\[1\]\.resource: no instance `nowhere`/);
    expect(lines[3]).toMatch(/invalid\.yaml:98:13: expect\[1\]\.expect: must be `allowed` or `denied`, not `maybe`$/);
    expect(lines[4]).toMatch(/^tessera check: .*invalid\.yaml: 4 errors; nothing was checked$/);
  });

  it('exits 2 on usage errors, and documents itself', async () => {
    expect((await tessera(['check'])).code).toBe(2);
    expect((await tessera(['check', 'a.yaml', 'b.yaml'])).code).toBe(2);
    const missing = await tessera(['check', join(dir, 'missing.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.yaml:1:1: no such file/);
    const help = await tessera(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tessera check SCENARIO \[--json\]/);
  });
});
