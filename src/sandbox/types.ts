// The public shapes of the sandbox: what the IdP hands in (copies of JSON data and tenant source text) and
// the outcomes it gets back. An outcome is either validated data or a failure; there is no third way.

import type { ActionCommand, RulesCommand } from './commands.js';
import type { JsonObject } from './json.js';

export interface SandboxOptions {
  /** Child processes in the pool (default 1). A tenant always lands on the same one, so its `global` lives on. */
  readonly processes?: number;
  /** isolated-vm `memoryLimit` per tenant isolate, 8–128 MB (default 128). */
  readonly memoryLimitMb?: number;
  /** Time budget of each script call: a rule, an action, a module's top level (default 5000 ms). */
  readonly cpuTimeoutMs?: number;
  /** Wall deadline of a whole pipeline, enforced by the host by killing the child (default 20000 ms, Auth0's). */
  readonly wallTimeoutMs?: number;
  /** A child is replaced after this many runs (default 500), and after any fault. */
  readonly recycleAfterRuns?: number;
  /** Cap on the JSON a pipeline may return (default 65536 bytes). */
  readonly maxOutputBytes?: number;
}

/** The options as the pool uses them, defaults filled in. */
export type SandboxLimits = { readonly [K in keyof SandboxOptions]-?: NonNullable<SandboxOptions[K]> };

export interface SandboxLog {
  /** The rule's or action's name. */
  readonly source: string;
  readonly line: string;
}

export const SANDBOX_FAILURES = ['unauthorized', 'error', 'timeout', 'memory', 'output', 'crash'] as const;
export type SandboxFailure = (typeof SANDBOX_FAILURES)[number];

export interface RuleSource {
  readonly id: string;
  readonly name: string;
  /** Untrusted: a function expression `function (user, context, callback) { … }`. */
  readonly script: string;
}

export interface RulesRun {
  readonly tenant: string;
  /** Enabled rules, in order. */
  readonly rules: readonly RuleSource[];
  readonly user: JsonObject;
  readonly context: JsonObject;
  readonly configuration: Readonly<Record<string, string>>;
}

export type RulesOutcome =
  | {
      readonly ok: true;
      readonly user: JsonObject;
      readonly context: JsonObject;
      /** `auth0.users.updateAppMetadata/updateUserMetadata` calls, one command per top-level key, in call order. */
      readonly commands: RulesCommand[];
      readonly logs: SandboxLog[];
    }
  | {
      readonly ok: false;
      readonly failure: SandboxFailure;
      /** For the tenant's log; never shown raw to end users. */
      readonly reason: string;
      /** Name of the rule that failed, when one did. */
      readonly rule?: string;
      /** The UnauthorizedError message, which Auth0 returns to the application. */
      readonly publicMessage?: string;
      readonly logs: SandboxLog[];
    };

export interface ActionSource {
  readonly id: string;
  readonly name: string;
  /** Untrusted: a CommonJS module exporting `onExecutePostLogin`. */
  readonly code: string;
  readonly secrets: Readonly<Record<string, string>>;
}

export interface ActionsRun {
  readonly tenant: string;
  readonly actions: readonly ActionSource[];
  /** The post-login event without `secrets` (each action gets its own `event.secrets`). */
  readonly event: JsonObject;
  /** Ids of the rules that ran earlier in this login, for `api.rules.wasExecuted(id)`. */
  readonly executedRules?: readonly string[];
}

export type ActionsOutcome =
  | {
      readonly ok: true;
      /** In call order, across actions; an `access.deny` is the last action's and stops the ones after it. */
      readonly commands: ActionCommand[];
      readonly logs: SandboxLog[];
    }
  | {
      readonly ok: false;
      readonly failure: SandboxFailure;
      readonly reason: string;
      readonly action?: string;
      readonly logs: SandboxLog[];
    };

export interface SandboxProcessStats {
  readonly slot: number;
  readonly pid: number | undefined;
  readonly uid: number | undefined;
  readonly runs: number;
  /** Resident set size of the child from /proc, when readable. */
  readonly rssBytes: number | undefined;
}

export interface SandboxStats {
  readonly processes: readonly SandboxProcessStats[];
  /** Children started since creation (first start and every replacement). */
  readonly spawned: number;
  /** Children replaced after a fault or after `recycleAfterRuns`. */
  readonly recycled: number;
  /** RSS the last child reported at the end of its last run (before any recycle), in bytes. */
  readonly lastChildRssBytes: number | undefined;
}

export interface Sandbox {
  readonly limits: SandboxLimits;
  runRules(run: RulesRun): Promise<RulesOutcome>;
  runActions(run: ActionsRun): Promise<ActionsOutcome>;
  stats(): SandboxStats;
  close(): Promise<void>;
}
