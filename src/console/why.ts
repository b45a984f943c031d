// The console's "Why?": a decoded authorization failure message (sts:DecodeAuthorizationMessage's
// JSON, aws.md §2.2, with Tessera's `tessera.summary/details`) read back into sentences a person
// understands — which statement could have allowed, which condition stopped it, and the request's
// values beside the policy's. Transport-free and pure: it never decodes, authorizes or fetches
// anything itself, and everything it returns is plain text the page escapes.
//
// The engine's detail sentences (src/policy/explain.ts) are parsed back into parts; a sentence that
// does not parse (a value holding a backtick, a format this module does not know) is kept verbatim,
// so the panel degrades to the engine's own words and never to nothing.

/** One condition of a statement, as the engine reported it. */
export interface ConditionWhy {
  readonly operator: string;
  readonly key: string;
  readonly verdict: 'holds' | 'fails' | 'error';
  /** The request's values for the key; null when the request has none. */
  readonly requestValues: readonly string[] | null;
  /** The policy's values as written and as they read in this request (null: a variable without value). */
  readonly policyValues: readonly { readonly written: string; readonly resolved: string | null }[];
  /** The condition in plain words. */
  readonly sentence: string;
}

export type StatementOutcome = 'conditions-failed' | 'no-action' | 'no-resource' | 'no-principal' | 'applies';

export interface StatementWhy {
  readonly policy: string;
  /** 1-based, as the engine and the IAM console count statements. */
  readonly number: number;
  readonly sid: string | undefined;
  readonly effect: 'Allow' | 'Deny' | undefined;
  readonly outcome: StatementOutcome;
  readonly conditions: readonly ConditionWhy[];
  /** The statement's part in the decision, in plain words. */
  readonly sentence: string;
}

/** A tag of the same key on the resource and on the caller's session: what ABAC compares. */
export interface TagComparison {
  readonly tagKey: string;
  readonly resourceKey: string | undefined;
  readonly resourceValue: string | undefined;
  readonly principalKey: string | undefined;
  readonly principalValue: string | undefined;
  readonly equal: boolean;
}

export interface WhyView {
  readonly allowed: boolean;
  readonly decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  /** `ec2:StopInstances`. */
  readonly action: string;
  readonly resource: string;
  readonly principalArn: string;
  /** The answer in one or two sentences. */
  readonly headline: string;
  readonly statements: readonly StatementWhy[];
  readonly comparisons: readonly TagComparison[];
  /** The engine's own words, verbatim. */
  readonly summary: string;
  readonly details: readonly string[];
  /** Engine sentences this module could not read into parts (shown as they are). */
  readonly unparsed: readonly string[];
  /** Every context key of the request, as the message lists them. */
  readonly context: readonly { readonly key: string; readonly values: readonly string[] }[];
}

// ---------------------------------------------------------------------------------------------
// Reading the decoded message (defensively: it is JSON from our own sealer, but shapes may grow)

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function items(v: unknown): unknown[] {
  const list = obj(v)['items'];
  return Array.isArray(list) ? list : [];
}

function contextOf(message: Record<string, unknown>): { key: string; values: string[] }[] {
  const out: { key: string; values: string[] }[] = [];
  for (const item of items(obj(message['context'])['conditions'])) {
    const key = str(obj(item)['key']);
    if (key === undefined) continue;
    const values = items(obj(item)['values'])
      .map((v) => str(obj(v)['value']))
      .filter((v): v is string => v !== undefined);
    out.push({ key, values });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The engine's sentences, parsed (formats of src/policy/explain.ts)

const STATEMENT = /^`([^`]+)` statement (\d+)(?: \(`([^`]*)`\))?(?: \((Allow|Deny)\))? (.*)$/s;
const CONDITION_START = /(?:^|; (?:and )?)([A-Za-z]+(?::[A-Za-z]+)?) on `([^`]+)` (holds|fails|could not be evaluated): /g;
const QUOTED = /`([^`]*)`/g;
const POLICY_VALUE = /`([^`]*)`(?: \((?:from `([^`]*)`|(no value in this request))\))?/g;

function quotedList(text: string): string[] {
  return [...text.matchAll(QUOTED)].map((m) => m[1] as string);
}

function parseConditions(text: string): Omit<ConditionWhy, 'sentence'>[] | undefined {
  const starts = [...text.matchAll(CONDITION_START)];
  if (starts.length === 0) return undefined;
  const out: Omit<ConditionWhy, 'sentence'>[] = [];
  for (let i = 0; i < starts.length; i++) {
    const m = starts[i] as RegExpMatchArray;
    const bodyStart = (m.index as number) + m[0].length;
    const next = starts[i + 1];
    const body = text.slice(bodyStart, next === undefined ? text.length : next.index);
    const split = body.indexOf('; the policy compares it with ');
    if (split < 0) return undefined;
    const has = body.slice(0, split);
    const wants = body.slice(split + '; the policy compares it with '.length);
    let requestValues: string[] | null;
    if (has === 'the request has no value for it') requestValues = null;
    else if (has.startsWith('the request has ')) requestValues = quotedList(has.slice('the request has '.length));
    else return undefined;
    const policyValues = [...wants.matchAll(POLICY_VALUE)].map((p) =>
      p[2] !== undefined ? { written: p[2], resolved: p[1] as string } : p[3] !== undefined ? { written: p[1] as string, resolved: null } : { written: p[1] as string, resolved: p[1] as string },
    );
    if (policyValues.length === 0) return undefined;
    const verdict = m[3] === 'holds' ? 'holds' : m[3] === 'fails' ? 'fails' : 'error';
    out.push({ operator: m[1] as string, key: m[2] as string, verdict, requestValues, policyValues });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Plain words

/** Who holds a condition key's value, in words: "the instance's tag `CostCenter`". */
export function keyInWords(key: string, resourceKind: string | undefined): string {
  const slash = key.indexOf('/');
  const prefix = (slash < 0 ? key : key.slice(0, slash)).toLowerCase();
  const tag = slash < 0 ? '' : key.slice(slash + 1);
  switch (prefix) {
    case 'aws:principaltag':
      return `your session's tag \`${tag}\``;
    case 'aws:requesttag':
      return `the tag \`${tag}\` in the request`;
    case 'aws:resourcetag':
      return `the ${resourceKind ?? 'resource'}'s tag \`${tag}\``;
    default:
      if (prefix.endsWith(':resourcetag')) return `the ${resourceKind ?? 'resource'}'s tag \`${tag}\``;
      return `\`${key}\``;
  }
}

const OPERATOR_WORDS: Readonly<Record<string, string>> = {
  StringEquals: 'to equal',
  StringEqualsIgnoreCase: 'to equal (ignoring case)',
  StringLike: 'to match',
  StringNotEquals: 'not to equal',
  StringNotEqualsIgnoreCase: 'not to equal (ignoring case)',
  StringNotLike: 'not to match',
  ArnEquals: 'to equal',
  ArnLike: 'to match',
  NumericEquals: 'to equal',
  Bool: 'to be',
};

function variableKey(written: string): string | undefined {
  const m = /^\$\{([^}]+)\}$/.exec(written);
  return m?.[1];
}

function valuesInWords(values: readonly string[]): string {
  return values.length === 1 ? `\`${values[0] as string}\`` : `one of ${values.map((v) => `\`${v}\``).join(', ')}`;
}

/** Who holds a key's value, as the subject of "… has `x`": "this instance", "your session", "the request". */
function holderOf(key: string, resourceKind: string | undefined): string {
  const prefix = key.split('/')[0]?.toLowerCase() ?? '';
  if (prefix === 'aws:principaltag') return 'your session';
  if (prefix.endsWith(':resourcetag')) return `this ${resourceKind ?? 'resource'}`;
  return 'the request';
}

function hasInWords(holder: string, key: string, values: readonly string[] | null): string {
  return values === null || values.length === 0 ? `${holder} has no value for \`${key}\`` : `${holder} has ${valuesInWords(values)}`;
}

function conditionSentence(c: Omit<ConditionWhy, 'sentence'>, resourceKind: string | undefined): string {
  const subject = keyInWords(c.key, resourceKind);
  const base = c.operator.replace(/^(ForAllValues|ForAnyValue):/, '').replace(/IfExists$/, '');
  const verb = OPERATOR_WORDS[base] ?? `to satisfy ${c.operator} with`;
  const mine = capitalize(hasInWords(holderOf(c.key, resourceKind), c.key, c.requestValues));
  // A policy variable (`${aws:PrincipalTag/CostCenter}`) compares two attributes: say so, with both values.
  const only = c.policyValues.length === 1 ? c.policyValues[0] : undefined;
  const variable = only === undefined ? undefined : variableKey(only.written);
  if (only !== undefined && variable !== undefined) {
    const theirs = hasInWords(holderOf(variable, resourceKind), variable, only.resolved === null ? null : [only.resolved]);
    return `it requires ${subject} (\`${c.key}\`) ${verb} ${keyInWords(variable, resourceKind)} (\`${variable}\`) [${c.operator}]. ${mine}; ${theirs}.`;
  }
  const wanted = c.policyValues.map((p) => p.resolved ?? p.written);
  return `it requires ${subject} (\`${c.key}\`) ${verb} ${valuesInWords(wanted)} [${c.operator}]. ${mine}.`;
}

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

function statementLabel(s: { policy: string; number: number; sid: string | undefined }): string {
  return `Statement ${s.number}${s.sid === undefined || s.sid === '' ? '' : ` (\`${s.sid}\`)`} of the policy \`${s.policy}\``;
}

function parseStatement(sentence: string, action: string, resourceKind: string | undefined): StatementWhy | undefined {
  const m = STATEMENT.exec(sentence);
  if (m === null) return undefined;
  const head = { policy: m[1] as string, number: Number(m[2]), sid: m[3], effect: m[4] as 'Allow' | 'Deny' | undefined };
  const rest = m[5] as string;
  const label = statementLabel(head);
  const withSentences = (cs: Omit<ConditionWhy, 'sentence'>[]): ConditionWhy[] => cs.map((c) => ({ ...c, sentence: conditionSentence(c, resourceKind) }));
  if (rest === 'does not name this principal') {
    return { ...head, outcome: 'no-principal', conditions: [], sentence: `${label} does not name you as its principal.` };
  }
  if (rest === 'does not cover the action') {
    return { ...head, outcome: 'no-action', conditions: [], sentence: `${label} does not cover \`${action}\`.` };
  }
  if (rest === 'covers the action but not this resource') {
    return { ...head, outcome: 'no-resource', conditions: [], sentence: `${label} covers \`${action}\`, but not this ${resourceKind ?? 'resource'}.` };
  }
  if (rest === 'applies') {
    const verb = head.effect === 'Deny' ? 'denies' : 'allows';
    return { ...head, outcome: 'applies', conditions: [], sentence: `${label} ${verb} it.` };
  }
  const failedPrefix = 'covers the action and resource, but ';
  if (rest.startsWith(failedPrefix)) {
    const cs = parseConditions(rest.slice(failedPrefix.length));
    if (cs === undefined) return undefined;
    const conditions = withSentences(cs);
    const failed = conditions.filter((c) => c.verdict !== 'holds');
    const because = failed.map((c) => c.sentence).join(' Also, ');
    return {
      ...head,
      outcome: 'conditions-failed',
      conditions,
      sentence: `${label} could have allowed \`${action}\`, but its condition does not hold: ${because}`,
    };
  }
  // Explicit deny or allow with held conditions: "applies: COND; COND".
  if (rest.startsWith('applies: ')) {
    const cs = parseConditions(rest.slice('applies: '.length).replace(/; (?=[A-Za-z]+(?::[A-Za-z]+)? on `)/g, '; and '));
    if (cs === undefined) return undefined;
    const conditions = withSentences(cs);
    const verb = head.effect === 'Deny' ? 'denies' : 'allows';
    return { ...head, outcome: 'applies', conditions, sentence: `${label} ${verb} it, because its condition holds: ${conditions.map((c) => c.sentence).join(' And ')}` };
  }
  return undefined;
}

/** `instance` from `arn:aws:ec2:us-east-1:123:instance/i-…`; undefined for `*` and non-ARNs. */
export function resourceKindOf(resource: string): string | undefined {
  if (!resource.startsWith('arn:')) return undefined;
  const tail = resource.split(':').slice(5).join(':');
  const kind = tail.split('/')[0];
  return kind === undefined || kind === '' || kind === '*' ? undefined : kind;
}

function comparisons(context: readonly { key: string; values: readonly string[] }[], statements: readonly StatementWhy[]): TagComparison[] {
  const byTag = new Map<string, { resourceKey?: string; resourceValue?: string; principalKey?: string; principalValue?: string }>();
  const entry = (tag: string) => {
    const k = tag.toLowerCase();
    let e = byTag.get(k);
    if (e === undefined) {
      e = {};
      byTag.set(k, e);
    }
    return e;
  };
  const referenced = new Set<string>();
  for (const s of statements) {
    for (const c of s.conditions) {
      referenced.add(c.key.toLowerCase());
      for (const p of c.policyValues) {
        const v = variableKey(p.written);
        if (v !== undefined) referenced.add(v.toLowerCase());
      }
    }
  }
  const tagNames = new Map<string, string>();
  for (const { key, values } of context) {
    const m = /^([a-z0-9-]+:(?:resourcetag|principaltag))\/(.+)$/i.exec(key);
    if (m === null) continue;
    const tag = m[2] as string;
    if (!tagNames.has(tag.toLowerCase())) tagNames.set(tag.toLowerCase(), tag);
    const e = entry(tag);
    const value = values.join(', ');
    if (/principaltag$/i.test(m[1] as string)) {
      e.principalKey = key;
      e.principalValue = value;
    } else if (e.resourceKey === undefined || /^aws:/i.test(e.resourceKey)) {
      // Prefer the service's own key (`ec2:ResourceTag/K`), which ABAC policies for EC2 use.
      if (e.resourceKey === undefined || !/^aws:/i.test(key)) {
        e.resourceKey = key;
        e.resourceValue = value;
      }
    }
  }
  const out: TagComparison[] = [];
  const isNamed = (e: { resourceKey?: string; principalKey?: string }) =>
    [e.resourceKey, e.principalKey].some((key) => key !== undefined && referenced.has(key.toLowerCase()));
  // "Tags compared by the policy": the tags its conditions name; only when they name none (no
  // statement came close) the tags both sides carry, as the likeliest candidates.
  const anyNamed = [...byTag.values()].some(isNamed);
  for (const [k, e] of byTag) {
    const both = e.resourceKey !== undefined && e.principalKey !== undefined;
    if (anyNamed ? !isNamed(e) : !both) continue;
    out.push({
      tagKey: tagNames.get(k) ?? k,
      resourceKey: e.resourceKey,
      resourceValue: e.resourceValue,
      principalKey: e.principalKey,
      principalValue: e.principalValue,
      equal: e.resourceValue !== undefined && e.resourceValue === e.principalValue,
    });
  }
  return out;
}

/**
 * Reads a decoded authorization message (the object `decodeAuthorizationMessage` returns) into the
 * "Why?" view. `service` is the prefix for the action (`ec2`), as the message carries the bare name.
 */
export function explainDenial(message: Record<string, unknown>, service: string): WhyView {
  const context = obj(message['context']);
  const bareAction = str(context['action']) ?? '';
  const action = bareAction.includes(':') ? bareAction : `${service}:${bareAction}`;
  const resource = str(context['resource']) ?? '*';
  const principalArn = str(obj(context['principal'])['arn']) ?? '';
  const tessera = obj(message['tessera']);
  const summary = str(tessera['summary']) ?? '';
  const details = Array.isArray(tessera['details']) ? (tessera['details'] as unknown[]).filter((d): d is string => typeof d === 'string') : [];
  const allowed = message['allowed'] === true;
  const decision = allowed ? 'allowed' : message['explicitDeny'] === true ? 'explicitDeny' : 'implicitDeny';
  const kind = resourceKindOf(resource);
  const statements: StatementWhy[] = [];
  const unparsed: string[] = [];
  for (const d of details) {
    const s = parseStatement(d, action, kind);
    if (s === undefined) unparsed.push(d);
    else statements.push(s);
  }
  const ctx = contextOf(message);
  const target = resource === '*' ? `\`${action}\`` : `\`${action}\` on ${kind === undefined ? `\`${resource}\`` : `this ${kind} (\`${resource.split('/').pop() ?? resource}\`)`}`;
  let headline: string;
  switch (decision) {
    case 'allowed':
      headline = `${target} is allowed.`;
      break;
    case 'explicitDeny':
      headline = `A Deny statement refuses ${target}. An explicit deny wins over every Allow.`;
      break;
    case 'implicitDeny': {
      const near = statements.filter((s) => s.outcome === 'conditions-failed');
      headline =
        near.length === 0
          ? `No policy of your role allows ${target}, so it is denied (IAM denies whatever no policy allows).`
          : `No policy of your role allows ${target}. The closest is ${statementLabel(near[0] as StatementWhy).replace(/^Statement/, 'statement')}: it allows \`${action}\` only under a condition this request does not meet.`;
      break;
    }
    default: {
      const never: never = decision;
      return never;
    }
  }
  return {
    allowed,
    decision,
    action,
    resource,
    principalArn,
    headline,
    statements,
    comparisons: comparisons(ctx, statements),
    summary,
    details,
    unparsed,
    context: ctx,
  };
}

/** The encoded message of an EC2 `UnauthorizedOperation` (…`Encoded authorization failure message: <blob>`). */
export function encodedMessageOf(errorMessage: string): string | undefined {
  const m = /Encoded authorization failure message: ([A-Za-z0-9_-]+)\s*$/.exec(errorMessage);
  return m?.[1];
}
