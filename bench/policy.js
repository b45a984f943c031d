// Benchmark module `policy`: the policy engine's budgets (DESIGN §5) — seed decisions per second,
// the ratios to iam-simulate, cedar-wasm and casbin deciding the same rule in the same run, the
// median decision latency over 200 policies × 20 statements, and explain mode's cost.
// Budgets: ≥ 1,000,000 seed decisions/s on one core; ≥ 20× iam-simulate `runUnsafeSimulation`;
// ≥ 30× cedar-wasm `statefulIsAuthorized`; ≤ 20 µs median on the large set.
// Every case runs in its own worker (lib/isolate.js) and first proves its engine decides as ours.

import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { inWorker } from './lib/isolate.js';
import { errorRow, formatNumber, latency, median, paired, peerVersion, PRESETS, row, throughput } from './lib/harness.js';
import { generatePolicies, generateRequests, LARGE_SET_SEED, prng } from './policy/large-set.js';
import {
  AGREEMENT, CASBIN_MODEL, CASBIN_POLICY, casbinArgs, CEDAR_POLICY, cedarCall, contextInput, iamSimulation,
  INSTANCE_ARN, SEED_POLICY, TIMED,
} from './policy/seed.js';

const ENGINE = new URL('../dist/policy/index.js', import.meta.url);
const require = createRequire(import.meta.url);

/** What one operation is, per row (printed under the table). */
const OP = {
  seed:
    'one op = one decision = RequestContext.from(plain object, 2 keys) + evaluate(decide mode) of ec2:StopInstances ' +
    'against the compiled seed policy; principal CostCenter marketing, instance CostCenter alternating ' +
    'marketing (allowed) / engineering (implicit deny)',
  iamSimulate:
    'value = ours (seed op above), baseline = peer; peer op = runUnsafeSimulation(prebuilt Simulation: seed policy as a JSON object, context plain object); ' +
    'its API takes policies uncompiled, so it loads the policy on every call',
  cedar:
    'value = ours (seed op above), baseline = peer; peer op = statefulIsAuthorized(call with principal and instance entities carrying a CostCenter tag) ' +
    'against the policy set preparsed once with preparsePolicySet (no schema)',
  casbin:
    'value = ours (seed op above), baseline = peer; peer op = enforceSync(principal attrs, instance attrs, action) on a model with the matcher ' +
    '`r.act == p.act && (p.rule == "any" || r.sub.CostCenter == r.obj.CostCenter)` and one policy line per action',
  large:
    'one op = one decision = RequestContext.from(plain object, 9–14 keys) + evaluate(decide mode) of one request of ' +
    'a 512-request spread (10 services + 2 ungranted) against 200 identity policies × 20 statements ' +
    `(seeded PRNG 0x${LARGE_SET_SEED.toString(16)}), compiled once; each decision timed on its own`,
  explain:
    'one op = one decision = RequestContext.from + evaluate(explain mode: trace of every statement and condition) of ' +
    'the seed pair above, each timed on its own; baseline = the same pair in decide mode, timed the same way',
};

async function engine() {
  return import(ENGINE);
}

function compileSeed(e) {
  const parsed = e.parsePolicy(SEED_POLICY, { kind: 'identity' });
  if (!parsed.ok) throw new Error(`the seed policy does not parse: ${JSON.stringify(parsed.errors)}`);
  return e.compilePolicy(parsed.document, { id: 'VirtualMachineAccessByCostCenter' });
}

/** Our decision for an AGREEMENT/TIMED request, as `allow`/`deny`. */
function oursDecides(e, policies, r) {
  const d = e.evaluate(
    { action: r.action, resource: INSTANCE_ARN, context: e.RequestContext.from(contextInput(r)) },
    policies,
  );
  return d.decision === 'allowed' ? 'allow' : 'deny';
}

/** Proves `theirs` decides every AGREEMENT request as ours does; throws on the first difference. */
function assertAgreement(e, peer, theirs) {
  const policies = { identity: [compileSeed(e)] };
  const differences = [];
  for (const r of AGREEMENT) {
    const a = oursDecides(e, policies, r);
    const b = theirs(r);
    if (a !== b) differences.push(`${r.action} resource tag ${r.resourceTag ?? '(none)'}: ours ${a}, ${peer} ${b}`);
  }
  if (differences.length > 0) throw new Error(`${peer} decides differently: ${differences.join('; ')}`);
  return `${peer} and ours agree on ${AGREEMENT.length}/${AGREEMENT.length} requests (Stop/Start/Describe/Reboot × tag equal/different/absent)`;
}

/** Timed pair: op i decides TIMED[i & 1]; the checksum counts allowed decisions (= ceil(n/2)). */
function checkAllowedHalf(n, allowed) {
  const expected = Math.ceil(n / 2);
  return allowed === expected ? undefined : `expected ${expected} allowed decisions of ${n}, got ${allowed}`;
}

/** Our timed seed loop (`run(n)` → allowed count) and its single-decision form. */
export function seedLoop(e) {
  const { evaluate, RequestContext } = e;
  const policies = { identity: [compileSeed(e)] };
  const inputs = TIMED.map(contextInput);
  for (let i = 0; i < TIMED.length; i++) {
    if ((oursDecides(e, policies, TIMED[i]) === 'allow') !== TIMED[i].allowed) throw new Error(`seed request ${i} decided wrongly`);
  }
  const run = (n) => {
    let allowed = 0;
    for (let i = 0; i < n; i++) {
      const d = evaluate({ action: 'ec2:StopInstances', resource: INSTANCE_ARN, context: RequestContext.from(inputs[i & 1]) }, policies);
      if (d.decision === 'allowed') allowed++;
    }
    return allowed;
  };
  const once = (i) =>
    evaluate({ action: 'ec2:StopInstances', resource: INSTANCE_ARN, context: RequestContext.from(inputs[i & 1]) }, policies).decision === 'allowed' ? 1 : 0;
  return { run, once };
}

// ---- cases (each runs in its own worker) ----

export async function seedOurs({ preset }) {
  const { run, once } = seedLoop(await engine());
  return { throughput: throughput(run, preset, checkAllowedHalf), latency: latency(once, preset, 20000) };
}

/** Ours and a peer in alternating rounds of the same worker (their code shares nothing). */
function versus(e, peerRun, preset) {
  const p = paired(seedLoop(e).run, peerRun, preset, checkAllowedHalf, checkAllowedHalf);
  return { ours: p.a, peer: p.b, ratio: p.ratio, ratioMin: p.ratioMin, ratioMax: p.ratioMax };
}

export async function seedIamSimulate({ preset }) {
  const e = await engine();
  const { runUnsafeSimulation } = await import('@cloud-copilot/iam-simulate');
  const policyJson = JSON.parse(SEED_POLICY);
  const decide = (r) => (runUnsafeSimulation(iamSimulation(r, policyJson), {}) === 'Allowed' ? 'allow' : 'deny');
  const agreement = assertAgreement(e, 'iam-simulate', decide);
  const sims = TIMED.map((r) => iamSimulation(r, policyJson));
  const run = (n) => {
    let allowed = 0;
    for (let i = 0; i < n; i++) if (runUnsafeSimulation(sims[i & 1], {}) === 'Allowed') allowed++;
    return allowed;
  };
  return { ...versus(e, run, preset), agreement };
}

export async function seedCedar({ preset }) {
  const e = await engine();
  // The package's ESM entry imports the .wasm file directly, which Node 20 refuses without
  // --experimental-wasm-modules; its `nodejs` build loads the same module synchronously.
  const cedar = require('@cedar-policy/cedar-wasm/nodejs');
  const id = 'tessera-seed';
  const loaded = cedar.preparsePolicySet(id, { staticPolicies: CEDAR_POLICY });
  if (loaded.type !== 'success') throw new Error(`cedar refused the policy set: ${JSON.stringify(loaded.errors)}`);
  const decide = (r) => {
    const a = cedar.statefulIsAuthorized(cedarCall(r, id));
    if (a.type !== 'success') throw new Error(`cedar failed: ${JSON.stringify(a.errors)}`);
    return a.response.decision;
  };
  const agreement = assertAgreement(e, 'cedar-wasm', decide);
  const calls = TIMED.map((r) => cedarCall(r, id));
  const run = (n) => {
    let allowed = 0;
    for (let i = 0; i < n; i++) {
      const a = cedar.statefulIsAuthorized(calls[i & 1]);
      if (a.type === 'success' && a.response.decision === 'allow') allowed++;
    }
    return allowed;
  };
  return { ...versus(e, run, preset), agreement, version: cedar.getCedarVersion() };
}

export async function seedCasbin({ preset }) {
  const e = await engine();
  const { newEnforcer, newModelFromString, StringAdapter } = await import('casbin');
  const enforcer = await newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(CASBIN_POLICY));
  const decide = (r) => (enforcer.enforceSync(...casbinArgs(r)) ? 'allow' : 'deny');
  const agreement = assertAgreement(e, 'casbin', decide);
  const args = TIMED.map(casbinArgs);
  const run = (n) => {
    let allowed = 0;
    for (let i = 0; i < n; i++) {
      const [sub, obj, act] = args[i & 1];
      if (enforcer.enforceSync(sub, obj, act)) allowed++;
    }
    return allowed;
  };
  return { ...versus(e, run, preset), agreement };
}

export async function largeSet({ preset, policies = 200, statements = 20, requests = 512 }) {
  const e = await engine();
  const { evaluate, RequestContext } = e;
  const { docs, set, compileMs, spread, outcome, order } = largeSetLoop(e, { policies, statements, requests });
  const once = (i) => {
    const r = spread[order[i]];
    const d = evaluate({ action: r.action, resource: r.resource, context: RequestContext.from(r.context) }, set);
    if (d.decision !== outcome[order[i]]) throw new Error(`request ${order[i]} of the spread changed its decision`);
    return 1;
  };
  const lat = latency(once, preset, order.length, (i) => outcome[order[i]]);
  return {
    latency: lat,
    compileMs,
    statements: set.identity.reduce((n, c) => n + c.statements.length, 0),
    bytes: docs.reduce((n, d) => n + d.text.length, 0),
  };
}

/** The large set compiled, its request spread with each request's decision, and a timing order. */
export function largeSetLoop(e, { policies = 200, statements = 20, requests = 512 } = {}) {
  const { parsePolicy, compilePolicy, evaluate, RequestContext } = e;
  const docs = generatePolicies(policies, statements);
  const t0 = performance.now();
  const compiled = docs.map((d) => {
    const parsed = parsePolicy(d.text, { kind: 'identity' });
    if (!parsed.ok) throw new Error(`generated policy ${d.id} does not parse: ${JSON.stringify(parsed.errors[0])}`);
    return compilePolicy(parsed.document, { id: d.id });
  });
  const compileMs = performance.now() - t0;
  const set = { identity: compiled };
  const spread = generateRequests(requests);
  const outcome = spread.map(
    (r) => evaluate({ action: r.action, resource: r.resource, context: RequestContext.from(r.context) }, set).decision,
  );
  // 32 shuffled passes over the spread per round, so no request is timed twice in a row.
  const rand = prng(LARGE_SET_SEED ^ 0x0bde7);
  const order = [];
  for (let pass = 0; pass < 32; pass++) {
    const p = spread.map((_, i) => i);
    for (let i = p.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    order.push(...p);
  }
  return { docs, set, compileMs, spread, outcome, order };
}

export async function seedExplain({ preset }) {
  const e = await engine();
  const { evaluate, RequestContext } = e;
  const policies = { identity: [compileSeed(e)] };
  const inputs = TIMED.map(contextInput);
  const explain = { explain: true };
  for (let i = 0; i < TIMED.length; i++) {
    const d = evaluate({ action: 'ec2:StopInstances', resource: INSTANCE_ARN, context: RequestContext.from(inputs[i]) }, policies, explain);
    if ((d.decision === 'allowed') !== TIMED[i].allowed || d.trace === undefined || d.trace.length === 0) {
      throw new Error(`explain mode decided seed request ${i} wrongly or without a trace`);
    }
  }
  const explainOnce = (i) => {
    const d = evaluate({ action: 'ec2:StopInstances', resource: INSTANCE_ARN, context: RequestContext.from(inputs[i & 1]) }, policies, explain);
    return d.trace.length;
  };
  const decideOnce = seedLoop(e).once;
  // Explain and decide in alternating rounds, so the ratio compares like with like on a busy machine.
  latency(decideOnce, { ...preset, latencyRounds: 1 }, 1000);
  latency(explainOnce, { ...preset, latencyRounds: 1 }, 1000);
  const one = { ...preset, warmupMs: 0, latencyRounds: 1 };
  const decide = [];
  const explained = [];
  const ratios = [];
  let p99 = 0;
  for (let r = 0; r < preset.latencyRounds; r++) {
    const d = latency(decideOnce, one, 20000);
    const x = latency(explainOnce, one, 20000);
    decide.push(d.medianUs);
    explained.push(x.medianUs);
    ratios.push(x.medianUs / d.medianUs);
    p99 = Math.max(p99, x.p99Us);
  }
  return { explainUs: median(explained), decideUs: median(decide), ratio: median(ratios), rounds: preset.latencyRounds, maxRoundP99Us: p99 };
}

// ---- the module ----

const MODULE = import.meta.url;

/** Runs every case, one worker each, one after the other; returns the result rows. */
export async function run({ quick = false } = {}) {
  const preset = quick ? PRESETS.quick : PRESETS.full;
  const args = { preset };
  const attempt = async (name) => {
    try {
      return { ok: true, value: await inWorker(MODULE, name, args) };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  };
  const rows = [];
  const ours = await attempt('seedOurs');
  const oursRate = ours.ok ? ours.value.throughput.perSecond : null;
  const roundsNote = (tp) => `${tp.rounds} rounds × ${formatNumber(tp.opsPerRound)} ops, spread ${(tp.spread * 100).toFixed(1)} %`;

  rows.push(
    ours.ok
      ? row({
          name: 'policy: seed decision, ours',
          op: OP.seed,
          unit: 'decisions/s',
          value: oursRate,
          budget: { min: 1_000_000 },
          notes: [roundsNote(ours.value.throughput), `single decision median ${ours.value.latency.medianUs.toFixed(2)} µs, p99 ${ours.value.latency.p99Us.toFixed(2)} µs`],
          stats: ours.value,
        })
      : errorRow({ name: 'policy: seed decision, ours', op: OP.seed, unit: 'decisions/s', error: ours.error }),
  );

  const peers = [
    ['seedIamSimulate', 'policy: seed, ours ÷ iam-simulate runUnsafeSimulation', OP.iamSimulate, { on: 'ratio', min: 20 }, '@cloud-copilot/iam-simulate'],
    ['seedCedar', 'policy: seed, ours ÷ cedar-wasm statefulIsAuthorized', OP.cedar, { on: 'ratio', min: 30 }, '@cedar-policy/cedar-wasm'],
    ['seedCasbin', 'policy: seed, ours ÷ casbin enforceSync (ABAC)', OP.casbin, null, 'casbin'],
  ];
  for (const [name, title, op, budget, pkg] of peers) {
    const peer = await attempt(name);
    if (!peer.ok) {
      rows.push(errorRow({ name: title, op, unit: 'decisions/s', error: peer.error }));
      continue;
    }
    const v = peer.value;
    rows.push(
      row({
        name: title,
        op,
        unit: 'decisions/s',
        value: v.ours.perSecond,
        baseline: v.peer.perSecond,
        ratio: v.ratio,
        budget,
        notes: [
          v.agreement,
          `ours and peer in alternating rounds of one worker; ratio = median of ${v.ours.rounds} per-round ratios ` +
            `(range ${v.ratioMin.toFixed(1)}–${v.ratioMax.toFixed(1)}×)`,
          `peer ${pkg} ${peerVersion(pkg)}: ${roundsNote(v.peer)}`,
        ],
        stats: v,
      }),
    );
  }

  const large = await attempt('largeSet');
  if (large.ok) {
    const l = large.value.latency;
    const mix = Object.entries(l.byClass)
      .sort((a, b) => b[1].share - a[1].share)
      .map(([c, v]) => `${c} ${(v.share * 100).toFixed(0)} % (median ${v.medianUs.toFixed(1)} µs)`)
      .join(', ');
    rows.push(
      row({
        name: 'policy: 200 policies × 20 statements, ours',
        op: OP.large,
        unit: 'µs median',
        value: l.medianUs,
        budget: { max: 20 },
        notes: [
          `p90 ${l.p90Us.toFixed(1)} µs, p99 ${l.p99Us.toFixed(1)} µs over ${formatNumber(l.samples)} timed decisions`,
          `outcomes: ${mix}`,
          `${formatNumber(large.value.statements)} statements, ${formatNumber(large.value.bytes)} bytes of JSON, parsed + compiled once in ${formatNumber(large.value.compileMs)} ms`,
        ],
        stats: large.value,
      }),
    );
  } else {
    rows.push(errorRow({ name: 'policy: 200 policies × 20 statements, ours', op: OP.large, unit: 'µs median', error: large.error }));
  }

  const explain = await attempt('seedExplain');
  if (explain.ok) {
    const x = explain.value;
    rows.push(
      row({
        name: 'policy: seed decision in explain mode, ours',
        op: OP.explain,
        unit: 'µs median',
        value: x.explainUs,
        baseline: x.decideUs,
        ratio: x.ratio,
        notes: [
          `explain and decide in ${x.rounds} alternating rounds of 20,000 timed decisions each; ratio = explain ÷ decide, ` +
            `median of the per-round ratios; worst round p99 ${x.maxRoundP99Us.toFixed(2)} µs`,
        ],
        stats: x,
      }),
    );
  } else {
    rows.push(errorRow({ name: 'policy: seed decision in explain mode, ours', op: OP.explain, unit: 'µs median', error: explain.error }));
  }
  return rows;
}
