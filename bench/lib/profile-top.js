// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
// and the most inclusive time, with their source position. Reads a file; writes a table.
//
//   node bench/lib/profile-top.js FILE.cpuprofile [N]

import { readFileSync } from 'node:fs';

const [file, nArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-top.js FILE.cpuprofile [N]');
  process.exit(2);
}
const top = Number(nArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const total = profile.samples.length;

const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(dist|bench|node_modules)\//, '$1/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};

const self = new Map();
const inclusive = new Map();
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
for (const [id, count] of selfSamples) {
  const n = byId.get(id);
  const key = label(n);
  self.set(key, (self.get(key) ?? 0) + count);
  // Inclusive: count each function once per stack.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = label(byId.get(cur));
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + count);
  }
}
const pct = (c) => `${((c / total) * 100).toFixed(1).padStart(5)} %`;
const print = (title, m) => {
  console.log(title);
  for (const [k, c] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(c)}  ${k}`);
};
console.log(`${total} samples, ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
print('self time', self);
print('inclusive time', inclusive);
