// Tag-set arithmetic shared by every adapter. IAM users and roles compare tag keys case-insensitively
// and preserve case ("you cannot have separate Department and department tag keys"); EC2 and the
// other IAM resources compare them exactly. Callers enforce TAGS_PER_RESOURCE_LIMIT on the result.

import { invalidInput } from './errors.js';
import type { Tag } from './port.js';

export type TagKeyCase = 'sensitive' | 'insensitive';

function fold(key: string, mode: TagKeyCase): string {
  return mode === 'insensitive' ? key.toLowerCase() : key;
}

/** Refuses a list that names one key twice (IAM: `Duplicate tag keys found`). */
export function checkDistinctKeys(tags: readonly Tag[], mode: TagKeyCase): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (typeof t.key !== 'string' || typeof t.value !== 'string') throw invalidInput('tag keys and values must be strings', 'tag');
    const k = fold(t.key, mode);
    if (seen.has(k)) throw invalidInput(`duplicate tag key \`${t.key}\``, 'tag');
    seen.add(k);
  }
}

/** Copies tags into fresh objects (callers may hand us anything shaped like a tag). */
export function copyTags(tags: readonly Tag[]): Tag[] {
  return tags.map((t) => ({ key: t.key, value: t.value }));
}

/**
 * Adds `added` to `existing`: a tag whose key is present (per `mode`) replaces the old tag in place,
 * key spelling included; others are appended in order.
 */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[], mode: TagKeyCase): Tag[] {
  checkDistinctKeys(added, mode);
  const out = copyTags(existing);
  const index = new Map<string, number>();
  out.forEach((t, i) => index.set(fold(t.key, mode), i));
  for (const t of added) {
    const k = fold(t.key, mode);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, out.length);
      out.push({ key: t.key, value: t.value });
    } else out[at] = { key: t.key, value: t.value };
  }
  return out;
}

export function removeTags(existing: readonly Tag[], keys: readonly string[], mode: TagKeyCase): Tag[] {
  const drop = new Set(keys.map((k) => fold(k, mode)));
  return existing.filter((t) => !drop.has(fold(t.key, mode))).map((t) => ({ key: t.key, value: t.value }));
}
