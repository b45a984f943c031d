// Child side: one isolated-vm Isolate per tenant (never shared), the bootstrap inside it, and the pipeline
// loop that drives rules and actions one call at a time, each under the CPU budget. Only strings and numbers
// cross into an isolate and back out. This module runs in the sandbox child, never in the host.

import { createHash } from 'node:crypto';
import ivm from 'isolated-vm';
import { BOOTSTRAP_SOURCE } from './bootstrap.js';
import { SAML_RESPONSE_SETTERS, MAX_COMMAND_TEXT } from './commands.js';
import { facadeCall } from './facades.js';
import {
  CACHE_DEFAULT_TTL_MS, CACHE_MAX_TOTAL_CHARS, CACHE_MAX_TTL_MS, CACHE_MAX_VALUE_CHARS, MAX_COMMANDS, MAX_FACADE_BYTES,
  MAX_LOG_LINE_CHARS, MAX_LOG_LINES, MAX_REASON_CHARS, MAX_SCRIPTS_PER_TENANT, MAX_TENANTS_PER_CHILD,
} from './limits.js';
import type { ChildConfig, ChildMessage, ChildRequest } from './protocol.js';
import type { SandboxFailure } from './types.js';

type Result = Extract<ChildMessage, { type: 'result' }>;

interface Runner {
  readonly beginRules: ivm.Reference;
  readonly runRule: ivm.Reference;
  readonly beginActions: ivm.Reference;
  readonly loadAction: ivm.Reference;
  readonly dropSlot: ivm.Reference;
  readonly runAction: ivm.Reference;
  readonly stepStatus: ivm.Reference;
  readonly endRules: ivm.Reference;
  readonly endActions: ivm.Reference;
  readonly droppedLogs: ivm.Reference;
}
const RUNNER_METHODS = ['beginRules', 'runRule', 'beginActions', 'loadAction', 'dropSlot', 'runAction', 'stepStatus', 'endRules', 'endActions', 'droppedLogs'] as const;

interface Compiled {
  /** Cache key, and for actions the slot under which the runner keeps the evaluated module. */
  readonly key: string;
  readonly fn: ivm.Reference;
  /** Actions: the module has been evaluated (its top level runs once per isolate, as on Auth0). */
  loaded: boolean;
}

interface Tenant {
  readonly isolate: ivm.Isolate;
  readonly context: ivm.Context;
  readonly runner: Runner;
  /** Insertion order is recency order (re-inserted on use): the first key is the least recently used. */
  readonly scripts: Map<string, Compiled>;
}

/** Where the current run's log lines go; the child counts too (the isolate's own count is not trusted). */
interface LogSink {
  readonly id: number;
  step: number;
  lines: number;
  dropped: number;
}

/** Thrown inside the pipeline to end it with a failure. */
class Stop {
  constructor(
    readonly failure: SandboxFailure,
    readonly reason: string,
    readonly step: number | undefined,
    readonly fault: boolean,
    readonly publicMessage?: string,
  ) {}
}

function clip(s: string, n = MAX_REASON_CHARS): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  if (typeof e === 'object' && e !== null) {
    const m: unknown = (e as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  }
  return typeof e === 'string' ? e : 'unknown error';
}

/** A file name for stack traces: the rule's name, reduced to safe characters. */
function fileName(kind: 'rules' | 'actions', name: string, index: number): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 64) || String(index + 1);
  return `${kind}/${safe}.js`;
}

export class Runtime {
  private readonly tenants = new Map<string, Tenant>();
  private sink: LogSink | null = null;
  private readonly configJson: string;

  constructor(
    private readonly config: ChildConfig,
    private readonly send: (message: ChildMessage) => void,
  ) {
    this.configJson = JSON.stringify({
      maxLogLines: MAX_LOG_LINES,
      maxLogLineChars: MAX_LOG_LINE_CHARS,
      maxCommands: MAX_COMMANDS,
      maxCommandText: MAX_COMMAND_TEXT,
      maxOutputBytes: config.maxOutputBytes,
      maxFacadeBytes: MAX_FACADE_BYTES,
      setters: SAML_RESPONSE_SETTERS,
      cache: { maxValue: CACHE_MAX_VALUE_CHARS, maxTotal: CACHE_MAX_TOTAL_CHARS, defaultTtl: CACHE_DEFAULT_TTL_MS, maxTtl: CACHE_MAX_TTL_MS },
    });
  }

  run(request: ChildRequest): Result {
    const sink: LogSink = { id: request.id, step: 0, lines: 0, dropped: 0 };
    this.sink = sink;
    let tenant: Tenant | undefined;
    const finish = (r: { ok: true; output: string } | Stop): Result => {
      let droppedInIsolate = 0;
      if (tenant !== undefined && !tenant.isolate.isDisposed) {
        try {
          const n: unknown = tenant.runner.droppedLogs.applySync(undefined, [], { timeout: this.config.cpuTimeoutMs });
          if (typeof n === 'number' && Number.isInteger(n) && n >= 0) droppedInIsolate = n;
        } catch {
          // The count is cosmetic; the run's result stands.
        }
      }
      const droppedLogs = droppedInIsolate + sink.dropped;
      const rss = process.memoryUsage().rss;
      if (r instanceof Stop) {
        const base = { type: 'result' as const, id: request.id, ok: false as const, failure: r.failure, reason: clip(r.reason), droppedLogs, rss, fault: r.fault };
        return {
          ...base,
          ...(r.step === undefined ? {} : { step: r.step }),
          ...(r.publicMessage === undefined ? {} : { publicMessage: clip(r.publicMessage) }),
        };
      }
      return { type: 'result', id: request.id, ok: true, output: r.output, droppedLogs, rss };
    };
    try {
      tenant = this.tenant(request.tenant);
      const output = request.type === 'rules' ? this.rules(tenant, request) : this.actions(tenant, request);
      return finish({ ok: true, output });
    } catch (e) {
      if (e instanceof Stop) {
        if (e.fault && tenant !== undefined) this.drop(request.tenant);
        return finish(e);
      }
      if (tenant !== undefined) this.drop(request.tenant);
      return finish(new Stop('crash', `sandbox internal error: ${errorText(e)}`, undefined, true));
    } finally {
      this.sink = null;
    }
  }

  // ---------------------------------------------------------------------------------------------------

  private tenant(id: string): Tenant {
    const existing = this.tenants.get(id);
    if (existing !== undefined && !existing.isolate.isDisposed) {
      this.tenants.delete(id);
      this.tenants.set(id, existing);
      return existing;
    }
    this.tenants.delete(id);
    while (this.tenants.size >= MAX_TENANTS_PER_CHILD) {
      const oldest = this.tenants.keys().next().value as string;
      this.drop(oldest);
    }
    const isolate = new ivm.Isolate({
      memoryLimit: this.config.memoryLimitMb,
      // isolated-vm: "v8 has lost all control over the isolate … end the process". The host sees a crash.
      onCatastrophicError: () => process.kill(process.pid, 'SIGKILL'),
    });
    try {
      const context = isolate.createContextSync();
      const log = new ivm.Callback((line: unknown) => this.log(line));
      const call = new ivm.Callback((req: unknown) => facadeCall(req));
      const runnerRef = context.evalClosureSync(BOOTSTRAP_SOURCE, [this.configJson, log, call], {
        result: { reference: true },
        timeout: 5_000,
      }) as ivm.Reference;
      const runner = {} as Record<(typeof RUNNER_METHODS)[number], ivm.Reference>;
      for (const m of RUNNER_METHODS) runner[m] = runnerRef.getSync(m, { reference: true }) as ivm.Reference;
      runnerRef.release();
      const tenant: Tenant = { isolate, context, runner, scripts: new Map() };
      this.tenants.set(id, tenant);
      return tenant;
    } catch (e) {
      if (!isolate.isDisposed) isolate.dispose();
      throw e;
    }
  }

  private drop(id: string): void {
    const t = this.tenants.get(id);
    this.tenants.delete(id);
    if (t !== undefined && !t.isolate.isDisposed) t.isolate.dispose();
  }

  private log(line: unknown): void {
    const sink = this.sink;
    if (sink === null || typeof line !== 'string') return;
    if (sink.lines >= MAX_LOG_LINES) {
      sink.dropped++;
      return;
    }
    sink.lines++;
    this.send({ type: 'log', id: sink.id, step: sink.step, line: line.slice(0, MAX_LOG_LINE_CHARS) });
  }

  /** Runs one call into the isolate under the CPU budget; maps isolated-vm's failures to outcomes. */
  private call(t: Tenant, step: number | undefined, what: string, fn: () => unknown): unknown {
    try {
      return fn();
    } catch (e) {
      throw this.failure(t, step, what, e, false);
    }
  }

  private failure(t: Tenant, step: number | undefined, what: string, e: unknown, tenantCode: boolean): Stop {
    const text = errorText(e);
    if (t.isolate.isDisposed) {
      return new Stop('memory', `${what} exceeded the ${this.config.memoryLimitMb} MB memory limit`, step, true);
    }
    if (/Script execution timed out/.test(text)) {
      return new Stop('timeout', `${what} exceeded the ${this.config.cpuTimeoutMs} ms CPU budget`, step, true);
    }
    if (tenantCode) return new Stop('error', `${what}: ${text}`, step, false);
    // The runner itself failed (a rule broke its own realm badly enough): start this tenant afresh.
    return new Stop('error', `${what}: sandbox runtime failed: ${text}`, step, true);
  }

  private compile(t: Tenant, kind: 'rules' | 'actions', index: number, name: string, source: string): Compiled {
    const key = createHash('sha256').update(`${kind}\0${name}\0${source}`).digest('hex');
    const hit = t.scripts.get(key);
    if (hit !== undefined) {
      t.scripts.delete(key);
      t.scripts.set(key, hit);
      return hit;
    }
    const what = `${kind === 'rules' ? 'rule' : 'action'} \`${name}\``;
    // A rule is a function expression; an action is a CommonJS module body. The wrappers keep line numbers.
    const wrapped =
      kind === 'rules'
        ? `(\n${source}\n)`
        : `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
    let script: ivm.Script;
    try {
      script = t.isolate.compileScriptSync(wrapped, { filename: fileName(kind, name, index), ...(kind === 'rules' ? { lineOffset: -1 } : {}) });
    } catch (e) {
      throw this.failure(t, index, what, e, true);
    }
    let fn: ivm.Reference;
    try {
      fn = script.runSync(t.context, { reference: true, timeout: this.config.cpuTimeoutMs }) as ivm.Reference;
    } catch (e) {
      throw this.failure(t, index, what, e, true);
    } finally {
      script.release();
    }
    const entry: Compiled = { key, fn, loaded: false };
    t.scripts.set(key, entry);
    while (t.scripts.size > MAX_SCRIPTS_PER_TENANT) {
      const [oldKey, old] = t.scripts.entries().next().value as [string, Compiled];
      t.scripts.delete(oldKey);
      if (old.loaded) t.runner.dropSlot.applySync(undefined, [oldKey], { timeout: this.config.cpuTimeoutMs });
      old.fn.release();
    }
    return entry;
  }

  private status(t: Tenant, index: number, what: string): { s: string; m?: string; i?: number; denied?: boolean } {
    const raw = this.call(t, index, what, () => t.runner.stepStatus.applySync(undefined, [index], { timeout: this.config.cpuTimeoutMs }));
    let parsed: unknown = null;
    try {
      parsed = typeof raw === 'string' ? JSON.parse(raw) : null;
    } catch {
      parsed = null;
    }
    if (typeof parsed !== 'object' || parsed === null) throw new Stop('error', `${what}: sandbox runtime returned no status`, index, true);
    return parsed as { s: string; m?: string; i?: number; denied?: boolean };
  }

  private end(t: Tenant, method: 'endRules' | 'endActions', what: string): string {
    const raw = this.call(t, undefined, what, () => t.runner[method].applySync(undefined, [], { timeout: this.config.cpuTimeoutMs }));
    if (typeof raw !== 'string' || raw.length === 0) throw new Stop('output', `${what} produced no output`, undefined, false);
    const tag = raw[0];
    const body = raw.slice(1);
    if (tag === 'L') throw new Stop('output', `${what} output of ${body} characters exceeds ${this.config.maxOutputBytes} bytes`, undefined, false);
    if (tag === 'E') throw new Stop('output', `${what} output is not valid: ${body}`, undefined, false);
    if (tag !== 'J' || Buffer.byteLength(body, 'utf8') > this.config.maxOutputBytes) {
      throw new Stop('output', `${what} output exceeds ${this.config.maxOutputBytes} bytes`, undefined, false);
    }
    return body;
  }

  private enter(id: number, step: number): void {
    if (this.sink !== null) this.sink.step = step;
    this.send({ type: 'step', id, step });
  }

  private checkWall(started: number, step: number): void {
    // The host kills this process at the wall deadline; this only avoids starting work that cannot finish.
    if (Date.now() - started > this.config.wallTimeoutMs) {
      throw new Stop('timeout', `the pipeline exceeded the ${this.config.wallTimeoutMs} ms wall deadline`, step, true);
    }
  }

  private rules(t: Tenant, req: Extract<ChildRequest, { type: 'rules' }>): string {
    const started = Date.now();
    const timeout = this.config.cpuTimeoutMs;
    this.call(t, undefined, 'rules input', () => t.runner.beginRules.applySync(undefined, [req.inputJson], { timeout }));
    for (let i = 0; i < req.rules.length; i++) {
      const rule = req.rules[i] as { name: string; script: string };
      const what = `rule \`${rule.name}\``;
      this.checkWall(started, i);
      this.enter(req.id, i);
      const compiled = this.compile(t, 'rules', i, rule.name, rule.script);
      this.call(t, i, what, () => t.runner.runRule.applySync(undefined, [compiled.fn.derefInto(), i], { timeout }));
      const st = this.status(t, i, what);
      switch (st.s) {
        case 'ok':
          continue;
        case 'unauthorized':
          throw new Stop('unauthorized', `${what} denied access: UnauthorizedError: ${st.m ?? ''}`, i, false, st.m ?? '');
        case 'error':
          throw new Stop('error', `${what}: ${st.m ?? 'failed'}`, i, false);
        case 'double': {
          const at = typeof st.i === 'number' && st.i >= 0 && st.i < req.rules.length ? st.i : i;
          throw new Stop('error', `rule \`${(req.rules[at] as { name: string }).name}\` called callback more than once`, at, false);
        }
        case 'pending':
          // No timers or I/O exist in the isolate: once its microtasks have drained, nothing can call back.
          // Auth0 would stall until its 20 s limit; failing now frees the child for the next login.
          throw new Stop('timeout', `${what} returned without calling callback, and nothing is left that could call it`, i, false);
        default:
          throw new Stop('error', `${what}: sandbox runtime returned an unknown status`, i, true);
      }
    }
    return this.end(t, 'endRules', 'the rules pipeline');
  }

  private actions(t: Tenant, req: Extract<ChildRequest, { type: 'actions' }>): string {
    const started = Date.now();
    const timeout = this.config.cpuTimeoutMs;
    this.call(t, undefined, 'actions input', () => t.runner.beginActions.applySync(undefined, [req.inputJson], { timeout }));
    for (let i = 0; i < req.actions.length; i++) {
      const action = req.actions[i] as { id: string; name: string; code: string; secretsJson: string };
      const what = `action \`${action.name}\``;
      this.checkWall(started, i);
      this.enter(req.id, i);
      const compiled = this.compile(t, 'actions', i, action.name, action.code);
      if (!compiled.loaded) {
        const raw = this.call(t, i, what, () => t.runner.loadAction.applySync(undefined, [compiled.key, compiled.fn.derefInto()], { timeout }));
        const st: unknown = typeof raw === 'string' ? JSON.parse(raw) : null;
        if (typeof st !== 'object' || st === null || (st as { s?: unknown }).s !== 'ok') {
          const m = (st as { m?: unknown } | null)?.m;
          throw new Stop('error', `${what}: ${typeof m === 'string' ? m : 'module failed to load'}`, i, false);
        }
        compiled.loaded = true;
      }
      this.call(t, i, what, () =>
        t.runner.runAction.applySync(undefined, [compiled.key, i, req.eventJson, action.secretsJson], { timeout }),
      );
      const st = this.status(t, i, what);
      switch (st.s) {
        case 'ok':
          if (st.denied === true) return this.end(t, 'endActions', 'the actions pipeline');
          continue;
        case 'error':
          throw new Stop('error', `${what}: ${st.m ?? 'failed'}`, i, false);
        case 'pending':
          throw new Stop('timeout', `${what} returned a promise that never settles`, i, false);
        default:
          throw new Stop('error', `${what}: sandbox runtime returned an unknown status`, i, true);
      }
    }
    return this.end(t, 'endActions', 'the actions pipeline');
  }
}
