// The user-facing check of a policy document: the grammar of parse.ts plus the catalogue-based
// warnings of lint.ts (unknown keys and actions, keys an action never provides, templating
// artefacts). Services call it on write; evaluation needs only parse.ts.

import { lintPolicy, lintPolicyText } from './lint.js';
import { type ParseOptions, type ParseResult, parsePolicy } from './parse.js';

export function validatePolicy(text: string, options: ParseOptions): ParseResult {
  const r = parsePolicy(text, options);
  // A document that is not even JSON may still carry a templating artefact (the Auth0 guide's
  // policy does: `"<%= "${…}" %>"`); saying so gives the user the fix beside the syntax error.
  if (!r.ok) return { ok: false, errors: r.errors, warnings: [...r.warnings, ...lintPolicyText(text)] };
  return { ok: true, document: r.document, warnings: [...r.warnings, ...lintPolicy(r.document)] };
}
