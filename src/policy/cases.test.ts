// Runs the JSON case tables under src/policy/cases/: each case encodes one documented AWS
// behaviour (its `cite` quotes the sentence) as policies + request → expected decision, or as a
// document → expected validation errors and warnings.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  evaluate,
  parsePolicy,
  type CompiledPolicy,
  type ContextInput,
  type EvalDecision,
  type PolicyKind,
  type RequestPrincipal,
  RequestContext,
} from './index.js';

type Doc = string | Record<string, unknown>;

interface DecisionCase {
  name: string;
  cite: string;
  policies: { identity?: Doc[]; boundary?: Doc[]; session?: Doc[]; resource?: Doc; trust?: Doc };
  request: { action: string; resource?: string; principal?: RequestPrincipal; context?: ContextInput };
  expect: EvalDecision;
  matched?: string[];
}

interface ParseCase {
  name: string;
  cite: string;
  kind: PolicyKind;
  document: Doc;
  options?: { requireCurrentVersion?: boolean; maxSize?: number };
  expectErrors?: { code: string; path?: string }[];
  expectWarnings?: { code: string; path?: string }[];
}

interface CaseFile {
  topic: string;
  cases?: DecisionCase[];
  parse?: ParseCase[];
}

const root = join(import.meta.dirname, 'cases');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : name.endsWith('.json') ? [p] : [];
  });
}

function text(doc: Doc): string {
  return typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
}

function compile(doc: Doc, kind: PolicyKind, id: string): CompiledPolicy {
  const r = parsePolicy(text(doc), { kind });
  if (!r.ok) throw new Error(`${id} does not parse: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return compilePolicy(r.document, { id });
}

const all = files(root).sort();

describe('policy case tables', () => {
  it('hold at least 300 cases', () => {
    let n = 0;
    for (const f of all) {
      const c = JSON.parse(readFileSync(f, 'utf8')) as CaseFile;
      n += (c.cases?.length ?? 0) + (c.parse?.length ?? 0);
    }
    expect(n).toBeGreaterThanOrEqual(300);
  });

  for (const f of all) {
    const file = JSON.parse(readFileSync(f, 'utf8')) as CaseFile;
    describe(`${relative(root, f)} — ${file.topic}`, () => {
      for (const c of file.cases ?? []) {
        it(c.name, () => {
          expect(c.cite.length, 'every case cites the AWS sentence it encodes').toBeGreaterThan(10);
          const identity = (c.policies.identity ?? []).map((d, i) => compile(d, 'identity', `identity.${i + 1}`));
          const boundary = c.policies.boundary?.map((d, i) => compile(d, 'boundary', `boundary.${i + 1}`));
          const session = c.policies.session?.map((d, i) => compile(d, 'session', `session.${i + 1}`));
          const resource =
            c.policies.trust !== undefined
              ? compile(c.policies.trust, 'trust', 'trust')
              : c.policies.resource !== undefined
                ? compile(c.policies.resource, 'resource', 'resource')
                : undefined;
          const request = {
            action: c.request.action,
            resource: c.request.resource ?? '*',
            principal: c.request.principal,
            context: RequestContext.from(c.request.context ?? {}),
          };
          const set = { identity, boundary, session, resource };
          const fast = evaluate(request, set);
          const explained = evaluate(request, set, { explain: true });
          expect(fast.decision, c.cite).toBe(c.expect);
          expect(explained.decision, 'explain mode decides as decide mode').toBe(c.expect);
          if (c.matched !== undefined) {
            expect(explained.matched.map((m) => `${m.policyId}#${m.index}`).sort()).toEqual([...c.matched].sort());
          }
        });
      }
      for (const c of file.parse ?? []) {
        it(c.name, () => {
          expect(c.cite.length, 'every case cites the AWS sentence it encodes').toBeGreaterThan(10);
          const r = parsePolicy(text(c.document), { kind: c.kind, ...c.options });
          const errors = r.ok ? [] : r.errors;
          for (const want of c.expectErrors ?? []) {
            expect(errors, `${c.cite}\nerrors: ${JSON.stringify(errors)}`).toContainEqual(
              expect.objectContaining(want.path === undefined ? { code: want.code } : want),
            );
          }
          if ((c.expectErrors ?? []).length === 0) expect(errors, JSON.stringify(errors)).toEqual([]);
          for (const want of c.expectWarnings ?? []) {
            expect(r.warnings, `${c.cite}\nwarnings: ${JSON.stringify(r.warnings)}`).toContainEqual(
              expect.objectContaining(want.path === undefined ? { code: want.code } : want),
            );
          }
        });
      }
    });
  }
});
