import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDP_SAML_ERROR_CODES, SAML_CONFIG_DIAGNOSTIC_CODES } from './errors.js';

const doc = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1] as string);

describe('the diagnostic and error catalogues and src/idp/saml/README.md', () => {
  it('documents every code, each once', () => {
    for (const code of [...SAML_CONFIG_DIAGNOSTIC_CODES, ...IDP_SAML_ERROR_CODES]) expect(documented.filter((d) => d === code), code).toHaveLength(1);
  });

  it('documents no code the module does not have', () => {
    const known = new Set<string>([...SAML_CONFIG_DIAGNOSTIC_CODES, ...IDP_SAML_ERROR_CODES]);
    expect(documented.filter((d) => !known.has(d))).toEqual([]);
  });
});
