// Policy variables (`${aws:PrincipalTag/team}`, `${key, 'default'}`, `${*}`, `${?}`, `${$}`) in
// Resource and String/ARN condition values of 2012-10-17 policies. A substituted value is always
// literal text, never a wildcard: a principal tag `*` must not widen a pattern.

import type { RequestContext } from './context.js';
import { type GlobToken, wildcardTokens } from './glob.js';

export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  /** `${*}`, `${?}`, `${$}`: the character itself, as literal text. */
  | { readonly kind: 'literal'; readonly text: string }
  | {
      readonly kind: 'var';
      /** Lowercased key, for lookup. */
      readonly key: string;
      /** As written, for explanations. */
      readonly name: string;
      readonly fallback: string | undefined;
    };

export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  readonly hasVariables: boolean;
}

export interface TemplateProblem {
  readonly message: string;
  /** `unterminated`: no closing `}`, so plainly text; `malformed`: `${…}` that is not a variable IAM documents. */
  readonly kind?: 'unterminated' | 'malformed';
}

// IAM: "surround the default value with single quotes (' '), and separate the variable text and the
// default value with a comma and space (, )". Any other spelling is not a default: a lenient reading
// could substitute a default IAM never would.
const VAR_BODY = /^\s*([^\s,'}]+)\s*(?:, '([^']*)')?$/;

/**
 * Splits `text` into literal runs and variables. With `variables` false (2008-10-17 or no
 * Version) the whole text is literal, as IAM treats it.
 */
export function parseTemplate(text: string, variables: boolean, problems?: TemplateProblem[]): Template {
  if (!variables || !text.includes('${')) {
    return { source: text, parts: text === '' ? [] : [{ kind: 'text', text }], hasVariables: false };
  }
  const parts: TemplatePart[] = [];
  let hasVariables = false;
  let i = 0;
  let run = '';
  while (i < text.length) {
    const open = text.indexOf('${', i);
    if (open < 0) break;
    const close = text.indexOf('}', open + 2);
    if (close < 0) {
      problems?.push({ kind: 'unterminated', message: `unterminated policy variable in \`${text}\`: the text stays literal` });
      break;
    }
    run += text.slice(i, open);
    const body = text.slice(open + 2, close);
    if (body === '*' || body === '?' || body === '$') {
      if (run !== '') parts.push({ kind: 'text', text: run });
      run = '';
      parts.push({ kind: 'literal', text: body });
    } else {
      const m = VAR_BODY.exec(body);
      if (m === null) {
        problems?.push({ kind: 'malformed', message: `malformed policy variable \`\${${body}}\`: the text stays literal` });
        run += text.slice(open, close + 1);
      } else {
        if (run !== '') parts.push({ kind: 'text', text: run });
        run = '';
        const name = m[1] as string;
        parts.push({ kind: 'var', key: name.toLowerCase(), name, fallback: m[2] });
        hasVariables = true;
      }
    }
    i = close + 1;
  }
  run += text.slice(i);
  if (run !== '') parts.push({ kind: 'text', text: run });
  return { source: text, parts, hasVariables };
}

/** The value a variable takes, or undefined when it has none (IAM: "effectively null"). */
export function variableValue(
  part: Extract<TemplatePart, { kind: 'var' }>,
  context: RequestContext,
): string | undefined {
  const entry = context.get(part.key);
  // IAM: multivalued keys cannot be used as policy variables.
  if (entry !== undefined && !entry.multi && entry.values.length === 1) return entry.values[0];
  return part.fallback;
}

/** Resolves to plain text, or undefined when a variable has no value and no default. */
export function resolveText(template: Template, context: RequestContext): string | undefined {
  let out = '';
  for (const part of template.parts) {
    if (part.kind === 'var') {
      const v = variableValue(part, context);
      if (v === undefined) return undefined;
      out += v;
    } else {
      out += part.text;
    }
  }
  return out;
}

/**
 * Resolves to glob tokens: wildcards only from the policy's own text; variable values and the
 * `${*}`/`${?}`/`${$}` escapes are literal.
 */
export function resolveTokens(template: Template, context: RequestContext | undefined): GlobToken[] | undefined {
  const out: GlobToken[] = [];
  for (const part of template.parts) {
    if (part.kind === 'text') {
      for (const t of wildcardTokens(part.text)) out.push(t);
    } else if (part.kind === 'literal') {
      out.push(part.text);
    } else {
      if (context === undefined) return undefined;
      const v = variableValue(part, context);
      if (v === undefined) return undefined;
      out.push(v);
    }
  }
  return out;
}


/** The text of a template with no variables to resolve (variables are shown as written). */
export function literalText(template: Template): string {
  let out = '';
  for (const part of template.parts) out += part.kind === 'var' ? `\${${part.name}}` : part.text;
  return out;
}
