// The synchronous twin of a port interface (what each repository class implements and store.ts
// wraps into the async port: a method added to the port without an implementation fails to
// compile), and the JSON form of tag lists in the tags columns.

import type { Tag } from '../port.js';

export type Sync<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};

export function tagsJson(tags: readonly Tag[]): string {
  return JSON.stringify(tags.map((t) => ({ key: t.key, value: t.value })));
}

export function parseTags(json: unknown): Tag[] {
  return JSON.parse(json as string) as Tag[];
}
