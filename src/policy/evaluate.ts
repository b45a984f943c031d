// IAM's single-account evaluation logic as a pure fold over compiled policies: an explicit Deny
// anywhere wins; an Allow must come from identity-based policies or the resource-based policy;
// a permissions boundary and session policies only filter; anything else is an implicit deny.
// Decide mode stops at the first explicit Deny; explain mode records why every statement did or
// did not apply. An error inside a condition never yields an Allow (it makes a Deny apply).

import type { Effect } from './ast.js';
import { splitArn, arnMatch } from './arn.js';
import { type CompiledCondition, evaluateCondition, isPresent, type Tri } from './condition/condition.js';
import {
  candidates,
  type CompiledPolicy,
  type CompiledStatement,
  indexStatements,
  lookupStatements,
  type MatchedStatement,
  MATCHING_CACHE_LIMIT,
  type StatementIndex,
} from './compile.js';
import type { RequestContext } from './context.js';
import { globMatch } from './glob.js';
import { principalMatch, type PrincipalMatch, type RequestPrincipal } from './principal.js';
import { parseTemplate, variableValue } from './variables.js';

export type EvalDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

/** Which set of policies a statement belongs to in the evaluation flow. */
export type PolicyLayer = 'identity' | 'resource' | 'trust' | 'boundary' | 'session';

export interface AuthzRequest {
  /** `service:Action`, any case. */
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Needed when a resource-based or trust policy takes part. */
  readonly principal?: RequestPrincipal | undefined;
  readonly context: RequestContext;
}

export interface PolicySet {
  /** The principal's identity-based policies (inline and attached). */
  readonly identity: readonly CompiledPolicy[];
  /** A resource-based policy (kind `resource`) or a role trust policy (kind `trust`). */
  readonly resource?: CompiledPolicy | undefined;
  /** The permissions boundary; undefined when none is set. */
  readonly boundary?: readonly CompiledPolicy[] | undefined;
  /** Session policies; undefined when the session was created without any. */
  readonly session?: readonly CompiledPolicy[] | undefined;
}

export interface ConditionTrace {
  readonly operator: string;
  readonly key: string;
  readonly path: string;
  /** The request's values for the key, or null when the key is absent. */
  readonly contextValues: readonly string[] | null;
  /** Each policy value as written and as it read in this request (null: a variable had no value). */
  readonly policyValues: readonly { readonly written: string; readonly resolved: string | null }[];
  readonly result: Tri;
}

export interface StatementTrace {
  readonly statement: MatchedStatement;
  readonly layer: PolicyLayer;
  readonly path: string;
  readonly effect: Effect;
  /** undefined when the policy names no principal (identity policies). */
  readonly principal: PrincipalMatch | undefined;
  readonly action: boolean;
  readonly resource: boolean;
  /** Evaluated only when principal, action and resource matched. */
  readonly conditions: readonly ConditionTrace[];
  readonly applies: Tri;
}

export interface Diagnostic {
  readonly statement: MatchedStatement;
  readonly message: string;
}

export interface Decision {
  readonly decision: EvalDecision;
  /** Deny: the Deny statements that applied. Allowed: the Allow statements that granted. Else empty. */
  readonly matched: readonly MatchedStatement[];
  /** For an implicit deny: the layer whose missing Allow decided it; for an explicit deny: the layer of the Deny. */
  readonly decidedBy: PolicyLayer | undefined;
  /** undefined when no permissions boundary is set. */
  readonly boundaryAllowed: boolean | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** Explain mode: keys that conditions read but the request did not supply. */
  readonly missingContextKeys: readonly string[];
  /** Explain mode only. */
  readonly trace: readonly StatementTrace[] | undefined;
}

export interface EvaluateOptions {
  readonly explain?: boolean;
}

const NO_MATCHES: readonly MatchedStatement[] = [];
const NO_DIAGNOSTICS: readonly Diagnostic[] = [];
const NO_TRACE: readonly StatementTrace[] = [];
const NO_KEYS: readonly string[] = [];

class Run {
  readonly action: string;
  readonly service: string;
  readonly resource: string;
  private parts: readonly string[] | undefined;
  readonly ctx: RequestContext;
  readonly principal: RequestPrincipal | undefined;
  readonly explain: boolean;
  readonly trace: StatementTrace[];
  readonly missing: Set<string> | undefined;
  diagnostics: Diagnostic[] | undefined;
  /** How the last evaluated statement's Principal matched (avoids a result object per statement). */
  lastPrincipal: PrincipalMatch = 'direct';
  /** The caller has a permissions boundary (PolicySet.boundary is set). */
  boundarySet = false;

  constructor(req: AuthzRequest, explain: boolean) {
    this.action = req.action.toLowerCase();
    const colon = this.action.indexOf(':');
    this.service = colon < 0 ? this.action : this.action.slice(0, colon);
    this.resource = req.resource;
    this.ctx = req.context;
    this.principal = req.principal;
    this.explain = explain;
    this.trace = explain ? [] : (NO_TRACE as StatementTrace[]);
    this.missing = explain ? new Set() : undefined;
  }

  /** The request ARN split into its six components, computed once and only when a pattern needs it. */
  get resourceParts(): readonly string[] | undefined {
    if (this.parts === undefined && this.resource !== '*') this.parts = splitArn(this.resource);
    return this.parts;
  }

  actionMatches(s: CompiledStatement): boolean {
    if (s.actionAny) return true;
    let hit = false;
    for (let i = 0; i < s.actions.length; i++) {
      if (globMatch(s.actions[i]!, this.action)) {
        hit = true;
        break;
      }
    }
    return s.actionNegated ? !hit : hit;
  }

  resourceMatches(s: CompiledStatement): boolean {
    const entries = s.resources;
    if (entries === undefined) return true;
    let hit = false;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      // IAM: a Resource entry whose policy variable has no value matches no resource.
      if (e.any || arnMatch(e.pattern, this.resource, this.ctx, this.resourceParts) === true) {
        hit = true;
        break;
      }
    }
    return s.resourceNegated ? !hit : hit;
  }

  conditions(s: CompiledStatement): Tri {
    let result: Tri = true;
    for (let i = 0; i < s.conditions.length; i++) {
      const r = evaluateCondition(s.conditions[i]!, this.ctx);
      if (r === false) return false;
      if (r === 'error') result = 'error';
    }
    return result;
  }

  diagnose(s: CompiledStatement, message: string): void {
    (this.diagnostics ??= []).push({ statement: s.ref, message });
  }

  /** Evaluates one statement: whether it applies; `lastPrincipal` says how the principal matched. */
  statement(s: CompiledStatement, layer: PolicyLayer, actionKnown = false): Tri {
    let pm: PrincipalMatch = 'direct';
    if (s.principal !== undefined) {
      pm = principalMatch(s.principal, this.principal, s.deny);
      // IAM: "The NotPrincipal element with a Deny effect will always deny any IAM principal that has
      // a permissions boundary policy attached, regardless of the values specified in the NotPrincipal
      // element." (UG:reference_policies_elements_notprincipal)
      if (s.deny && s.principal.node.negated && this.boundarySet) pm = 'direct';
    }
    const action = actionKnown || this.actionMatches(s);
    const resource = action && pm !== 'none' ? this.resourceMatches(s) : false;
    let applies: Tri = false;
    if (!this.explain) {
      if (pm !== 'none' && action && resource) applies = this.conditions(s);
    } else {
      const traces: ConditionTrace[] = [];
      if (pm !== 'none' && action && resource) {
        applies = true;
        for (const c of s.conditions) {
          const r = evaluateCondition(c, this.ctx);
          traces.push(this.conditionTrace(c, r));
          if (r === false) applies = false;
          else if (r === 'error' && applies === true) applies = 'error';
        }
        this.noteMissing(s, this.missing as Set<string>);
      }
      this.trace.push({
        statement: s.ref,
        layer,
        path: s.node.path,
        effect: s.node.effect,
        principal: s.principal === undefined ? undefined : pm,
        action,
        resource: action ? this.resourceMatches(s) : false,
        conditions: traces,
        applies,
      });
    }
    if (applies === 'error') {
      this.diagnose(
        s,
        s.deny
          ? 'a condition could not be evaluated: the Deny is applied (fail closed)'
          : 'a condition could not be evaluated: the Allow is not applied (fail closed)',
      );
    }
    this.lastPrincipal = pm;
    return applies;
  }

  conditionTrace(c: CompiledCondition, result: Tri): ConditionTrace {
    const entry = this.ctx.get(c.key);
    return {
      operator: c.node.operator,
      key: c.node.key,
      path: c.node.path,
      contextValues: isPresent(entry) ? entry.values : null,
      policyValues: c.node.values.map((written, i) => {
        const op = c.operands[i];
        const resolved = op === undefined ? undefined : op.describe(this.ctx);
        return { written, resolved: resolved ?? null };
      }),
      result,
    };
  }

  noteMissing(s: CompiledStatement, missing: Set<string>): void {
    const variables = s.variables;
    for (const c of s.conditions) {
      if (c.spec.positive.family !== 'Null' && !isPresent(this.ctx.get(c.key))) missing.add(c.node.key);
      if (variables && c.spec.positive.variables) for (const v of c.node.values) this.noteVariables(v, missing);
    }
    if (variables) for (const r of s.node.resource?.patterns ?? []) this.noteVariables(r, missing);
  }

  noteVariables(text: string, missing: Set<string>): void {
    if (!text.includes('${')) return;
    for (const part of parseTemplate(text, true).parts) {
      if (part.kind === 'var' && part.fallback === undefined && variableValue(part, this.ctx) === undefined) missing.add(part.name);
    }
  }
}

interface LayerResult {
  denies: MatchedStatement[] | undefined;
  allows: MatchedStatement[] | undefined;
  /** Strongest principal match among applicable Allow statements (resource/trust layer). */
  best: PrincipalMatch;
}

const RANK: Readonly<Record<PrincipalMatch, number>> = { none: 0, account: 1, role: 2, direct: 3 };

/**
 * Lists of policies seen more than once get a StatementIndex (one lookup per request instead of a
 * walk over every policy). A list seen once is walked: indexing it would cost more than it saves.
 * Keyed weakly by the list object, so callers that keep their policy lists get the fast path.
 */
const seenOnce = new WeakSet<readonly CompiledPolicy[]>();
const indexes = new WeakMap<readonly CompiledPolicy[], StatementIndex>();

function indexFor(policies: readonly CompiledPolicy[]): StatementIndex | undefined {
  let index = indexes.get(policies);
  if (index !== undefined) return index;
  if (!seenOnce.has(policies)) {
    seenOnce.add(policies);
    return undefined;
  }
  index = indexStatements(policies);
  indexes.set(policies, index);
  return index;
}

/** Visits one statement; true when decide mode may stop (an applicable Deny). */
function visit(run: Run, s: CompiledStatement, layer: PolicyLayer, out: LayerResult, actionKnown = false): boolean {
  // Decide mode: once this layer has an Allow, only Deny statements can change the outcome.
  if (!run.explain && !s.deny && out.allows !== undefined && layer !== 'resource' && layer !== 'trust') return false;
  const applies = run.statement(s, layer, actionKnown);
  if (s.deny) {
    if (applies !== false) {
      (out.denies ??= []).push(s.ref);
      return !run.explain;
    }
  } else if (applies === true) {
    (out.allows ??= []).push(s.ref);
    const principal = run.lastPrincipal;
    if (RANK[principal] > RANK[out.best]) out.best = principal;
  }
  return false;
}

function scan(run: Run, policies: readonly CompiledPolicy[], layer: PolicyLayer, indexable = true): LayerResult {
  const out: LayerResult = { denies: undefined, allows: undefined, best: 'none' };
  // Explain mode walks every statement of the service, so near misses can be explained.
  const index = run.explain || !indexable ? undefined : indexFor(policies);
  if (index !== undefined) {
    let list = index.matching.get(run.action);
    if (list === undefined) {
      list = lookupStatements(index, run.action, run.service).filter((s) => run.actionMatches(s));
      if (index.matching.size < MATCHING_CACHE_LIMIT) index.matching.set(run.action, list);
    }
    for (let i = 0; i < list.length; i++) if (visit(run, list[i]!, layer, out, true)) return out;
    return out;
  }
  for (let p = 0; p < policies.length; p++) {
    const list = candidates(policies[p]!, run.service);
    for (let i = 0; i < list.length; i++) if (visit(run, list[i]!, layer, out)) return out;
  }
  return out;
}

function finish(
  run: Run,
  decision: EvalDecision,
  matched: readonly MatchedStatement[],
  decidedBy: PolicyLayer | undefined,
  boundaryAllowed: boolean | undefined,
): Decision {
  return {
    decision,
    matched,
    decidedBy,
    boundaryAllowed,
    diagnostics: run.diagnostics ?? NO_DIAGNOSTICS,
    missingContextKeys: run.missing === undefined ? NO_KEYS : [...run.missing],
    trace: run.explain ? run.trace : undefined,
  };
}

/** Decides `request` against `policies` as IAM does within one account. */
export function evaluate(request: AuthzRequest, policies: PolicySet, options?: EvaluateOptions): Decision {
  const run = new Run(request, options?.explain === true);
  run.boundarySet = policies.boundary !== undefined;
  const resourceLayer: PolicyLayer = policies.resource?.kind === 'trust' ? 'trust' : 'resource';

  // 1. An explicit Deny in any policy wins.
  // Decide mode stops scanning at the first layer holding an applicable Deny.
  const identity = scan(run, policies.identity, 'identity');
  const stop = !run.explain && identity.denies !== undefined;
  const session = policies.session === undefined || stop ? undefined : scan(run, policies.session, 'session');
  const stop2 = stop || (!run.explain && session?.denies !== undefined);
  const boundary = policies.boundary === undefined || stop2 ? undefined : scan(run, policies.boundary, 'boundary');
  const stop3 = stop2 || (!run.explain && boundary?.denies !== undefined);
  const resource = policies.resource === undefined || stop3 ? undefined : scan(run, [policies.resource], resourceLayer, false);
  const boundaryAllowed = boundary === undefined ? undefined : boundary.allows !== undefined;

  const denyLayer: PolicyLayer | undefined =
    identity.denies !== undefined ? 'identity'
    : session?.denies !== undefined ? 'session'
    : boundary?.denies !== undefined ? 'boundary'
    : resource?.denies !== undefined ? resourceLayer
    : undefined;
  if (denyLayer !== undefined) {
    const all = [identity.denies, session?.denies, boundary?.denies, resource?.denies].flatMap((d) => d ?? []);
    return finish(run, 'explicitDeny', all, denyLayer, boundaryAllowed);
  }

  // 2. Allows. Boundaries and session policies never grant; they only filter.
  const boundaryOk = boundary === undefined || boundary.allows !== undefined;
  const sessionOk = session === undefined || session.allows !== undefined;
  const identityOk = identity.allows !== undefined;
  const grants = (): MatchedStatement[] => [
    ...(identity.allows ?? []),
    ...(resource?.allows ?? []),
    ...(session?.allows ?? []),
  ];

  if (resource !== undefined) {
    const best = resource.best;
    // IAM: a resource-based policy naming the user or the role session grants on its own; naming
    // the role it is still limited by boundary and session policy; naming only the account it
    // delegates to the account's identity-based policies. A trust policy must always allow.
    if (best === 'direct') return finish(run, 'allowed', grants(), undefined, boundaryAllowed);
    if (best === 'role' && boundaryOk && sessionOk) return finish(run, 'allowed', grants(), undefined, boundaryAllowed);
    if (resourceLayer === 'trust' && best === 'none') {
      return finish(run, 'implicitDeny', NO_MATCHES, 'trust', boundaryAllowed);
    }
  }
  if (!identityOk) return finish(run, 'implicitDeny', NO_MATCHES, resource !== undefined && resourceLayer === 'resource' ? 'resource' : 'identity', boundaryAllowed);
  if (!boundaryOk) return finish(run, 'implicitDeny', NO_MATCHES, 'boundary', boundaryAllowed);
  if (!sessionOk) return finish(run, 'implicitDeny', NO_MATCHES, 'session', boundaryAllowed);
  return finish(run, 'allowed', grants(), undefined, boundaryAllowed);
}
