// createSandbox: checks a run's inputs, serialises them as JSON copies, hands the run to the pool and turns
// what comes back into a validated outcome. Inputs a tenant controls (source size, counts) fail closed as
// `error` outcomes; nothing here throws for tenant content.

import { isJsonObject, isJsonValue } from './json.js';
import { MAX_INPUT_BYTES, MAX_SCRIPTS, MAX_SOURCE_CHARS, resolveLimits } from './limits.js';
import { actionsOutcome, rulesOutcome, type CollectedLogs, type Settlement } from './outcome.js';
import { Pool, type Job } from './pool.js';
import type { ChildRequest } from './protocol.js';
import type { ActionsOutcome, ActionsRun, RulesOutcome, RulesRun, Sandbox, SandboxOptions } from './types.js';

const MAX_NAME_CHARS = 256;

function checkName(what: string, v: unknown): string | null {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_NAME_CHARS) return `${what} must be a string of 1 to ${MAX_NAME_CHARS} characters`;
  return null;
}

function checkSource(kind: string, name: string, source: unknown): string | null {
  if (typeof source !== 'string') return `${kind} \`${name}\` has no source text`;
  if (source.length > MAX_SOURCE_CHARS) return `${kind} \`${name}\` is larger than ${MAX_SOURCE_CHARS} characters`;
  return null;
}

function checkStringMap(what: string, v: unknown): string | null {
  if (!isJsonObject(v)) return `${what} must be an object of strings`;
  for (const k of Object.keys(v)) if (typeof v[k] !== 'string') return `${what} \`${k}\` is not a string`;
  return null;
}

/** JSON text of host data, refused above the input cap (the child's memory is finite too). */
function inputJson(value: unknown): string | null {
  const s = JSON.stringify(value);
  return Buffer.byteLength(s, 'utf8') > MAX_INPUT_BYTES ? null : s;
}

export function createSandbox(options?: SandboxOptions): Sandbox {
  const limits = resolveLimits(options);
  let pool: Pool | null = null;
  let closed = false;
  let nextId = 1;

  function submit(tenant: string, names: readonly string[], request: (id: number) => ChildRequest): Promise<{ s: Settlement; logs: CollectedLogs }> {
    if (pool === null) pool = new Pool(limits);
    const p = pool;
    const id = nextId++;
    const logs: CollectedLogs = { lines: [], dropped: 0 };
    return new Promise((resolve) => {
      const job: Job = { id, tenant, request: request(id), logNames: names, logs, settle: (s) => resolve({ s, logs }), done: false, timer: undefined, step: undefined, frame: undefined };
      p.submit(job);
    });
  }

  function closedOrNull(): string | null {
    return closed ? 'the sandbox is closed' : null;
  }

  return {
    limits,

    async runRules(run: RulesRun): Promise<RulesOutcome> {
      const fail = (reason: string): RulesOutcome => ({ ok: false, failure: 'error', reason, logs: [] });
      const problem =
        closedOrNull() ??
        checkName('tenant', run.tenant) ??
        (Array.isArray(run.rules) ? null : 'rules must be a list') ??
        (run.rules.length > MAX_SCRIPTS ? `more than ${MAX_SCRIPTS} rules` : null) ??
        run.rules.map((r) => checkName('rule name', r.name) ?? checkSource('rule', r.name, r.script)).find((e) => e !== null) ??
        (isJsonObject(run.user) && isJsonValue(run.user) ? null : 'user must be a JSON object') ??
        (isJsonObject(run.context) && isJsonValue(run.context) ? null : 'context must be a JSON object') ??
        checkStringMap('configuration', run.configuration);
      if (problem !== null && problem !== undefined) return fail(problem);
      const input = inputJson({ user: run.user, context: run.context, configuration: run.configuration });
      if (input === null) return fail(`the user, context and configuration are larger than ${MAX_INPUT_BYTES} bytes`);
      const names = run.rules.map((r) => r.name);
      const rules = run.rules.map((r) => ({ name: r.name, script: r.script }));
      const { s, logs } = await submit(run.tenant, names, (id) => ({ type: 'rules', id, tenant: run.tenant, inputJson: input, rules }));
      return rulesOutcome(s, names, logs, limits.maxOutputBytes);
    },

    async runActions(run: ActionsRun): Promise<ActionsOutcome> {
      const fail = (reason: string): ActionsOutcome => ({ ok: false, failure: 'error', reason, logs: [] });
      const executedRules = run.executedRules ?? [];
      const problem =
        closedOrNull() ??
        checkName('tenant', run.tenant) ??
        (Array.isArray(run.actions) ? null : 'actions must be a list') ??
        (run.actions.length > MAX_SCRIPTS ? `more than ${MAX_SCRIPTS} actions` : null) ??
        run.actions
          .map((a) => checkName('action name', a.name) ?? checkName('action id', a.id) ?? checkSource('action', a.name, a.code) ?? checkStringMap(`action \`${a.name}\` secrets`, a.secrets))
          .find((e) => e !== null) ??
        (isJsonObject(run.event) && isJsonValue(run.event) ? null : 'event must be a JSON object') ??
        (Array.isArray(executedRules) && executedRules.every((r) => typeof r === 'string') ? null : 'executedRules must be a list of rule ids');
      if (problem !== null && problem !== undefined) return fail(problem);
      const eventJson = inputJson(run.event);
      if (eventJson === null) return fail(`the event is larger than ${MAX_INPUT_BYTES} bytes`);
      const names = run.actions.map((a) => a.name);
      const actions = run.actions.map((a) => ({ id: a.id, name: a.name, code: a.code, secretsJson: JSON.stringify(a.secrets) }));
      const input = JSON.stringify({ executedRules });
      const { s, logs } = await submit(run.tenant, names, (id) => ({ type: 'actions', id, tenant: run.tenant, inputJson: input, eventJson, actions }));
      return actionsOutcome(s, names, logs, limits.maxOutputBytes);
    },

    stats() {
      return pool === null ? { processes: [], spawned: 0, recycled: 0, lastChildRssBytes: undefined } : pool.stats();
    },

    async close(): Promise<void> {
      closed = true;
      if (pool !== null) await pool.close();
    },
  };
}
