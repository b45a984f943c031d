// Catalogue-based policy checks in the manner of IAM Access Analyzer's policy validation: unknown
// keys and actions, keys no action of a statement ever provides, resources of another service, set
// operators misused, templating artefacts. Warnings only: lint never refuses or changes a policy,
// and it never affects evaluation. Pure: the catalogue is bundled data.

import type { ConditionNode, PolicyDocument, StatementNode } from './ast.js';
import {
  type ActionInfo,
  actionProvidesKey,
  actionsOf,
  arnServicesOf,
  CATALOGUED_SERVICES,
  foreignKeyPrefixesOf,
  globalKey,
  globalKeys,
  isCatalogued,
  knownServices,
  matchActions,
  serviceConditionKey,
  serviceConditionKeys,
  serviceKnown,
} from './catalog/index.js';
import { parseOperator, type ParsedOperator } from './condition/operators/table.js';
import { type PolicyWarningFinding, policyWarning } from './errors.js';
import { type JsonNode, JsonSyntaxError, lineColumn, parseJson } from './json.js';
import { editDistance } from './suggest.js';

/** Lints a parsed policy document; findings come in document order. */
export function lintPolicy(doc: PolicyDocument): PolicyWarningFinding[] {
  const out: PolicyWarningFinding[] = [];
  if (doc.id !== undefined) templateArtefact(out, 'policy id', doc.id, 'Id');
  for (const s of doc.statements) lintStatement(out, doc, s);
  return out;
}

function lintStatement(out: PolicyWarningFinding[], doc: PolicyDocument, s: StatementNode): void {
  const json = statementJson(doc, s);
  if (s.sid !== undefined) templateArtefact(out, 'statement id', s.sid, `${s.path}.Sid`);

  if (s.principal !== undefined) {
    const name = s.principal.negated ? 'NotPrincipal' : 'Principal';
    const seen = new Map<string, number>();
    for (const e of s.principal.entries) {
      const i = seen.get(e.type) ?? 0;
      seen.set(e.type, i + 1);
      const count = s.principal.entries.filter((x) => x.type === e.type).length;
      const path = listPath(`${s.path}.${name}.${e.type}`, i, count, child(child(json, name), e.type));
      templateArtefact(out, 'principal', e.value, path);
    }
  }

  const actionName = s.action.negated ? 'NotAction' : 'Action';
  const actionNode = child(json, actionName);
  s.action.patterns.forEach((a, i) => {
    const path = listPath(`${s.path}.${actionName}`, i, s.action.patterns.length, actionNode);
    if (templateArtefact(out, 'action', a, path)) return;
    unknownAction(out, a, path);
  });

  if (s.resource !== undefined) {
    const resourceName = s.resource.negated ? 'NotResource' : 'Resource';
    const resourceNode = child(json, resourceName);
    const services = s.resource.negated ? undefined : actionServices(s);
    s.resource.patterns.forEach((r, i) => {
      const path = listPath(`${s.path}.${resourceName}`, i, s.resource?.patterns.length ?? 0, resourceNode);
      if (templateArtefact(out, 'resource', r, path)) return;
      if (services !== undefined) resourceServiceMismatch(out, r, services, path);
    });
  }

  const nullIfExistsReported = new Set<string>();
  for (const c of s.conditions) {
    const opPath = c.path.endsWith(`.${c.key}`) ? c.path.slice(0, c.path.length - c.key.length - 1) : c.path;
    // (An artefact in an operator makes it unknown, which parse.ts refuses.)
    const keyArtefact = templateArtefact(out, 'condition key', c.key, c.path);
    const valuesNode = child(child(child(json, 'Condition'), c.operator), c.key);
    c.values.forEach((v, i) => templateArtefact(out, 'condition value', v, listPath(c.path, i, c.values.length, valuesNode)));

    const op = parseOperator(c.operator);
    if (op === undefined) continue; // parse.ts refuses the document: nothing to lint
    if (op.spec.name === 'Null' && op.ifExists && !nullIfExistsReported.has(opPath)) {
      nullIfExistsReported.add(opPath);
      out.push(
        policyWarning(
          'WARN_NULL_IF_EXISTS',
          opPath,
          `operator \`${c.operator}\` is meaningless: \`Null\` already tests whether the key exists, and \`IfExists\` makes a missing key pass: use \`${c.operator.replace(/IfExists$/, '')}\``,
        ),
      );
    }
    if (keyArtefact || !knownKey(out, c)) continue;
    keyNotProvided(out, s, c, op);
    setOperators(out, s, c, op);
  }
}

// ---- templating artefacts ------------------------------------------------------------------------

/**
 * Documentation templates (EJS/ERB, as in the Auth0 guide's `<%= "${aws:PrincipalTag/CostCenter}" %>`)
 * left in a policy: IAM compares them as literal text, so the condition never matches what the
 * author meant. Returns whether one was reported.
 */
function templateArtefact(out: PolicyWarningFinding[], what: string, value: string, path: string): boolean {
  if (!value.includes('<%=') && !value.includes('%>')) return false;
  const fixed = untemplate(value);
  out.push(
    policyWarning(
      'WARN_TEMPLATE_ARTEFACT',
      path,
      fixed === undefined
        ? `${what} \`${value}\` contains a documentation-templating artefact (\`<%= … %>\`): IAM compares it as literal text`
        : `${what} \`${value}\` contains a documentation-templating artefact (\`<%= … %>\`): it should probably be \`${fixed}\``,
    ),
  );
  return true;
}

/** `a<%= "x" %>b` → `axb`; undefined when the markers do not pair up. */
function untemplate(value: string): string | undefined {
  let out = '';
  let i = 0;
  for (;;) {
    const open = value.indexOf('<%=', i);
    const strayClose = value.indexOf('%>', i);
    if (open < 0) {
      if (strayClose >= 0) return undefined;
      return out + value.slice(i);
    }
    if (strayClose >= 0 && strayClose < open) return undefined;
    const close = value.indexOf('%>', open + 3);
    if (close < 0) return undefined;
    out += value.slice(i, open) + templateOutput(value.slice(open + 3, close));
    i = close + 2;
  }
}

/** What a `<%= expr %>` tag would print when `expr` is a quoted literal: the literal. */
function templateOutput(expr: string): string {
  const inner = expr.trim();
  const q = inner[0];
  return inner.length >= 2 && (q === '"' || q === "'") && inner[inner.length - 1] === q ? inner.slice(1, -1) : inner;
}

/**
 * Finds templating artefacts in raw policy text. The guide's policy as printed is not even JSON
 * (`"<%= "${aws:PrincipalTag/CostCenter}" %>"` nests quotes), so parsing fails before lintPolicy
 * can run; a validator calls this on a parse failure to say why and what to write instead.
 * Findings carry the document's (empty) path; the message names the line and column.
 */
export function lintPolicyText(text: string): PolicyWarningFinding[] {
  const out: PolicyWarningFinding[] = [];
  let i = 0;
  for (;;) {
    const open = text.indexOf('<%=', i);
    if (open < 0) break;
    const close = text.indexOf('%>', open + 3);
    const at = lineColumn(text, open);
    const where = `line ${at.line} column ${at.column}`;
    if (close < 0) {
      out.push(policyWarning('WARN_TEMPLATE_ARTEFACT', '', `${where}: \`<%=\` is a documentation-templating artefact with no closing \`%>\``));
      break;
    }
    const artefact = text.slice(open, close + 2);
    out.push(
      policyWarning(
        'WARN_TEMPLATE_ARTEFACT',
        '',
        `${where}: \`${artefact}\` is a documentation-templating artefact: it should probably be \`${templateOutput(artefact.slice(3, -2))}\``,
      ),
    );
    i = close + 2;
  }
  if (out.length === 0 && text.includes('%>')) {
    const at = lineColumn(text, text.indexOf('%>'));
    out.push(policyWarning('WARN_TEMPLATE_ARTEFACT', '', `line ${at.line} column ${at.column}: \`%>\` is a documentation-templating artefact`));
  }
  return out;
}

// ---- actions -----------------------------------------------------------------------------------

const hasWildcard = (s: string): boolean => s.includes('*') || s.includes('?');

function splitAction(pattern: string): { service: string; name: string } | undefined {
  const colon = pattern.indexOf(':');
  if (colon < 0) return undefined;
  return { service: pattern.slice(0, colon).toLowerCase(), name: pattern.slice(colon + 1) };
}

function unknownAction(out: PolicyWarningFinding[], pattern: string, path: string): void {
  const a = splitAction(pattern);
  if (a === undefined || hasWildcard(a.service)) return;
  if (!serviceKnown(a.service)) {
    const hint = closestOf(a.service, knownServices().map((s) => [s, s] as const));
    out.push(
      policyWarning(
        'WARN_UNKNOWN_ACTION',
        path,
        `action \`${pattern}\`: \`${pattern.slice(0, pattern.indexOf(':'))}\` is not a known AWS service prefix${didYouMean(hint)}`,
      ),
    );
    return;
  }
  const matched = matchActions(a.service, a.name);
  if (matched === undefined || matched.length > 0) return;
  if (hasWildcard(a.name)) {
    out.push(policyWarning('WARN_UNKNOWN_ACTION', path, `action pattern \`${pattern}\` matches no action of \`${a.service}\``));
    return;
  }
  const hint = closestOf(a.name, actionsOf(a.service).map((x) => [x.name, `${a.service}:${x.name}`] as const));
  out.push(policyWarning('WARN_UNKNOWN_ACTION', path, `action \`${pattern}\` is not an action of \`${a.service}\`${didYouMean(hint)}`));
}

/**
 * The service prefixes of a statement's actions, or undefined when they cannot be known: NotAction,
 * `*`, or a wildcard in a service prefix.
 */
function actionServices(s: StatementNode): ReadonlySet<string> | undefined {
  if (s.action.negated) return undefined;
  const out = new Set<string>();
  for (const p of s.action.patterns) {
    if (p === '*') return undefined;
    const a = splitAction(p);
    if (a === undefined || hasWildcard(a.service)) return undefined;
    out.add(a.service);
  }
  return out;
}

// ---- resources ---------------------------------------------------------------------------------

function resourceServiceMismatch(out: PolicyWarningFinding[], resource: string, services: ReadonlySet<string>, path: string): void {
  if (resource === '*' || !resource.startsWith('arn:')) return;
  const parts = resource.split(':');
  const service = parts[2];
  if (parts.length < 6 || service === undefined || service === '' || hasWildcard(service) || service.includes('${')) return;
  const lower = service.toLowerCase();
  for (const s of services) {
    const arnServices = arnServicesOf(s);
    if (arnServices.includes('*') || arnServices.includes(lower)) return;
  }
  out.push(
    policyWarning(
      'WARN_RESOURCE_SERVICE_MISMATCH',
      path,
      `resource \`${resource}\` belongs to service \`${service}\`, which no action of the statement (${list([...services])}) acts on: the statement never applies to it`,
    ),
  );
}

// ---- condition keys ----------------------------------------------------------------------------

/** Key prefixes whose keys the catalogue knows in full: ec2, iam, sts and what they list (`saml`). */
const CATALOGUED_KEY_PREFIXES: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const s of CATALOGUED_SERVICES) m.set(s, s);
  for (const s of CATALOGUED_SERVICES) {
    for (const k of serviceConditionKeys(s)) {
      const p = keyPrefix(k.name);
      if (p !== 'aws' && !p.includes('${') && !m.has(p)) m.set(p, s);
    }
  }
  return m;
})();

function keyPrefix(key: string): string {
  const colon = key.indexOf(':');
  return (colon < 0 ? key : key.slice(0, colon)).toLowerCase();
}

/** Reports an unknown `aws:` or catalogued-service key; returns whether the key is known. */
function knownKey(out: PolicyWarningFinding[], c: ConditionNode): boolean {
  const prefix = keyPrefix(c.key);
  if (globalKey(c.key) !== undefined) return true;
  if (prefix === 'aws') {
    const hint = suggestKey(c.key, globalKeys().map((k) => k.name));
    out.push(policyWarning('WARN_UNKNOWN_GLOBAL_KEY', c.path, `condition key \`${c.key}\` is not a global condition key${didYouMean(hint)}`));
    return false;
  }
  const owner = CATALOGUED_KEY_PREFIXES.get(prefix);
  if (owner === undefined) return true; // a service the catalogue does not hold: cannot tell
  if (serviceConditionKey(c.key) !== undefined) return true;
  const candidates: string[] = [];
  for (const s of CATALOGUED_SERVICES) for (const k of serviceConditionKeys(s)) if (keyPrefix(k.name) === prefix) candidates.push(k.name);
  for (const k of globalKeys()) if (keyPrefix(k.name) === prefix) candidates.push(k.name);
  const hint = suggestKey(c.key, candidates);
  out.push(policyWarning('WARN_UNKNOWN_SERVICE_KEY', c.path, `condition key \`${c.key}\` is not a condition key of \`${owner}\`${didYouMean(hint)}`));
  return false;
}

type Provision = 'provided' | 'never' | 'unknown';

/** Does some action of the statement put `key` in the request context? */
function provision(s: StatementNode, key: string): Provision {
  if (s.action.negated) return 'unknown';
  const global = globalKey(key);
  if (global !== undefined && global.availability === 'global') return 'provided';
  const prefix = keyPrefix(key);
  for (const pattern of s.action.patterns) {
    if (pattern === '*') return 'unknown';
    const a = splitAction(pattern);
    if (a === undefined || hasWildcard(a.service) || !serviceKnown(a.service)) return 'unknown';
    if (isCatalogued(a.service)) {
      const matched = matchActions(a.service, a.name) ?? [];
      if (matched.length === 0) return 'unknown'; // WARN_UNKNOWN_ACTION says why
      if (matched.some((m: ActionInfo) => actionProvidesKey(m, key))) return 'provided';
      continue;
    }
    // A service the catalogue does not hold: only another service's keys are certainly absent.
    if (prefix === 'aws' || prefix === a.service || foreignKeyPrefixesOf(a.service).includes(prefix)) return 'unknown';
    if (!serviceKnown(prefix) && !CATALOGUED_KEY_PREFIXES.has(prefix)) return 'unknown';
  }
  return 'never';
}

/** What a condition evaluates to when its key is missing (reference algorithm, aws.md §4.3). */
function holdsWhenMissing(op: ParsedOperator, values: readonly string[]): boolean {
  if (op.spec.name === 'Null') return values.includes('true');
  if (op.ifExists) return true;
  if (op.qualifier === 'ForAllValues') return true;
  if (op.qualifier === 'ForAnyValue') return false;
  return op.spec.negated;
}

function keyNotProvided(out: PolicyWarningFinding[], s: StatementNode, c: ConditionNode, op: ParsedOperator): void {
  if (provision(s, c.key) !== 'never') return;
  const effect = holdsWhenMissing(op, c.values)
    ? `\`${c.operator}\` then always holds`
    : `\`${c.operator}\` then never matches and the statement never applies`;
  out.push(
    policyWarning(
      'WARN_KEY_NOT_PROVIDED',
      c.path,
      `condition key \`${c.key}\` is never in the request context of ${list(s.action.patterns)}: ${effect}`,
    ),
  );
}

function setOperators(out: PolicyWarningFinding[], s: StatementNode, c: ConditionNode, op: ParsedOperator): void {
  const info = globalKey(c.key) ?? serviceConditionKey(c.key);
  if (op.qualifier === undefined) {
    // IAM: "Multivalued context keys require a condition set operator"; without one Tessera's
    // evaluation fails closed (condition.ts), so the author gets neither what they meant nor an Allow.
    if (info !== undefined && info.multiValued && op.spec.positive.family !== 'Null') {
      out.push(
        policyWarning(
          'WARN_MULTIVALUED_WITHOUT_SET_OPERATOR',
          c.path,
          `\`${c.key}\` is multivalued: write \`ForAnyValue:${c.operator}\` or \`ForAllValues:${c.operator}\`; without a set operator the condition fails closed`,
        ),
      );
    }
    return;
  }
  const plain = c.operator.slice(op.qualifier.length + 1);
  if (info !== undefined && !info.multiValued) {
    out.push(
      policyWarning(
        'WARN_SET_OPERATOR_SINGLE_VALUED',
        c.path,
        `\`${op.qualifier}:\` is for multivalued keys but \`${c.key}\` is single-valued: use \`${plain}\``,
      ),
    );
  }
  if (op.qualifier === 'ForAllValues' && s.effect === 'Allow' && !requiresPresence(s, c.key)) {
    out.push(
      policyWarning(
        'WARN_FOR_ALL_VALUES_ALLOW',
        c.path,
        `\`${c.operator}\` in an \`Allow\` statement also holds when the request has no \`${c.key}\`: add \`"Null": {"${c.key}": "false"}\` or use \`ForAnyValue:${plain}\``,
      ),
    );
  }
}

/** Does the statement also require the key to be present (`"Null": {key: "false"}`)? */
function requiresPresence(s: StatementNode, key: string): boolean {
  const lower = key.toLowerCase();
  for (const c of s.conditions) {
    if (c.key.toLowerCase() !== lower || !c.values.includes('false')) continue;
    const op = parseOperator(c.operator);
    if (op !== undefined && op.spec.name === 'Null' && op.qualifier === undefined && !op.ifExists) return true;
  }
  return false;
}

// ---- suggestions -------------------------------------------------------------------------------

/**
 * The closest reference key to a misspelt one. A tag-style key keeps its suffix:
 * `aws:PrincipalTags/CostCenter` → `aws:PrincipalTag/CostCenter`.
 */
function suggestKey(key: string, candidates: readonly string[]): string | undefined {
  const slash = key.indexOf('/');
  const head = slash < 0 ? key : key.slice(0, slash);
  const suffix = slash < 0 ? '' : key.slice(slash);
  // Written tag-style keys compare their head with the patterns' bases; everything else compares whole.
  const options: { compare: string; candidate: string; suggestion: string }[] = [];
  for (const c of candidates) {
    const placeholder = c.indexOf('/${');
    if (placeholder >= 0 && c.indexOf('${') === placeholder + 1 && c.endsWith('}')) {
      const base = c.slice(0, placeholder);
      if (suffix.length > 1) options.push({ compare: head, candidate: base, suggestion: `${base}${suffix}` });
      else options.push({ compare: key, candidate: base, suggestion: c });
    } else if (!c.includes('${')) {
      options.push({ compare: key, candidate: c, suggestion: c });
    }
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const o of options) {
    const d = editDistance(o.compare, o.candidate);
    if (d <= Math.max(2, Math.floor(o.compare.length / 4)) && d < bestDistance) {
      best = o.suggestion;
      bestDistance = d;
    }
  }
  return best;
}

/** Closest name for an action or service; short words get a tight bound (`foo` is not `fis`). */
function closestOf(word: string, candidates: readonly (readonly [string, string])[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const [candidate, suggestion] of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = suggestion;
      bestDistance = d;
    }
  }
  return best;
}

const didYouMean = (hint: string | undefined): string => (hint === undefined ? '' : `: did you mean \`${hint}\`?`);

function list(items: readonly string[]): string {
  const shown = items.slice(0, 3).map((i) => `\`${i}\``);
  return items.length > 3 ? `${shown.join(', ')} and ${items.length - 3} more` : shown.join(', ');
}

// ---- JSON paths --------------------------------------------------------------------------------

/**
 * The statement's JSON, re-read from the document text so paths say `Action[1]` only where the
 * policy wrote a list (the AST keeps values, not their shape). Undefined for documents built
 * without source text.
 */
function statementJson(doc: PolicyDocument, s: StatementNode): JsonNode | undefined {
  if (s.span.end <= s.span.start || s.span.end > doc.source.length) return undefined;
  try {
    const node = parseJson(doc.source.slice(s.span.start, s.span.end));
    return node.kind === 'object' ? node : undefined;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return undefined;
    throw e;
  }
}

function child(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (node === undefined || node.kind !== 'object') return undefined;
  for (const e of node.entries) if (e.key === key) return e.value;
  return undefined;
}

function listPath(base: string, i: number, count: number, node: JsonNode | undefined): string {
  const isList = node === undefined ? count > 1 : node.kind === 'array';
  return isList ? `${base}[${i}]` : base;
}
