// `tessera check SCENARIO [--json]`: starts a private Tessera (free loopback port, temporary data
// directory), applies the scenario, runs every expectation through the real protocols and prints a
// table; for each failure, why. Exit 0 all hold, 1 one does not, 2 the scenario is not valid.

import { parseArgs } from 'node:util';
import { isScenarioError } from '../scenario/errors.js';
import { loadScenario } from '../scenario/load.js';
import { issueLines, roleName, table } from '../scenario/report.js';
import { runExpectations, type ExpectationResult } from '../scenario/run.js';
import { startScenarioServer } from '../scenario/start.js';
import type { CliIo, ExitCode } from './io.js';
import { EXIT, UsageError } from './io.js';

export const CHECK_HELP = `Usage: tessera check SCENARIO [--json]

Proves a scenario's expectations through the real protocols: starts a private Tessera on a free
loopback port with a temporary data directory, applies the scenario, then for each expectation logs
in at the IdP with the user's password (rules and Actions run), assumes the role with the SAML
response (STS AssumeRoleWithSAML) and makes the signed EC2 call — with DryRun=true for actions that
change something, so checking never changes the world. Prints a table; for each failure, why
(the decoded authorization message).

Options:
  --json       the results as JSON
  -h, --help   this help

Exit status: 0 every expectation holds, 1 one does not, 2 the scenario is not valid.
Scenario format: docs/scenarios.md.
`;

function resultRows(results: readonly ExpectationResult[]): string[][] {
  return results.map((r) => [String(r.line), r.as, roleName(r.role), r.action, r.resource, r.expected, r.actual, r.ok ? '✓' : '✗']);
}

function failureText(r: ExpectationResult): string {
  const lines = [`✗ line ${r.line}: ${r.as} ${r.action} ${r.resource}${r.instanceId === undefined ? '' : ` (${r.instanceId})`}: ${r.reason ?? `expected ${r.expected}, was ${r.actual}`}`];
  if (r.explanation !== undefined) {
    lines.push(`    ${r.explanation.summary}`);
    for (const d of r.explanation.details) lines.push(`    - ${d}`);
  }
  return lines.join('\n') + '\n';
}

export async function checkCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(CHECK_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the scenario file: tessera check SCENARIO' : 'give one scenario file');
  const json = values.json === true;
  const loaded = loadScenario(positionals[0] as string);
  if (!loaded.ok) {
    io.stderr.write(issueLines(loaded.issues));
    const errors = loaded.issues.filter((i) => i.severity === 'error').length;
    io.stderr.write(`tessera check: ${loaded.file}: ${errors} error${errors === 1 ? '' : 's'}; nothing was checked\n`);
    return EXIT.usage;
  }
  const { scenario, warnings } = loaded;
  if (warnings.length > 0) io.stderr.write(issueLines(warnings));
  let server;
  try {
    server = await startScenarioServer(scenario);
  } catch (e) {
    if (isScenarioError(e)) {
      io.stderr.write(issueLines(e.issues));
      io.stderr.write(`tessera check: ${scenario.file}: the scenario could not be applied; nothing was checked\n`);
      return EXIT.usage;
    }
    throw e;
  }
  let results: ExpectationResult[];
  try {
    results = await runExpectations(scenario, server);
  } finally {
    await server.close();
  }
  // Internal failures the private server logged (never expected): shown, so a bug is not silent.
  for (const line of server.errors) io.stderr.write(`tessera: server error: ${line}\n`);
  const failed = results.filter((r) => !r.ok);
  if (json) {
    io.stdout.write(
      JSON.stringify(
        {
          scenario: scenario.file,
          passed: failed.length === 0,
          total: results.length,
          failed: failed.length,
          results,
          warnings: warnings.map((w) => ({ file: w.loc.file, line: w.loc.line, column: w.loc.column, path: w.path, message: w.message })),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.stdout.write(`${scenario.file}\n`);
    if (results.length === 0) io.stdout.write('no expectations (add them under `expect`)\n');
    else io.stdout.write(table(['line', 'as', 'role', 'action', 'resource', 'expected', 'actual', 'ok'], resultRows(results)));
    if (failed.length > 0) io.stdout.write('\n' + failed.map(failureText).join('\n'));
    io.stdout.write(`\n${results.length} expectation${results.length === 1 ? '' : 's'}: ${results.length - failed.length} passed, ${failed.length} failed\n`);
  }
  return failed.length === 0 ? EXIT.ok : EXIT.failed;
}
