// The IdP service layer's error catalogue (src/idp/errors.ts) and its documentation (src/idp/README.md)
// say the same thing: every code is documented with its HTTP status, and nothing else is.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IDP_ERROR_CODES, IdpError } from '../../src/idp/index.js';

const readme = readFileSync(new URL('../../src/idp/README.md', import.meta.url), 'utf8');

describe('the IdP error catalogue', () => {
  it('documents every code with its HTTP status, and no other', () => {
    const documented = [...readme.matchAll(/^\| `(ERR_IDP_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(documented).toEqual(IDP_ERROR_CODES.map((code) => [code, new IdpError(code, 'x').httpStatus]));
  });
});
