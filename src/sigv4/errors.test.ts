import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HTTP_STATUS, SIGV4_REJECT_REASONS, awsCode } from './errors.js';

const doc = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
const rows = new Map(
  [...doc.matchAll(/^\| `(ERR_SIGV4_[A-Z_]+)` \| `([A-Za-z]+)` \| (\d{3}) \|/gm)].map((m) => [m[1] as string, { code: m[2], status: Number(m[3]) }]),
);

describe('the refusal catalogue and src/sigv4/README.md', () => {
  it('documents every reason with its code and HTTP status', () => {
    for (const reason of SIGV4_REJECT_REASONS) {
      const code = awsCode(reason);
      expect(rows.get(reason), reason).toEqual({ code, status: HTTP_STATUS[code] });
    }
  });

  it('documents no reason the verifier does not have', () => {
    for (const reason of rows.keys()) expect(SIGV4_REJECT_REASONS as readonly string[], reason).toContain(reason);
  });
});
