// Benchmark module `scale-out` (issue #8): the EC2 load of bench/ec2.js against two Tessera nodes
// sharing one PostgreSQL database, beside one node on PostgreSQL and one node on SQLite (the
// default), all in the same run. Each node is `tessera up` in its own process; the load comes from
// separate processes (bench/lib/load.js, pre-signed requests): 32 keep-alive connections against
// one node, or 16 against each of the two nodes at once (the sum is the row's value), as a load
// balancer spreading connections would.
//
// Needs PostgreSQL at TESSERA_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test);
// each run creates its own database and drops it afterwards.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { formatNumber, row } from './lib/harness.js';
import { load, send, serialise, signedForm, startTessera } from './lib/load.js';

const INSTANCES = 100;
const CONNECTIONS = 32;
const BASE_URL = process.env.TESSERA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function withAdmin(fn) {
  const client = new pg.Client({ connectionString: BASE_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function seed(server) {
  const ids = [];
  for (let i = 0; i < INSTANCES; i += 10) {
    const res = await send(server.url, signedForm(server.host, 'ec2', 'RunInstances', [
      ['ImageId', 'ami-0abcdef1234567890'], ['InstanceType', 't3.micro'], ['MinCount', '10'], ['MaxCount', '10'],
      ['TagSpecification.1.ResourceType', 'instance'],
      ['TagSpecification.1.Tag.1.Key', 'CostCenter'], ['TagSpecification.1.Tag.1.Value', i % 20 === 0 ? 'marketing' : 'engineering'],
    ]));
    if (res.status !== 200) throw new Error(`RunInstances: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    for (const m of res.body.matchAll(/<instanceId>(i-[0-9a-f]+)<\/instanceId>/g)) ids.push(m[1]);
  }
  if (ids.length !== INSTANCES) throw new Error(`seeded ${ids.length} instances, expected ${INSTANCES}`);
  return ids;
}

const ms = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(2)} ms` : '—');

/** Load on `nodes` at once (connections split evenly); the sum of their rates. */
async function spread(nodes, makeRequests, timing, expectStatus = 200) {
  const per = Math.floor(CONNECTIONS / nodes.length);
  const results = await Promise.all(nodes.map((n) => load({ port: n.port, requests: makeRequests(n), connections: per, ...timing, expectStatus })));
  for (const r of results) {
    const bad = Object.entries(r.statuses).filter(([s]) => ![].concat(expectStatus).includes(Number(s)));
    if (bad.length > 0 || r.errors > 0) throw new Error(`unexpected answers ${JSON.stringify(r.statuses)}: ${r.sampleBody.slice(0, 300)}`);
  }
  const perSecond = results.reduce((s, r) => s + r.perSecond, 0);
  const note = results.map((r, i) => `node ${i + 1}: ${formatNumber(r.perSecond)} req/s over ${r.connections} connections, p50 ${ms(r.p50Ms)}, p99 ${ms(r.p99Ms)}, statuses ${JSON.stringify(r.statuses)}`).join('; ');
  return { perSecond, note };
}

async function measure(label, nodes, timing) {
  const [first] = nodes;
  const ids = await seed(first);
  const one = [['Filter.1.Name', 'instance-id'], ['Filter.1.Value.1', ids[0]]];
  const describe = await spread(nodes, (n) => Array.from({ length: 16 }, () => serialise(n, signedForm(n.host, 'ec2', 'DescribeInstances', one))), timing);
  const stopStart = await spread(
    nodes,
    (n) => ids.flatMap((id) => ['StopInstances', 'StartInstances'].map((a) => serialise(n, signedForm(n.host, 'ec2', a, [['InstanceId.1', id]])))),
    timing,
    [200, 400],
  );
  return { label, describe, stopStart };
}

export async function run({ quick = false } = {}) {
  const timing = quick ? { warmupMs: 300, durationMs: 1000 } : { warmupMs: 1000, durationMs: 5000 };
  const database = `tessera_bench_${randomBytes(5).toString('hex')}`;
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  const shared = { TESSERA_DATABASE_URL: url.toString(), TESSERA_MASTER_KEY: randomBytes(32).toString('base64') };
  const results = [];

  const sqlite = await startTessera();
  try {
    results.push(await measure('one node, SQLite', [sqlite], timing));
  } finally {
    await sqlite.stop();
  }

  await withAdmin((c) => c.query(`CREATE DATABASE ${database}`));
  try {
    const a = await startTessera({ env: shared, args: ['--node-id', 'bench-a'] });
    try {
      results.push(await measure('one node, PostgreSQL', [a], timing));
      const b = await startTessera({ env: shared, args: ['--node-id', 'bench-b'] });
      try {
        // A fresh set of instances for the two-node run (the first node's are still stopping).
        results.push(await measure('two nodes, one PostgreSQL', [a, b], timing));
      } finally {
        await b.stop();
      }
    } finally {
      await a.stop();
    }
  } finally {
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }

  const [base] = results;
  const rows = [];
  for (const r of results) {
    rows.push(row({
      name: `scale-out: DescribeInstances one instance, ${r.label}`,
      op: 'one op = POST / DescribeInstances Filter instance-id = one instance (SigV4-signed as the admin before timing) → 200; 32 keep-alive connections in all, split evenly over the nodes',
      unit: 'req/s', value: r.describe.perSecond, ...(r === base ? {} : { baseline: base.describe.perSecond }),
      notes: [r.describe.note, r === base ? 'the baseline of this module: one node on the default SQLite store' : 'ratio to one node on SQLite, same run'],
    }));
    rows.push(row({
      name: `scale-out: Stop/StartInstances, ${r.label}`,
      op: 'one op = POST / StopInstances or StartInstances of one of 100 instances (alternating) → 200 (a state change committed) or 400 IncorrectInstanceState',
      unit: 'req/s', value: r.stopStart.perSecond, ...(r === base ? {} : { baseline: base.stopStart.perSecond }),
      notes: [r.stopStart.note],
    }));
  }
  return rows;
}
