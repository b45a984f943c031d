// The process pool (security.md §5.2.1–2): how children are started, the CPU budget, the host-enforced wall
// deadline, memory, recycling, tenant affinity, queueing and closing.

import { readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureSandboxBuilt, JANE } from '../../test/sandbox/support.js';
import { createSandbox, DEFAULT_LIMITS } from './index.js';
import type { RulesOutcome, Sandbox, SandboxOptions } from './index.js';

const PASS = 'function (user, context, callback) { callback(null, user, context); }';
const LOOP = 'function (user, context, callback) { while (true) {} }';
const COUNT = 'function (user, context, callback) { global.n = (global.n || 0) + 1; user.n = global.n; callback(null, user, context); }';

const open: Sandbox[] = [];
function sandbox(options?: SandboxOptions): Sandbox {
  const s = createSandbox(options);
  open.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  vi.restoreAllMocks();
});
beforeAll(async () => {
  await ensureSandboxBuilt();
}, 180_000);

function rule(s: Sandbox, script: string, tenant = 't'): Promise<RulesOutcome> {
  return s.runRules({ tenant, rules: [{ id: 'r1', name: 'r1', script }], user: JANE, context: {}, configuration: {} });
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('limits', () => {
  it('the factory uses Auth0’s 20 s wall deadline, 128 MB, 5 s CPU and a 64 KB output by default', async () => {
    const s = sandbox();
    expect(s.limits).toEqual(DEFAULT_LIMITS);
    expect(s.limits).toMatchObject({ wallTimeoutMs: 20_000, memoryLimitMb: 128, cpuTimeoutMs: 5_000, maxOutputBytes: 65_536, processes: 1 });
    // …and the pool arms its deadline with exactly that number.
    const spy = vi.spyOn(globalThis, 'setTimeout');
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
    expect(spy.mock.calls.some((c) => c[1] === 20_000)).toBe(true);
  });

  it('refuses options out of range', () => {
    expect(() => createSandbox({ memoryLimitMb: 256 })).toThrow(RangeError);
    expect(() => createSandbox({ memoryLimitMb: 4 })).toThrow(RangeError);
    expect(() => createSandbox({ wallTimeoutMs: 60_000 })).toThrow(RangeError);
    expect(() => createSandbox({ processes: 0 })).toThrow(RangeError);
    expect(() => createSandbox({ cpuTimeoutMs: 1.5 })).toThrow(RangeError);
  });
});

describe('the child process', () => {
  it('starts with an empty environment, no stdio, --no-node-snapshot, cwd /, and without root', async () => {
    process.env['TESSERA_SANDBOX_TEST_SECRET'] = 'must-not-leak';
    try {
      const s = sandbox();
      expect(await rule(s, PASS)).toMatchObject({ ok: true });
      const pid = s.stats().processes[0]?.pid as number;
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).toBe('');
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain('--no-node-snapshot');
      expect(argv.some((a) => a.endsWith('dist/sandbox/worker.js'))).toBe(true);
      for (const fd of [0, 1, 2]) expect(readlinkSync(`/proc/${pid}/fd/${fd}`)).toBe('/dev/null');
      expect(readlinkSync(`/proc/${pid}/cwd`)).toBe('/');
      const uid = Number(/Uid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (process.getuid?.() === 0) expect(uid).toBe(65_534);
      else expect(uid).toBe(process.getuid?.());
      expect(s.stats().processes[0]?.uid).toBe(uid);
    } finally {
      delete process.env['TESSERA_SANDBOX_TEST_SECRET'];
    }
  });

  it('the host never loads isolated-vm itself (only children do)', async () => {
    const s = sandbox();
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
    expect(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('isolated-vm'))).toEqual([]);
  });

  it('is killed and replaced when the sandbox closes; later runs fail closed', async () => {
    const s = createSandbox();
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
    const pid = s.stats().processes[0]?.pid;
    await s.close();
    await until(() => !alive(pid));
    expect(await rule(s, PASS)).toMatchObject({ ok: false, failure: 'error', reason: 'the sandbox is closed' });
  });

  it('a child that dies mid-run is a crash, and the next run gets a fresh child', async () => {
    const s = sandbox({ cpuTimeoutMs: 10_000, wallTimeoutMs: 10_000 });
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
    const pid = s.stats().processes[0]?.pid as number;
    const pending = rule(s, LOOP);
    await new Promise((r) => setTimeout(r, 200));
    process.kill(pid, 'SIGKILL');
    expect(await pending).toMatchObject({ ok: false, failure: 'crash', rule: 'r1', reason: expect.stringContaining('SIGKILL') });
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
    expect(s.stats().processes[0]?.pid).not.toBe(pid);
  });
});

describe('budgets', () => {
  it('a CPU-bound rule is stopped at its CPU budget, its child is replaced, and the next run works', async () => {
    const s = sandbox({ cpuTimeoutMs: 200, wallTimeoutMs: 5_000 });
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
    const before = s.stats();
    const started = Date.now();
    expect(await rule(s, LOOP)).toMatchObject({ ok: false, failure: 'timeout', rule: 'r1', reason: 'rule `r1` exceeded the 200 ms CPU budget' });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(s.stats().recycled).toBe(before.recycled + 1);
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
    expect(s.stats().processes[0]?.pid).not.toBe(before.processes[0]?.pid);
  });

  it('the host kills the child at the wall deadline even while the script is within its CPU budget', async () => {
    const s = sandbox({ cpuTimeoutMs: 10_000, wallTimeoutMs: 600 });
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
    const pid = s.stats().processes[0]?.pid;
    const started = Date.now();
    const r = await rule(s, LOOP);
    const elapsed = Date.now() - started;
    expect(r).toMatchObject({ ok: false, failure: 'timeout', rule: 'r1', reason: 'the pipeline exceeded the 600 ms wall deadline; its sandbox process was killed' });
    expect(elapsed).toBeGreaterThanOrEqual(590);
    expect(elapsed).toBeLessThan(2_500);
    await until(() => !alive(pid));
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
  });

  it('the wall deadline covers the whole pipeline, not each rule', async () => {
    const s = sandbox({ cpuTimeoutMs: 400, wallTimeoutMs: 1_000 });
    const busy = 'function (user, context, callback) { var t = Date.now(); while (Date.now() - t < 300) {} callback(null, user, context); }';
    const r = await s.runRules({ tenant: 't', rules: [1, 2, 3, 4, 5].map((i) => ({ id: `r${i}`, name: `r${i}`, script: busy })), user: JANE, context: {}, configuration: {} });
    expect(r).toMatchObject({ ok: false, failure: 'timeout' });
  });

  it('an isolate over its memory limit is a memory failure; the child is replaced and the next run works', async () => {
    const s = sandbox({ memoryLimitMb: 16, cpuTimeoutMs: 5_000, wallTimeoutMs: 10_000 });
    const r = await rule(s, 'function (user, context, callback) { var a = []; for (;;) a.push(new Array(1e5).fill(1)); }');
    expect(r).toMatchObject({ ok: false, failure: 'memory', rule: 'r1', reason: 'rule `r1` exceeded the 16 MB memory limit' });
    expect(s.stats().lastChildRssBytes).toBeLessThan(400 * 1_048_576);
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
  });
});

describe('recycling and affinity', () => {
  it('replaces a child after recycleAfterRuns runs (a tenant’s global may reset, as on Auth0)', async () => {
    const s = sandbox({ recycleAfterRuns: 3 });
    const counts: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await rule(s, COUNT);
      counts.push(r.ok ? r.user['n'] : r);
    }
    expect(counts).toEqual([1, 2, 3, 1]);
    expect(s.stats().recycled).toBe(1);
  });

  it('with several processes a tenant always lands on the same child', async () => {
    const s = sandbox({ processes: 2 });
    const tenants = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
    for (let round = 1; round <= 3; round++) {
      const results = await Promise.all(tenants.map((t) => rule(s, COUNT, t)));
      expect(results.map((r) => (r.ok ? r.user['n'] : r))).toEqual(tenants.map(() => round));
    }
    expect(s.stats().processes.filter((p) => p.pid !== undefined).length).toBe(2);
  });

  it('a login that waits longer than the wall deadline for a busy child fails as a timeout', async () => {
    const s = sandbox({ cpuTimeoutMs: 10_000, wallTimeoutMs: 800 });
    const [first, second] = await Promise.all([rule(s, LOOP), rule(s, PASS)]);
    expect(first).toMatchObject({ ok: false, failure: 'timeout', reason: expect.stringContaining('was killed') });
    expect(second).toMatchObject({ ok: false, failure: 'timeout', reason: expect.stringContaining('busy') });
    expect(await rule(s, PASS)).toMatchObject({ ok: true });
  });

  it('close() fails the runs still waiting', async () => {
    const s = createSandbox({ cpuTimeoutMs: 10_000, wallTimeoutMs: 10_000 });
    const running = rule(s, LOOP);
    const waiting = rule(s, PASS);
    await new Promise((r) => setTimeout(r, 300));
    await s.close();
    expect(await running).toMatchObject({ ok: false, failure: 'crash', reason: 'the sandbox was closed' });
    expect(await waiting).toMatchObject({ ok: false, failure: 'crash', reason: 'the sandbox was closed' });
  });
});
