// `tessera up` with scenarios, as a user runs it (real child processes): the seed by default and what
// it prints; applied once per data directory; a changed scenario refused; demo passwords kept on
// loopback; invalid and unappliable scenarios exit 2 and leave nothing behind; `--scenario none`.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, TESSERA_BIN, cleanEnv, parseXml, printedAdmin, removeTempDirs, runTessera, signedCall, startTessera, tempDir } from '../support/server.js';
import type { RunningTessera } from '../support/server.js';

const running: RunningTessera[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(removeTempDirs);

async function up(options: Parameters<typeof startTessera>[0]): Promise<RunningTessera> {
  const s = await startTessera(options);
  running.push(s);
  return s;
}

async function reservations(server: Pick<RunningTessera, 'url' | 'host' | 'admin'>): Promise<number> {
  const r = await signedCall(server, 'ec2', 'DescribeInstances');
  expect(r.status).toBe(200);
  return parseXml(r.body).getElementsByTagName('reservationSet')[0]?.getElementsByTagName('instancesSet').length ?? 0;
}

/** The seed with an edit, in a temp dir (its rule file referenced absolutely). */
function seedVariant(edit: (text: string) => string): string {
  const text = readFileSync('scenarios/seed.yaml', 'utf8').replace('file:../examples/seed-rule.js', `file:${join(process.cwd(), 'examples', 'seed-rule.js')}`);
  const path = join(tempDir('tessera-up-scenario-'), 'seed.yaml');
  writeFileSync(path, edit(text));
  return path;
}

describe('tessera up with a scenario', () => {
  it('serves the seed by default and prints the login URL, the console, the demo users and the admin profile', async () => {
    // Spawned here, not through the harness: this is `tessera up` with no --scenario at all.
    const dataDir = tempDir();
    const child = spawn(process.execPath, [TESSERA_BIN, 'up', '--port', '0', '--data', dataDir], { cwd: REPO_ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (c: string) => {
        out += c;
        if (out.includes('Stop with Ctrl-C.')) done();
      });
      child.once('exit', (code) => fail(new Error(`tessera up exited ${String(code)}: ${out}`)));
    });
    const origin = / ready in \d+ ms on (http:\/\/\S+)/.exec(out)?.[1] ?? '';
    const s = { url: origin, host: new URL(origin).host, admin: printedAdmin(out) ?? { accessKeyId: '', secretAccessKey: '' } };
    try {
      expect(out.split('\n')[0]).toMatch(/^Tessera \S+ ready in \d+ ms on http:\/\/127\.0\.0\.1:\d+$/);
      expect(out).toMatch(/\n {2}scenario: .*scenarios\/seed\.yaml \(applied now\)\n/);
      expect(out).toContain(`\n  IdP login URL (AWS Console): ${origin}/samlp/AwsConsole\n`);
      expect(out).toContain(`\n  console: ${origin}/console`);
      expect(out).toContain('\nDemo users (passwords from the scenario file):\n  jane@example.com  password: jane-demo-password\n');
      expect(out).toMatch(/\n {2}\[tessera\]\n {2}aws_access_key_id = AKIA[A-Z0-9]{16}\n {2}aws_secret_access_key = \S+\n {2}region = us-east-1\n/);
      expect(await reservations(s)).toBe(3);
      // The printed login URL is the IdP's: it answers with its login page.
      const login = await fetch(`${origin}/samlp/AwsConsole`, { redirect: 'manual' });
      expect(login.status).toBe(302);
      expect(login.headers.get('location')).toMatch(/^\/login\?state=/);
    } finally {
      child.kill('SIGTERM');
      clearTimeout(killer);
    }
  });

  it('applies a scenario once per data directory, and refuses a changed one on it', async () => {
    const dataDir = tempDir();
    const first = await up({ dataDir, args: ['--scenario', 'scenarios/seed.yaml'] });
    const ids = await reservations(first);
    await first.stop();
    running.splice(running.indexOf(first), 1);
    const second = await up({ dataDir, args: ['--scenario', 'scenarios/seed.yaml'] });
    expect(second.stdout()).toMatch(/scenario: .*seed\.yaml \(as applied at \d{4}-\d\d-\d\dT[\d:.]+Z\)/);
    expect(await reservations(second)).toBe(ids);
    await second.stop();
    running.splice(running.indexOf(second), 1);

    const changed = seedVariant((t) => t.replace('Project: website }', 'Project: web }'));
    const r = await runTessera(['up', '--port', '0', '--data', dataDir, '--scenario', changed], { env: { TESSERA_ADMIN_ACCESS_KEY_ID: 'AKIAE2EADMINKEY00001', TESSERA_ADMIN_SECRET_ACCESS_KEY: 'e2e/admin+secret/for-tests-only-000000000' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tessera up: the data directory `.*` holds the world of `scenarios\/seed\.yaml` as applied at .*; `.*seed\.yaml` describes another world\. Nothing was changed\. Serve it from a fresh data directory \(--data DIR\), or remove `.*` to start over\.\n$/);
  });

  it('refuses demo passwords on an address that is not loopback', async () => {
    const r = await runTessera(['up', '--port', '0', '--host', '0.0.0.0', '--data', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tessera up: refusing to serve .*seed\.yaml on 0\.0\.0\.0: its users have passwords written in the file \(demo users: jane@example\.com\)/);
  });

  it('exits 2 on an invalid scenario, with file:line:column, starting nothing', async () => {
    const bad = seedVariant((t) => t.replace('StringEquals:\n                ec2:ResourceTag', 'StringEqual:\n                ec2:ResourceTag'));
    const r = await runTessera(['up', '--port', '0', '--data', tempDir(), '--scenario', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/seed\.yaml:67:17: aws\.policies\[0\]\.document\.Statement\[1\]\.Condition\.StringEqual: unknown condition operator `StringEqual`: did you mean `StringEquals`\?\n/);
    expect(r.stderr).toMatch(/tessera up: .*seed\.yaml: the scenario is not valid; nothing was started\n$/);
  });

  it('keeps nothing of a scenario a service refuses at start, so the corrected one starts on the same directory', async () => {
    const dataDir = tempDir();
    const bad = seedVariant((t) => t.replace("description: Start and stop the instances of the caller's cost center", `description: ${'x'.repeat(1001)}`));
    const r = await runTessera(['up', '--port', '0', '--data', dataDir, '--scenario', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/seed\.yaml:70:20: aws\.roles\[0\]\.description: role `AccessByCostCenter`: IAM CreateRole refused it: ValidationError: /);
    expect(r.stderr).toMatch(/could not be applied; nothing of it was kept\n$/);
    const good = await up({ dataDir, args: ['--scenario', 'scenarios/seed.yaml'] });
    expect(good.stdout()).toContain('(applied now)');
    expect(await reservations(good)).toBe(3);
  });

  it('--scenario none serves an empty account', async () => {
    const s = await up({ args: ['--scenario', 'none'] });
    expect(s.stdout()).not.toContain('IdP login URL');
    expect(s.stdout()).not.toContain('Demo users');
    expect(await reservations(s)).toBe(0);
  });
});
