// Benchmark module `scale`: DESIGN §5 "100,000 instances: DescribeInstances with a tag filter ≤ 50 ms;
// memory ≤ 300 MB". `tessera up --port 0 --data TMP --scenario none` runs in a child process; the
// store is filled through the API (RunInstances as the admin, 100 instances a call — the API's cap —
// a few calls in flight), then DescribeInstances is timed from this process, one request in flight,
// each request SigV4-signed before its clock starts: a tag filter matching 10 instances, and a tag
// filter matching 50,000 paged with MaxResults=1000. Memory is the server's /proc/PID/status VmRSS
// (now) and VmHWM (peak since start). Every answer is checked (count of instances, paging complete).

import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { formatNumber, row } from './lib/harness.js';
import { signedForm, startTessera } from './lib/load.js';

const FLEET = 100_000;
/** RUN_INSTANCES_LIMIT in src/services/ec2/actions/RunInstances.ts. */
const PER_CALL = 100;
/** RunInstances calls in flight while seeding (the store writes one transaction at a time anyway). */
const SEED_CONCURRENCY = 4;
/** Instances tagged Team=needle after seeding (CreateTags), spread evenly over the fleet. */
const NEEDLES = 10;
const PAGE = 1000;

/** Kilobytes of VmRSS / VmHWM of a process (Linux /proc). */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function stats(samples) {
  const s = Float64Array.from(samples).sort();
  return { n: s.length, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s[s.length - 1] };
}

const ms = (v) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;

/** `serverNodeArgs` (not used by run.js): e.g. `['--cpu-prof', '--cpu-prof-dir=DIR']` to profile the server. */
export async function run({ quick = false, serverNodeArgs = [] } = {}) {
  const fleet = quick ? 10_000 : FLEET;
  const server = await startTessera({ lifetimeMs: 1_800_000, nodeArgs: serverNodeArgs });
  const agent = new Agent({ keepAlive: true, maxSockets: SEED_CONCURRENCY });
  /** One signed request over keep-alive HTTP; resolves `{ status, body, ms }` (ms: send to last byte). */
  const call = (action, params) => {
    const req = signedForm(server.host, 'ec2', action, params);
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const r = httpRequest(
        { host: '127.0.0.1', port: server.port, method: 'POST', path: '/', agent, headers: Object.fromEntries(req.headers) },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const elapsed = performance.now() - t0;
            resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: elapsed });
          });
        },
      );
      r.on('error', reject);
      r.end(req.body);
    });
  };
  const must = async (action, params) => {
    const res = await call(action, params);
    if (res.status !== 200) throw new Error(`${action}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    return res;
  };
  const ids = (body) => body.match(/(?<=<instanceId>)i-[0-9a-f]+(?=<\/instanceId>)/g) ?? [];

  try {
    const memStart = memory(server.pid);
    // ---- seed: fleet / 100 RunInstances calls; CostCenter alternates per call (50 % marketing), Team per call.
    const calls = fleet / PER_CALL;
    const firstIds = new Array(calls);
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      for (let k = next++; k < calls; k = next++) {
        const res = await must('RunInstances', [
          ['ImageId', 'ami-0abcdef1234567890'], ['InstanceType', 't3.micro'], ['MinCount', String(PER_CALL)], ['MaxCount', String(PER_CALL)],
          ['TagSpecification.1.ResourceType', 'instance'],
          ['TagSpecification.1.Tag.1.Key', 'CostCenter'], ['TagSpecification.1.Tag.1.Value', k % 2 === 0 ? 'marketing' : 'engineering'],
          ['TagSpecification.1.Tag.2.Key', 'Team'], ['TagSpecification.1.Tag.2.Value', `team-${k}`],
          ['TagSpecification.1.Tag.3.Key', 'Project'], ['TagSpecification.1.Tag.3.Value', `project-${k % 7}`],
        ]);
        const got = ids(res.body);
        if (got.length !== PER_CALL) throw new Error(`RunInstances launched ${got.length} instances, expected ${PER_CALL}`);
        firstIds[k] = got[0];
      }
    };
    await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
    const seedSeconds = (performance.now() - t0) / 1000;
    // Ten needles spread over the fleet: one CreateTags call (Team=needle overwrites team-k).
    const needles = Array.from({ length: NEEDLES }, (_, j) => firstIds[Math.floor((j * calls) / NEEDLES)]);
    await must('CreateTags', [...needles.map((id, j) => [`ResourceId.${j + 1}`, id]), ['Tag.1.Key', 'Team'], ['Tag.1.Value', 'needle']]);
    const memSeeded = memory(server.pid);

    // ---- small: tag:Team = needle → exactly the 10 needles.
    const small = [['Filter.1.Name', 'tag:Team'], ['Filter.1.Value.1', 'needle']];
    const proof = await must('DescribeInstances', small);
    const found = ids(proof.body).sort();
    if (found.join() !== [...needles].sort().join()) throw new Error(`tag:Team=needle returned ${found.length} instances, expected the ${NEEDLES} needles`);
    const smallSamples = [];
    const smallN = quick ? 100 : 500;
    for (let i = 0; i < 50; i++) await must('DescribeInstances', small); // warm-up
    for (let i = 0; i < smallN; i++) smallSamples.push((await must('DescribeInstances', small)).ms);
    const sm = stats(smallSamples);

    // ---- many: tag:CostCenter = marketing, MaxResults=1000, every page to the end (fleet / 2 instances).
    const many = [['Filter.1.Name', 'tag:CostCenter'], ['Filter.1.Value.1', 'marketing'], ['MaxResults', String(PAGE)]];
    const walk = async () => {
      const samples = [];
      let total = 0;
      let bytes = 0;
      let token;
      const t = performance.now();
      do {
        const res = await must('DescribeInstances', token === undefined ? many : [...many, ['NextToken', token]]);
        samples.push(res.ms);
        const n = ids(res.body).length;
        total += n;
        bytes += Buffer.byteLength(res.body);
        token = /<nextToken>([^<]+)<\/nextToken>/.exec(res.body)?.[1];
        if (token !== undefined && n !== PAGE) throw new Error(`a page of ${n} instances before the last, expected ${PAGE}`);
      } while (token !== undefined);
      if (total !== fleet / 2) throw new Error(`paging tag:CostCenter=marketing returned ${total} instances, expected ${fleet / 2}`);
      return { samples, seconds: (performance.now() - t) / 1000, bytes };
    };
    await walk(); // warm-up pass
    const pageSamples = [];
    let walkSeconds = 0;
    let pageBytes = 0;
    const passes = quick ? 1 : 3;
    for (let p = 0; p < passes; p++) {
      const w = await walk();
      pageSamples.push(...w.samples);
      walkSeconds += w.seconds;
      pageBytes = w.bytes / w.samples.length;
    }
    const pg = stats(pageSamples);

    // ---- a wildcard tag filter cannot use the index: every instance's tag row is tested (information).
    const wild = [['Filter.1.Name', 'tag:Team'], ['Filter.1.Value.1', 'needl*']];
    const wildProof = await must('DescribeInstances', wild);
    if (ids(wildProof.body).length !== NEEDLES) throw new Error(`tag:Team=needl* returned ${ids(wildProof.body).length} instances, expected ${NEEDLES}`);
    const wildSamples = [];
    for (let i = 0; i < (quick ? 5 : 20); i++) wildSamples.push((await must('DescribeInstances', wild)).ms);
    const wd = stats(wildSamples);
    const memEnd = memory(server.pid);

    const fleetText = formatNumber(fleet);
    const seedNote = `store filled through the API: ${formatNumber(calls)} RunInstances calls × ${PER_CALL} instances (the API's cap per call), ${SEED_CONCURRENCY} in flight, in ${seedSeconds.toFixed(1)} s (${formatNumber(fleet / seedSeconds)} instances/s), then one CreateTags of Team=needle on ${NEEDLES} instances spread over the fleet; tags per instance: CostCenter (marketing/engineering alternating per call), Team (one value per call of 100), Project (7 values)`;
    const clientNote = 'client: this process, one request in flight over a keep-alive socket, each request SigV4-signed (as the admin) before its clock starts; time = request written → last byte of the answer read';
    const budgetNote = 'DESIGN §5 scale: 100,000 instances: DescribeInstances with a tag filter ≤ 50 ms; memory ≤ 300 MB';
    return [
      row({
        name: `scale: DescribeInstances tag filter → ${NEEDLES} of ${fleetText}, p99`,
        op: `one op = POST / DescribeInstances Filter tag:Team = needle over ${fleetText} instances → 200 with exactly the ${NEEDLES} tagged instances (${formatNumber(Buffer.byteLength(proof.body))} bytes); value = p99 latency of ${formatNumber(sm.n)} sequential calls`,
        unit: 'ms', value: sm.p99, budget: { max: 50 },
        notes: [`p50 ${ms(sm.p50)}, p90 ${ms(sm.p90)}, p99 ${ms(sm.p99)}, max ${ms(sm.max)} over ${sm.n} calls after 50 warm-up calls`, clientNote, seedNote, budgetNote],
      }),
      row({
        name: `scale: DescribeInstances tag filter → ${formatNumber(fleet / 2)} of ${fleetText}, page of ${PAGE}, p99`,
        op: `one op = one page (MaxResults=${PAGE}, NextToken from the previous page) of DescribeInstances Filter tag:CostCenter = marketing (${formatNumber(fleet / 2)} matching) → 200 with ${PAGE} instances (~${formatNumber(pageBytes)} bytes of XML); value = p99 page latency over ${passes} full walks (${formatNumber(pg.n)} pages)`,
        unit: 'ms', value: pg.p99, budget: { max: 50 },
        notes: [
          `p50 ${ms(pg.p50)}, p90 ${ms(pg.p90)}, p99 ${ms(pg.p99)}, max ${ms(pg.max)}; a full walk of ${formatNumber(fleet / 2)} instances took ${(walkSeconds / passes).toFixed(2)} s on average (after one warm-up walk); every walk checked: ${formatNumber(fleet / 2)} instances, full pages`,
          clientNote,
        ],
      }),
      row({
        name: `scale: DescribeInstances wildcard tag filter → ${NEEDLES} of ${fleetText}, p50`,
        op: `one op = DescribeInstances Filter tag:Team = needl* (a wildcard: no index can drive it, every Team tag row is tested) → 200 with the ${NEEDLES} needles; information, no budget`,
        unit: 'ms', value: wd.p50,
        notes: [`p50 ${ms(wd.p50)}, p99 ${ms(wd.p99)} over ${wd.n} calls`],
      }),
      row({
        name: `scale: server memory peak (VmHWM), ${fleetText} instances`,
        op: `value = VmHWM (peak resident set since start) of the \`tessera up\` process from /proc/PID/status after seeding ${fleetText} instances and all the DescribeInstances runs above`,
        unit: 'MiB', value: memEnd.hwmMiB, budget: { max: 300 },
        notes: [
          `VmRSS: ${memStart.rssMiB.toFixed(0)} MiB at start (empty store; VmHWM ${memStart.hwmMiB.toFixed(0)} MiB), ${memSeeded.rssMiB.toFixed(0)} MiB after seeding (VmHWM ${memSeeded.hwmMiB.toFixed(0)} MiB), ${memEnd.rssMiB.toFixed(0)} MiB at the end`,
          'the peak includes a transient of start-up: the IdP hashes a dummy password (scrypt N=2^17, r=8: 128 MiB for a fraction of a second, so an unknown email costs what a wrong password costs) right after it starts; steady RSS is the VmRSS figures',
          'the SQLite database is a file in the data directory; its page cache counts in RSS as far as SQLite holds it in-process',
          budgetNote,
        ],
      }),
    ];
  } finally {
    agent.destroy();
    await server.stop();
  }
}
