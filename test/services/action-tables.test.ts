// Each service's action table is complete, alphabetised and tested: every file in actions/ is in the
// table under its own name, every table entry has its file and its test, and every action the
// table serves is an operation of the service's model (CONVENTIONS: Layout and names).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/services/registry.js';
import { SERVICE_NAMES } from '../../src/services/types.js';

const root = join(import.meta.dirname, '..', '..');

describe.each(SERVICE_NAMES)('the %s action table', (service) => {
  const dir = join(root, 'src', 'services', service, 'actions');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));
  const table = SERVICES[service].actions;
  const names = Object.keys(table);

  it('lists every action file, under the name the file exports', () => {
    expect([...names].sort()).toEqual([...files].sort());
    for (const name of names) expect(table[name]?.name).toBe(name);
  });

  it('is alphabetised', () => {
    expect(names).toEqual([...names].sort());
    const source = readFileSync(join(dir, 'index.ts'), 'utf8');
    const imports = [...source.matchAll(/^import \{ (\w+) \}/gm)].map((m) => m[1]);
    expect(imports).toEqual([...imports].sort());
  });

  it('has a test beside every action', () => {
    const untested = names.filter((n) => !existsSync(join(dir, `${n}.test.ts`)));
    expect(untested).toEqual([]);
  });

  it('serves only operations of the service model', () => {
    const operations = Object.keys(SERVICES[service].model.operations);
    expect(names.filter((n) => !operations.includes(n))).toEqual([]);
  });

  it('leaves only STS AssumeRoleWithSAML unsigned', () => {
    const unsigned = names.filter((n) => table[n]?.unsigned === true).map((n) => `${service}:${n}`);
    expect(unsigned).toEqual(service === 'sts' ? ['sts:AssumeRoleWithSAML'] : []);
  });
});
