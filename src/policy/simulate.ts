// IAM SimulateCustomPolicy on this engine: the request and response JSON of the API (as the AWS
// CLI prints them), plus an `Explain` per result. Pure; the CLI and the IAM service call it.

import { parseCidr } from './condition/operators/ip.js';
import { readDate } from './condition/operators/date.js';
import { readNumber } from './condition/operators/numeric.js';
import { type CompiledPolicy, compilePolicy, type MatchedStatement, type PolicySourceType } from './compile.js';
import { CONTEXT_KEY_TYPES, type ContextKeyType, RequestContext } from './context.js';
import type { PolicyErrorFinding } from './errors.js';
import { type Decision, evaluate, type PolicySet } from './evaluate.js';
import { explainDecision, type Explanation } from './explain.js';
import { lineColumn } from './json.js';
import { parsePolicy } from './parse.js';
import type { RequestPrincipal } from './principal.js';

export interface ContextEntryInput {
  readonly ContextKeyName: string;
  readonly ContextKeyValues: readonly string[];
  readonly ContextKeyType: ContextKeyType;
}

/** The SimulateCustomPolicy request (field names as the IAM API and `--cli-input-json`). */
export interface SimulateCustomPolicyInput {
  readonly PolicyInputList: readonly string[];
  readonly PermissionsBoundaryPolicyInputList?: readonly string[];
  readonly ActionNames: readonly string[];
  readonly ResourceArns?: readonly string[];
  readonly ResourcePolicy?: string;
  readonly ResourceOwner?: string;
  readonly CallerArn?: string;
  readonly ContextEntries?: readonly ContextEntryInput[];
  readonly ResourceHandlingOption?: string;
  readonly MaxItems?: number;
  readonly Marker?: string;
}

export interface StatementOutput {
  readonly SourcePolicyId: string;
  readonly SourcePolicyType?: PolicySourceType;
  readonly StartPosition: { readonly Line: number; readonly Column: number };
  readonly EndPosition: { readonly Line: number; readonly Column: number };
}

export interface ResourceResultOutput {
  readonly EvalResourceName: string;
  readonly EvalResourceDecision: Decision['decision'];
  readonly MatchedStatements: readonly StatementOutput[];
  readonly MissingContextValues: readonly string[];
  readonly PermissionsBoundaryDecisionDetail?: { readonly AllowedByPermissionsBoundary: boolean };
}

export interface EvaluationResultOutput {
  readonly EvalActionName: string;
  readonly EvalResourceName: string;
  readonly EvalDecision: Decision['decision'];
  readonly MatchedStatements: readonly StatementOutput[];
  readonly MissingContextValues: readonly string[];
  readonly EvalDecisionDetails?: Readonly<Record<string, string>>;
  readonly PermissionsBoundaryDecisionDetail?: { readonly AllowedByPermissionsBoundary: boolean };
  readonly ResourceSpecificResults?: readonly ResourceResultOutput[];
  /** Tessera's addition: why, in sentences. */
  readonly Explain: Explanation;
}

export interface SimulatePolicyResponse {
  readonly EvaluationResults: readonly EvaluationResultOutput[];
  readonly IsTruncated: boolean;
  readonly Marker?: string;
}

/** A request the simulator refuses, in the API's terms (`InvalidInput`, `MalformedPolicyDocument`). */
export class SimulateInputError extends Error {
  constructor(
    readonly awsCode: 'InvalidInput' | 'MalformedPolicyDocument' | 'PolicyEvaluation',
    message: string,
    readonly findings: readonly PolicyErrorFinding[] = [],
  ) {
    super(message);
    this.name = 'SimulateInputError';
  }
}

function checkValue(type: ContextKeyType, name: string, value: string): void {
  const base = type.endsWith('List') ? type.slice(0, -4) : type;
  const ok =
    base === 'string' ||
    (base === 'numeric' && readNumber(value) !== undefined) ||
    (base === 'boolean' && /^(true|false)$/i.test(value)) ||
    (base === 'ip' && parseCidr(value) !== undefined) ||
    (base === 'date' && readDate(value) !== undefined) ||
    (base === 'binary' && /^[A-Za-z0-9+/]*={0,2}$/.test(value));
  if (!ok) throw new SimulateInputError('InvalidInput', `context key \`${name}\`: \`${value}\` is not a valid ${base} value`);
}

/** Builds the request context from ContextEntries, refusing unknown types and unreadable values. */
export function contextFromEntries(entries: readonly ContextEntryInput[] | undefined): RequestContext {
  const input: Record<string, { type: ContextKeyType; values: readonly string[] }> = {};
  for (const [i, e] of (entries ?? []).entries()) {
    const where = `ContextEntries[${i}]`;
    if (typeof e?.ContextKeyName !== 'string' || e.ContextKeyName.length < 5 || e.ContextKeyName.length > 256) {
      throw new SimulateInputError('InvalidInput', `${where}: ContextKeyName must be a string of 5 to 256 characters`);
    }
    if (!(CONTEXT_KEY_TYPES as readonly string[]).includes(e.ContextKeyType)) {
      throw new SimulateInputError(
        'InvalidInput',
        `${where}: unknown ContextKeyType \`${String(e.ContextKeyType)}\` (expected one of ${CONTEXT_KEY_TYPES.join(', ')})`,
      );
    }
    if (!Array.isArray(e.ContextKeyValues) || e.ContextKeyValues.some((v) => typeof v !== 'string')) {
      throw new SimulateInputError('InvalidInput', `${where}: ContextKeyValues must be a list of strings`);
    }
    if (!e.ContextKeyType.endsWith('List') && e.ContextKeyValues.length > 1) {
      throw new SimulateInputError('InvalidInput', `${where}: a \`${e.ContextKeyType}\` key takes one value; use \`${e.ContextKeyType}List\` for several`);
    }
    for (const v of e.ContextKeyValues) checkValue(e.ContextKeyType, e.ContextKeyName, v);
    input[e.ContextKeyName] = { type: e.ContextKeyType, values: e.ContextKeyValues };
  }
  return RequestContext.from(input);
}

function compileInput(text: unknown, kind: 'identity' | 'boundary' | 'resource', id: string, type?: PolicySourceType): CompiledPolicy {
  if (typeof text !== 'string') throw new SimulateInputError('InvalidInput', `${id}: a policy must be given as a JSON string`);
  const r = parsePolicy(text, { kind });
  if (!r.ok) {
    const first = r.errors[0] as PolicyErrorFinding;
    const where = first.path === '' ? id : `${id}: ${first.path}`;
    throw new SimulateInputError('MalformedPolicyDocument', `${where}: ${first.message}`, r.errors);
  }
  return compilePolicy(r.document, type === undefined ? { id } : { id, type });
}

/** Reads a caller ARN (user, role, or root) as the principal a resource policy is checked against. */
export function principalFromArn(arn: string): RequestPrincipal {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):(root|user\/.+|role\/.+)$/.exec(arn);
  if (m === null) {
    throw new SimulateInputError('InvalidInput', `CallerArn \`${arn}\` must be the ARN of an IAM user or role (not an assumed-role session)`);
  }
  const account = m[1] as string;
  const rest = m[2] as string;
  if (rest === 'root') return { type: 'Account', id: arn, account };
  return { type: rest.startsWith('user/') ? 'User' : 'Role', id: arn, account };
}

function position(source: string, offset: number): { Line: number; Column: number } {
  // AWS reports the position just after the brace, 1-based (observed: a statement whose `{` is
  // the 37th character of line 1 is reported at Column 38).
  const at = lineColumn(source, offset);
  return { Line: at.line, Column: at.column + 1 };
}

export function statementOutput(m: MatchedStatement, sources: ReadonlyMap<string, string>): StatementOutput {
  const source = sources.get(m.policyId) ?? '';
  return {
    SourcePolicyId: m.policyId,
    ...(m.policyType === 'none' ? {} : { SourcePolicyType: m.policyType }),
    StartPosition: position(source, m.span.start),
    EndPosition: position(source, m.span.end - 1),
  };
}

export interface SimulateOptions {
  /** The evaluation policies of a principal (SimulatePrincipalPolicy), evaluated with the input list. */
  readonly principalPolicies?: readonly CompiledPolicy[];
  readonly principalBoundary?: readonly CompiledPolicy[];
}

/** Runs SimulateCustomPolicy. Throws SimulateInputError for a request IAM would refuse. */
export function simulateCustomPolicy(input: SimulateCustomPolicyInput, options: SimulateOptions = {}): SimulatePolicyResponse {
  if (typeof input !== 'object' || input === null) throw new SimulateInputError('InvalidInput', 'the request must be a JSON object');
  if (!Array.isArray(input.PolicyInputList)) throw new SimulateInputError('InvalidInput', 'PolicyInputList is required: a list of policy documents as JSON strings');
  if (!Array.isArray(input.ActionNames) || input.ActionNames.length === 0) {
    throw new SimulateInputError('InvalidInput', 'ActionNames is required: a non-empty list such as ["ec2:StopInstances"]');
  }
  for (const a of input.ActionNames) {
    if (typeof a !== 'string' || !/^[\w-]+:[\w*?-]+$/.test(a)) throw new SimulateInputError('InvalidInput', `action name \`${String(a)}\` must look like \`ec2:StopInstances\``);
  }
  const sources = new Map<string, string>();
  const identity = input.PolicyInputList.map((text, i) => {
    const id = `PolicyInputList.${i + 1}`;
    sources.set(id, String(text));
    return compileInput(text, 'identity', id);
  });
  const boundaryInput = input.PermissionsBoundaryPolicyInputList;
  const boundary = boundaryInput === undefined || boundaryInput.length === 0
    ? options.principalBoundary
    : boundaryInput.map((text, i) => {
        const id = `PermissionsBoundaryPolicyInputList.${i + 1}`;
        sources.set(id, String(text));
        return compileInput(text, 'boundary', id);
      });
  for (const p of options.principalPolicies ?? []) sources.set(p.id, p.document.source);
  for (const p of options.principalBoundary ?? []) sources.set(p.id, p.document.source);
  let resource: CompiledPolicy | undefined;
  let principal: RequestPrincipal | undefined;
  if (input.ResourcePolicy !== undefined) {
    // IAM: "CallerArn is required if you include a ResourcePolicy so that the policy's Principal
    // element has a value to use in evaluating the policy."
    if (input.CallerArn === undefined) throw new SimulateInputError('InvalidInput', 'CallerArn is required when ResourcePolicy is given');
    sources.set('ResourcePolicy', input.ResourcePolicy);
    resource = compileInput(input.ResourcePolicy, 'resource', 'ResourcePolicy', 'resource');
  }
  if (input.CallerArn !== undefined) principal = principalFromArn(input.CallerArn);
  const context = contextFromEntries(input.ContextEntries);
  const set: PolicySet = { identity: [...(options.principalPolicies ?? []), ...identity], boundary, resource };
  const resources = input.ResourceArns === undefined || input.ResourceArns.length === 0 ? ['*'] : input.ResourceArns;

  const results: EvaluationResultOutput[] = [];
  for (const action of input.ActionNames) {
    for (const arn of resources) {
      const d = evaluate({ action, resource: arn, principal, context }, set, { explain: true });
      const matched = d.matched.map((m) => statementOutput(m, sources));
      const boundaryDetail = d.boundaryAllowed === undefined ? {} : { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: d.boundaryAllowed } };
      const specific: ResourceResultOutput[] | undefined = arn === '*'
        ? undefined
        : [{ EvalResourceName: arn, EvalResourceDecision: d.decision, MatchedStatements: matched, MissingContextValues: d.missingContextKeys, ...boundaryDetail }];
      results.push({
        EvalActionName: action,
        EvalResourceName: arn,
        EvalDecision: d.decision,
        MatchedStatements: matched,
        MissingContextValues: arn === '*' ? d.missingContextKeys : [],
        ...boundaryDetail,
        ...(specific === undefined ? {} : { ResourceSpecificResults: specific }),
        Explain: explainDecision(d, action, arn),
      });
    }
  }
  return page(results, input.MaxItems, input.Marker);
}

function page(results: EvaluationResultOutput[], maxItems: number | undefined, marker: string | undefined): SimulatePolicyResponse {
  let start = 0;
  if (marker !== undefined) {
    const n = Number(Buffer.from(marker, 'base64').toString('utf8'));
    if (!Number.isInteger(n) || n < 0 || n > results.length) throw new SimulateInputError('InvalidInput', 'Marker is not one this simulator returned');
    start = n;
  }
  if (maxItems !== undefined && (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000)) {
    throw new SimulateInputError('InvalidInput', 'MaxItems must be an integer from 1 to 1000');
  }
  const end = maxItems === undefined ? results.length : Math.min(results.length, start + maxItems);
  const truncated = end < results.length;
  return {
    EvaluationResults: results.slice(start, end),
    IsTruncated: truncated,
    ...(truncated ? { Marker: Buffer.from(String(end)).toString('base64') } : {}),
  };
}
