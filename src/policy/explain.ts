// Turns an explain-mode Decision into sentences a person reads without opening the policy:
// which statement decided, or which statements could have allowed and exactly which element or
// condition stopped them, with the request's values beside the policy's resolved values.

import type { ConditionTrace, Decision, PolicyLayer, StatementTrace } from './evaluate.js';

export interface Explanation {
  /** One sentence: the decision and its reason. */
  readonly summary: string;
  /** One sentence per statement that decided or nearly applied. */
  readonly details: readonly string[];
}

const LAYER_WORDS: Readonly<Record<PolicyLayer, string>> = {
  identity: 'identity-based',
  resource: 'resource-based',
  trust: 'role trust',
  boundary: 'permissions boundary',
  session: 'session',
};

function quote(v: string): string {
  return `\`${v}\``;
}

function list(values: readonly string[]): string {
  if (values.length === 1) return quote(values[0] as string);
  return `one of ${values.map(quote).join(', ')}`;
}

export function statementName(t: StatementTrace): string {
  const s = t.statement;
  const sid = s.sid === undefined || s.sid === '' ? '' : ` (${quote(s.sid)})`;
  return `${quote(s.policyId)} statement ${s.index + 1}${sid}`;
}

/** Reads one condition as a sentence, e.g. "StringEquals on `ec2:ResourceTag/CostCenter` failed: …". */
export function describeCondition(c: ConditionTrace): string {
  const has = c.contextValues === null ? 'the request has no value for it' : `the request has ${c.contextValues.map(quote).join(', ')}`;
  const wants = c.policyValues.map((p) => {
    if (p.resolved === null) return `${quote(p.written)} (no value in this request)`;
    return p.resolved === p.written ? quote(p.written) : `${quote(p.resolved)} (from ${quote(p.written)})`;
  });
  const verdict = c.result === 'error' ? 'could not be evaluated' : c.result ? 'holds' : 'fails';
  const want = wants.length === 1 ? (wants[0] as string) : `one of ${wants.join(', ')}`;
  return `${c.operator} on ${quote(c.key)} ${verdict}: ${has}; the policy compares it with ${want}`;
}

function whyNot(t: StatementTrace): string {
  if (t.principal === 'none') return `${statementName(t)} does not name this principal`;
  if (!t.action) return `${statementName(t)} does not cover the action`;
  if (!t.resource) return `${statementName(t)} covers the action but not this resource`;
  const failed = t.conditions.filter((c) => c.result !== true);
  if (failed.length === 0) return `${statementName(t)} applies`;
  return `${statementName(t)} covers the action and resource, but ${failed.map(describeCondition).join('; and ')}`;
}

function why(t: StatementTrace): string {
  const held = t.conditions.map(describeCondition);
  const base = `${statementName(t)} (${t.effect}) applies`;
  return held.length === 0 ? base : `${base}: ${held.join('; ')}`;
}

/**
 * Explains `decision` for `action` on `resource`. The decision must come from explain mode;
 * without a trace only the summary is given.
 */
export function explainDecision(decision: Decision, action: string, resource: string): Explanation {
  const target = resource === '*' ? quote(action) : `${quote(action)} on ${quote(resource)}`;
  const trace = decision.trace ?? [];
  const details: string[] = [];
  let summary: string;
  switch (decision.decision) {
    case 'allowed': {
      summary = `Allowed: ${target} is granted by ${decision.matched.map((m) => `${quote(m.policyId)} statement ${m.index + 1}`).join(', ')}`;
      for (const t of trace) if (t.effect === 'Allow' && t.applies === true && t.layer !== 'boundary') details.push(why(t));
      if (decision.boundaryAllowed === true) details.push('the permissions boundary also allows it');
      break;
    }
    case 'explicitDeny': {
      const layer = decision.decidedBy === undefined ? '' : ` in a ${LAYER_WORDS[decision.decidedBy]} policy`;
      summary = `Denied explicitly: ${target} is refused by a Deny statement${layer}`;
      for (const t of trace) if (t.effect === 'Deny' && t.applies !== false) details.push(why(t));
      break;
    }
    case 'implicitDeny': {
      const layer = decision.decidedBy ?? 'identity';
      summary = `Denied implicitly: no ${LAYER_WORDS[layer]} policy allows ${target}`;
      const allows = trace.filter((t) => t.effect === 'Allow' && t.layer === layer);
      const near = allows.filter((t) => t.action && t.principal !== 'none');
      if (allows.length === 0) details.push(`there is no ${LAYER_WORDS[layer]} policy with an Allow statement`);
      else if (near.length === 0) details.push(`no Allow statement covers ${quote(action)}`);
      for (const t of near) details.push(whyNot(t));
      break;
    }
    default: {
      const never: never = decision.decision;
      return never;
    }
  }
  for (const d of decision.diagnostics) details.push(`${quote(d.statement.policyId)} statement ${d.statement.index + 1}: ${d.message}`);
  return { summary, details };
}
