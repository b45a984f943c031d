// A small HTTP/1.1 load generator for the HTTP benchmark rows (bench/ec2.js, bench/sts.js), run in
// its OWN process so the server under test never shares an event loop with the client. The parent
// calls `load(...)`: it forks this file, hands it pre-serialised requests (already SigV4-signed: the
// signature is computed once, before timing, as `wrk` with a Lua script of pre-signed requests would),
// and gets back requests/s and latency quantiles.
//
// The client is deliberately cheap: `connections` keep-alive TCP sockets (node:net), one request in
// flight per socket (no pipelining), each answer read by Content-Length only (the servers measured
// all send it; a chunked answer is counted as an error). That keeps the client's own cost per request
// low, so a fast server is less likely to be measured at the client's speed — on a 2-core machine
// the client still takes one core, which caps the hello-world baseline (see docs/performance.md).

import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signRequest } from '../../dist/sigv4/index.js';

const SELF = fileURLToPath(import.meta.url);

/** Serialises one request to bytes (Host and Content-Length set here; other headers as given). */
export function serialise(target, request) {
  const body = Buffer.from(request.body ?? '', 'utf8');
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${target.host}\r\n`;
  for (const [k, v] of request.headers ?? []) {
    const lk = k.toLowerCase();
    if (lk === 'host' || lk === 'content-length' || lk === 'connection') continue;
    head += `${k}: ${v}\r\n`;
  }
  head += `content-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]).toString('base64');
}

/**
 * Runs the load in a child process. `requests`: base64 of serialised requests (see `serialise`),
 * cycled per connection (connection c starts at request c). Resolves with
 * `{ requests, seconds, perSecond, p50Ms, p90Ms, p99Ms, statuses, errors, sampleBody }`.
 */
export function load({ port, host = '127.0.0.1', requests, connections = 32, warmupMs = 1000, durationMs = 5000, expectStatus = 200 }) {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), warmupMs + durationMs + 30_000);
    let done = false;
    child.on('message', (m) => {
      done = true;
      clearTimeout(timer);
      child.disconnect();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!done) reject(new Error(`load generator exited (${code ?? signal}) without a result`));
    });
    child.send({ port, host, requests, connections, warmupMs, durationMs, expectStatus });
  });
}

// ---- child servers: `tessera up` on a temporary data directory, a bare node:http hello world, moto's
// server (if the image's Python has it). Each runs in its own process with a hard lifetime; `stop()`
// ends exactly that process (its ChildProcess). ----
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ADMIN = { accessKeyId: 'AKIABENCHADMINKEY001', secretAccessKey: 'bench/admin+secret/for-benchmarks-only-00' };
export const REGION = 'us-east-1';
const VERSIONS = { iam: '2010-05-08', sts: '2011-06-15', ec2: '2016-11-15' };

function cleanEnv(extra = {}) {
  const out = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('TESSERA_')) out[k] = v;
  return { ...out, ...extra };
}

function supervise(child, lifetimeMs) {
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c) => (err += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), lifetimeMs);
  timer.unref();
  const exited = new Promise((done) => child.once('exit', (code, signal) => { clearTimeout(timer); done({ code, signal }); }));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
  };
  return { out: () => out, err: () => err, exited, stop };
}

function waitFor(w, pattern, timeoutMs, what) {
  return new Promise((ok, fail) => {
    const t0 = Date.now();
    const tick = () => {
      const m = pattern.exec(w.out() + w.err());
      if (m) return ok(m);
      if (Date.now() - t0 > timeoutMs) return fail(new Error(`${what} not ready in ${timeoutMs} ms: ${(w.out() + w.err()).slice(-500)}`));
      setTimeout(tick, 20);
    };
    void w.exited.then((e) => fail(new Error(`${what} exited (${e.code ?? e.signal}): ${(w.out() + w.err()).slice(-500)}`)));
    tick();
  });
}

/** `node bin/tessera.js up --port 0 --data TMP --scenario none` with the bench admin key. */
export async function startTessera({ lifetimeMs = 300_000, nodeArgs = [], args = [], env = {} } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const child = spawn(process.execPath, [...nodeArgs, join(REPO_ROOT, 'bin', 'tessera.js'), 'up', '--port', '0', '--data', dataDir, '--scenario', 'none', ...args], {
    cwd: REPO_ROOT,
    env: cleanEnv({ TESSERA_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, TESSERA_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w = supervise(child, lifetimeMs);
  const m = await waitFor(w, / ready in (\d+) ms on (http:\/\/\S+)/, 20_000, 'tessera up');
  const url = new URL(m[2]);
  return {
    url: m[2], host: url.host, port: Number(url.port), readyMs: Number(m[1]), pid: child.pid,
    stop: async () => { await w.stop(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

const HELLO = `
const http = require('node:http');
const body = Buffer.from('hello world');
const s = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }); res.end(body); });
});
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log('listening ' + s.address().port));
`;

/** The baseline: a bare node:http hello world (reads the body, answers 11 bytes). */
export async function startHello({ lifetimeMs = 300_000 } = {}) {
  const child = spawn(process.execPath, ['-e', HELLO], { stdio: ['ignore', 'pipe', 'pipe'] });
  const w = supervise(child, lifetimeMs);
  const m = await waitFor(w, /listening (\d+)/, 10_000, 'hello world');
  return { port: Number(m[1]), host: `127.0.0.1:${m[1]}`, pid: child.pid, stop: w.stop };
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

/** moto's server (`python3 -m moto.server`), or throws if it does not start. */
export async function startMoto({ lifetimeMs = 300_000 } = {}) {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() });
  const spawnError = new Promise((_, fail) => child.once('error', fail));
  const w = supervise(child, lifetimeMs);
  await Promise.race([waitFor(w, /Running on|CTRL\+C/, 20_000, 'moto'), spawnError]);
  let version = 'unknown';
  const v = spawn('python3', ['-c', 'import moto; print(moto.__version__)'], { stdio: ['ignore', 'pipe', 'ignore'] });
  v.stdout.setEncoding('utf8').on('data', (d) => (version = d.trim()));
  await new Promise((r) => v.once('exit', r));
  return { port, host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}`, pid: child.pid, version, stop: w.stop };
}

/** A signed form POST to `/` (the request object: method, path, headers, body). */
export function signedForm(host, service, action, params = [], credentials = ADMIN, now = new Date()) {
  const form = new URLSearchParams();
  form.append('Action', action);
  form.append('Version', VERSIONS[service]);
  for (const [k, v] of Array.isArray(params) ? params : Object.entries(params)) form.append(k, v);
  const request = {
    method: 'POST',
    path: '/',
    headers: [['host', host], ['content-type', 'application/x-www-form-urlencoded; charset=utf-8']],
    body: form.toString(),
  };
  return signRequest(request, credentials, { region: REGION, service, now });
}

/** Sends a request object with fetch; resolves `{ status, body }`. */
export async function send(baseUrl, request) {
  const headers = new Headers();
  for (const [k, v] of request.headers) if (k !== 'host' && k !== 'content-length') headers.append(k, v);
  const res = await fetch(new URL(request.path, baseUrl), { method: request.method, headers, body: request.body });
  return { status: res.status, body: await res.text() };
}

// ---- the child ----

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const HEADER_END = Buffer.from('\r\n\r\n');

async function child({ port, host, requests, connections, warmupMs, durationMs, expectStatus }) {
  const bufs = requests.map((b) => Buffer.from(b, 'base64'));
  const expected = Array.isArray(expectStatus) ? expectStatus : [expectStatus];
  const t0 = performance.now();
  const measureFrom = t0 + warmupMs;
  const measureTo = measureFrom + durationMs;
  let latencies = new Float64Array(1 << 20);
  let count = 0;
  const statuses = {};
  let errors = 0;
  let sampleBody = '';
  const record = (ms) => {
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = ms;
  };

  const one = (index) =>
    new Promise((finished, failed) => {
      let next = index % bufs.length;
      let sentAt = 0;
      let stopped = false;
      const connect = () => {
        const socket = net.connect({ port, host, noDelay: true });
        let pending = Buffer.alloc(0);
        let waiting = false;
        let untilClose = null; // head of an answer without Content-Length: its body ends at close
        const complete = (head, bodyStart, bodyEnd) => {
          waiting = false;
          const now = performance.now();
          const status = Number(head.slice(9, 12));
          if (sentAt >= measureFrom && now <= measureTo) {
            record(now - sentAt);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (!expected.includes(status)) errors++;
            if (status !== 200) {
              if (sampleBody === '') sampleBody = pending.toString('utf8', bodyStart, Math.min(bodyEnd, bodyStart + 600));
            }
          }
        };
        const send = () => {
          if (performance.now() >= measureTo) {
            stopped = true;
            socket.end();
            finished();
            return;
          }
          sentAt = performance.now();
          waiting = true;
          socket.write(bufs[next]);
          next = (next + 1) % bufs.length;
        };
        socket.on('connect', send);
        socket.on('error', (e) => {
          if (!stopped) {
            stopped = true;
            failed(e);
          }
        });
        socket.on('close', () => {
          if (stopped) return;
          if (untilClose !== null) complete(untilClose.head, untilClose.start, pending.length);
          else if (waiting) {
            stopped = true;
            failed(new Error('the server closed a connection with a request in flight'));
            return;
          }
          connect(); // a server without keep-alive (HTTP/1.0 style): a new connection per request
        });
        socket.on('data', (chunk) => {
          pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
          if (untilClose !== null) return;
          for (;;) {
            const end = pending.indexOf(HEADER_END);
            if (end < 0) return;
            const head = pending.toString('latin1', 0, end);
            const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
            if (!m) {
              if (/\r\ntransfer-encoding:/i.test(head)) {
                stopped = true;
                failed(new Error(`chunked answer (not supported): ${head.slice(0, 300)}`));
                socket.destroy();
              } else untilClose = { head, start: end + 4 };
              return;
            }
            const total = end + 4 + Number(m[1]);
            if (pending.length < total) return;
            complete(head, end + 4, total);
            pending = pending.subarray(total);
            if (/\r\nconnection:\s*close/i.test(head)) return; // wait for close, then reconnect
            send();
          }
        });
      };
      connect();
    });

  await Promise.all(Array.from({ length: connections }, (_, i) => one(i)));
  const sorted = latencies.subarray(0, count).sort();
  const seconds = durationMs / 1000;
  return {
    requests: count,
    seconds,
    perSecond: count / seconds,
    p50Ms: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    p99Ms: quantile(sorted, 0.99),
    statuses,
    errors,
    sampleBody, // the first answer that was not 200, if any
    connections,
  };
}

if (process.argv[2] === '--child' && process.send) {
  process.once('message', (config) => {
    child(config).then(
      (result) => process.send(result),
      (e) => process.send({ error: e instanceof Error ? e.message : String(e) }),
    );
  });
}
