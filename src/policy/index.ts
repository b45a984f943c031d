// The IAM policy language: parse/validate, compile, evaluate, explain, simulate. PURE: no I/O,
// no clock, no randomness — time and identities arrive in the request context.

export type { ConditionNode, PolicyDocument, PolicyKind, PolicyVersion, PrincipalNode, StatementNode } from './ast.js';
export { POLICY_KINDS } from './ast.js';
export { compilePolicy, candidates, POLICY_SOURCE_TYPES } from './compile.js';
export type { CompiledPolicy, MatchedStatement, PolicySource, PolicySourceType } from './compile.js';
export { CONTEXT_KEY_TYPES, RequestContext } from './context.js';
export type { ContextEntry, ContextInput, ContextKeyType } from './context.js';
export { POLICY_ERROR_CODES, POLICY_WARNING_CODES } from './errors.js';
export type { PolicyErrorCode, PolicyErrorFinding, PolicyFinding, PolicyWarningCode, PolicyWarningFinding } from './errors.js';
export { evaluate } from './evaluate.js';
export type {
  AuthzRequest,
  ConditionTrace,
  Decision,
  Diagnostic,
  EvalDecision,
  EvaluateOptions,
  PolicyLayer,
  PolicySet,
  StatementTrace,
} from './evaluate.js';
export { parsePolicy, POLICY_SIZE_LIMITS, policySize } from './parse.js';
export type { ParseOptions, ParseResult } from './parse.js';
export { REQUEST_PRINCIPAL_TYPES } from './principal.js';
export type { RequestPrincipal, RequestPrincipalType } from './principal.js';
export { describeCondition, explainDecision } from './explain.js';
export type { Explanation } from './explain.js';
export { contextFromEntries, principalFromArn, SimulateInputError, simulateCustomPolicy } from './simulate.js';
export type { EvaluationResultOutput, SimulateCustomPolicyInput, SimulatePolicyResponse } from './simulate.js';
export { validatePolicy } from './validate.js';
