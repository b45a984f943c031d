// Benchmark module `sts`: AssumeRoleWithSAML per second in-process through services/invoke (parse,
// verify, trust, issue), DESIGN §5: ≥ 2,000/s on one core. The control plane is the one the tests
// build (test/support/services.ts), from dist/ only: in-memory SQLite store, a SAML provider whose
// metadata carries a fresh RSA-2048 certificate, a role trusting it. Every call gets its own signed
// assertion (as a real IdP sends), all built before timing.
// moto is not measured here yet: it verifies nothing (no signature, no trust), so a moto row would be
// a floor for XML parsing, not the same work.

import { randomBytes } from 'node:crypto';
import { formatNumber, row } from './lib/harness.js';
import { ManualClock, randomIds } from '../dist/kernel/index.js';
import { createServiceEnv } from '../dist/main.js';
import { memoryAuditSink } from '../dist/services/audit.js';
import { invoke } from '../dist/services/invoke.js';
import { Sealer } from '../dist/services/sealer.js';
import { signRequest } from '../dist/sigv4/index.js';
import { open as openSqliteStore } from '../dist/store/sqlite/index.js';
import { createSigningCredential } from '../dist/saml/keys.js';
import { buildIdpMetadata } from '../dist/saml/metadata.js';
import { AWS_ATTRIBUTE, AWS_AUDIENCE, AWS_SIGNIN_URL, NAMEID_FORMAT } from '../dist/saml/ns.js';
import { buildResponse, encodePostBinding } from '../dist/saml/response.js';

const ACCOUNT = '013823792818';
const ADMIN = { accessKeyId: 'AKIAADMINBENCHKEY001', secretAccessKey: 'admin-secret-for-benchmarks-only-0000000' };
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/auth0SamlProvider`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/AccessByCostCenter`;

async function world() {
  const store = await openSqliteStore({ path: ':memory:' });
  const clock = new ManualClock(new Date());
  const env = await createServiceEnv({
    store, sealer: new Sealer(randomBytes(32)), audit: memoryAuditSink(), accountId: ACCOUNT,
    admin: ADMIN, clock, ids: randomIds, log: () => {},
  });
  const call = (service, action, params, signed = true) => {
    const form = new URLSearchParams({ Action: action, Version: service === 'iam' ? '2010-05-08' : '2011-06-15', ...params });
    let request = {
      method: 'POST', path: '/',
      headers: [['host', '127.0.0.1:4750'], ['content-type', 'application/x-www-form-urlencoded; charset=utf-8']],
      body: form.toString(),
    };
    if (signed) request = signRequest(request, ADMIN, { region: 'us-east-1', service, now: clock.now() });
    return invoke(env, { request, params: new Map(form), transport: { sourceIp: '127.0.0.1', secure: false, userAgent: 'tessera-bench' } });
  };
  const tenant = 'tessera-bench.eu.auth0.com';
  const credential = await createSigningCredential({ host: tenant, notBefore: new Date(Date.now() - 86_400_000) });
  const metadata = buildIdpMetadata({
    entityId: `urn:${tenant}`, signingCertificates: [credential.certificateBase64],
    ssoUrl: `https://${tenant}/samlp/x`, sloUrl: `https://${tenant}/samlp/x/logout`,
  });
  const must = async (p) => { const o = await p; if (!o.ok) throw new Error(`${o.error.code}: ${o.error.message}`); return o; };
  await must(call('iam', 'CreateSAMLProvider', { Name: 'auth0SamlProvider', SAMLMetadataDocument: metadata }));
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'], Condition: { StringEquals: { 'SAML:aud': AWS_SIGNIN_URL } } }] });
  await must(call('iam', 'CreateRole', { RoleName: 'AccessByCostCenter', AssumeRolePolicyDocument: trust }));
  const signing = { privateKey: credential.privateKeyPem, certificate: credential.certificatePem };
  const assertion = () => encodePostBinding(buildResponse({
    issuer: `urn:${tenant}`, destination: AWS_SIGNIN_URL, recipient: AWS_SIGNIN_URL, audiences: [AWS_AUDIENCE],
    nameId: { value: 'jane@example.com', format: NAMEID_FORMAT.emailAddress },
    attributes: {
      [AWS_ATTRIBUTE.role]: `${ROLE_ARN},${PROVIDER_ARN}`,
      [AWS_ATTRIBUTE.roleSessionName]: 'jane@example.com',
      [`${AWS_ATTRIBUTE.principalTagPrefix}CostCenter`]: 'marketing',
      [`${AWS_ATTRIBUTE.principalTagPrefix}Project`]: 'website',
    },
    now: clock.now(),
  }, signing));
  const assume = (SAMLAssertion) => call('sts', 'AssumeRoleWithSAML', { RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion }, false);
  return { assertion, assume, close: () => store.close() };
}

export async function run({ quick = false } = {}) {
  const w = await world();
  try {
    // Proof: the genuine assertion is accepted and issues credentials; the same one again is refused.
    const first = w.assertion();
    const ok = await w.assume(first);
    if (!ok.ok) throw new Error(`AssumeRoleWithSAML refused the genuine assertion: ${ok.error.code}: ${ok.error.message}`);
    if (!JSON.stringify(ok.output).includes('ASIA')) throw new Error(`no temporary credentials in ${JSON.stringify(ok.output).slice(0, 300)}`);
    const again = await w.assume(first);
    const replayNote = again.ok
      ? 'observed: the same assertion a second time was ACCEPTED (no replay check on this path); each timed call still gets a fresh assertion'
      : 'proof: the same assertion a second time is refused (replay)';

    const warm = quick ? 100 : 400;
    const n = quick ? 300 : 3000;
    const t0b = performance.now();
    const assertions = Array.from({ length: warm + n }, () => w.assertion());
    const buildPerSecond = ((warm + n) * 1000) / (performance.now() - t0b);
    let accepted = 0;
    for (let i = 0; i < warm; i++) if ((await w.assume(assertions[i])).ok) accepted++;
    const lat = new Float64Array(n);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      const o = await w.assume(assertions[warm + i]);
      lat[i] = performance.now() - s;
      if (o.ok) accepted++;
    }
    const seconds = (performance.now() - t0) / 1000;
    if (accepted !== warm + n) throw new Error(`${warm + n - accepted} of ${warm + n} fresh assertions were refused`);
    lat.sort();
    const q = (p) => lat[Math.min(n - 1, Math.ceil(p * n) - 1)];
    return [
      row({
        name: 'sts: AssumeRoleWithSAML in-process',
        op:
          'one op = invoke(AssumeRoleWithSAML, unsigned form: RoleArn, PrincipalArn, SAMLAssertion = a fresh Auth0-shaped ' +
          'signed response (RSA-2048, rsa-sha256, exc-c14n; Role, RoleSessionName, 2 PrincipalTag attributes)) → temporary ' +
          'credentials: base64 decode, parse, verify signature against the provider metadata, trust policy ' +
          'evaluation (SAML:aud, sts:TagSession), session issue + store write; in-memory SQLite, one thread',
        unit: 'calls/s',
        value: n / seconds,
        budget: { min: 2000 },
        notes: [
          `${formatNumber(n)} timed calls after ${warm} warm-up calls, sequential awaits; p50 ${(q(0.5) * 1000).toFixed(0)} µs, p99 ${(q(0.99) * 1000).toFixed(0)} µs`,
          'proof: the genuine assertion issues ASIA temporary credentials',
          replayNote,
          `assertions built before timing at ${formatNumber(buildPerSecond)}/s (not part of the op)`,
          'moto not measured beside it: moto\'s AssumeRoleWithSAML verifies nothing (no signature, no trust policy), so it is not the same work',
        ],
      }),
    ];
  } finally {
    await w.close();
  }
}
