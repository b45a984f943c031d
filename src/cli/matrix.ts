// `tessera matrix SCENARIO [--actions LIST] [--json]`: who can do what, derived through the real rules
// and policies (src/scenario/matrix.ts). Exit 0; 1 when the API and the policy engine disagree on a
// decision (a bug worth reporting); 2 on a scenario or usage error.

import { parseArgs } from 'node:util';
import { isScenarioError } from '../scenario/errors.js';
import { loadScenario } from '../scenario/load.js';
import { computeMatrix, expandEc2Actions, scenarioEc2Actions, type Matrix } from '../scenario/matrix.js';
import { issueLines, roleName, table } from '../scenario/report.js';
import { startScenarioServer } from '../scenario/start.js';
import type { CliIo, ExitCode } from './io.js';
import { EXIT, UsageError } from './io.js';

export const MATRIX_HELP = `Usage: tessera matrix SCENARIO [--actions LIST] [--json]

Who can do what: for every user of the scenario (a real login: their rules and Actions decide the
roles they are offered) × every role they can assume (STS, for real) × every EC2 action × every
instance, the decision. Actions are the EC2 actions the scenario's role policies name, wildcards
expanded against the EC2 catalogue, or --actions. Each decision is made by the policy engine with the
authorizer's context and, for the actions Tessera's EC2 serves, by the API as well (DryRun for
actions that change something); the two must agree.

Options:
  --actions LIST  comma-separated EC2 actions or patterns (ec2:Stop*,ec2:StartInstances)
  --json          the matrix as JSON (every cell with both decisions)
  -h, --help      this help

Exit status: 0 done, 1 the API and the engine disagreed somewhere, 2 the scenario is not valid.
`;

/** Text lists every action up to this many; beyond, actions Tessera's EC2 does not serve are summed up. */
const MAX_LISTED_ACTIONS = 40;

function render(m: Matrix): string {
  let out = `${m.scenario}: who can do what (✓ allowed, · denied)\n`;
  const columns = [...m.resources.map((r) => r.resource), '*'];
  const compact = m.actions.length > MAX_LISTED_ACTIONS;
  const listed = compact ? m.actions.filter((a) => !m.engineOnly.includes(a)) : m.actions;
  for (const p of m.principals) {
    out += '\n';
    if (p.status !== 'ok') {
      out += `${p.user}${p.role === undefined ? '' : ` as ${roleName(p.role)}`}: ${p.status.replace('-', ' ')}${p.reason === undefined ? '' : `: ${p.reason}`}\n`;
      continue;
    }
    out += `${p.user} as ${roleName(p.role)}\n`;
    const cells = m.cells.filter((c) => c.user === p.user && c.role === p.role);
    const used = columns.filter((col) => cells.some((c) => c.resource === col));
    const rows = listed.map((action) => [
      `${action}${m.engineOnly.includes(action) ? ' °' : ''}`,
      ...used.map((col) => {
        const c = cells.find((x) => x.action === action && x.resource === col);
        if (c === undefined) return '';
        return `${c.decision === 'allowed' ? '✓' : '·'}${c.agree ? '' : ' !'}`;
      }),
    ]);
    out += table(['action', ...used], rows);
    if (compact) {
      const rest = cells.filter((c) => m.engineOnly.includes(c.action));
      const allowed = new Set(rest.filter((c) => c.decision === 'allowed').map((c) => c.action));
      out += `  + ${m.engineOnly.length} more actions decided by the policy engine alone: ${allowed.size} allowed somewhere` +
        `${allowed.size > 0 && allowed.size <= 5 ? ` (${[...allowed].join(', ')})` : ''}, ${m.engineOnly.length - allowed.size} denied everywhere\n`;
    }
  }
  if (compact) out += `\n${m.actions.length} actions: the ones Tessera's EC2 does not serve are summed up; --json lists every decision, --actions narrows the list\n`;
  else if (m.engineOnly.length > 0) out += `\n° decided by the policy engine alone: Tessera's EC2 does not serve ${m.engineOnly.length === 1 ? 'this action' : 'these actions'}\n`;
  if (m.disagreements > 0) {
    out += `\n! the API and the policy engine disagree on ${m.disagreements} decision${m.disagreements === 1 ? '' : 's'}:\n`;
    for (const c of m.cells.filter((x) => !x.agree)) out += `  ${c.user} as ${roleName(c.role)} ${c.action} ${c.resource}: API ${c.api ?? '-'}${c.apiError === undefined ? '' : ` (${c.apiError})`}, engine ${c.engine}\n`;
  }
  return out;
}

export async function matrixCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean' }, actions: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(MATRIX_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the scenario file: tessera matrix SCENARIO' : 'give one scenario file');
  let requested: ReturnType<typeof expandEc2Actions> | undefined;
  if (values.actions !== undefined) {
    const patterns = values.actions.split(',').map((a) => a.trim()).filter((a) => a !== '');
    for (const p of patterns) {
      if (!/^ec2:/i.test(p)) throw new UsageError(`--actions: \`${p}\` is not an EC2 action (ec2:Name, wildcards allowed)`);
      if (expandEc2Actions([p.slice(4)]).length === 0) throw new UsageError(`--actions: \`${p}\` matches no EC2 action`);
    }
    if (patterns.length === 0) throw new UsageError('--actions: name at least one action');
    requested = expandEc2Actions(patterns.map((p) => p.slice(4)));
  }
  const loaded = loadScenario(positionals[0] as string);
  if (!loaded.ok) {
    io.stderr.write(issueLines(loaded.issues));
    io.stderr.write(`tessera matrix: ${loaded.file}: the scenario is not valid\n`);
    return EXIT.usage;
  }
  const { scenario, warnings } = loaded;
  if (warnings.length > 0) io.stderr.write(issueLines(warnings));
  const actions = requested ?? scenarioEc2Actions(scenario);
  if (actions.length === 0) {
    io.stderr.write('tessera matrix: the scenario\'s role policies name no EC2 action: give --actions\n');
    return EXIT.usage;
  }
  let server;
  try {
    server = await startScenarioServer(scenario);
  } catch (e) {
    if (isScenarioError(e)) {
      io.stderr.write(issueLines(e.issues));
      io.stderr.write(`tessera matrix: ${scenario.file}: the scenario could not be applied\n`);
      return EXIT.usage;
    }
    throw e;
  }
  let matrix: Matrix;
  try {
    matrix = await computeMatrix(scenario, server, actions);
  } finally {
    await server.close();
  }
  // Internal failures the private server logged (never expected): shown, so a bug is not silent.
  for (const line of server.errors) io.stderr.write(`tessera: server error: ${line}\n`);
  io.stdout.write(values.json === true ? JSON.stringify(matrix, null, 2) + '\n' : render(matrix));
  return matrix.disagreements === 0 ? EXIT.ok : EXIT.failed;
}
