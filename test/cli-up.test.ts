// `tessera up` as a user runs it: help, the generated admin key on a fresh data dir (and the same key
// after a restart), environment credentials overriding it, and the usage errors that exit 2.
// Every server is a real child process (test/support/server.ts) with a bounded lifetime.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  removeTempDirs,
  E2E_ADMIN,
  TESSERA_BIN,
  printedAdmin,
  readWireError,
  runTessera,
  signedCall,
  startTessera,
  tempDir,
  xmlText,
  parseXml,
} from './support/server.js';
import type { RunningTessera } from './support/server.js';

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

async function callerArn(server: RunningTessera, credentials = server.admin): Promise<{ status: number; arn?: string; code?: string }> {
  const r = await signedCall(server, 'sts', 'GetCallerIdentity', {}, { credentials });
  if (r.status !== 200) return { status: r.status, code: readWireError(r.body).code };
  return { status: r.status, arn: xmlText(parseXml(r.body), 'GetCallerIdentityResult', 'Arn') ?? '' };
}

describe('tessera up', () => {
  it('prints its usage with --help and exits 0', async () => {
    const r = await runTessera(['up', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: tessera up /);
    for (const option of ['--port', '--host', '--data', 'TESSERA_ADMIN_ACCESS_KEY_ID', 'TESSERA_ADMIN_SECRET_ACCESS_KEY']) expect(r.stdout).toContain(option);
    expect(r.stderr).toBe('');
  });

  it('generates an AKIA admin key on a fresh data dir, prints it, and the key works', async () => {
    const dir = tempDir();
    const s = await up({ dataDir: dir, admin: null });
    expect(s.stdout().split('\n')[0]).toMatch(/^Tessera \S+ ready in \d+ ms on http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.stdout()).toContain(`Admin credentials (generated now and kept in ${dir})`);
    const printed = printedAdmin(s.stdout());
    expect(printed?.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(printed?.secretAccessKey.length).toBe(40);
    expect(await callerArn(s)).toEqual({ status: 200, arn: 'arn:aws:iam::013823792818:root' });
    // A wrong secret for the same key id is refused: the printed secret is the real one.
    const wrong = await callerArn(s, { accessKeyId: s.admin.accessKeyId, secretAccessKey: 'x'.repeat(40) });
    expect(wrong).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('keeps the same generated key across restarts on the same data dir', async () => {
    const dir = tempDir();
    const first = await up({ dataDir: dir, admin: null });
    const key = first.admin;
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toContain('Tessera stopped.');
    const second = await up({ dataDir: dir, admin: null });
    expect(second.stdout()).toContain(`Admin credentials (kept in ${dir})`);
    expect(second.admin).toEqual(key);
    expect((await callerArn(second, key)).status).toBe(200);
  });

  it('lets TESSERA_ADMIN_* override the stored key', async () => {
    const dir = tempDir();
    const first = await up({ dataDir: dir, admin: null });
    const generated = first.admin;
    await first.stop();
    const second = await up({ dataDir: dir, admin: E2E_ADMIN });
    expect(second.stdout()).toContain('Admin credentials (from TESSERA_ADMIN_ACCESS_KEY_ID / TESSERA_ADMIN_SECRET_ACCESS_KEY)');
    expect(printedAdmin(second.stdout())).toEqual(E2E_ADMIN);
    expect(await callerArn(second, E2E_ADMIN)).toEqual({ status: 200, arn: 'arn:aws:iam::013823792818:root' });
    // One admin key per account: the replaced one no longer authenticates.
    expect(await callerArn(second, generated)).toEqual({ status: 403, code: 'InvalidClientTokenId' });
  });

  it('exits 2 with a clear message when only one of the two admin variables is set', async () => {
    for (const env of [
      { TESSERA_ADMIN_ACCESS_KEY_ID: E2E_ADMIN.accessKeyId },
      { TESSERA_ADMIN_SECRET_ACCESS_KEY: E2E_ADMIN.secretAccessKey },
    ]) {
      const r = await runTessera(['up', '--port', '0', '--data', tempDir()], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('set both TESSERA_ADMIN_ACCESS_KEY_ID and TESSERA_ADMIN_SECRET_ACCESS_KEY, or neither');
      expect(r.stdout).not.toContain('ready');
    }
  });

  it('exits 2 on a --port that is not a port', async () => {
    const env = { TESSERA_ADMIN_ACCESS_KEY_ID: E2E_ADMIN.accessKeyId, TESSERA_ADMIN_SECRET_ACCESS_KEY: E2E_ADMIN.secretAccessKey };
    for (const port of ['abc', '65536', '1.5', '99999999999']) {
      const r = await runTessera(['up', `--port=${port}`, '--data', tempDir()], { env, timeoutMs: 5000 });
      expect(r.code, `--port=${port}`).toBe(2);
      expect(r.stderr).toContain(`--port must be an integer from 0 to 65535, not \`${port}\``);
    }
    const negative = await runTessera(['up', '--port=-1', '--data', tempDir()], { env, timeoutMs: 5000 });
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('--port must be an integer from 0 to 65535');
  });

  // Number() reads '' and '0x0' and '0e0' and ' 0' as 0: a typo must not silently pick a random port.
  // (All four mean port 0 if accepted, so a wrongly started server binds nothing fixed; it is killed after 4 s.)
  it('exits 2 on a --port that Number() would read but is not a decimal port', async () => {
    const env = { TESSERA_ADMIN_ACCESS_KEY_ID: E2E_ADMIN.accessKeyId, TESSERA_ADMIN_SECRET_ACCESS_KEY: E2E_ADMIN.secretAccessKey };
    const ports = ['', '0x0', '0e0', ' 0'];
    const results = await Promise.all(ports.map((port) => runTessera(['up', `--port=${port}`, '--data', tempDir()], { env, timeoutMs: 4000 })));
    const outcomes = Object.fromEntries(ports.map((p, i) => [p, results[i]?.code]));
    expect(outcomes).toEqual({ '': 2, '0x0': 2, '0e0': 2, ' 0': 2 });
  });

  it('exits 2 on an unknown option', async () => {
    const r = await runTessera(['up', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tessera up: .*bogus/);
  });

  it('exits 2 when the port is already in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const r = await runTessera(['up', '--port', String(port), '--data', tempDir()], {
        env: { TESSERA_ADMIN_ACCESS_KEY_ID: E2E_ADMIN.accessKeyId, TESSERA_ADMIN_SECRET_ACCESS_KEY: E2E_ADMIN.secretAccessKey },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    } finally {
      await new Promise((ok) => blocker.close(ok));
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    const s = await startTessera({});
    expect(await s.stop()).toEqual({ code: 0, signal: null });
    expect(s.stdout()).toMatch(/Tessera stopped\.\n$/);
  });

  // A supervisor (systemd, a test harness) may stop the server as soon as it reports ready: the
  // banner must not come before the signal handlers, or SIGTERM kills it without closing the store.
  it('stops cleanly on a SIGTERM sent the moment the ready line appears', async () => {
    const exits: string[] = [];
    for (let i = 0; i < 10; i++) {
      const child = spawn(process.execPath, [TESSERA_BIN, 'up', '--port', '0', '--data', tempDir()], {
        env: cleanEnv({ TESSERA_ADMIN_ACCESS_KEY_ID: E2E_ADMIN.accessKeyId, TESSERA_ADMIN_SECRET_ACCESS_KEY: E2E_ADMIN.secretAccessKey }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const exit = await new Promise<string>((done) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes(' ready in ')) child.kill('SIGTERM');
        });
        child.once('exit', (code, signal) => done(signal ?? String(code)));
      });
      clearTimeout(killer);
      exits.push(exit);
    }
    expect(exits).toEqual(Array(10).fill('0'));
  });
});
