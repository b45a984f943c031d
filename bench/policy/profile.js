// Runs one of our policy decision loops for a few seconds so `node --cpu-prof` can see where the time
// goes; not part of `npm run bench`. Needs `npm run build` first.
//
//   node --cpu-prof --cpu-prof-dir=bench/.profiles bench/policy/profile.js seed   [seconds]
//   node --cpu-prof --cpu-prof-dir=bench/.profiles bench/policy/profile.js large  [seconds]
//   node bench/lib/profile-top.js bench/.profiles/<file>.cpuprofile
//
// (*.cpuprofile is git-ignored.)

import { performance } from 'node:perf_hooks';
import { largeSetLoop, seedLoop } from '../policy.js';

const which = process.argv[2] ?? 'seed';
const seconds = Number(process.argv[3] ?? 5);
const e = await import('../../dist/policy/index.js');
const end = performance.now() + seconds * 1000;
let ops = 0;
if (which === 'seed') {
  const { run } = seedLoop(e);
  while (performance.now() < end) ops += run(100_000) * 0 + 100_000;
} else if (which === 'large') {
  const { set, spread, order } = largeSetLoop(e);
  const { evaluate, RequestContext } = e;
  while (performance.now() < end) {
    for (let i = 0; i < order.length; i++) {
      const r = spread[order[i]];
      evaluate({ action: r.action, resource: r.resource, context: RequestContext.from(r.context) }, set);
    }
    ops += order.length;
  }
} else {
  console.error(`usage: profile.js seed|large [seconds]`);
  process.exit(2);
}
console.log(`${which}: ${ops.toLocaleString('en-US')} decisions in ${seconds} s (profiling slows this down)`);
