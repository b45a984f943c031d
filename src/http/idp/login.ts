// `GET|POST /login` — the universal login page (security.md §6). Step table of a POST:
//   same origin (C1) → CSRF token of this pre-session (C1) → the sealed transaction → throttles,
//   then the password against scrypt or a dummy hash (C6, C7; authenticate.ts) → ONE generic error
//   → a NEW session id (C4), cookie `HttpOnly; SameSite=Lax; Path=/` → the pipeline → the auto-post
//   form to the transaction's allow-listed ACS. A GET with a live SSO session skips the form.
// It redirects nowhere but to our own /login (C8): the only destination is the ACS the transaction holds.

import type { IncomingMessage } from 'node:http';
import { isCookieSecret, MAX_LOGIN_BODY_BYTES, newCookieSecret, PRE_SESSION_COOKIE_SECONDS, type LoginTransaction } from '../../idp/index.js';
import type { Application } from '../../store/index.js';
import { clearCookie, readCookies, setCookie } from './cookies.js';
import { checkCsrfToken, issueCsrfToken, sameOrigin } from './csrf.js';
import { deliver } from './deliver.js';
import { clientIp, FormError, paramsOf, rawQueryOf, readForm, single, type Answer } from './http.js';
import { loginPage, messagePage, signedInPage } from './pages.js';
import { findApplication, transactionOf, type IdpContext } from './samlp.js';

/** ONE message for a wrong email and a wrong password (C7), Auth0's wording. */
export const WRONG_CREDENTIALS = 'Wrong email or password.';
const BLOCKED = 'Your account has been blocked. Contact your administrator.';
const EXPIRED_STATE = 'This login link is no longer valid. Go back to the application and start again.';
const EXPIRED_FORM = 'The login form expired or was not sent from this site. Please try again.';

type Headers = Record<string, string | string[]>;

/** The pre-session cookie: the browser's own when it is one of ours, else a new one (set on the answer). */
function preSession(ctx: IdpContext, req: IncomingMessage, headers: Headers): string {
  const existing = readCookies(req).get(ctx.cookies.preSession);
  if (isCookieSecret(existing)) return existing;
  const fresh = newCookieSecret();
  appendCookie(headers, setCookie(ctx.cookies.preSession, fresh, { secure: ctx.idp.secure, maxAgeSeconds: PRE_SESSION_COOKIE_SECONDS }));
  return fresh;
}

function appendCookie(headers: Headers, cookie: string): void {
  const current = headers['Set-Cookie'];
  headers['Set-Cookie'] = current === undefined ? [cookie] : [...(Array.isArray(current) ? current : [current]), cookie];
}

interface FormView {
  readonly status: number;
  readonly app: Application | undefined;
  readonly state: string | undefined;
  readonly email?: string;
  readonly error?: string;
  readonly headers?: Headers;
}

function renderForm(ctx: IdpContext, req: IncomingMessage, view: FormView): Answer {
  const headers: Headers = { ...view.headers };
  const token = issueCsrfToken(ctx.idp, preSession(ctx, req, headers));
  return loginPage({
    status: view.status,
    tenantName: ctx.idp.tenant.friendlyName,
    ...(view.app === undefined ? {} : { clientName: view.app.name }),
    ...(view.state === undefined ? {} : { state: view.state }),
    csrfToken: token,
    ...(view.email === undefined ? {} : { email: view.email }),
    ...(view.error === undefined ? {} : { error: view.error }),
    headers,
  });
}

/** The transaction and its application, or the page that says why not. */
async function transaction(ctx: IdpContext, state: string | undefined): Promise<{ tx: LoginTransaction | undefined; app: Application | undefined } | Answer> {
  if (state === undefined || state === '') return { tx: undefined, app: undefined };
  const tx = transactionOf(ctx, state);
  if (tx === undefined) return messagePage(400, 'Login link expired', EXPIRED_STATE);
  const app = await findApplication(ctx, tx.clientId);
  if (!('clientId' in app)) return app;
  return { tx, app };
}

/** `GET /login[?state=…]`. */
export async function loginGet(ctx: IdpContext, req: IncomingMessage): Promise<Answer> {
  let state: string | undefined;
  try {
    state = single(paramsOf(rawQueryOf(req)), 'state');
  } catch (e) {
    if (e instanceof FormError) return messagePage(400, 'Bad request', EXPIRED_STATE);
    throw e;
  }
  const found = await transaction(ctx, state);
  if (!('tx' in found)) return found;
  const live = await ctx.idp.sessions.resolve(readCookies(req).get(ctx.cookies.session), ctx.idp.tenant.tenantId);
  if (live !== undefined && found.tx !== undefined && found.app !== undefined && !found.tx.forceAuthn) {
    // SSO: the session cookie (SameSite=Lax) was absent on the SP's cross-site POST, present here.
    return deliver(ctx.idp, req, found.app, live, found.tx, true);
  }
  if (live !== undefined && found.tx === undefined) return signedInPage(live.user.email);
  return renderForm(ctx, req, { status: 200, app: found.app, state });
}

/** `POST /login`. */
export async function loginPost(ctx: IdpContext, req: IncomingMessage): Promise<Answer> {
  const { idp } = ctx;
  // C1: refuse a cross-site POST before reading anything it says.
  if (!sameOrigin(req, idp)) {
    req.resume();
    await idp.log.write({ type: 'f', description: 'Login refused: cross-origin form post', ip: clientIp(req), details: { origin: String(req.headers.origin ?? '').slice(0, 256), secFetchSite: String(req.headers['sec-fetch-site'] ?? '') } });
    return messagePage(403, 'Request refused', 'This login form was not sent from this site. Open the login page again and sign in there.');
  }
  let email: string;
  let password: string;
  let token: string | undefined;
  let state: string | undefined;
  try {
    const form = await readForm(req, MAX_LOGIN_BODY_BYTES);
    email = single(form, 'username') ?? single(form, 'email') ?? '';
    password = single(form, 'password') ?? '';
    token = single(form, '_csrf');
    state = single(form, 'state');
  } catch (e) {
    if (e instanceof FormError) return messagePage(e.status, 'Bad request', 'The login form could not be read.');
    throw e;
  }
  const found = await transaction(ctx, state);
  if (!('tx' in found)) return found;
  const cookies = readCookies(req);
  if (!checkCsrfToken(idp, cookies.get(ctx.cookies.preSession), token)) {
    return renderForm(ctx, req, { status: 403, app: found.app, state, email, error: EXPIRED_FORM });
  }

  const outcome = await idp.authenticator.authenticate({
    email,
    password,
    ip: clientIp(req),
    ...(found.app === undefined ? {} : { clientId: found.app.clientId, clientName: found.app.name }),
  });
  if (!outcome.ok) {
    switch (outcome.reason) {
      case 'credentials':
        return renderForm(ctx, req, { status: 401, app: found.app, state, email, error: WRONG_CREDENTIALS, headers: { 'WWW-Authenticate': 'Form realm="Tessera"' } });
      case 'blocked':
        return renderForm(ctx, req, { status: 403, app: found.app, state, email, error: BLOCKED });
      case 'throttled': {
        const wait = outcome.retryAfterSeconds;
        return renderForm(ctx, req, {
          status: 429,
          app: found.app,
          state,
          email,
          error: `Too many login attempts. Try again in ${wait} second${wait === 1 ? '' : 's'}.`,
          headers: { 'Retry-After': String(wait) },
        });
      }
      default: {
        const never: never = outcome;
        throw new Error(`unhandled login outcome ${JSON.stringify(never)}`);
      }
    }
  }

  // C4: a NEW session id at every login; the one the browser brought (if any) is ended.
  const created = await idp.sessions.create(outcome.user, cookies.get(ctx.cookies.session), found.tx?.clientId);
  const headers: Headers = {
    'Set-Cookie': [
      setCookie(ctx.cookies.session, created.cookie, { secure: idp.secure, maxAgeSeconds: idp.sessions.limits.absoluteSeconds }),
      clearCookie(ctx.cookies.preSession, idp.secure),
    ],
  };
  if (found.tx === undefined || found.app === undefined) {
    await idp.log.write({ type: 's', userId: outcome.user.userId, userName: outcome.user.email, ip: clientIp(req), details: { application: null } });
    return signedInPage(outcome.user.email, headers);
  }
  return deliver(idp, req, found.app, created.live, found.tx, false, headers);
}
