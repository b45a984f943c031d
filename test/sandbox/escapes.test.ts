// The escape and abuse corpus of security.md §5.3 (X1–X17): one file per snippet in ./escapes, each run
// through the real pool. Every snippet must fail closed with its expected kind (or come back harmless), leave
// the host untouched (prototypes, files, memory), and be followed by a login that works.

import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, SANDBOX_FAILURES } from '../../src/sandbox/index.js';
import type { ActionsOutcome, RulesOutcome, Sandbox } from '../../src/sandbox/index.js';
import { ensureSandboxBuilt, JANE, SAML_CONTEXT, SEED_MAPPINGS, SEED_ROLE, seedRuleFromGuide } from './support.js';

const DIR = join(import.meta.dirname, 'escapes');

interface Snippet {
  readonly file: string;
  readonly id: string;
  readonly title: string;
  readonly kind: 'rule' | 'action';
  readonly expect: readonly string[];
  readonly stoppedBy: string;
  readonly scenario: string | undefined;
  readonly source: string;
}

function header(text: string, key: string): string | undefined {
  return new RegExp(`^// ${key}: (.*)$`, 'm').exec(text)?.[1]?.trim();
}

const snippets: Snippet[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.js'))
  .sort()
  .map((file) => {
    const source = readFileSync(join(DIR, file), 'utf8');
    const first = /^\/\/ (X\d+): (.*)$/m.exec(source);
    const kind = header(source, 'kind');
    const expected = header(source, 'expect');
    if (!first || (kind !== 'rule' && kind !== 'action') || !expected) throw new Error(`${file}: malformed header`);
    return {
      file, id: first[1] as string, title: first[2] as string, kind, expect: expected.split('|'),
      stoppedBy: header(source, 'stopped-by') ?? '', scenario: header(source, 'scenario'), source,
    };
  });

// Budgets small enough to keep the corpus fast; the defaults are proved in src/sandbox/pool.test.ts.
const OPTIONS = { processes: 1, memoryLimitMb: 32, cpuTimeoutMs: 300, wallTimeoutMs: 3_000 } as const;

let sandbox: Sandbox;
let markers: string;
const protoNames = (o: object): string => Object.getOwnPropertyNames(o).sort().join(',');
const HOST_PROTOTYPES: readonly [string, object][] = [
  ['Object.prototype', Object.prototype], ['Array.prototype', Array.prototype], ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype], ['Promise.prototype', Promise.prototype], ['Error.prototype', Error.prototype],
];
const hostBefore = new Map(HOST_PROTOTYPES.map(([n, o]) => [n, protoNames(o)]));
const globalsBefore = protoNames(globalThis);
let rssAtStart = 0;

beforeAll(async () => {
  await ensureSandboxBuilt();
  sandbox = createSandbox(OPTIONS);
  // World-writable, so an escaped child (running as nobody) *could* create its marker here.
  markers = mkdtempSync(join(tmpdir(), 'tessera-escapes-'));
  chmodSync(markers, 0o777);
  // Warm up: the child and the host's modules, so RSS is measured from a steady state.
  await normalLogin('warm-up');
  rssAtStart = process.memoryUsage().rss;
}, 180_000);

afterAll(async () => {
  await sandbox.close();
  rmSync(markers, { recursive: true, force: true });
});

function runRule(tenant: string, script: string, configuration: Record<string, string>): Promise<RulesOutcome> {
  return sandbox.runRules({ tenant, rules: [{ id: 'rul_escape', name: 'escape', script }], user: JANE, context: SAML_CONTEXT, configuration });
}

function runAction(tenant: string, code: string, marker: string): Promise<ActionsOutcome> {
  return sandbox.runActions({
    tenant,
    actions: [{ id: 'act_escape', name: 'escape', code, secrets: { MARKER: marker } }],
    event: { user: { ...JANE, app_metadata: {}, user_metadata: {} }, transaction: { protocol: 'samlp' } },
  });
}

/** The seed's rule from the guide, for `tenant`: must work, and give exactly the guide's attributes. */
async function normalLogin(tenant: string): Promise<void> {
  const r = await runRule(tenant, seedRuleFromGuide(), {});
  expect(r, `a normal login for ${tenant} afterwards`).toMatchObject({
    ok: true,
    user: { awsRole: SEED_ROLE, awsRoleSession: 'jane@example.com', awsTagKeys: ['CostCenter', 'Project'], CostCenter: 'marketing', Project: 'website' },
    context: { samlConfiguration: { mappings: SEED_MAPPINGS } },
  });
}

function expectHostUntouched(): void {
  expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  for (const [name, proto] of HOST_PROTOTYPES) expect(protoNames(proto), name).toBe(hostBefore.get(name));
  expect(protoNames(globalThis)).toBe(globalsBefore);
  expect(readdirSync(markers), 'files created by the snippet').toEqual([]);
}

/** Snippet-specific checks beyond "expected kind, nothing escaped". */
const EXTRA: Record<string, (o: RulesOutcome | ActionsOutcome) => Promise<void> | void> = {
  'x03-host-exception.js': (o) => expect(o).toMatchObject({ ok: true, user: { sameRealm: true } }),
  'x03-compile-time-throw.js': (o) => expect(o).toMatchObject({ rule: 'escape', reason: expect.stringContaining('rule `escape`') }),
  'x06-dynamic-import.js': (o) => expect(o).toMatchObject({ ok: true, user: { importRefused: 'Not supported' } }),
  'x07-proto-json.js': (o) => {
    if (!('user' in o)) throw new Error('expected a user');
    expect(Object.getPrototypeOf(o.user)).toBe(Object.prototype);
    expect(Object.keys(o.user).sort()).toEqual(['email', 'user_id']);
    expect(o.user['isAdmin']).toBeUndefined();
  },
  'x07-proto-assign.js': async (o) => {
    if (!('user' in o)) throw new Error('expected a user');
    expect(Object.keys(o.user)).not.toContain('isAdmin');
    // The next tenant (same child process) sees a clean realm.
    const probe = await runRule('x07-next-tenant', 'function (user, context, callback) { user.sawAdmin = ({}).isAdmin === undefined && [].injected === undefined && ({}).polluted === undefined; callback(null, user, context); }', {});
    expect(probe).toMatchObject({ ok: true, user: { sawAdmin: true } });
  },
  'x07-action-proto-value.js': (o) => {
    expect(o).toEqual({ ok: true, logs: [], commands: [{ kind: 'user.setAppMetadata', key: 'prefs', value: { theme: 'dark' } }] });
    if ('commands' in o) expect(Object.getPrototypeOf(o.commands[0] && 'value' in o.commands[0] ? o.commands[0].value : null)).toBe(Object.prototype);
  },
  'x10-never-callback.js': (o) => expect(o).toMatchObject({ reason: expect.stringContaining('without calling callback') }),
  'x11-array-growth.js': () => expect(sandbox.stats().lastChildRssBytes).toBeLessThan(512 * 1_048_576),
  'x12-recursion.js': (o) => expect(o).toMatchObject({ reason: expect.stringContaining('Maximum call stack size exceeded') }),
  'x13-output-1mb.js': (o) => expect(o).toMatchObject({ reason: expect.stringContaining('exceeds 65536 bytes') }),
  'x13-log-flood.js': (o) => {
    expect(o.logs).toHaveLength(101);
    for (const l of o.logs.slice(0, 100)) expect(l.line).toHaveLength(256);
    expect(o.logs[100]).toEqual({ source: 'sandbox', line: '99900 more log lines dropped (limit 100 per run)' });
  },
  'x13-action-attribute-flood.js': (o) => {
    if (!o.ok && o.failure === 'output') expect(o.reason).toContain('more than 1000');
  },
  'x16-saml-config-tamper.js': (o) => {
    // Data only: the sandbox hands the change back for the IdP to judge; it applies nothing itself.
    expect(o).toMatchObject({
      ok: true,
      context: { samlConfiguration: { recipient: 'https://evil.example/acs', audience: 'urn:evil', destination: 'https://evil.example/acs', signatureAlgorithm: 'rsa-sha1', lifetimeInSeconds: 315360000 } },
    });
  },
  'x16-action-setters.js': (o) =>
    expect(o).toEqual({
      ok: true,
      logs: [],
      commands: [
        { kind: 'samlResponse.set', method: 'setDestination', value: 'https://evil.example/acs' },
        { kind: 'samlResponse.set', method: 'setRecipient', value: 'https://evil.example/acs' },
        { kind: 'samlResponse.set', method: 'setAudience', value: 'urn:evil' },
        { kind: 'samlResponse.set', method: 'setSignatureAlgorithm', value: 'rsa-sha1' },
        { kind: 'samlResponse.set', method: 'setLifetimeInSeconds', value: 315360000 },
      ],
    }),
  'x16-action-bad-algorithm.js': (o) => expect(o).toMatchObject({ reason: expect.stringContaining('api.samlResponse.setSignatureAlgorithm expects one of `rsa-sha256`, `rsa-sha1`') }),
  'x17-atomics-wait-async.js': (o) => expect(o).toMatchObject({ reason: expect.stringContaining('Atomics.waitAsync is not a function') }),
  'x17-wasm-async-compile.js': (o) => expect(o).toMatchObject({ reason: expect.stringContaining('WebAssembly.instantiate is not a function') }),
};

describe('the escape corpus covers X1–X17', () => {
  it('has at least one snippet for every item of security.md §5.3', () => {
    const ids = new Set(snippets.map((s) => s.id));
    for (let i = 1; i <= 17; i++) expect(ids, `X${i}`).toContain(`X${i}`);
    for (const s of snippets) for (const e of s.expect) expect([...SANDBOX_FAILURES, 'ok'], s.file).toContain(e);
  });
});

describe('escape and abuse attempts (security.md §5.3)', () => {
  for (const s of snippets) {
    it(`${s.id} ${s.file}: ${s.title} → ${s.expect.join(' or ')} (${s.stoppedBy})`, async () => {
      const tenant = `esc-${s.file.replace(/\.js$/, '')}`;
      const marker = join(markers, s.file.replace(/\.js$/, '.marker'));
      const rssBefore = process.memoryUsage().rss;

      let outcome: RulesOutcome | ActionsOutcome;
      if (s.scenario === 'cross-tenant') {
        expect(await runRule(`${tenant}-a`, s.source, { PHASE: 'write', MARKER: marker })).toMatchObject({ ok: true });
        const other = await runRule(`${tenant}-b`, s.source, { PHASE: 'read', MARKER: marker });
        expect(other, 'tenant B must not see tenant A’s global').toMatchObject({ ok: true, user: { seen: null } });
        // Control: tenant A does see its own global again.
        expect(await runRule(`${tenant}-a`, s.source, { PHASE: 'read', MARKER: marker })).toMatchObject({ ok: true, user: { seen: 'secret-of-tenant-a' } });
        outcome = other;
      } else {
        outcome = s.kind === 'rule' ? await runRule(tenant, s.source, { MARKER: marker }) : await runAction(tenant, s.source, marker);
      }

      const kind = outcome.ok ? 'ok' : outcome.failure;
      expect(s.expect, `outcome ${JSON.stringify(outcome).slice(0, 600)}`).toContain(kind);
      if (outcome.ok) {
        if ('user' in outcome) expect(outcome.user['escaped'], 'the snippet reported an escape').toBeUndefined();
        if ('commands' in outcome) expect(outcome.commands.filter((c) => 'name' in c && c.name === 'escaped')).toEqual([]);
      } else {
        expect(outcome.reason.length).toBeGreaterThan(0);
        // A failure while the script runs names it (even a kill by the host); an oversized final output is the
        // pipeline's (as is running out of memory while serialising it) and names none.
        const named = 'rule' in outcome ? outcome.rule : 'action' in outcome ? outcome.action : undefined;
        if (named !== undefined || !['output', 'memory'].includes(outcome.failure)) expect(named).toBe('escape');
      }
      await EXTRA[s.file]?.(outcome);

      expectHostUntouched();
      expect(existsSync(marker)).toBe(false);
      // The host holds no copy of a bomb: its RSS moves by far less than any payload.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1_048_576);
      // A login afterwards works, for this tenant and for a fresh one.
      await normalLogin(tenant);
      await normalLogin(`${tenant}-after`);
    });
  }
});

describe('after the whole corpus', () => {
  it('the host is untouched and its memory bounded; the child is bounded too', async () => {
    expectHostUntouched();
    expect(process.memoryUsage().rss - rssAtStart).toBeLessThan(128 * 1_048_576);
    await normalLogin('after-all');
    const child = sandbox.stats().processes[0];
    expect(child?.rssBytes).toBeLessThan(512 * 1_048_576);
    expect(sandbox.stats().recycled).toBeGreaterThan(5);
  });
});
