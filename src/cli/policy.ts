// `tessera policy validate FILE|- [--kind K] [--managed] [--json]`: IAM's validation and
// Access-Analyzer-style warnings for a policy document, before it reaches IAM.
import { parseArgs } from 'node:util';
import { POLICY_KINDS, type PolicyKind } from '../policy/ast.js';
import { validatePolicy } from '../policy/validate.js';
import { readInput } from './input.js';
import { type CliIo, EXIT, type ExitCode, UsageError } from './io.js';

export const POLICY_HELP = `Usage: tessera policy validate FILE|- [--kind identity|resource|trust|session|boundary] [--managed] [--json]

Validates an IAM policy document as IAM does (errors carry AWS's MalformedPolicyDocument wording and
the JSON path) and adds warnings as IAM Access Analyzer's policy checks do: a templating artefact
(\`<%=\`), unknown or misspelled condition keys and actions, a condition key the action never
provides, a Resource of another service, set operators on single-valued keys.
  --kind      the policy type (default identity); trust = a role's AssumeRolePolicyDocument
  --managed   also apply CreatePolicy's rules (Version 2012-10-17, 6,144 characters)

Exit status: 0 valid (warnings may be printed), 1 invalid, 2 usage error.
`;

export async function policyCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      kind: { type: 'string', default: 'identity' },
      managed: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true || positionals.length === 0) {
    io.stdout.write(POLICY_HELP);
    return values.help === true ? EXIT.ok : EXIT.usage;
  }
  const [sub, file, ...rest] = positionals;
  if (sub !== 'validate' || file === undefined || rest.length > 0) throw new UsageError('usage: tessera policy validate FILE|- [--kind K]');
  if (!(POLICY_KINDS as readonly string[]).includes(values.kind)) {
    throw new UsageError(`unknown --kind \`${values.kind}\` (expected ${POLICY_KINDS.join(', ')})`);
  }
  const text = await readInput(file, io);
  const r = validatePolicy(text, {
    kind: values.kind as PolicyKind,
    ...(values.managed ? { requireCurrentVersion: true, maxSize: 6144 } : {}),
  });
  const errors = r.ok ? [] : r.errors;
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ valid: r.ok, errors, warnings: r.warnings }, null, 2)}\n`);
  } else {
    for (const e of errors) io.stdout.write(`error   ${e.path === '' ? '(document)' : e.path}: ${e.message}\n        AWS: ${e.awsCode}: ${e.awsMessage}\n`);
    for (const w of r.warnings) io.stdout.write(`warning ${w.path === '' ? '(document)' : w.path}: ${w.message}\n`);
    io.stdout.write(r.ok ? `valid ${values.kind} policy (${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'})\n` : `invalid: ${errors.length} error${errors.length === 1 ? '' : 's'}\n`);
  }
  return r.ok ? EXIT.ok : EXIT.failed;
}
