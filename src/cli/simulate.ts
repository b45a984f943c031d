// `tessera simulate --input FILE|-`: IAM SimulateCustomPolicy offline, JSON in and out.
import { parseArgs } from 'node:util';
import { SimulateInputError, simulateCustomPolicy, type SimulateCustomPolicyInput } from '../policy/simulate.js';
import { readInput } from './input.js';
import { type CliIo, EXIT, type ExitCode, UsageError } from './io.js';

export const SIMULATE_HELP = `Usage: tessera simulate --input FILE|-

Evaluates IAM policies offline, as IAM SimulateCustomPolicy does. The input is the JSON request of
SimulateCustomPolicy (what \`aws iam simulate-custom-policy --generate-cli-skeleton\` shows):
  PolicyInputList, PermissionsBoundaryPolicyInputList, ActionNames, ResourceArns, ResourcePolicy,
  ResourceOwner, CallerArn, ContextEntries (ContextKeyName, ContextKeyValues, ContextKeyType),
  MaxItems, Marker. ResourceHandlingOption (EC2 scenarios) is accepted and not used: each named
  resource is simulated on its own.
Policies are JSON strings, as the API takes them (a JSON object is accepted too).
The output is the SimulateCustomPolicy response (EvaluationResults with EvalDecision,
MatchedStatements, MissingContextValues, …) with an \`Explain\` field per result.

Exit status: 0 when it evaluated (whatever the decisions), 2 on bad input.
`;

function normalise(raw: unknown): SimulateCustomPolicyInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SimulateInputError('InvalidInput', 'the input must be a JSON object');
  const o = raw as Record<string, unknown>;
  const asText = (v: unknown): unknown => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v);
  const out: Record<string, unknown> = { ...o };
  for (const k of ['PolicyInputList', 'PermissionsBoundaryPolicyInputList']) {
    if (Array.isArray(o[k])) out[k] = (o[k] as unknown[]).map(asText);
    else if (o[k] !== undefined) throw new SimulateInputError('InvalidInput', `${k} must be a list of policy documents`);
  }
  if (o.ResourcePolicy !== undefined) out.ResourcePolicy = asText(o.ResourcePolicy);
  return out as unknown as SimulateCustomPolicyInput;
}

export async function simulateCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({ args: [...argv], options: { input: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help === true) {
    io.stdout.write(SIMULATE_HELP);
    return EXIT.ok;
  }
  if (values.input === undefined) throw new UsageError('simulate needs --input FILE (or - for standard input)');
  const text = await readInput(values.input, io);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    io.stderr.write(`tessera simulate: \`${values.input}\` is not valid JSON: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  try {
    const response = simulateCustomPolicy(normalise(raw));
    io.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof SimulateInputError)) throw e;
    io.stderr.write(`tessera simulate: ${e.awsCode}: ${e.message}\n`);
    for (const f of e.findings.slice(1)) io.stderr.write(`  also: ${f.path}: ${f.message}\n`);
    return EXIT.usage;
  }
}
