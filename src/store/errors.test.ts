import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STORE_ERROR_CODES, StoreError, isStoreError, notFound } from './errors.js';

const doc = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
const documented = new Set([...doc.matchAll(/^\| `(ERR_STORE_[A-Z_]+)` \|/gm)].map((m) => m[1]));

describe('the store error catalogue and src/store/README.md', () => {
  it('documents every code', () => {
    for (const code of STORE_ERROR_CODES) expect(documented, code).toContain(code);
  });
  it('documents no code the store does not have', () => {
    for (const code of documented) expect(STORE_ERROR_CODES as readonly string[], code).toContain(code);
  });
  it('carries a code, the entity and the key, in a lowercase message', () => {
    const e = notFound('role', 'AccessByCostCenter');
    expect(e).toBeInstanceOf(StoreError);
    expect(isStoreError(e, 'ERR_STORE_NOT_FOUND')).toBe(true);
    expect(isStoreError(e, 'ERR_STORE_CONFLICT')).toBe(false);
    expect(e).toMatchObject({ code: 'ERR_STORE_NOT_FOUND', entity: 'role', key: 'AccessByCostCenter' });
    expect(e.message).toBe('role `AccessByCostCenter` not found');
  });
});
