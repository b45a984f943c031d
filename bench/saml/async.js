// `paired` of lib/harness.js for operations that return promises. node-saml's only verification
// entry is `validatePostResponseAsync`: its work is synchronous but chained through promises, so a
// synchronous loop would time only the first step of each call. Same calibration, warm-up, rounds,
// order (A B B A …) and per-round-pair ratio as `paired`; `runA`/`runB` are `async (n) → checksum`
// and perform the operation n times in their own loop, awaiting each operation that returns a promise.

import { performance } from 'node:perf_hooks';
import { pairedResult } from '../lib/harness.js';

export async function pairedAsync(runA, runB, preset, checkA, checkB) {
  const sides = [
    { run: runA, check: checkA, n: 1, elapsed: 0, perSecond: [] },
    { run: runB, check: checkB, n: 1, elapsed: 0, perSecond: [] },
  ];
  const call = async (side, n) => {
    const t0 = performance.now();
    const sum = await side.run(n);
    const ms = performance.now() - t0;
    const problem = side.check?.(n, sum);
    if (problem) throw new Error(`checksum: ${problem}`);
    return ms;
  };
  for (const side of sides) {
    for (;;) {
      side.elapsed = await call(side, side.n);
      if (side.elapsed >= 20) break;
      side.n = Math.ceil(side.n * Math.min(100, Math.max(2, 25 / Math.max(side.elapsed, 0.01))));
    }
  }
  const warmupEnd = performance.now() + 2 * preset.warmupMs;
  while (performance.now() < warmupEnd) for (const side of sides) side.elapsed = await call(side, side.n);
  for (const side of sides) side.n = Math.max(1, Math.round((side.n * preset.roundMs) / side.elapsed));
  const ratios = [];
  for (let r = 0; r < preset.rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) sides[i].perSecond.push((sides[i].n * 1000) / (await call(sides[i], sides[i].n)));
    ratios.push(sides[0].perSecond[r] / sides[1].perSecond[r]);
  }
  return pairedResult(sides, ratios, preset);
}
