// The end of every login: runs the pipeline for an authenticated session and turns its outcome into
// the page the browser gets — the auto-posting form to the ACS (auth0.md §5.4, its CSP hash) on
// success, the access-denied page with the SAML error Response on a denial or failure. Shared by the
// SSO endpoint (session reused) and the login form (fresh session).

import type { IncomingMessage } from 'node:http';
import type { Idp, LiveSession, LoginTransaction, RequestFacts } from '../../idp/index.js';
import { autoPostForm } from '../../saml/bindings.js';
import type { Application } from '../../store/index.js';
import { clientIp, PAGE_HEADERS, type Answer } from './http.js';
import { deniedPage } from './pages.js';

export function requestFacts(req: IncomingMessage, idp: Idp, query: Readonly<Record<string, string>>): RequestFacts {
  const userAgent = req.headers['user-agent'];
  const language = req.headers['accept-language']?.split(',')[0]?.split(';')[0]?.trim();
  return {
    ip: clientIp(req),
    ...(userAgent === undefined ? {} : { userAgent: userAgent.slice(0, 512) }),
    hostname: new URL(idp.urls.origin).hostname,
    method: req.method ?? 'GET',
    query,
    ...(language === undefined || language === '' ? {} : { language: language.slice(0, 35) }),
  };
}

export async function deliver(
  idp: Idp,
  req: IncomingMessage,
  app: Application,
  live: LiveSession,
  tx: LoginTransaction,
  sso: boolean,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): Promise<Answer> {
  const outcome = await idp.pipeline.issue({ app, live, tx, request: requestFacts(req, idp, tx.query), sso });
  if (outcome.ok) {
    const form = autoPostForm({ action: outcome.postUrl, fields: { SAMLResponse: outcome.samlResponse, RelayState: outcome.relayState } });
    // The form's own CSP (one script, by hash) replaces the pages' one; the other headers stay.
    return { status: 200, headers: { ...PAGE_HEADERS, ...form.headers, ...headers }, body: form.body };
  }
  return deniedPage({
    clientName: app.name,
    message: outcome.publicMessage,
    ...(outcome.errorResponse === undefined
      ? {}
      : { delivery: { action: outcome.errorResponse.postUrl, samlResponse: outcome.errorResponse.samlResponse, relayState: outcome.errorResponse.relayState } }),
    headers,
  });
}
