// Measurement helpers shared by every benchmark module: machine description, throughput and
// per-operation latency measurement (warm-up, calibrated rounds, medians), and the result row.
// Never decides what a module measures; never prints (the runner owns the output).

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

/** The machine the numbers were taken on, printed at the top of every run. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Timing presets: `full` for real numbers, `quick` for a smoke run (`--quick`). */
export const PRESETS = {
  full: { warmupMs: 1000, rounds: 11, roundMs: 200, latencyRounds: 7 },
  quick: { warmupMs: 200, rounds: 3, roundMs: 80, latencyRounds: 3 },
};

export function median(values) {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** The q-quantile (0..1) of an already sorted typed array, nearest rank. */
function quantileSorted(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Throughput of an operation. `run(n)` must perform the operation `n` times in its own loop (so
 * the loop, not a callback per operation, is what gets optimised) and return a checksum that
 * depends on every result; `check(n, sum)` (optional) returns an error text when the checksum is
 * wrong, which proves the work was done and was right. Calibrates `n` so one round lasts about
 * `roundMs`, warms up for `warmupMs`, then reports the median of `rounds` rounds.
 */
export function throughput(run, preset, check) {
  const verify = (n, sum) => {
    const problem = check?.(n, sum);
    if (problem) throw new Error(`checksum: ${problem}`);
  };
  const warmupEnd = performance.now() + preset.warmupMs;
  // Calibrate: grow n until one call takes a measurable time.
  let n = 1;
  let elapsed = 0;
  for (;;) {
    const t0 = performance.now();
    verify(n, run(n));
    elapsed = performance.now() - t0;
    if (elapsed >= 20) break;
    n = Math.ceil(n * Math.min(100, Math.max(2, 25 / Math.max(elapsed, 0.01))));
  }
  while (performance.now() < warmupEnd) {
    const t0 = performance.now();
    verify(n, run(n));
    elapsed = performance.now() - t0;
  }
  n = Math.max(1, Math.round((n * preset.roundMs) / elapsed));
  const perSecond = [];
  for (let r = 0; r < preset.rounds; r++) {
    const t0 = performance.now();
    const sum = run(n);
    const ms = performance.now() - t0;
    verify(n, sum);
    perSecond.push((n * 1000) / ms);
  }
  const med = median(perSecond);
  return {
    perSecond: med,
    perRound: perSecond.map(Math.round),
    rounds: preset.rounds,
    opsPerRound: n,
    min: Math.min(...perSecond),
    max: Math.max(...perSecond),
    /** (max − min) / median over the rounds: above ~5 % the machine was noisy. */
    spread: (Math.max(...perSecond) - Math.min(...perSecond)) / med,
  };
}

/**
 * Two operations measured in alternating rounds (A B B A A B …), so a slow spell of the machine
 * (a noisy neighbour on a shared host) hits both alike. Same contract for `runA`/`runB` and the
 * checks as `throughput`. `ratio` is the median of the per-round-pair ratios A ÷ B.
 */
export function paired(runA, runB, preset, checkA, checkB) {
  const sides = [
    { run: runA, check: checkA, n: 1, elapsed: 0, perSecond: [] },
    { run: runB, check: checkB, n: 1, elapsed: 0, perSecond: [] },
  ];
  const call = (side, n) => {
    const t0 = performance.now();
    const sum = side.run(n);
    const ms = performance.now() - t0;
    const problem = side.check?.(n, sum);
    if (problem) throw new Error(`checksum: ${problem}`);
    return ms;
  };
  for (const side of sides) {
    for (;;) {
      side.elapsed = call(side, side.n);
      if (side.elapsed >= 20) break;
      side.n = Math.ceil(side.n * Math.min(100, Math.max(2, 25 / Math.max(side.elapsed, 0.01))));
    }
  }
  // Twice the single warm-up: each side gets about as long as `throughput` gives one (peers such
  // as a wasm module keep tiering up for a while).
  const warmupEnd = performance.now() + 2 * preset.warmupMs;
  while (performance.now() < warmupEnd) for (const side of sides) side.elapsed = call(side, side.n);
  for (const side of sides) side.n = Math.max(1, Math.round((side.n * preset.roundMs) / side.elapsed));
  const ratios = [];
  for (let r = 0; r < preset.rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) sides[i].perSecond.push((sides[i].n * 1000) / call(sides[i], sides[i].n));
    ratios.push(sides[0].perSecond[r] / sides[1].perSecond[r]);
  }
  return pairedResult(sides, ratios, preset);
}

/** The summary `paired` (and the async variant of bench/saml/async.js) return for two measured sides. */
export function pairedResult(sides, ratios, preset) {
  const stats = (side) => {
    const med = median(side.perSecond);
    return {
      perSecond: med,
      perRound: side.perSecond.map(Math.round),
      rounds: preset.rounds,
      opsPerRound: side.n,
      min: Math.min(...side.perSecond),
      max: Math.max(...side.perSecond),
      spread: (Math.max(...side.perSecond) - Math.min(...side.perSecond)) / med,
    };
  };
  return { a: stats(sides[0]), b: stats(sides[1]), ratio: median(ratios), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios) };
}

/** The cost of reading the clock twice around nothing, subtracted from every latency sample. */
function timerOverheadMs() {
  const n = 20000;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    d[i] = performance.now() - t0;
  }
  return median(d);
}

/**
 * Latency of single operations. `once(i)` performs the i-th operation (0 ≤ i < perRound) of a
 * spread (the caller maps i to its request) and returns a number folded into a checksum. Every operation is timed
 * on its own (clock overhead subtracted). A round times `perRound` operations; the reported median
 * is the median of the round medians, with p90/p99 over all samples; `classify(i)` (optional)
 * names the class of operation i (e.g. its outcome) for a per-class median.
 */
export function latency(once, preset, perRound, classify) {
  let sink = 0;
  const warmupEnd = performance.now() + preset.warmupMs;
  for (let i = 0; performance.now() < warmupEnd; i = (i + 1) % perRound) sink += once(i);
  const overhead = timerOverheadMs();
  const all = new Float64Array(perRound * preset.latencyRounds);
  const roundMedians = [];
  let k = 0;
  for (let r = 0; r < preset.latencyRounds; r++) {
    const samples = new Float64Array(perRound);
    for (let i = 0; i < perRound; i++) {
      const t0 = performance.now();
      sink += once(i);
      const dt = performance.now() - t0 - overhead;
      samples[i] = dt > 0 ? dt : 0;
    }
    all.set(samples, k);
    k += perRound;
    roundMedians.push(median(samples));
  }
  const us = (ms) => ms * 1000;
  let byClass;
  if (classify !== undefined) {
    // Sample j of every round timed operation j % perRound.
    const groups = new Map();
    for (let j = 0; j < all.length; j++) {
      const c = classify(j % perRound);
      let g = groups.get(c);
      if (g === undefined) groups.set(c, (g = []));
      g.push(all[j]);
    }
    byClass = {};
    for (const [c, g] of groups) byClass[c] = { share: g.length / all.length, medianUs: us(median(g)) };
  }
  all.sort();
  return {
    ...(byClass ? { byClass } : {}),
    medianUs: us(median(roundMedians)),
    p90Us: us(quantileSorted(all, 0.9)),
    p99Us: us(quantileSorted(all, 0.99)),
    samples: all.length,
    rounds: preset.latencyRounds,
    timerOverheadNs: Math.round(overhead * 1e6),
    sink,
  };
}

/**
 * A result row. `ratio` is value ÷ baseline unless given (a paired measurement gives the median of
 * its per-round ratios). `budget` states a limit on `value` or on
 * `ratio` (`{ on: 'ratio', min: 20 }`); `pass` is null when the row has no budget.
 */
export function row({ name, op, unit, value, baseline = null, ratio: given = undefined, budget = null, notes = [], stats = undefined }) {
  const ratio = given !== undefined ? given : baseline === null || baseline === 0 || value === null ? null : value / baseline;
  let pass = null;
  let budgetText = null;
  if (budget !== null) {
    const measured = budget.on === 'ratio' ? ratio : value;
    const subject = budget.on === 'ratio' ? 'ratio ' : '';
    const suffix = budget.on === 'ratio' ? '×' : ` ${unit}`;
    if (budget.min !== undefined) {
      budgetText = `${subject}≥ ${formatNumber(budget.min)}${suffix}`;
      pass = measured !== null && measured >= budget.min;
    } else {
      budgetText = `${subject}≤ ${formatNumber(budget.max)}${suffix}`;
      pass = measured !== null && measured <= budget.max;
    }
  }
  // `limit`: the budget in machine-readable form for bench/results.json (`budget` is its text).
  const limit = budget === null ? null : { on: budget.on === 'ratio' ? 'ratio' : 'value', ...(budget.min !== undefined ? { min: budget.min } : { max: budget.max }) };
  return { name, op, unit, value, baseline, ratio, budget: budgetText, limit, pass, notes, ...(stats ? { stats } : {}) };
}

/** A row for a measurement that could not be taken; the runner reports it as an error. */
export function errorRow({ name, op, unit, error }) {
  return { name, op, unit, value: null, baseline: null, ratio: null, budget: null, limit: null, pass: false, notes: [], error: String(error) };
}

/** Grouped integers (and any integer) from 1,000 up; three significant digits below. */
export function formatNumber(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** The installed version of a peer (read from node_modules: not every peer exports its package.json). */
export function peerVersion(name) {
  try {
    return JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
