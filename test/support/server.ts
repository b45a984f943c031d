// A real Tessera for end-to-end tests: `node bin/tessera.js up` as a child process (the package must be
// built: `npm run build`), its URL read from the first stdout line, stop (SIGTERM) and kill (SIGKILL),
// plus a raw signed-HTTP client and an XML reader for the answers. Every child gets a hard lifetime so
// nothing can hang CI, and the inherited environment is scrubbed of AWS_* and TESSERA_* settings.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser } from '@xmldom/xmldom';
import { signRequest } from '../../src/sigv4/index.js';
import type { SigningCredentials } from '../../src/sigv4/index.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TESSERA_BIN = join(REPO_ROOT, 'bin', 'tessera.js');
export const ACCOUNT_ID = '013823792818';
export const REGION = 'us-east-1';

/** The admin key the e2e suites pass through TESSERA_ADMIN_* (an AKIA id of AWS's shape). */
export const E2E_ADMIN: SigningCredentials = {
  accessKeyId: 'AKIAE2EADMINKEY00001',
  secretAccessKey: 'e2e/admin+secret/for-tests-only-000000000',
};

export const API_VERSIONS = { iam: '2010-05-08', sts: '2011-06-15', ec2: '2016-11-15' } as const;
export type Service = keyof typeof API_VERSIONS;

/** The longest any spawned process may live; a test that forgets it still ends. */
const DEFAULT_LIFETIME_MS = 180_000;

const live = new Set<ChildProcess>();
const temporary = new Set<string>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
  // TESSERA_E2E_KEEP=1 keeps data directories and CLI homes for a post-mortem.
  if (process.env['TESSERA_E2E_KEEP'] !== '1') for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

/** The parent's environment less everything that could leak credentials or settings into a child. */
export function cleanEnv(extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('AWS_') || k.startsWith('TESSERA_')) continue;
    out[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Removes every directory tempDir made so far (call it in afterAll, after stopping the servers). */
export function removeTempDirs(): void {
  if (process.env['TESSERA_E2E_KEEP'] === '1') return;
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
  temporary.clear();
}

/** A fresh temporary directory, removed by removeTempDirs (or when the test process exits). */
export function tempDir(prefix = 'tessera-e2e-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temporary.add(d);
  return d;
}

function assertBuilt(): void {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests (npm test does it via pretest)');
  }
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StartOptions {
  /** Data directory; a fresh temporary one by default. */
  readonly dataDir?: string;
  /** Admin credentials passed as TESSERA_ADMIN_*; `null` passes none (the server generates or reuses one). */
  readonly admin?: SigningCredentials | null;
  /** More environment for the child (undefined removes a variable). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Extra arguments after `up --port 0 --data DIR`. */
  readonly args?: readonly string[];
  readonly readyTimeoutMs?: number;
  readonly lifetimeMs?: number;
  /** Milliseconds to wait after the ready banner before resolving (default 0: up.ts listens for stop signals before it prints). */
  readonly settleMs?: number;
}

export interface RunningTessera {
  readonly url: string;
  readonly host: string;
  readonly dataDir: string;
  /** The admin key the server uses: the one passed in, else the one it printed. */
  readonly admin: SigningCredentials;
  readonly pid: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<Exit>;
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<Exit>;
  /** SIGKILL and wait. */
  kill(): Promise<Exit>;
}

/** The admin key printed by `tessera up` (`aws_access_key_id = …` / `aws_secret_access_key = …`). */
export function printedAdmin(stdout: string): SigningCredentials | undefined {
  const id = /aws_access_key_id = (\S+)/.exec(stdout)?.[1];
  const secret = /aws_secret_access_key = (\S+)/.exec(stdout)?.[1];
  return id === undefined || secret === undefined ? undefined : { accessKeyId: id, secretAccessKey: secret };
}

function watch(child: ChildProcess, lifetimeMs: number): { exited: Promise<Exit>; out: () => string; err: () => string } {
  live.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), lifetimeMs);
  timer.unref();
  const exited = new Promise<Exit>((done) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      // Let the pipes drain before anyone reads the output.
      setImmediate(() => done({ code, signal }));
    });
  });
  return { exited, out: () => out, err: () => err };
}

/** Starts `tessera up --port 0 --data DIR` and resolves when it prints its URL. */
export async function startTessera(options: StartOptions = {}): Promise<RunningTessera> {
  assertBuilt();
  const dataDir = options.dataDir ?? tempDir();
  const admin = options.admin === undefined ? E2E_ADMIN : options.admin;
  const env = cleanEnv({
    ...(admin === null
      ? {}
      : { TESSERA_ADMIN_ACCESS_KEY_ID: admin.accessKeyId, TESSERA_ADMIN_SECRET_ACCESS_KEY: admin.secretAccessKey }),
    ...options.env,
  });
  // An empty world unless the test names a scenario: `tessera up` serves the seed's by default.
  const scenario = options.args?.includes('--scenario') === true ? [] : ['--scenario', 'none'];
  const child = spawn(process.execPath, [TESSERA_BIN, 'up', '--port', '0', '--data', dataDir, ...scenario, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w = watch(child, options.lifetimeMs ?? DEFAULT_LIFETIME_MS);
  const readyTimeout = options.readyTimeoutMs ?? 15_000;
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`tessera up printed no URL within ${readyTimeout} ms\nstdout: ${w.out()}\nstderr: ${w.err()}`));
    }, readyTimeout);
    const check = () => {
      const firstLine = w.out().split('\n')[0] ?? '';
      const m = / ready in \d+ ms on (http:\/\/\S+)/.exec(firstLine);
      if (m && w.out().includes('\n')) {
        clearTimeout(timer);
        ok(m[1] as string);
      }
    };
    child.stdout?.on('data', check);
    void w.exited.then((e) => {
      clearTimeout(timer);
      fail(new Error(`tessera up exited (${e.code ?? e.signal}) before it was ready\nstdout: ${w.out()}\nstderr: ${w.err()}`));
    });
  });
  // The credentials block follows the URL line in the same write; wait until it is complete.
  for (let i = 0; i < 100 && !w.out().includes('Stop with Ctrl-C.'); i++) await new Promise((r) => setTimeout(r, 10));
  const settle = options.settleMs ?? 0;
  if (settle > 0) await new Promise((r) => setTimeout(r, settle));
  const used = admin ?? printedAdmin(w.out());
  if (used === undefined) throw new Error(`tessera up printed no admin credentials:\n${w.out()}`);
  const kill = async (): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return w.exited;
  };
  return {
    url,
    host: new URL(url).host,
    dataDir,
    admin: used,
    pid: child.pid as number,
    stdout: w.out,
    stderr: w.err,
    exited: w.exited,
    kill,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return w.exited;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const e = await w.exited;
      clearTimeout(t);
      return e;
    },
  };
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (SIGKILL after `timeoutMs`), with a scrubbed environment plus `env`. */
export async function run(
  command: string,
  args: readonly string[],
  options: { env?: Readonly<Record<string, string | undefined>>; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  const child = spawn(command, [...args], { cwd: options.cwd ?? REPO_ROOT, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  const w = watch(child, options.timeoutMs ?? 60_000);
  const spawnError = new Promise<never>((_, fail) => child.once('error', fail));
  const e = await Promise.race([w.exited, spawnError]);
  return { code: e.code, signal: e.signal, stdout: w.out(), stderr: w.err() };
}

/** `node bin/tessera.js ARGS` to completion. */
export function runTessera(args: readonly string[], options: { env?: Readonly<Record<string, string | undefined>>; timeoutMs?: number } = {}): Promise<RunResult> {
  assertBuilt();
  return run(process.execPath, [TESSERA_BIN, ...args], { ...options, timeoutMs: options.timeoutMs ?? 20_000 });
}

// --- Raw HTTP ----------------------------------------------------------------------------------------

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

export interface SignedCallOptions {
  /** Who signs; `'unsigned'` sends no signature. Default: the server's admin. */
  readonly credentials?: SigningCredentials | 'unsigned';
  /** Signing scope service (defaults to `service`): a request signed for another service. */
  readonly signingService?: string;
  readonly region?: string;
  /** The signing time (default now). */
  readonly now?: Date;
  /** Rewrites the request after signing (to break the signature). */
  readonly tamper?: (request: { method: string; path: string; headers: [string, string][]; body: string }) => void;
  readonly timeoutMs?: number;
}

/**
 * A form POST to `/` with `Action`, `Version` and `params`, SigV4-signed as the SDKs sign it. `params`
 * may be a list of pairs (a name may repeat, order is kept) or a record.
 */
export async function signedCall(
  server: Pick<RunningTessera, 'url' | 'host' | 'admin'>,
  service: Service,
  action: string | undefined,
  params: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]> = {},
  options: SignedCallOptions = {},
): Promise<HttpResult> {
  const form = new URLSearchParams();
  if (action !== undefined) form.append('Action', action);
  form.append('Version', API_VERSIONS[service]);
  for (const [k, v] of Array.isArray(params) ? params : Object.entries(params)) form.append(k, v);
  const request = {
    method: 'POST',
    path: '/',
    headers: [
      ['host', server.host],
      ['content-type', 'application/x-www-form-urlencoded; charset=utf-8'],
    ] as [string, string][],
    body: form.toString(),
  };
  const credentials = options.credentials ?? server.admin;
  const signed =
    credentials === 'unsigned'
      ? request
      : (signRequest(request, credentials, {
          region: options.region ?? REGION,
          service: options.signingService ?? service,
          now: options.now ?? new Date(),
        }) as typeof request);
  const mutable = { ...signed, headers: signed.headers.map(([k, v]) => [k, v] as [string, string]) };
  options.tamper?.(mutable);
  return rawRequest(server.url, mutable, options.timeoutMs);
}

/** Sends a request as given (headers other than Host and Content-Length are passed through). */
export async function rawRequest(
  url: string,
  request: { method: string; path: string; headers: ReadonlyArray<readonly [string, string]>; body?: string | Uint8Array },
  timeoutMs = 30_000,
): Promise<HttpResult> {
  const headers = new Headers();
  for (const [k, v] of request.headers) if (k.toLowerCase() !== 'host' && k.toLowerCase() !== 'content-length') headers.append(k, v);
  const init: RequestInit = { method: request.method, headers, signal: AbortSignal.timeout(timeoutMs) };
  if (request.body !== undefined && request.method !== 'GET') init.body = request.body as BodyInit;
  const res = await fetch(new URL(request.path, url), init);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

// --- Reading answers ----------------------------------------------------------------------------------

/** A strictly parsed XML document: throws on any well-formedness error. */
export function parseXml(text: string): Document {
  const problems: string[] = [];
  const note = (level: string) => (msg: unknown) => problems.push(`${level}: ${String(msg)}`);
  if (!/^\uFEFF?\s*</.test(text)) problems.push('text before the root element');
  let doc: Document | undefined;
  try {
    doc = new DOMParser({ errorHandler: { warning: note('warning'), error: note('error'), fatalError: note('fatal') }, locator: {} }).parseFromString(
      text,
      'text/xml',
    ) as unknown as Document;
  } catch (e) {
    problems.push(String(e));
  }
  if (problems.length > 0 || doc === undefined || doc.documentElement === null) {
    throw new Error(`not well-formed XML (${problems.join('; ')}):\n${text.slice(0, 500)}`);
  }
  return doc;
}

function elementChildren(parent: Element, name?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1 && (name === undefined || (n as Element).localName === name)) out.push(n as Element);
  }
  return out;
}

/** The text of the element at `path` below `root` (local names), or undefined. */
export function xmlText(root: Element | Document, ...path: string[]): string | undefined {
  let el: Element | null = 'documentElement' in root ? root.documentElement : root;
  for (const step of path) {
    el = el === null ? null : (elementChildren(el, step)[0] ?? null);
  }
  return el === null ? undefined : (el.textContent ?? '');
}

/** Every text of elements named `name` anywhere below `root`. */
export function xmlAll(root: Document | Element, name: string): string[] {
  const list = root.getElementsByTagName(name);
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) out.push(list.item(i)?.textContent ?? '');
  return out;
}

export interface WireError {
  readonly protocol: 'query' | 'ec2';
  readonly code: string;
  readonly message: string;
  readonly type?: string;
  readonly requestId: string;
}

/**
 * Reads an error document of either protocol, checking its structure: awsQuery
 * `<ErrorResponse xmlns><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`, EC2
 * `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>` (aws.md §6.2, §8.1).
 */
export function readWireError(body: string): WireError {
  const doc = parseXml(body);
  const root = doc.documentElement as Element;
  if (root.localName === 'ErrorResponse') {
    const code = xmlText(root, 'Error', 'Code');
    const requestId = xmlText(root, 'RequestId');
    if (code === undefined || code === '' || requestId === undefined || requestId === '') throw new Error(`awsQuery error document without Code or RequestId:\n${body}`);
    const type = xmlText(root, 'Error', 'Type');
    return { protocol: 'query', code, message: xmlText(root, 'Error', 'Message') ?? '', ...(type === undefined ? {} : { type }), requestId };
  }
  if (root.localName === 'Response') {
    const code = xmlText(root, 'Errors', 'Error', 'Code');
    const requestId = xmlText(root, 'RequestID');
    if (code === undefined || code === '' || requestId === undefined || requestId === '') throw new Error(`EC2 error document without Code or RequestID:\n${body}`);
    return { protocol: 'ec2', code, message: xmlText(root, 'Errors', 'Error', 'Message') ?? '', requestId };
  }
  throw new Error(`not an error document (root <${root.tagName}>):\n${body.slice(0, 500)}`);
}

/** The request id header every API answer carries (`x-amzn-RequestId`). */
export function requestIdHeader(result: HttpResult): string | null {
  return result.headers.get('x-amzn-requestid');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
