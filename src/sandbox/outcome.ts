// Host side: turns what a child said (untrusted, possibly from a compromised process) into a RulesOutcome or
// an ActionsOutcome. Output JSON is size-capped, parsed with the prototype-key reviver and checked against
// the exact schema; anything else fails closed as `output` or `crash`. Names come from the host's own
// copy of the run, never from the child.

import { validateActionCommand, validateMetadataCommand, type ActionCommand, type RulesCommand } from './commands.js';
import { isJsonObject, parseUntrustedJson, type JsonObject } from './json.js';
import { MAX_LOG_LINE_CHARS, MAX_LOG_LINES, MAX_REASON_CHARS } from './limits.js';
import { SANDBOX_FAILURES, type ActionsOutcome, type RulesOutcome, type SandboxFailure, type SandboxLog } from './types.js';

/** How a run ended, as the pool saw it: a child's result message (unchecked), or a host-side failure. */
export type Settlement =
  | { readonly kind: 'result'; readonly message: Readonly<Record<string, unknown>> }
  | {
      readonly kind: 'failure';
      readonly failure: 'timeout' | 'crash' | 'error';
      readonly reason: string;
      /** The rule or action the child last said it was running. */
      readonly step?: number;
    };

/** Logs the pool collected for a run (already capped per line and in count), and the lines it dropped. */
export interface CollectedLogs {
  readonly lines: SandboxLog[];
  dropped: number;
}

/** Source of the marker line that says how many lines were dropped. */
export const LOG_MARKER_SOURCE = 'sandbox';

/**
 * One log line as the tenant log stores it: ≤ 256 characters, no line breaks or other control characters
 * (a rule must not forge log entries, CWE-117).
 */
export function sanitizeLogLine(line: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/\r\n|\r|\n/g, '\\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, '\uFFFD');
  return clean.length > MAX_LOG_LINE_CHARS ? clean.slice(0, MAX_LOG_LINE_CHARS) : clean;
}

function sanitizeReason(s: unknown, fallback: string): string {
  if (typeof s !== 'string' || s.length === 0) return fallback;
  const clean = s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return clean.length > MAX_REASON_CHARS ? `${clean.slice(0, MAX_REASON_CHARS)}…` : clean;
}

function finalLogs(logs: CollectedLogs, droppedByChild: unknown): SandboxLog[] {
  const fromChild = typeof droppedByChild === 'number' && Number.isInteger(droppedByChild) && droppedByChild > 0 ? droppedByChild : 0;
  const dropped = logs.dropped + fromChild;
  const out = logs.lines.slice(0, MAX_LOG_LINES);
  if (dropped > 0) out.push({ source: LOG_MARKER_SOURCE, line: `${dropped} more log lines dropped (limit ${MAX_LOG_LINES} per run)` });
  return out;
}

interface Failure {
  readonly failure: SandboxFailure;
  readonly reason: string;
  readonly name?: string;
  readonly publicMessage?: string;
}

/** Reads a child's failure message; any field out of shape makes it a `crash`. */
function failureOf(m: Readonly<Record<string, unknown>>, names: readonly string[]): Failure {
  const kind = m['failure'];
  if (typeof kind !== 'string' || !(SANDBOX_FAILURES as readonly string[]).includes(kind)) {
    return { failure: 'crash', reason: 'sandbox process returned an unknown failure' };
  }
  const failure = kind as SandboxFailure;
  const step = m['step'];
  const name = typeof step === 'number' && Number.isInteger(step) && step >= 0 && step < names.length ? names[step] : undefined;
  const reason = sanitizeReason(m['reason'], `sandbox failure: ${failure}`);
  const pub = m['publicMessage'];
  return {
    failure,
    reason,
    ...(name === undefined ? {} : { name }),
    ...(failure === 'unauthorized' ? { publicMessage: sanitizeReason(pub, '') } : {}),
  };
}

type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

function settle<T>(settlement: Settlement, names: readonly string[], read: (output: string) => Checked<T>): Checked<T> {
  if (settlement.kind === 'failure') {
    const name = settlement.step === undefined ? undefined : names[settlement.step];
    return { ok: false, failure: { failure: settlement.failure, reason: settlement.reason, ...(name === undefined ? {} : { name }) } };
  }
  const m = settlement.message;
  if (m['ok'] === true) {
    const output = m['output'];
    if (typeof output !== 'string') return { ok: false, failure: { failure: 'crash', reason: 'sandbox process returned no output' } };
    return read(output);
  }
  if (m['ok'] === false) return { ok: false, failure: failureOf(m, names) };
  return { ok: false, failure: { failure: 'crash', reason: 'sandbox process returned a malformed result' } };
}

function outputFailure(reason: string): { readonly ok: false; readonly failure: Failure } {
  return { ok: false, failure: { failure: 'output', reason } };
}

export function rulesOutcome(settlement: Settlement, names: readonly string[], logs: CollectedLogs, maxOutputBytes: number): RulesOutcome {
  const checked = settle(settlement, names, (output): Checked<{ user: JsonObject; context: JsonObject; commands: RulesCommand[] }> => {
    const parsed = parseUntrustedJson(output, maxOutputBytes);
    if (!parsed.ok) return outputFailure(`the rules pipeline: ${parsed.reason}`);
    const v = parsed.value;
    if (!isJsonObject(v) || Object.keys(v).sort().join(',') !== 'commands,context,user') return outputFailure('the rules pipeline: output is not {user, context}');
    const user = v['user'];
    const context = v['context'];
    const rawCommands = v['commands'];
    if (!isJsonObject(user)) return outputFailure('the rules pipeline: user is not an object');
    if (!isJsonObject(context)) return outputFailure('the rules pipeline: context is not an object');
    if (!Array.isArray(rawCommands)) return outputFailure('the rules pipeline: commands are not a list');
    const commands: RulesCommand[] = [];
    for (const raw of rawCommands) {
      const c = validateMetadataCommand(raw);
      if (!c.ok) return outputFailure(`the rules pipeline: ${c.reason}`);
      commands.push(c.command);
    }
    return { ok: true, value: { user, context, commands } };
  });
  const droppedByChild = settlement.kind === 'result' ? settlement.message['droppedLogs'] : 0;
  const lines = finalLogs(logs, droppedByChild);
  if (checked.ok) return { ok: true, user: checked.value.user, context: checked.value.context, commands: checked.value.commands, logs: lines };
  const f = checked.failure;
  return {
    ok: false,
    failure: f.failure,
    reason: f.reason,
    ...(f.name === undefined ? {} : { rule: f.name }),
    ...(f.publicMessage === undefined ? {} : { publicMessage: f.publicMessage }),
    logs: lines,
  };
}

export function actionsOutcome(settlement: Settlement, names: readonly string[], logs: CollectedLogs, maxOutputBytes: number): ActionsOutcome {
  const checked = settle(settlement, names, (output): Checked<ActionCommand[]> => {
    const parsed = parseUntrustedJson(output, maxOutputBytes);
    if (!parsed.ok) return outputFailure(`the actions pipeline: ${parsed.reason}`);
    if (!Array.isArray(parsed.value)) return outputFailure('the actions pipeline: output is not a list of commands');
    const commands: ActionCommand[] = [];
    for (const raw of parsed.value) {
      const c = validateActionCommand(raw);
      if (!c.ok) return outputFailure(`the actions pipeline: ${c.reason}`);
      commands.push(c.command);
    }
    return { ok: true, value: commands };
  });
  const droppedByChild = settlement.kind === 'result' ? settlement.message['droppedLogs'] : 0;
  const lines = finalLogs(logs, droppedByChild);
  if (checked.ok) return { ok: true, commands: checked.value, logs: lines };
  const f = checked.failure;
  // Actions have no UnauthorizedError (auth0.md §7.3: they only deny); a child claiming one is confused.
  const failure: SandboxFailure = f.failure === 'unauthorized' ? 'error' : f.failure;
  return { ok: false, failure, reason: f.reason, ...(f.name === undefined ? {} : { action: f.name }), logs: lines };
}
