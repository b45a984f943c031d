// The IdP's routes on the one origin (DESIGN.md §2), as a table: path pattern, methods, handler.
// `handle` answers the paths it owns and returns false for every other one (the server answers 404).
// An unexpected failure is logged with a reference and answered with a plain 500 page that carries
// no detail; every expected bad input is answered by the handlers with its own status.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Idp } from '../../idp/index.js';
import { CERT_ROUTES, certificate, type CertRoute } from './certs.js';
import { cookieNames } from './cookies.js';
import { pathOf, send, type Answer } from './http.js';
import { loginGet, loginPost } from './login.js';
import { logoutV2, slo } from './logout.js';
import { messagePage } from './pages.js';
import { metadata, sso, type IdpContext } from './samlp.js';

export type IdpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

type Method = 'GET' | 'POST';
interface Route {
  readonly pattern: RegExp;
  readonly methods: readonly Method[];
  readonly run: (ctx: IdpContext, req: IncomingMessage, params: readonly string[]) => Promise<Answer>;
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/login$/, methods: ['GET', 'POST'], run: (ctx, req) => (req.method === 'POST' ? loginPost(ctx, req) : loginGet(ctx, req)) },
  { pattern: /^\/samlp\/metadata\/([^/]+)$/, methods: ['GET'], run: (ctx, _req, [clientId]) => metadata(ctx, clientId as string) },
  { pattern: /^\/samlp\/([^/]+)\/logout$/, methods: ['GET', 'POST'], run: (ctx, req, [clientId]) => slo(ctx, req, clientId as string) },
  {
    pattern: /^\/samlp\/([^/]+)$/,
    methods: ['GET', 'POST'],
    run: (ctx, req, [clientId]) => sso(ctx, req, clientId as string, (message) => slo(ctx, req, clientId as string, message)),
  },
  { pattern: /^\/v2\/logout$/, methods: ['GET'], run: (ctx, req) => logoutV2(ctx, req) },
  ...CERT_ROUTES.map((route): Route => ({ pattern: new RegExp(`^${route}$`), methods: ['GET'], run: (ctx) => certificate(ctx, route as CertRoute) })),
];

export function createIdpRouter(idp: Idp): IdpHandler {
  const ctx: IdpContext = { idp, cookies: cookieNames(idp.secure) };
  return async (req, res) => {
    const path = pathOf(req);
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    for (const r of ROUTES) {
      match = r.pattern.exec(path);
      if (match !== null) {
        route = r;
        break;
      }
    }
    if (route === undefined || match === null) return false;
    let answer: Answer;
    try {
      if (!(route.methods as readonly string[]).includes(req.method ?? '')) {
        req.resume();
        answer = messagePage(405, 'Method not allowed', `Use ${route.methods.join(' or ')} here.`, { Allow: route.methods.join(', ') });
      } else {
        let params: string[];
        try {
          params = match.slice(1).map((p) => decodeURIComponent(p));
        } catch {
          params = [];
        }
        answer = params.length === match.length - 1 ? await route.run(ctx, req, params) : messagePage(400, 'Bad request', 'The address is not valid.');
      }
    } catch (e) {
      const ref = randomUUID();
      idp.processLog({ level: 'error', message: 'idp handler failed', ref, path, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      answer = messagePage(500, 'Something went wrong', `The identity provider could not complete this request. Reference: ${ref}.`);
    }
    if (!res.headersSent) send(res, answer);
    return true;
  };
}
