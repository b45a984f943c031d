// Compiled policies by document text: a policy is parsed and compiled once, then reused by every
// request that reads the same text (CONVENTIONS: compile once). Bounded; a stored document that
// no longer parses compiles to nothing and so can never allow.

import { compilePolicy, parsePolicy } from '../policy/index.js';
import type { CompiledPolicy, PolicyKind, PolicySourceType } from '../policy/index.js';

export interface PolicyCache {
  /** undefined when the text is not a valid policy of `kind` (stored before a validator change, say). */
  get(text: string, kind: PolicyKind, id: string, type: PolicySourceType): CompiledPolicy | undefined;
}

export function createPolicyCache(limit = 2048): PolicyCache {
  const cache = new Map<string, CompiledPolicy | null>();
  return {
    get(text, kind, id, type) {
      const key = `${kind}\u0000${type}\u0000${id}\u0000${text}`;
      const hit = cache.get(key);
      if (hit !== undefined) return hit ?? undefined;
      const parsed = parsePolicy(text, { kind });
      const compiled = parsed.ok ? compilePolicy(parsed.document, { id, type }) : null;
      if (cache.size >= limit) cache.clear();
      cache.set(key, compiled);
      return compiled ?? undefined;
    },
  };
}
