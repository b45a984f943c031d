// The one HTTP server (DESIGN.md §2): the AWS Query API at `/`; every other path goes to the mounted
// handler (the IdP, src/http/idp, issue #5; sign-in and console join it, issue #6), else 404.
// Binds where it is told (127.0.0.1 by default).

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError } from '../services/errors.js';
import { invoke } from '../services/invoke.js';
import type { ServiceEnv } from '../services/types.js';
import { answerBytes, earlyError, readParams } from './api.js';
import { NO_TRUSTED_PROXIES, clientIp, clientSecure, rememberClient, resolveClient } from './client-address.js';
import type { TrustedProxies } from './client-address.js';
import type { HttpAnswer, HttpAnswerBytes } from './api.js';

/** security.md V16: IAM's largest parameter (SAMLMetadataDocument) is 10,000,000 characters. */
export const MAX_BODY_BYTES = 12 * 1024 * 1024;

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  /** Load balancers whose X-Forwarded-For / X-Forwarded-Proto are believed (none by default). */
  readonly trustedProxies?: TrustedProxies;
}

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /**
   * Serves every path but `/` through `handler` (it returns false for paths it does not own). Set
   * after listening: the IdP's URLs are built on the bound port.
   */
  mount(handler: PathHandler): void;
  close(): Promise<void>;
}

/** A handler for the non-API paths: answers and resolves true, or resolves false (404). */
export type PathHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, a: HttpAnswer | HttpAnswerBytes): void {
  // One UTF-8 pass: the bytes are both measured and written (byteLength + end(string) made two).
  if (typeof a.body === 'string') {
    const body = Buffer.from(a.body, 'utf8');
    res.writeHead(a.status, { ...a.headers, 'content-length': body.length });
    res.end(body);
    return;
  }
  const chunks = a.body;
  let length = 0;
  for (const c of chunks) length += c.length;
  res.writeHead(a.status, { ...a.headers, 'content-length': length });
  if (chunks.length === 1) {
    res.end(chunks[0]);
    return;
  }
  for (const c of chunks) res.write(c);
  res.end();
}

function rawHeaderPairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}


const HOME = `Tessera: the AWS Query API (IAM 2010-05-08, STS 2011-06-15, EC2 2016-11-15) is served here.
Use it with the AWS CLI or an SDK: aws --endpoint-url <this URL> sts get-caller-identity
`;

export function createApiHandler(env: ServiceEnv, mounted: { handler?: PathHandler } = {}) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const path = target.split('?')[0];
    const method = req.method ?? 'GET';
    if (path !== '/' && mounted.handler !== undefined && (await mounted.handler(req, res))) return;
    if (path !== '/' || (method !== 'POST' && method !== 'GET')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Not found: ${method} ${path ?? ''}\n`);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (e) {
      const requestId = env.ids.requestId();
      if (e instanceof BodyTooLarge) {
        send(res, earlyError('iam', new AwsError('RequestEntityTooLarge', `Request body larger than ${MAX_BODY_BYTES} bytes`, 413), requestId));
      } else res.destroy();
      return;
    }
    if (method === 'GET' && !target.includes('?') && body.length === 0) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(HOME);
      return;
    }
    let params: Map<string, string>;
    try {
      params = readParams(target, req.headers, body);
    } catch (e) {
      const error = e instanceof AwsError ? e : new AwsError('MalformedQueryString', 'The query string is malformed', 400);
      send(res, earlyError('iam', error, env.ids.requestId()));
      return;
    }
    const outcome = await invoke(env, {
      // The raw request-target, never a decoded path (security.md V4); Node exposes it as latin1.
      request: { method, path: Buffer.from(target, 'latin1').toString('utf8'), headers: rawHeaderPairs(req.rawHeaders), body },
      params,
      transport: {
        sourceIp: clientIp(req),
        secure: clientSecure(req),
        ...(req.headers['user-agent'] === undefined ? {} : { userAgent: req.headers['user-agent'] }),
      },
    });
    send(res, answerBytes(outcome));
  };
}

/** A trusted proxy sent an X-Forwarded-For entry that is not an address: 400, in the API's form on `/`. */
function refuseForwarded(env: ServiceEnv, req: IncomingMessage, res: ServerResponse): void {
  const message = 'The X-Forwarded-For header from the load balancer holds an entry that is not an IP address';
  req.resume();
  if ((req.url ?? '/').split('?')[0] === '/') {
    send(res, earlyError('iam', new AwsError('InvalidRequest', message, 400), env.ids.requestId()));
    return;
  }
  res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`Bad request: ${message}.\n`);
}

export function startHttpServer(env: ServiceEnv, options: HttpServerOptions): Promise<RunningServer> {
  const mounted: { handler?: PathHandler } = {};
  const handle = createApiHandler(env, mounted);
  const trusted = options.trustedProxies ?? NO_TRUSTED_PROXIES;
  const server = createServer({ maxHeaderSize: 32 * 1024 }, (req, res) => {
    if (trusted !== NO_TRUSTED_PROXIES) {
      const client = resolveClient(req, trusted);
      if (client === undefined) {
        refuseForwarded(env, req, res);
        return;
      }
      rememberClient(req, client);
    }
    handle(req, res).catch((e: unknown) => {
      env.log({ level: 'error', message: 'http handler failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal error\n');
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        server,
        url: `http://${host}:${addr.port}`,
        mount: (handler) => {
          mounted.handler = handler;
        },
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
