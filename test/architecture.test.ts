// Enforces DESIGN.md §3's house rules: src/policy and src/sigv4 are pure cores — they import
// nothing that does I/O, never read the clock or randomness, and depend on no other module.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(sources(p));
    else if (/\.ts$/.test(name) && !/\.(test|bench)\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]/g)) out.push(m[1] as string);
  for (const m of text.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) out.push(m[1] as string);
  for (const m of text.matchAll(/\bimport\s*\(\s*([^)]*)\)/g)) out.push(`dynamic:${m[1] as string}`);
  for (const m of text.matchAll(/\brequire\s*\(\s*([^)]*)\)/g)) out.push(`require:${m[1] as string}`);
  return out;
}

/** Reading the clock, randomness, the environment or the network, or scheduling work. */
const IMPURE: readonly [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'reads the clock (Date.now)'],
  [/\bnew Date\s*\(\s*\)/, 'reads the clock (new Date())'],
  [/\bperformance\.now\s*\(/, 'reads the clock (performance.now)'],
  [/\bprocess\.hrtime/, 'reads the clock (process.hrtime)'],
  [/\bMath\.random\s*\(/, 'reads randomness (Math.random)'],
  [/\brandom(Bytes|UUID|Int|Fill)\b|getRandomValues/, 'reads randomness (crypto random)'],
  [/\bprocess\.(env|argv|stdin|stdout|stderr|cwd|exit)\b/, 'touches the process'],
  [/\bfetch\s*\(/, 'does network I/O (fetch)'],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, 'schedules work (timers)'],
  [/\bglobalThis\b/, 'reaches into globalThis'],
];

/** Node built-ins a pure core may use: none do I/O. sigv4 needs hashing and HMAC. */
const ALLOWED_BUILTINS: Readonly<Record<string, readonly string[]>> = {
  policy: [],
  sigv4: ['node:crypto', 'node:buffer'],
};

for (const core of ['policy', 'sigv4'] as const) {
  const files = sources(join(src, core));
  // src/sigv4 arrives with the AWS API (issue #4); the rule applies to every file it will hold.
  if (core !== 'policy' && files.length === 0) continue;
  describe(`src/${core} is a pure core`, () => {
    if (core === 'policy') it('exists and is scanned', () => expect(files.length).toBeGreaterThan(10));
    for (const f of files) {
      const rel = relative(src, f);
      const text = readFileSync(f, 'utf8');
      it(`${rel} imports only its own module${ALLOWED_BUILTINS[core]!.length > 0 ? ' and hashing' : ''}`, () => {
        for (const s of specifiers(text)) {
          if (s.startsWith('dynamic:') || s.startsWith('require:')) throw new Error(`${rel}: dynamic import or require (${s})`);
          if (s.startsWith('.')) {
            const target = resolve(dirname(f), s);
            expect(relative(join(src, core), target).startsWith('..'), `${rel} imports ${s} outside src/${core}`).toBe(false);
          } else {
            expect(ALLOWED_BUILTINS[core], `${rel} imports \`${s}\``).toContain(s);
          }
        }
      });
      it(`${rel} reads no clock, randomness, environment or network`, () => {
        const code = text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
        for (const [re, what] of IMPURE) expect(re.test(code), `${rel} ${what}`).toBe(false);
      });
    }
  });
}

describe('the architecture test itself', () => {
  it('catches an import of node:fs and a clock read', () => {
    const bad = "import { readFileSync } from 'node:fs';\nconst t = Date.now();";
    expect(specifiers(bad)).toContain('node:fs');
    expect(IMPURE.some(([re]) => re.test(bad))).toBe(true);
  });
});

// DESIGN.md §3: imports point inward. The services are transport-free (the console, the CLI and the
// HTTP API all reach them through services/invoke), and the kernel depends on nothing of ours.
const INWARD: readonly { readonly module: string; readonly mayNotImport: readonly string[] }[] = [
  { module: 'services', mayNotImport: ['http', 'cli', 'main.ts'] },
  { module: 'kernel', mayNotImport: ['policy', 'sigv4', 'saml', 'services', 'store', 'http', 'cli', 'main.ts'] },
  { module: 'store', mayNotImport: ['services', 'http', 'cli', 'main.ts'] },
];

for (const rule of INWARD) {
  describe(`src/${rule.module} imports point inward`, () => {
    const files = sources(join(src, rule.module));
    it('exists and is scanned', () => expect(files.length).toBeGreaterThan(0));
    it(`never imports ${rule.mayNotImport.join(', ')}`, () => {
      for (const f of files) {
        for (const s of specifiers(readFileSync(f, 'utf8'))) {
          if (!s.startsWith('.')) continue;
          const target = relative(src, resolve(dirname(f), s));
          const top = target.split('/')[0] === target ? target.replace(/\.js$/, '.ts') : target.split('/')[0];
          expect(rule.mayNotImport.includes(top ?? ''), `${relative(src, f)} imports ${s}`).toBe(false);
        }
      }
    });
  });
}

describe('shipped code never imports tests', () => {
  it('no file under src (tests aside) imports from outside src', () => {
    for (const f of sources(src)) {
      for (const s of specifiers(readFileSync(f, 'utf8'))) {
        if (!s.startsWith('.')) continue;
        expect(relative(src, resolve(dirname(f), s)).startsWith('..'), `${relative(src, f)} imports ${s}`).toBe(false);
      }
    }
  });
});
