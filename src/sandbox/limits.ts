// Every budget of the sandbox in one place, with the reason for each number. The worker receives the ones
// it needs in its configuration; the host re-checks each one on what comes back (never trust the child).

import type { SandboxLimits, SandboxOptions } from './types.js';

export const DEFAULT_LIMITS: SandboxLimits = {
  processes: 1,
  // isolated-vm's default and security.md §5.2's ceiling; "a determined attacker could use 2-3 times this".
  memoryLimitMb: 128,
  // security.md §5.2 "CPU timeout per call (e.g. 5 s)": a rule that needs more is broken or hostile.
  cpuTimeoutMs: 5_000,
  // Auth0's pipeline limit ("circa 20-second execution limit", auth0.md §6.1, §7.1).
  wallTimeoutMs: 20_000,
  // A child lives for 500 runs: bounds heap fragmentation and long-lived state; spawning (~150 ms) costs
  // 0.3 ms per run amortised.
  recycleAfterRuns: 500,
  // security.md §5.2.4: "accept only a JSON string ≤ 64 KB". A user profile plus context is a few KB;
  // Auth0 itself caps Actions metadata at 32 KB per session, so 64 KB leaves room and bounds host parsing.
  maxOutputBytes: 65_536,
};

/** Auth0's console.log limits (security.md §5.1): a line keeps 256 characters, a run keeps 100 lines. */
export const MAX_LOG_LINE_CHARS = 256;
export const MAX_LOG_LINES = 100;

/** Auth0: an Action is ≤ 100 kB; rules are guided to ≤ 100 kB. Larger sources are refused before compiling. */
export const MAX_SOURCE_CHARS = 100_000;
/** More scripts than this in one pipeline is a configuration error, not a login. */
export const MAX_SCRIPTS = 64;
/** Input JSON (user, context, configuration, event) crossing into the child. */
export const MAX_INPUT_BYTES = 1_048_576;
/** Commands one pipeline may record; more is a loop, failed as `output`. */
export const MAX_COMMANDS = 1_000;
/** Auth0 Actions cache: value ≤ 4 KB, ≤ 8 KB in total (security.md §5.1); default TTL 15 min, at most 24 h. */
export const CACHE_MAX_VALUE_CHARS = 4_096;
export const CACHE_MAX_TOTAL_CHARS = 8_192;
export const CACHE_DEFAULT_TTL_MS = 15 * 60_000;
export const CACHE_MAX_TTL_MS = 24 * 60 * 60_000;
/** Bytes a facade (hash input, randomBytes) may move across the boundary in one call. */
export const MAX_FACADE_BYTES = 1_048_576;
/** Tenant isolates one child keeps warm; the least recently used is disposed beyond this (its `global` with it). */
export const MAX_TENANTS_PER_CHILD = 16;
/** Compiled scripts kept per tenant isolate. */
export const MAX_SCRIPTS_PER_TENANT = 128;
/** Heap of the child's own Node realm (the isolates have their own limits). */
export const CHILD_MAX_OLD_SPACE_MB = 256;
/** A child whose RSS passes this after a run is replaced: 16 tenants can't all sit at their limit. */
export const CHILD_MAX_RSS_BYTES = 1_024 * 1_048_576;
/** A child that has not said `ready` by then is killed. */
export const CHILD_START_TIMEOUT_MS = 15_000;
/** Largest frame the child accepts from the host: input plus 64 sources of 100 kB. */
export const MAX_FRAME_TO_CHILD = 16 * 1_048_576;
/** Longest reason or public message kept from a child. */
export const MAX_REASON_CHARS = 1_024;

function intIn(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`sandbox option \`${name}\` must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Fills defaults and refuses out-of-range options (a 10-minute budget is a mistake, not a setting). */
export function resolveLimits(options: SandboxOptions = {}): SandboxLimits {
  const d = DEFAULT_LIMITS;
  const wallTimeoutMs = intIn('wallTimeoutMs', options.wallTimeoutMs, d.wallTimeoutMs, 50, d.wallTimeoutMs);
  return Object.freeze({
    processes: intIn('processes', options.processes, d.processes, 1, 64),
    memoryLimitMb: intIn('memoryLimitMb', options.memoryLimitMb, d.memoryLimitMb, 8, 128),
    cpuTimeoutMs: intIn('cpuTimeoutMs', options.cpuTimeoutMs, d.cpuTimeoutMs, 10, d.wallTimeoutMs),
    wallTimeoutMs,
    recycleAfterRuns: intIn('recycleAfterRuns', options.recycleAfterRuns, d.recycleAfterRuns, 1, 1_000_000),
    maxOutputBytes: intIn('maxOutputBytes', options.maxOutputBytes, d.maxOutputBytes, 1_024, 1_048_576),
  });
}
