import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_MESSAGES, POLICY_ERROR_CODES, POLICY_WARNING_CODES } from './errors.js';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'policy-findings.md'), 'utf8');
const documented = new Set([...doc.matchAll(/^\| `((?:ERR|WARN)_[A-Z_]+)` \|/gm)].map((m) => m[1]));

describe('the finding catalogue and docs/policy-findings.md', () => {
  it('documents every code the engine can report', () => {
    for (const code of [...POLICY_ERROR_CODES, ...POLICY_WARNING_CODES]) expect(documented, code).toContain(code);
  });
  it('documents no code the engine does not have', () => {
    const known = new Set<string>([...POLICY_ERROR_CODES, ...POLICY_WARNING_CODES]);
    for (const code of documented) expect(known, code).toContain(code);
  });
  it('gives each error AWS wording that the docs repeat', () => {
    for (const code of POLICY_ERROR_CODES) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`)) ?? '';
      const words = AWS_MESSAGES[code].slice(0, 30);
      expect(row.includes(words), `${code}: docs should quote "${AWS_MESSAGES[code]}"`).toBe(true);
    }
  });
});
