// Benchmark module `idp`: logins per second with the SSO session already authenticated — the seed's
// rule in the sandbox, the assertion built and signed, the tenant log written — which DESIGN §5
// budgets at ≥ 1,500/s ("IdP SAML issuance (rules + sign), session already authenticated"), beside a
// baseline measured in the same worker: building and signing the same response alone (the ceiling of
// any issuance). The sandbox's cost per login is the difference between the pipeline with the seed's
// rule and without any rule (no sandbox call), each with 8 logins in flight; the sandbox's own
// round-trip rate and the HTTP path (GET /samlp/{clientId} with the session cookie, keep-alive) are
// shown for information. Every case runs in its own worker (lib/isolate.js) against a fresh Tessera
// started through the real composition root (file SQLite, sandbox pool), and first proves its output.

import { sign as rsaSign } from 'node:crypto';
import { request as httpRequest, Agent } from 'node:http';
import { inWorker } from './lib/isolate.js';
import { errorRow, formatNumber, PRESETS, row, throughput } from './lib/harness.js';
import { concurrentThroughput, dist, proveIssued, seedRule, world } from './idp/world.js';

/** Logins kept in flight: the host signs while the sandbox child runs another login's rules. */
const CONCURRENCY = 8;

const OP = {
  pipeline:
    'one op = one SSO login through LoginPipeline.issue: the stored application, rules, rules configuration, ' +
    'Actions and signing key read from the file SQLite store; the seed guide\'s rule run verbatim in the sandbox ' +
    '(child process, isolated-vm isolate: user and context in, user and samlConfiguration out as checked JSON); ' +
    'precedence and assertionSpec (src/idp/saml); buildResponse signed rsa-sha256 with the tenant key; base64; the ' +
    `tenant log entry queued (batched commits). ${CONCURRENCY} logins in flight; value = logins/s, baseline = the ` +
    'same response built and signed alone (buildResponse + encodePostBinding, the tenant KeyObject), ratio = value ÷ baseline',
  noRules:
    `the same op with no rule in the tenant (the sandbox is never called), ${CONCURRENCY} in flight; value = logins/s, ` +
    'baseline = the pipeline with the seed rule (row 1) measured in its own worker; ratio = no-rules ÷ with-rule',
  sandbox:
    `one op = sandbox.runRules(the seed rule, the pipeline's user and context) alone, ${CONCURRENCY} in flight; ` +
    'value = runs/s; no budget',
  http:
    `one op = GET /samlp/{clientId} with the session cookie over loopback HTTP/1.1 keep-alive (${CONCURRENCY} sockets): ` +
    'routing, session lookup, the pipeline above, the auto-post form page; client and server in one worker; no budget',
};

function checkOk(outcome) {
  if (!outcome.ok) throw new Error(`a login failed: ${outcome.publicMessage}`);
}

// ---- cases (each runs in its own worker) ----

export async function pipelineWithRule({ preset }) {
  const w = await world({ rules: true });
  try {
    const proof = proveIssued(w, await w.login());
    const tp = await concurrentThroughput(w.login, preset, CONCURRENCY, checkOk);
    // Baseline: the same response built and signed alone, in this worker, right after.
    const { buildResponse, encodePostBinding } = await dist('saml/response.js');
    const sample = await w.login();
    const spec = {
      issuer: w.idp.issuer,
      destination: 'https://signin.aws.amazon.com/saml',
      recipient: 'https://signin.aws.amazon.com/saml',
      audiences: ['https://signin.aws.amazon.com/saml'],
      nameId: { value: w.user.userId, format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' },
      attributes: Object.fromEntries(w.verify(sample.samlResponse).attributes.map((a) => [a.name, a.values[0]])),
      now: Date.now(),
    };
    const signing = { privateKey: w.key.privateKey, certificate: w.key.certificatePem };
    const length = encodePostBinding(buildResponse(spec, signing)).length;
    const sign = throughput(
      (n) => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += encodePostBinding(buildResponse(spec, signing)).length;
        return sum;
      },
      preset,
      (n, sum) => (sum === n * length ? undefined : `expected ${n} × ${length} characters, got ${sum}`),
    );
    // RSA-2048 alone (DESIGN §5 quotes "about 4,700/s" for the machine its budget was set on).
    const payload = Buffer.from(buildResponse(spec, signing), 'utf8');
    const rsa = throughput(
      (n) => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += rsaSign('sha256', payload, w.key.privateKey).length;
        return sum;
      },
      preset,
      (n, sum) => (sum === n * 256 ? undefined : `expected ${n} × 256 signature bytes, got ${sum}`),
    );
    return { throughput: tp, sign, rsa, proof, sandbox: w.idp.sandbox.stats() };
  } finally {
    await w.close();
  }
}

export async function pipelineNoRules({ preset }) {
  const w = await world({ rules: false });
  try {
    const proof = proveIssued(w, await w.login(), { rules: false });
    const tp = await concurrentThroughput(w.login, preset, CONCURRENCY, checkOk);
    return { throughput: tp, proof, spawned: w.idp.sandbox.stats().spawned };
  } finally {
    await w.close();
  }
}

export async function sandboxAlone({ preset }) {
  const w = await world({ rules: true });
  try {
    const user = { user_id: w.user.userId, email: w.user.email, email_verified: false, name: w.user.name, nickname: w.user.nickname, picture: w.user.picture, identities: [{ user_id: w.user.userId.slice(6), provider: 'auth0', connection: 'Username-Password-Authentication', isSocial: false }], user_metadata: {}, created_at: w.user.createDate.toISOString(), updated_at: w.user.updateDate.toISOString() };
    const context = { tenant: 'default', clientID: w.app.clientId, clientName: w.app.name, protocol: 'samlp', samlConfiguration: {}, connection: 'Username-Password-Authentication', stats: { loginsCount: 0 }, request: { ip: '127.0.0.1', query: {}, body: {} } };
    const run = { tenant: 'bench', rules: [{ id: 'rul_bench', name: 'AWS Session Tags', script: seedRule() }], user, context, configuration: {} };
    const once = () => w.idp.sandbox.runRules(run);
    const first = await once();
    if (!first.ok || first.user.CostCenter !== 'marketing') throw new Error('the seed rule did not run');
    const tp = await concurrentThroughput(once, preset, CONCURRENCY, (o) => {
      if (!o.ok) throw new Error(`runRules failed: ${o.reason}`);
    });
    const serial = await concurrentThroughput(once, preset, 1, (o) => {
      if (!o.ok) throw new Error(`runRules failed: ${o.reason}`);
    });
    return { throughput: tp, serial };
  } finally {
    await w.close();
  }
}

export async function httpSso({ preset }) {
  const w = await world({ rules: true });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const url = new URL(`/samlp/${w.app.clientId}`, w.tessera.url);
    const get = () =>
      new Promise((resolve, reject) => {
        const req = httpRequest(url, { agent, headers: { cookie: `tessera_session=${w.cookie}` } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const first = await get();
    const value = /name="SAMLResponse" value="([^"]+)"/.exec(first.body)?.[1];
    if (first.status !== 200 || value === undefined) throw new Error(`GET /samlp answered ${first.status} without a form`);
    const proof = proveIssued(w, { ok: true, samlResponse: value });
    const tp = await concurrentThroughput(get, preset, CONCURRENCY, (r) => {
      if (r.status !== 200) throw new Error(`GET /samlp answered ${r.status}`);
    });
    return { throughput: tp, proof, bodyBytes: first.body.length };
  } finally {
    agent.destroy();
    await w.close();
  }
}

// ---- the module ----

const MODULE = import.meta.url;

export async function run({ quick = false } = {}) {
  const preset = quick ? PRESETS.quick : PRESETS.full;
  const attempt = async (name) => {
    try {
      return { ok: true, value: await inWorker(MODULE, name, { preset }) };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  };
  const roundsNote = (tp) => `${tp.rounds} rounds, ${tp.concurrency ?? 1} in flight, spread ${(tp.spread * 100).toFixed(1)} %`;
  const us = (perSecond) => `${(1e6 / perSecond).toFixed(0)} µs`;

  const withRule = await attempt('pipelineWithRule');
  const noRules = await attempt('pipelineNoRules');
  const sandbox = await attempt('sandboxAlone');
  const http = await attempt('httpSso');
  const rows = [];

  const title1 = 'idp: SSO login, seed rule + sign (pipeline)';
  if (withRule.ok) {
    const v = withRule.value;
    const rate = v.throughput.perSecond;
    rows.push(
      row({
        name: title1,
        op: OP.pipeline,
        unit: 'logins/s',
        value: rate,
        baseline: v.sign.perSecond,
        budget: { min: 1500 },
        notes: [
          v.proof,
          roundsNote(v.throughput),
          `${us(rate)} per login on average; building + signing alone ${formatNumber(v.sign.perSecond)}/s (${us(v.sign.perSecond)})`,
          'DESIGN §5: IdP SAML issuance (rules + sign), session already authenticated, ≥ 1,500/s on one core (host process; ' +
            'the rules run in the sandbox child process beside it)',
          `RSA-2048 crypto.sign alone here: ${formatNumber(v.rsa.perSecond)}/s; DESIGN sets 1,500/s where it runs "about 4,700/s", ` +
            `i.e. ${((1500 / 4700) * 100).toFixed(0)} % of raw RSA; this run reached ${((rate / v.rsa.perSecond) * 100).toFixed(0)} % of raw RSA ` +
            `(the budget scaled to this machine's RSA would be ${formatNumber((1500 / 4700) * v.rsa.perSecond)}/s: information, the row is judged on the absolute figure)`,
        ],
        stats: v,
      }),
    );
  } else rows.push(errorRow({ name: title1, op: OP.pipeline, unit: 'logins/s', error: withRule.error }));

  const title2 = 'idp: SSO login, no rules (no sandbox call)';
  if (noRules.ok) {
    const v = noRules.value;
    const rate = v.throughput.perSecond;
    const notes = [v.proof, roundsNote(v.throughput), `sandbox children spawned: ${v.spawned} (none: no rule, no call)`];
    if (withRule.ok) {
      const cost = 1e6 / withRule.value.throughput.perSecond - 1e6 / rate;
      notes.push(`the sandbox's cost per login (seed rule) = 1/with-rule − 1/no-rules = ${cost.toFixed(0)} µs of wall time per login at ${CONCURRENCY} in flight`);
    }
    rows.push(
      row({
        name: title2,
        op: OP.noRules,
        unit: 'logins/s',
        value: rate,
        baseline: withRule.ok ? withRule.value.throughput.perSecond : null,
        notes,
        stats: v,
      }),
    );
  } else rows.push(errorRow({ name: title2, op: OP.noRules, unit: 'logins/s', error: noRules.error }));

  const title3 = 'idp: sandbox runRules (seed rule) alone';
  if (sandbox.ok) {
    const v = sandbox.value;
    rows.push(
      row({
        name: title3,
        op: OP.sandbox,
        unit: 'runs/s',
        value: v.throughput.perSecond,
        notes: [roundsNote(v.throughput), `one at a time: ${formatNumber(v.serial.perSecond)}/s (${us(v.serial.perSecond)} per round trip: frames, child, isolate, checks)`],
        stats: v,
      }),
    );
  } else rows.push(errorRow({ name: title3, op: OP.sandbox, unit: 'runs/s', error: sandbox.error }));

  const title4 = 'idp: GET /samlp/{clientId} over HTTP (SSO, seed rule)';
  if (http.ok) {
    const v = http.value;
    rows.push(
      row({
        name: title4,
        op: OP.http,
        unit: 'logins/s',
        value: v.throughput.perSecond,
        baseline: withRule.ok ? withRule.value.throughput.perSecond : null,
        notes: [v.proof, roundsNote(v.throughput), `answer: the auto-post form page, ${formatNumber(v.bodyBytes)} bytes; ratio = HTTP ÷ pipeline alone (row 1)`],
        stats: v,
      }),
    );
  } else rows.push(errorRow({ name: title4, op: OP.http, unit: 'logins/s', error: http.error }));
  return rows;
}
