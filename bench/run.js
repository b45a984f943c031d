#!/usr/bin/env node
// `npm run bench`: runs the benchmark modules listed in MODULES, prints the machine and one table of
// results with ratios and budgets (DESIGN §5), and with --json also writes bench/results.json.
// A budget that fails is printed as FAIL but leaves the exit code 0; a module or measurement that
// could not run (an engine that disagrees with ours, a crash) is an ERROR and exits 1; bad usage 2.
//
// A module is `bench/<name>.js` exporting `async run({ quick })` that returns rows
// `{ name, op, unit, value, baseline, ratio, budget, limit, pass, notes? }` — build them with
// `row()` from lib/harness.js. bench/results.json holds every row with these fields (`budget` as
// text, `limit` as `{ on: 'value'|'ratio', min|max }`, null when the row has no budget). To add one, write the file and add it to MODULES below.

import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { formatNumber, machine } from './lib/harness.js';

/** In the order they run. */
const MODULES = [
  { name: 'policy', about: 'IAM policy engine: seed decisions/s, peers, large set, explain' },
  { name: 'saml', about: 'SAML: sign (vs xml-crypto, raw RSA) and verify (vs node-saml) of the seed response' },
  { name: 'idp', about: 'IdP: SSO logins/s with the seed rule in the sandbox + signing, the sandbox\'s cost per login, HTTP' },
  { name: 'ec2', about: 'EC2 over HTTP: DescribeInstances (tag filter) and Stop/StartInstances req/s vs node:http hello world and moto' },
  { name: 'sts', about: 'STS: AssumeRoleWithSAML/s in-process (parse, verify, trust, issue), moto beside it' },
  { name: 'startup', about: '`tessera up` to ready: first start with the seed scenario, restart, empty account (median of runs)' },
  { name: 'scale', about: 'scale: 100,000 instances through RunInstances, DescribeInstances with tag filters (p99 ms), server memory' },
  { name: 'scale-out', about: 'scale-out: EC2 load on two nodes sharing one PostgreSQL, beside one node on PostgreSQL and one on SQLite' },
  // Later issues: { name: 'sigv4', … }, { name: 'http', … }
];

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

const USAGE = `usage: npm run bench [-- [--json] [--only NAME[,NAME…]] [--quick]]

  --json         also write bench/results.json (machine, rows, timings)
  --only NAMES   run only these modules (${MODULES.map((m) => m.name).join(', ')})
  --quick        short warm-up and few rounds: a smoke run, not numbers to quote
  --help         this text

Exit code: 0 when every measurement ran (even if a budget FAILs), 1 when one could not, 2 on bad usage.`;

function parseArgs(argv) {
  const opts = { json: false, quick: false, only: undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--quick') opts.quick = true;
    else if (a === '--help' || a === '-h') opts.help = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (!value) throw new UsageError('`--only` needs a module name');
      opts.only = value.split(',').map((s) => s.trim()).filter(Boolean);
    } else throw new UsageError(`unknown option \`${a}\``);
  }
  if (opts.only) {
    for (const name of opts.only) {
      if (!MODULES.some((m) => m.name === name)) {
        throw new UsageError(`unknown module \`${name}\`: expected one of ${MODULES.map((m) => `\`${m.name}\``).join(', ')}`);
      }
    }
  }
  return opts;
}

class UsageError extends Error {}

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const green = paint('32');
const red = paint('1;31');
const dim = paint('2');
const bold = paint('1');

function resultCell(r) {
  if (r.error !== undefined) return 'ERROR';
  if (r.pass === null) return '—';
  return r.pass ? 'PASS' : 'FAIL';
}

function paintResult(cell) {
  if (cell === 'PASS') return green(cell);
  if (cell === 'FAIL' || cell === 'ERROR') return red(cell);
  return cell;
}

function table(rows) {
  const head = ['#', 'benchmark', 'value', 'unit', 'baseline', 'ratio', 'budget', 'result'];
  const right = [true, false, true, false, true, true, false, false];
  const body = rows.map((r, i) => [
    String(i + 1),
    r.name,
    formatNumber(r.value),
    r.unit,
    r.baseline === null ? '—' : formatNumber(r.baseline),
    r.ratio === null ? '—' : `${r.ratio.toFixed(r.ratio >= 100 ? 0 : 1)}×`,
    r.budget ?? '—',
    resultCell(r),
  ]);
  const width = head.map((h, c) => Math.max(h.length, ...body.map((b) => [...b[c]].length)));
  const cell = (text, c) => (right[c] ? text.padStart(width[c]) : text.padEnd(width[c]));
  const line = (cells, last = (s) => s) =>
    cells.map((t, c) => (c === cells.length - 1 ? last(t) : cell(t, c))).join('  ').trimEnd();
  const out = [bold(line(head)), dim(width.map((w) => '─'.repeat(w)).join('  '))];
  for (const b of body) out.push(line(b, paintResult));
  return out.join('\n');
}

function wrap(text, indent, width = 100, rest = ' '.repeat(indent.length)) {
  const words = text.split(/\s+/);
  const lines = [];
  let cur = '';
  for (const w of words) {
    if (cur !== '' && indent.length + cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur === '' ? w : `${cur} ${w}`;
  }
  if (cur !== '') lines.push(cur);
  return lines.map((l, i) => (i === 0 ? indent : rest) + l).join('\n');
}

function legend(rows) {
  const out = [];
  rows.forEach((r, i) => {
    out.push(`[${i + 1}] ${r.name}`);
    if (r.op) out.push(wrap(r.op, '    '));
    for (const n of r.notes ?? []) out.push(dim(wrap(n, '    · ')));
    if (r.error !== undefined) out.push(red(wrap(`error: ${r.error}`, '    ')));
  });
  return out.join('\n');
}

/** Rejects rows a module built by hand with a missing field, so the table never lies. */
function checkRow(module, r) {
  for (const k of ['name', 'unit', 'value', 'baseline', 'ratio', 'budget', 'limit', 'pass']) {
    if (!(k in r)) throw new Error(`module \`${module}\` returned a row without \`${k}\`: ${JSON.stringify(r).slice(0, 200)}`);
  }
  return { module, ...r };
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`bench: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const m = machine();
  const started = new Date();
  console.log(bold('Tessera benchmarks') + (opts.quick ? red('  (--quick: smoke run, not numbers to quote)') : ''));
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node} (V8 ${m.v8}); ${m.platform}`);
  console.log(dim(`load average ${m.loadavg.join(' ')} at start; each case runs alone in its own worker thread (one core)`));
  console.log('');

  const selected = MODULES.filter((mod) => opts.only === undefined || opts.only.includes(mod.name));
  const rows = [];
  const modules = [];
  for (const mod of selected) {
    process.stderr.write(dim(`running ${mod.name}: ${mod.about} …\n`));
    const t0 = performance.now();
    // The load average around each module (1, 5, 15 min): on a shared machine it says how noisy its rows are.
    const loadStart = machine().loadavg;
    try {
      const imported = await import(`./${mod.name}.js`);
      const got = await imported.run({ quick: opts.quick });
      for (const r of got) rows.push(checkRow(mod.name, r));
      modules.push({ name: mod.name, seconds: (performance.now() - t0) / 1000, loadavgStart: loadStart, loadavgEnd: machine().loadavg });
    } catch (e) {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      modules.push({ name: mod.name, seconds: (performance.now() - t0) / 1000, loadavgStart: loadStart, loadavgEnd: machine().loadavg, error: message });
      rows.push({
        module: mod.name, name: `${mod.name}: module failed`, op: undefined, unit: '', value: null, baseline: null,
        ratio: null, budget: null, limit: null, pass: false, notes: [], error: message.split('\n')[0],
      });
    }
  }
  process.stderr.write('\n');

  console.log(table(rows));
  console.log('');
  console.log(legend(rows));
  console.log('');

  const budgeted = rows.filter((r) => r.pass !== null && r.error === undefined);
  const failed = budgeted.filter((r) => r.pass === false);
  const errors = rows.filter((r) => r.error !== undefined);
  const summary = `budgets: ${budgeted.length - failed.length} PASS, ${failed.length} FAIL` +
    (errors.length > 0 ? `; ${errors.length} ERROR` : '') +
    `; ${modules.map((x) => `${x.name} ${x.seconds.toFixed(1)} s`).join(', ')}`;
  console.log(failed.length + errors.length > 0 ? red(summary) : green(summary));
  for (const r of failed) {
    const measured = r.budget?.startsWith('ratio') ? `ratio ${r.ratio?.toFixed(1)}×` : `${formatNumber(r.value)} ${r.unit}`;
    console.log(red(`FAIL  ${r.name}: ${measured}, budget ${r.budget}`));
  }
  for (const r of errors) console.log(red(`ERROR ${r.name}: ${r.error}`));
  const loadEnd = machine().loadavg;
  // Our cases keep one core busy; a 1-minute load well above that means something else ran too.
  const busy = Math.max(m.loadavg[0], loadEnd[0]) > 1.5;
  for (const x of modules) console.log(dim(`load average ${x.name}: ${x.loadavgStart.join(' ')} at start, ${x.loadavgEnd.join(' ')} at end`));
  console.log(
    (busy ? red : dim)(
      `load average ${loadEnd.join(' ')} at end` +
        (busy ? ': other processes shared the machine, absolute numbers are noisy (paired ratios less so)' : ''),
    ),
  );

  if (opts.json) {
    const doc = {
      generatedAt: started.toISOString(),
      machine: { ...m, loadavgAtEnd: loadEnd },
      options: { only: opts.only ?? null, quick: opts.quick },
      modules,
      rows,
      summary: { pass: budgeted.length - failed.length, fail: failed.length, error: errors.length },
    };
    await writeFile(RESULTS, `${JSON.stringify(doc, null, 2)}\n`);
    console.log(dim(`wrote ${RESULTS}`));
  }
  return errors.length > 0 ? 1 : 0;
}

process.exitCode = await main();
