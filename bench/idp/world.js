// The IdP benchmark's world: a whole Tessera started through the real composition root (dist/main.js:
// file SQLite store in a temporary directory, sealer, sandbox pool, tenant and signing key), jane,
// the AWS Console application with the classic add-on settings (reference/auth0.md §1.1), the seed
// guide's rule verbatim (optional), and an authenticated SSO session — plus the proof every case runs
// before it is timed: the issued response verifies and carries exactly the four attributes of §1.3.
// Also the timing helper for operations that await (each case keeps `concurrency` logins in flight).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from '../lib/harness.js';

const DIST = new URL('../../dist/', import.meta.url);
const SEED_GUIDE = new URL('../../../shared/seed/000_c7d7427b45b224d5.txt', import.meta.url);

export const ACS = 'https://signin.aws.amazon.com/saml';
export const CLASSIC_SETTINGS = {
  audience: ACS,
  mappings: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name' },
  createUpnClaim: false,
  passthroughClaimsWithNoMapping: false,
  mapUnknownClaimsAsIs: false,
  mapIdentities: false,
  nameIdentifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  nameIdentifierProbes: ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'],
};
export const SEED_ATTRIBUTES = [
  'https://aws.amazon.com/SAML/Attributes/Role',
  'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
  'https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter',
  'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project',
];

/** The seed's rule, verbatim from the guide's ```js block (as test/sandbox/support.ts reads it). */
export function seedRule() {
  const m = /```js\n(function\(user, context, callback\) \{[\s\S]*?\n\})\n```/.exec(readFileSync(SEED_GUIDE, 'utf8'));
  if (m === null) throw new Error('the seed guide has no rule block');
  return m[1];
}

export async function dist(path) {
  return import(new URL(path, DIST));
}

/**
 * A running Tessera with the seed world. `rules: false` leaves the tenant without rules (the
 * pipeline then never calls the sandbox). Close it with `world.close()`.
 */
export async function world({ rules = true } = {}) {
  const { startTessera } = await dist('main.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-idp-'));
  const tessera = await startTessera({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    environment: { TESSERA_ADMIN_ACCESS_KEY_ID: 'AKIABENCHIDPADMIN001', TESSERA_ADMIN_SECRET_ACCESS_KEY: 'bench/idp/admin-secret-0000000000000000' },
    log: () => {},
  });
  const idp = tessera.idp;
  const user = await idp.admin.createUser({ email: 'jane@example.com', password: 'bench password for jane', name: 'Jane Doe' });
  const app = await idp.admin.createApplication({ name: 'AWS Console', callbacks: [ACS], addons: { samlp: CLASSIC_SETTINGS } });
  if (rules) await idp.admin.createRule({ name: 'AWS Session Tags', script: seedRule(), order: 1 });
  const { cookie, live } = await idp.sessions.create(user, undefined, app.clientId);
  const input = { app, live, tx: {}, request: { ip: '127.0.0.1', hostname: '127.0.0.1', method: 'GET', query: {} }, sso: true };
  const { verifySamlResponse } = await dist('saml/verify.js');
  const key = await idp.keys.current();
  const verifyOptions = { idp: { entityId: idp.issuer, certificates: [key.certificatePem] }, now: Date.now() };
  return {
    tessera,
    idp,
    app,
    user,
    cookie,
    input,
    key,
    /** One login through the pipeline (the SSO path after the session lookup). */
    login: () => idp.pipeline.issue(input),
    verify: (samlResponse) => verifySamlResponse(samlResponse, verifyOptions),
    async close() {
      await tessera.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a timed case must produce: a verified response with the four seed attributes (or, without rules, the add-on's two). */
export function proveIssued(w, outcome, { rules = true } = {}) {
  if (!outcome.ok) throw new Error(`the login failed: ${outcome.publicMessage}`);
  const verified = w.verify(outcome.samlResponse);
  const names = verified.attributes.map((a) => a.name);
  const expected = rules ? SEED_ATTRIBUTES : ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];
  if (JSON.stringify(names) !== JSON.stringify(expected)) throw new Error(`unexpected attributes: ${names.join(', ')}`);
  return `the issued response passes our verifier with exactly ${expected.length} attributes (${rules ? 'auth0.md §1.3' : 'the add-on mappings'})`;
}

/**
 * Throughput of an awaited operation with `concurrency` operations in flight (an SSO login waits on
 * the sandbox child; the host signs other logins meanwhile). Warm-up, then `rounds` rounds of twice
 * the preset's round length; `check(result)` throws on a wrong result. Median of the rounds.
 */
export async function concurrentThroughput(op, preset, concurrency, check) {
  const runFor = async (ms) => {
    let n = 0;
    const t0 = performance.now();
    const end = t0 + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          check(await op());
          n++;
        }
      }),
    );
    return (n * 1000) / (performance.now() - t0);
  };
  await runFor(preset.warmupMs);
  const perSecond = [];
  for (let r = 0; r < preset.rounds; r++) perSecond.push(await runFor(preset.roundMs * 2));
  const med = median(perSecond);
  return {
    perSecond: med,
    perRound: perSecond.map(Math.round),
    rounds: preset.rounds,
    concurrency,
    min: Math.min(...perSecond),
    max: Math.max(...perSecond),
    spread: (Math.max(...perSecond) - Math.min(...perSecond)) / med,
  };
}
