// Benchmark module `startup`: `tessera up` to ready, DESIGN §5 "< 1 s after build". Each run spawns
// `node bin/tessera.js up --port 0 --data DIR` (dist/ already built) and times, from the spawn, the
// "ready in N ms on URL" line on its stdout and the first answer of `GET /` on that URL; then stops
// it with SIGTERM. Cases: first start on an empty data directory with scenarios/seed.yaml (the
// scenario applied: IdP tenant and signing key, users, roles, instances), a restart on that
// directory (the scenario's record reused), and an empty account (`--scenario none`) for information.
// The value is the median of several runs, each its own process.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, row } from './lib/harness.js';
import { ADMIN, REPO_ROOT } from './lib/load.js';

const SEED = join(REPO_ROOT, 'scenarios', 'seed.yaml');

function env() {
  const out = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('TESSERA_')) out[k] = v;
  return { ...out, TESSERA_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, TESSERA_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey };
}

function get(url) {
  return new Promise((resolve, reject) => {
    const r = httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    r.on('error', reject);
    r.end();
  });
}

/** One start: `{ readyMs, answeredMs, reportedMs }` from the spawn (reportedMs: the number on the ready line). */
async function once(dataDir, scenario) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'tessera.js'), 'up', '--port', '0', '--data', dataDir, '--scenario', scenario], {
    cwd: REPO_ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let out = '';
  let err = '';
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  try {
    const m = await new Promise((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (c) => {
        out += c;
        const hit = / ready in (\d+) ms on (http:\/\/\S+)/.exec(out);
        if (hit) resolve({ at: performance.now(), reported: Number(hit[1]), url: hit[2] });
      });
      child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
      void exited.then((e) => reject(new Error(`tessera up exited (${e.code ?? e.signal}) before ready: ${(out + err).slice(-400)}`)));
    });
    const status = await get(`${m.url}/`);
    const answeredAt = performance.now();
    if (status !== 200) throw new Error(`GET / answered ${status}`);
    return { readyMs: m.at - t0, answeredMs: answeredAt - t0, reportedMs: m.reported };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const e = await exited;
    clearTimeout(kill);
    if (e.signal === 'SIGKILL') throw new Error('tessera up did not stop on SIGTERM within 30 s');
  }
}

const fmt = (a) => a.map((v) => v.toFixed(0)).join(', ');

export async function run({ quick = false } = {}) {
  const runs = quick ? 3 : 7;
  const first = [];
  const restart = [];
  const empty = [];
  const dirs = [];
  try {
    // One warm-up start (file system caches, the compiled code of node itself), not counted.
    const warm = mkdtempSync(join(tmpdir(), 'tessera-startup-'));
    dirs.push(warm);
    await once(warm, SEED);
    for (let i = 0; i < runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-startup-'));
      dirs.push(dir);
      first.push(await once(dir, SEED));
      restart.push(await once(dir, SEED));
      const none = mkdtempSync(join(tmpdir(), 'tessera-startup-'));
      dirs.push(none);
      empty.push(await once(none, 'none'));
    }
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  const summary = (xs) => ({
    ready: median(xs.map((x) => x.readyMs)),
    answered: median(xs.map((x) => x.answeredMs)),
    reported: median(xs.map((x) => x.reportedMs)),
  });
  const note = (xs) => {
    const s = summary(xs);
    return `median of ${xs.length} runs: ready line ${s.ready.toFixed(0)} ms after spawn (runs: ${fmt(xs.map((x) => x.readyMs))}), first GET / answered at ${s.answered.toFixed(0)} ms; the line itself says "ready in ${s.reported.toFixed(0)} ms" (measured inside the process from the start of \`up\`, i.e. without Node's boot and module loading)`;
  };
  const budgetNote = 'DESIGN §5: `tessera up` to ready < 1 s after build';
  const how = 'each run its own `node bin/tessera.js up --port 0` process (dist/ built before), timed from spawn to the "ready in … on URL" line on stdout; then GET / on that URL must answer 200; SIGTERM after; one uncounted warm-up start first';
  return [
    row({
      name: 'startup: tessera up, first start, seed scenario',
      op: `one op = \`tessera up --scenario scenarios/seed.yaml\` on an empty data directory (master key generated, migrations, the scenario validated and applied in one transaction: IdP tenant and RSA-2048 signing key, users, rules, roles, instances) → ready; ${how}`,
      unit: 'ms', value: summary(first).ready, budget: { max: 1000 },
      notes: [note(first), budgetNote],
    }),
    row({
      name: 'startup: tessera up, restart, seed scenario',
      op: `one op = the same command again on the directory the first start left (the applied scenario's record checked and reused, nothing re-applied) → ready; ${how}`,
      unit: 'ms', value: summary(restart).ready, budget: { max: 1000 },
      notes: [note(restart), budgetNote],
    }),
    row({
      name: 'startup: tessera up, empty account (--scenario none)',
      op: `one op = \`tessera up --scenario none\` on an empty data directory → ready; information, no budget; ${how}`,
      unit: 'ms', value: summary(empty).ready,
      notes: [note(empty)],
    }),
  ];
}
