// Compiles a parsed policy once, at write time: lowercased action globs, ARN matchers, operators
// bound from the table, policy variables located, statements indexed by service prefix. The
// evaluator then only walks arrays. Pure; no I/O.

import type { Effect, PolicyDocument, PolicyKind, SourceSpan, StatementNode } from './ast.js';
import { type ArnPattern, compileArnPattern } from './arn.js';
import { type CompiledCondition, compileCondition } from './condition/condition.js';
import { compileGlob, type Glob } from './glob.js';
import { type CompiledPrincipal, compilePrincipal } from './principal.js';
import { parseTemplate } from './variables.js';

/** IAM's PolicySourceType (SimulatePolicy results). */
export const POLICY_SOURCE_TYPES = ['user', 'group', 'role', 'aws-managed', 'user-managed', 'resource', 'none'] as const;
export type PolicySourceType = (typeof POLICY_SOURCE_TYPES)[number];

export interface MatchedStatement {
  readonly policyId: string;
  readonly policyType: PolicySourceType;
  readonly kind: PolicyKind;
  /** 0-based statement index. */
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly span: SourceSpan;
}

export type ResourceEntry = { readonly any: true } | { readonly any: false; readonly pattern: ArnPattern };

export interface CompiledStatement {
  readonly node: StatementNode;
  readonly deny: boolean;
  readonly actionNegated: boolean;
  /** Lowercased `service:action` globs. */
  readonly actions: readonly Glob[];
  readonly actionAny: boolean;
  /** undefined: the statement names no resource (trust policies), so it covers the role itself. */
  readonly resources: readonly ResourceEntry[] | undefined;
  readonly resourceNegated: boolean;
  readonly principal: CompiledPrincipal | undefined;
  readonly conditions: readonly CompiledCondition[];
  /** The document is 2012-10-17, so `${…}` are policy variables. */
  readonly variables: boolean;
  readonly ref: MatchedStatement;
}

export interface CompiledPolicy {
  readonly id: string;
  readonly sourceType: PolicySourceType;
  readonly kind: PolicyKind;
  readonly document: PolicyDocument;
  readonly statements: readonly CompiledStatement[];
  /** Statements that can apply to an action of `service`, in document order. */
  readonly byService: ReadonlyMap<string, readonly CompiledStatement[]>;
  /** Statements whose action patterns can match any service (`*`, `*:…`, NotAction). */
  readonly anyService: readonly CompiledStatement[];
}

export interface PolicySource {
  /** How results name the policy: a policy name, `PolicyInputList.1`, … */
  readonly id: string;
  readonly type?: PolicySourceType;
}

function compileStatement(s: StatementNode, doc: PolicyDocument, source: Required<PolicySource>): CompiledStatement {
  const variables = doc.version === '2012-10-17';
  const actions = s.action.patterns.map((p) => compileGlob(p.toLowerCase()));
  const resources = s.resource?.patterns.map((p): ResourceEntry => {
    if (p === '*') return { any: true };
    return { any: false, pattern: compileArnPattern(parseTemplate(p, variables)) };
  });
  const conditions: CompiledCondition[] = [];
  for (const c of s.conditions) {
    const compiled = compileCondition(c, variables);
    // INVARIANT: parse.ts refused unknown operators, so every condition compiles.
    if (compiled === undefined) throw new Error(`unknown condition operator \`${c.operator}\` reached the compiler`);
    conditions.push(compiled);
  }
  return {
    node: s,
    deny: s.effect === 'Deny',
    actionNegated: s.action.negated,
    actions,
    actionAny: !s.action.negated && actions.some((g) => g.any),
    resources,
    resourceNegated: s.resource?.negated ?? false,
    principal: s.principal === undefined ? undefined : compilePrincipal(s.principal),
    conditions,
    variables,
    ref: {
      policyId: source.id,
      policyType: source.type,
      kind: doc.kind,
      index: s.index,
      sid: s.sid,
      effect: s.effect,
      span: s.span,
    },
  };
}

function defaultSourceType(kind: PolicyKind): PolicySourceType {
  return kind === 'resource' || kind === 'trust' ? 'resource' : 'none';
}

export function compilePolicy(document: PolicyDocument, source: PolicySource): CompiledPolicy {
  const src = { id: source.id, type: source.type ?? defaultSourceType(document.kind) };
  const statements = document.statements.map((s) => compileStatement(s, document, src));
  const anyService: CompiledStatement[] = [];
  const perService = new Map<string, Set<CompiledStatement>>();
  for (const s of statements) {
    let everywhere = s.actionNegated;
    const services = new Set<string>();
    for (const p of s.node.action.patterns) {
      const colon = p.indexOf(':');
      const service = colon < 0 ? p : p.slice(0, colon);
      if (/[*?]/.test(service) || colon < 0) everywhere = true;
      else services.add(service.toLowerCase());
    }
    if (everywhere) anyService.push(s);
    else {
      for (const service of services) {
        let set = perService.get(service);
        if (set === undefined) perService.set(service, (set = new Set()));
        set.add(s);
      }
    }
  }
  // Each service's list also holds the any-service statements, in document order, so the
  // evaluator reads exactly one array per request.
  const byService = new Map<string, readonly CompiledStatement[]>();
  for (const [service, set] of perService) {
    byService.set(service, statements.filter((s) => set.has(s) || anyService.includes(s)));
  }
  return { id: src.id, sourceType: src.type, kind: document.kind, document, statements, byService, anyService };
}

/** The statements of `policy` that can apply to an action of `service` (lowercased). */
export function candidates(policy: CompiledPolicy, service: string): readonly CompiledStatement[] {
  return policy.byService.get(service) ?? policy.anyService;
}

/**
 * All statements of a list of policies, indexed for one lookup per request: by exact action, by
 * service for wildcard actions, and the statements that can match any service. Each list keeps
 * (policy, statement) order. Built once per policy list and reused (see evaluate.ts).
 */
export interface StatementIndex {
  readonly byAction: ReadonlyMap<string, readonly CompiledStatement[]>;
  readonly byService: ReadonlyMap<string, readonly CompiledStatement[]>;
  readonly any: readonly CompiledStatement[];
  /**
   * Per requested action: only the statements whose Action/NotAction matches it. Action matching
   * depends on nothing else in the request, so the filtered list is computed once per action.
   */
  readonly matching: Map<string, readonly CompiledStatement[]>;
}

/** Bound on `matching`, so arbitrary action names in requests cannot grow it without limit. */
export const MATCHING_CACHE_LIMIT = 4096;

export function indexStatements(policies: readonly CompiledPolicy[]): StatementIndex {
  const all: CompiledStatement[] = [];
  for (const p of policies) for (const s of p.statements) all.push(s);
  const anySet = new Set<CompiledStatement>();
  const exact = new Map<string, Set<CompiledStatement>>();
  const wild = new Map<string, Set<CompiledStatement>>();
  const add = (m: Map<string, Set<CompiledStatement>>, k: string, s: CompiledStatement): void => {
    let set = m.get(k);
    if (set === undefined) m.set(k, (set = new Set()));
    set.add(s);
  };
  for (const s of all) {
    if (s.actionNegated) {
      anySet.add(s);
      continue;
    }
    for (const p of s.node.action.patterns) {
      const lower = p.toLowerCase();
      const colon = lower.indexOf(':');
      const service = colon < 0 ? lower : lower.slice(0, colon);
      if (colon < 0 || /[*?]/.test(service)) anySet.add(s);
      else if (/[*?]/.test(lower)) add(wild, service, s);
      else add(exact, lower, s);
    }
  }
  const ordered = (keep: (s: CompiledStatement) => boolean): CompiledStatement[] => all.filter(keep);
  const byService = new Map<string, readonly CompiledStatement[]>();
  for (const [service, set] of wild) byService.set(service, ordered((s) => set.has(s) || anySet.has(s)));
  const byAction = new Map<string, readonly CompiledStatement[]>();
  for (const [action, set] of exact) {
    const serviceWild = wild.get(action.slice(0, action.indexOf(':')));
    byAction.set(action, ordered((s) => set.has(s) || anySet.has(s) || (serviceWild?.has(s) ?? false)));
  }
  return { byAction, byService, any: ordered((s) => anySet.has(s)), matching: new Map() };
}

/** The statements that can apply to `action` (lowercased) of `service`. */
export function lookupStatements(index: StatementIndex, action: string, service: string): readonly CompiledStatement[] {
  return index.byAction.get(action) ?? index.byService.get(service) ?? index.any;
}
