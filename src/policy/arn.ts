// ARN patterns as IAM matches them (Resource, NotResource, ArnEquals/ArnLike): "each of the six
// colon-delimited components of the ARN is checked separately", so a `*` never spans a `:` of the
// first five. The resource part keeps its own colons and slashes.

import type { RequestContext } from './context.js';
import { type Glob, globFromTokens, globMatch, tokensMatch } from './glob.js';
import { resolveTokens, type Template, type TemplatePart } from './variables.js';

export const ARN_SEGMENTS = 6;

/** Splits an ARN into at most `count` parts on the first `count - 1` colons. */
export function splitArn(value: string, count: number = ARN_SEGMENTS): string[] {
  const out: string[] = [];
  let from = 0;
  while (out.length < count - 1) {
    const c = value.indexOf(':', from);
    if (c < 0) break;
    out.push(value.slice(from, c));
    from = c + 1;
  }
  out.push(value.slice(from));
  return out;
}

export interface ArnPattern {
  readonly source: string;
  /** One template per segment, split on the pattern's own first five colons. */
  readonly segments: readonly Template[];
  /** Precompiled globs when the pattern has no policy variable. */
  readonly globs: readonly Glob[] | undefined;
  /** Per segment: its precompiled glob, or undefined where a policy variable must be resolved per request. */
  readonly staticGlobs: readonly (Glob | undefined)[];
}

/** A variable or `${*}`-style escape as written, for where IAM does not substitute it. */
function writtenPart(part: Exclude<TemplatePart, { kind: 'text' }>): TemplatePart {
  if (part.kind === 'literal') return { kind: 'literal', text: `\${${part.text}}` };
  const fallback = part.fallback === undefined ? '' : `, '${part.fallback}'`;
  return { kind: 'literal', text: `\${${part.name}${fallback}}` };
}

/**
 * `substituteEverywhere`: ARN condition operators substitute policy variables in every component;
 * the Resource element only in the resource part. IAM: "You can use a policy variable in the
 * Resource element, but only in the resource portion of the ARN. This portion of the ARN appears
 * after the fifth colon (:). You can't use a variable to replace parts of the ARN before the fifth
 * colon" — there the text stays literal (parse.ts warns WARN_VARIABLE_POSITION), so it can never
 * widen a Resource to the caller's region or account.
 */
export function compileArnPattern(template: Template, substituteEverywhere = false): ArnPattern {
  const segments: TemplatePart[][] = [[]];
  for (const part of template.parts) {
    if (part.kind !== 'text') {
      const inPrefix = segments.length < ARN_SEGMENTS && !substituteEverywhere;
      (segments[segments.length - 1] as TemplatePart[]).push(inPrefix ? writtenPart(part) : part);
      continue;
    }
    let text = part.text;
    for (;;) {
      const c = segments.length < ARN_SEGMENTS ? text.indexOf(':') : -1;
      if (c < 0) {
        if (text !== '') (segments[segments.length - 1] as TemplatePart[]).push({ kind: 'text', text });
        break;
      }
      if (c > 0) (segments[segments.length - 1] as TemplatePart[]).push({ kind: 'text', text: text.slice(0, c) });
      segments.push([]);
      text = text.slice(c + 1);
    }
  }
  const templates: Template[] = segments.map((parts) => ({
    source: parts.map((p) => (p.kind === 'var' ? `\${${p.name}}` : p.text)).join(''),
    parts,
    hasVariables: parts.some((p) => p.kind === 'var'),
  }));
  const staticGlobs = templates.map((t) => (t.hasVariables ? undefined : globFromTokens(resolveTokens(t, undefined) ?? [])));
  const globs = staticGlobs.every((g) => g !== undefined) ? (staticGlobs as Glob[]) : undefined;
  return { source: template.source, segments: templates, globs, staticGlobs };
}

/**
 * Whether `value` matches. `valueParts` is `splitArn(value)` when the caller has it already.
 * Returns undefined when a policy variable in the pattern has no value (the entry matches nothing).
 */
export function arnMatch(
  pattern: ArnPattern,
  value: string,
  context: RequestContext,
  valueParts?: readonly string[],
): boolean | undefined {
  const n = pattern.segments.length;
  const parts = n === ARN_SEGMENTS && valueParts !== undefined ? valueParts : splitArn(value, n);
  if (parts.length !== n) return false;
  if (pattern.globs !== undefined) {
    for (let i = 0; i < n; i++) if (!globMatch(pattern.globs[i] as Glob, parts[i] as string)) return false;
    return true;
  }
  // Static segments first: they usually decide (another service, region or account) before any
  // variable is resolved.
  for (let i = 0; i < n; i++) {
    const g = pattern.staticGlobs[i];
    if (g !== undefined && !globMatch(g, parts[i] as string)) return false;
  }
  let unresolved = false;
  for (let i = 0; i < n; i++) {
    if (pattern.staticGlobs[i] !== undefined) continue;
    const tokens = resolveTokens(pattern.segments[i] as Template, context);
    if (tokens === undefined) unresolved = true;
    else if (!tokensMatch(tokens, parts[i] as string)) return false;
  }
  // IAM: an entry whose variable has no value matches no resource.
  return unresolved ? undefined : true;
}
