// Input checks of the console session repository, shared by every adapter so they agree on what is
// invalid input and how a taken key is reported.

import { StoreError, invalidInput } from './errors.js';
import { text } from './idp-values.js';
import type { Tag } from './port.js';

/** `sessionTags` as a list of {key, value} strings (each adapter serializes it its own way). */
export function sessionTags(v: unknown): Tag[] {
  if (!Array.isArray(v) || !v.every((t: unknown) => typeof t === 'object' && t !== null && typeof (t as Tag).key === 'string' && typeof (t as Tag).value === 'string')) {
    throw invalidInput('`sessionTags` must be a list of {key, value} strings');
  }
  return v as Tag[];
}

export function json(v: unknown, field: string): string {
  const s = text(v, field);
  try {
    JSON.parse(s);
  } catch {
    throw invalidInput(`\`${field}\` must be JSON text`);
  }
  return s;
}

export function exists(what: string): StoreError {
  return new StoreError('ERR_STORE_CONFLICT', `${what} already exists`);
}
