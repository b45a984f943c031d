// Host side: the pool of sandbox child processes. Each child is `node --no-node-snapshot dist/sandbox/worker.js`
// with an EMPTY environment (no secrets, no NODE_OPTIONS), no stdio, a private framed pipe on fd 3, cwd `/`,
// and — when the host runs as root — the `nobody` user. The host alone enforces the wall deadline (SIGKILL),
// and replaces a child after N runs or any fault. It never loads isolated-vm itself.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { dirname, join, parse as parsePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseUntrustedJson } from './json.js';
import { CHILD_MAX_OLD_SPACE_MB, CHILD_MAX_RSS_BYTES, CHILD_START_TIMEOUT_MS, MAX_FRAME_TO_CHILD, MAX_LOG_LINES } from './limits.js';
import { sanitizeLogLine, type CollectedLogs, type Settlement } from './outcome.js';
import { encodeFrame, FrameDecoder, type ChildConfig, type ChildRequest } from './protocol.js';
import type { SandboxLimits, SandboxProcessStats, SandboxStats } from './types.js';

/** `<package root>/dist/sandbox/worker.js`, found from this file whether it runs from src (tests) or dist. */
export function workerScriptPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  const root = parsePath(dir).root;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'tessera') return join(dir, 'dist', 'sandbox', 'worker.js');
      } catch {
        // not ours; keep walking
      }
    }
    if (dir === root) throw new Error('sandbox: cannot find the tessera package root');
    dir = dirname(dir);
  }
}

/** Readable and traversable by "others" along the whole path, so an unprivileged child can load it. */
function worldReadable(path: string): boolean {
  try {
    if ((statSync(path).mode & 0o004) === 0) return false;
    for (let d = dirname(path); ; d = dirname(d)) {
      if ((statSync(d).mode & 0o001) === 0) return false;
      if (d === dirname(d)) return true;
    }
  } catch {
    return false;
  }
}

/**
 * security.md §5.2.1 "unprivileged uid": when the host is root, the child runs as nobody (65534), provided
 * node, the worker and isolated-vm are readable by it. Otherwise the child keeps the host's user.
 */
function childIdentity(worker: string): { uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  let ivmDir: string;
  try {
    ivmDir = dirname(createRequire(worker).resolve('isolated-vm'));
  } catch {
    return null;
  }
  const needed = [process.execPath, worker, join(dirname(worker), 'runtime.js'), join(ivmDir, 'isolated-vm.js'), join(ivmDir, 'out', 'isolated_vm.node')];
  return needed.every(worldReadable) ? { uid: 65_534, gid: 65_534 } : null;
}

/** Resident set size of a process, from /proc (Linux); undefined elsewhere. */
export function processRssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface Job {
  readonly id: number;
  readonly tenant: string;
  readonly request: ChildRequest;
  readonly logNames: readonly string[];
  readonly logs: CollectedLogs;
  readonly settle: (s: Settlement) => void;
  done: boolean;
  /** The request, encoded once. */
  frame: Buffer | undefined;
  /** The rule or action the child last said it started (for failures the host decides: wall deadline, crash). */
  step: number | undefined;
  timer: NodeJS.Timeout | undefined;
}

class Child {
  readonly proc: ChildProcess;
  readonly channel: Socket;
  state: 'starting' | 'idle' | 'busy' | 'dead' = 'starting';
  runs = 0;
  job: Job | null = null;
  pid: number | undefined;
  startTimer: NodeJS.Timeout | undefined;
  readonly exited: Promise<void>;

  constructor(proc: ChildProcess, readonly uid: number | undefined) {
    this.proc = proc;
    this.channel = proc.stdio[3] as Socket;
    this.pid = proc.pid;
    this.exited = new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });
  }
}

class Slot {
  child: Child | null = null;
  readonly queue: Job[] = [];
  constructor(readonly index: number) {}
}

/** FNV-1a: a tenant always maps to the same slot, so its isolate (and `global`) stays warm in one child. */
function slotOf(tenant: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < tenant.length; i++) {
    h ^= tenant.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % n;
}

export class Pool {
  private readonly slots: Slot[];
  private readonly worker: string;
  private readonly identity: { uid: number; gid: number } | null;
  private readonly maxFrame: number;
  private closed = false;
  private spawned = 0;
  private recycled = 0;
  private lastChildRss: number | undefined;

  constructor(private readonly limits: SandboxLimits) {
    this.slots = Array.from({ length: limits.processes }, (_, i) => new Slot(i));
    this.worker = workerScriptPath();
    this.identity = childIdentity(this.worker);
    // The output travels as a JSON string inside the frame: escaping can double it.
    this.maxFrame = 2 * limits.maxOutputBytes + 65_536;
  }

  submit(job: Job): void {
    if (this.closed) {
      this.finish(job, { kind: 'failure', failure: 'crash', reason: 'the sandbox is closed' });
      return;
    }
    job.frame = encodeFrame(job.request);
    if (job.frame.length - 4 > MAX_FRAME_TO_CHILD) {
      // JSON escaping can inflate sources several times over: refuse here rather than crash the child's reader.
      this.finish(job, { kind: 'failure', failure: 'error', reason: `the run's sources and inputs exceed ${MAX_FRAME_TO_CHILD} bytes once encoded` });
      return;
    }
    const slot = this.slots[slotOf(job.tenant, this.slots.length)] as Slot;
    slot.queue.push(job);
    this.armQueueDeadline(slot, job);
    this.pump(slot);
  }

  /**
   * A login that waits for a busy child longer than a whole pipeline may take fails rather than piles up.
   * Waiting for a child to start does not count (start-up has its own limit, CHILD_START_TIMEOUT_MS).
   */
  private armQueueDeadline(slot: Slot, job: Job): void {
    job.timer = setTimeout(() => {
      const i = slot.queue.indexOf(job);
      if (i < 0) return;
      if (slot.child !== null && slot.child.state === 'starting') {
        this.armQueueDeadline(slot, job);
        return;
      }
      slot.queue.splice(i, 1);
      this.finish(job, { kind: 'failure', failure: 'timeout', reason: `the sandbox was busy for the whole ${this.limits.wallTimeoutMs} ms wall deadline` });
    }, this.limits.wallTimeoutMs);
  }

  stats(): SandboxStats {
    const processes: SandboxProcessStats[] = this.slots.map((s) => {
      const c = s.child !== null && s.child.state !== 'dead' ? s.child : null;
      return { slot: s.index, pid: c?.pid, uid: c?.uid, runs: c?.runs ?? 0, rssBytes: processRssBytes(c?.pid) };
    });
    return { processes, spawned: this.spawned, recycled: this.recycled, lastChildRssBytes: this.lastChildRss };
  }

  async close(): Promise<void> {
    // The children are unref'd (they must not keep a host alive), so while close() waits for them
    // to exit nothing may be holding the event loop: hold it here, or Node ends a process whose last
    // work is this close mid-shutdown (exit code 13, an unsettled top-level await).
    const hold = setInterval(() => {}, 1000);
    try {
      await this.closeChildren();
    } finally {
      clearInterval(hold);
    }
  }

  private async closeChildren(): Promise<void> {
    this.closed = true;
    const exits: Promise<void>[] = [];
    for (const slot of this.slots) {
      for (const job of slot.queue.splice(0)) this.finish(job, { kind: 'failure', failure: 'crash', reason: 'the sandbox was closed' });
      const c = slot.child;
      if (c !== null) {
        if (c.job !== null) this.finish(c.job, { kind: 'failure', failure: 'crash', reason: 'the sandbox was closed' });
        this.kill(c);
        exits.push(c.exited);
      }
      slot.child = null;
    }
    await Promise.all(exits);
  }

  // ---------------------------------------------------------------------------------------------------

  private finish(job: Job, s: Settlement): void {
    if (job.done) return;
    job.done = true;
    if (job.timer !== undefined) clearTimeout(job.timer);
    job.timer = undefined;
    job.settle(s);
  }

  private pump(slot: Slot): void {
    if (this.closed || slot.queue.length === 0) return;
    if (slot.child === null || slot.child.state === 'dead') slot.child = this.spawn(slot);
    const child = slot.child;
    if (child.state !== 'idle') return;
    const job = slot.queue.shift() as Job;
    if (job.timer !== undefined) clearTimeout(job.timer);
    child.job = job;
    child.state = 'busy';
    // The wall deadline, enforced here and only here: at expiry the child is killed, whatever it is doing.
    job.timer = setTimeout(() => {
      if (child.job !== job) return;
      child.job = null;
      this.finish(job, {
        kind: 'failure',
        failure: 'timeout',
        reason: `the pipeline exceeded the ${this.limits.wallTimeoutMs} ms wall deadline; its sandbox process was killed`,
        ...(job.step === undefined ? {} : { step: job.step }),
      });
      this.retire(slot, child);
    }, this.limits.wallTimeoutMs);
    child.channel.write(job.frame ?? encodeFrame(job.request));
    job.frame = undefined;
  }

  private spawn(slot: Slot): Child {
    const args = ['--no-node-snapshot', `--max-old-space-size=${CHILD_MAX_OLD_SPACE_MB}`, '--disable-proto=delete', this.worker];
    const proc = spawn(process.execPath, args, {
      // No parent environment: no credentials, no NODE_OPTIONS, no proxy settings reach tenant code's process.
      env: {},
      cwd: '/',
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      windowsHide: true,
      ...(this.identity === null ? {} : { uid: this.identity.uid, gid: this.identity.gid }),
    });
    this.spawned++;
    const child = new Child(proc, this.identity?.uid ?? process.getuid?.());
    const decoder = new FrameDecoder(this.maxFrame);
    proc.unref();
    child.channel.unref();
    child.startTimer = setTimeout(() => {
      if (child.state === 'starting') this.retire(slot, child, 'the sandbox process did not start in time');
    }, CHILD_START_TIMEOUT_MS);
    child.startTimer.unref();
    child.channel.on('data', (chunk: Buffer) => {
      if (child.state === 'dead') return;
      let frames: string[];
      try {
        frames = decoder.push(chunk);
      } catch (e) {
        // A frame too large for any legitimate result: the child is broken or compromised.
        this.retire(slot, child, `the sandbox process broke the protocol: ${e instanceof Error ? e.message : 'bad frame'}`);
        return;
      }
      for (const text of frames) {
        // onFrame may retire the child: stop reading what a dead child sent after that.
        if ((child.state as Child['state']) === 'dead') return;
        this.onFrame(slot, child, text);
      }
    });
    child.channel.on('error', () => this.retire(slot, child, 'the sandbox process channel failed'));
    proc.on('error', () => this.retire(slot, child, 'the sandbox process could not be started'));
    proc.on('exit', (code, signal) => {
      if (child.state !== 'dead') this.retire(slot, child, `the sandbox process exited (${signal ?? `code ${String(code)}`})`);
    });
    const config: ChildConfig = {
      type: 'config',
      memoryLimitMb: this.limits.memoryLimitMb,
      cpuTimeoutMs: this.limits.cpuTimeoutMs,
      wallTimeoutMs: this.limits.wallTimeoutMs,
      maxOutputBytes: this.limits.maxOutputBytes,
    };
    child.channel.write(encodeFrame(config));
    return child;
  }

  private onFrame(slot: Slot, child: Child, text: string): void {
    const parsed = parseUntrustedJson(text, this.maxFrame);
    const m = parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : null;
    if (m === null) {
      this.retire(slot, child, 'the sandbox process sent a malformed message');
      return;
    }
    switch (m['type']) {
      case 'ready':
        if (child.state !== 'starting') return;
        if (child.startTimer !== undefined) clearTimeout(child.startTimer);
        child.state = 'idle';
        this.pump(slot);
        return;
      case 'step': {
        const job = child.job;
        const step = m['step'];
        if (job !== null && m['id'] === job.id && typeof step === 'number' && Number.isInteger(step) && step >= 0 && step < job.logNames.length) job.step = step;
        return;
      }
      case 'log': {
        const job = child.job;
        if (job === null || m['id'] !== job.id) return;
        const step = m['step'];
        const line = m['line'];
        if (typeof line !== 'string' || typeof step !== 'number' || !Number.isInteger(step)) return;
        const source = job.logNames[step];
        if (source === undefined) return;
        if (job.logs.lines.length >= MAX_LOG_LINES) job.logs.dropped++;
        else job.logs.lines.push({ source, line: sanitizeLogLine(line) });
        return;
      }
      case 'result': {
        const job = child.job;
        if (job === null || m['id'] !== job.id) {
          this.retire(slot, child, 'the sandbox process answered a request it was not given');
          return;
        }
        child.job = null;
        child.runs++;
        const rss = m['rss'];
        if (typeof rss === 'number' && Number.isFinite(rss)) this.lastChildRss = rss;
        this.finish(job, { kind: 'result', message: m });
        // Replace the child after any fault (timeout, memory, internal error), after N runs, or when it grew.
        const fault = m['fault'] === true || m['failure'] === 'memory' || m['failure'] === 'crash';
        const grown = (processRssBytes(child.pid) ?? 0) > CHILD_MAX_RSS_BYTES;
        if (fault || grown || child.runs >= this.limits.recycleAfterRuns) {
          this.retire(slot, child);
          return;
        }
        child.state = 'idle';
        this.pump(slot);
        return;
      }
      default:
        this.retire(slot, child, 'the sandbox process sent an unknown message');
    }
  }

  private kill(child: Child): void {
    child.state = 'dead';
    if (child.startTimer !== undefined) clearTimeout(child.startTimer);
    child.channel.destroy();
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
  }

  /** Kills a child (failing its job, if any, as a crash) and lets the slot start a fresh one. */
  private retire(slot: Slot, child: Child, crashReason?: string): void {
    if (child.state === 'dead') return;
    const neverStarted = child.state === 'starting';
    const job = child.job;
    child.job = null;
    this.kill(child);
    this.recycled++;
    const reason = crashReason ?? 'the sandbox process was replaced';
    if (job !== null) this.finish(job, { kind: 'failure', failure: 'crash', reason, ...(job.step === undefined ? {} : { step: job.step }) });
    if (slot.child === child) slot.child = null;
    if (this.closed) return;
    if (neverStarted) {
      // A child that cannot start will not start on a retry loop either: fail what waits, retry on demand.
      for (const queued of slot.queue.splice(0)) this.finish(queued, { kind: 'failure', failure: 'crash', reason });
      return;
    }
    // Start the replacement now, so the next login does not pay for it.
    slot.child = this.spawn(slot);
    this.pump(slot);
  }
}
