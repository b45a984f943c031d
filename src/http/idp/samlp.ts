// `GET|POST /samlp/{clientId}` — the SSO endpoint (auth0.md §5, §5.1, §5.2) — and
// `GET /samlp/metadata/{clientId}` (§5.3). A step table:
//   application → AuthnRequest (Redirect or POST; signed when the add-on has a signingCert) or
//   IdP-initiated → ACS allow-listed in the callbacks (S44) → IsPassive refused with a SAML error
//   Response → RelayState ≤ 80 bytes → an SSO session reused, or the login page with a sealed state.
// Bad input gets a readable page with its status (400/403/404), never a 500 and never an assertion.

import type { IncomingMessage } from 'node:http';
import { openTransaction, REQUEST_MAX_AGE_SECONDS, REQUEST_SKEW_SECONDS, sealTransaction, type Idp, type LoginTransaction } from '../../idp/index.js';
import { MAX_SAMLP_BODY_BYTES } from '../../idp/index.js';
import { parseAddonSettings, type AddonSettings } from '../../idp/saml/index.js';
import { AuthnRequestError, parseAuthnRequest, type AuthnRequestRejectReason, type VerifiedAuthnRequest } from '../../saml/authn-request.js';
import { autoPostForm, checkRelayState, encodePostBinding, SamlBindingError } from '../../saml/bindings.js';
import { buildIdpMetadata } from '../../saml/metadata.js';
import { STATUS } from '../../saml/ns.js';
import { buildErrorResponse } from '../../saml/response.js';
import type { Application } from '../../store/index.js';
import { readCookies, type CookieNames } from './cookies.js';
import { deliver } from './deliver.js';
import { clientIp, FormError, PAGE_HEADERS, paramsOf, rawQueryOf, readForm, single, type Answer, type Params } from './http.js';
import { messagePage } from './pages.js';

export interface IdpContext {
  readonly idp: Idp;
  readonly cookies: CookieNames;
}

/** Client ids are Auth0's 32 alphanumerics (imports may use up to 64). */
const CLIENT_ID = /^[A-Za-z0-9]{1,64}$/;
/** The SAML parameters that are not copied into `context.request.query`. */
const SAML_PARAMS = new Set(['SAMLRequest', 'SAMLResponse', 'SigAlg', 'Signature']);
const MAX_QUERY_PARAMS = 16;
const MAX_QUERY_VALUE = 256;

/** The application a path names, or the 404 page (unknown client, or not this tenant's). */
export async function findApplication(ctx: IdpContext, clientId: string): Promise<Application | Answer> {
  const app = CLIENT_ID.test(clientId) ? await ctx.idp.admin.getApplication(clientId) : undefined;
  if (app === undefined) return messagePage(404, 'Unknown application', 'There is no application with this client ID. Check the Identity Provider Login URL.');
  if (app.addons.samlp === undefined) return messagePage(404, 'SAML is not enabled', `The application ${app.name} does not have the SAML2 Web App add-on enabled.`);
  return app;
}

/** The add-on settings (validated when saved); undefined when the stored JSON no longer parses. */
export function addonOf(app: Application): AddonSettings | undefined {
  const parsed = parseAddonSettings(app.addons.samlp);
  return parsed.ok ? parsed.settings : undefined;
}

/** HTTP status for a refused AuthnRequest: signature and addressing problems are 403, the rest 400. */
const REQUEST_STATUS: Readonly<Record<AuthnRequestRejectReason, 400 | 403>> = {
  OVERSIZED: 400,
  MALFORMED: 400,
  RELAY_STATE: 400,
  NOT_AUTHN_REQUEST: 400,
  VERSION: 400,
  DESTINATION_MISMATCH: 403,
  STALE: 400,
  FUTURE: 400,
  SIGNATURE_REQUIRED: 403,
  SIGNATURE_INVALID: 403,
  ALGORITHM: 403,
  IS_PASSIVE: 400,
  UNSUPPORTED_BINDING: 400,
};

function sentence(text: string): string {
  return text.length === 0 ? text : `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}.`;
}

/** `context.request.query` (auth0.md §6.4): the request's parameters minus the SAML message, bounded. */
function copiedQuery(params: Params): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, values] of params) {
    if (SAML_PARAMS.has(k) || k === '__proto__' || values[0] === undefined) continue;
    if (++n > MAX_QUERY_PARAMS) break;
    out[k] = values[0].slice(0, MAX_QUERY_VALUE);
  }
  return out;
}

/** The message parameters of the SSO/SLO endpoints, from the query (GET) or the form body (POST). */
export async function samlParams(req: IncomingMessage): Promise<{ binding: 'redirect' | 'post'; params: Params; rawQuery: string }> {
  const rawQuery = rawQueryOf(req);
  if (req.method === 'POST') return { binding: 'post', params: await readForm(req, MAX_SAMLP_BODY_BYTES), rawQuery };
  return { binding: 'redirect', params: paramsOf(rawQuery), rawQuery };
}

/** `GET|POST /samlp/{clientId}`. */
export async function sso(ctx: IdpContext, req: IncomingMessage, clientId: string, logout: (message: { binding: 'redirect' | 'post'; params: Params; rawQuery: string }) => Promise<Answer>): Promise<Answer> {
  const { idp } = ctx;
  const found = await findApplication(ctx, clientId);
  if (!('clientId' in found)) return found;
  const app = found;
  let message: Awaited<ReturnType<typeof samlParams>>;
  let samlRequest: string | undefined;
  try {
    message = await samlParams(req);
    samlRequest = single(message.params, 'SAMLRequest');
    // auth0.md §5: "both login and logout are handled by the same URL".
    if (samlRequest === undefined && single(message.params, 'SAMLResponse') !== undefined) return logout(message);
  } catch (e) {
    if (e instanceof FormError) return messagePage(e.status, 'Bad request', sentence(e.message));
    throw e;
  }
  const addon = addonOf(app);
  const now = idp.clock.now();
  const logFailure = (description: string, details: Record<string, unknown>) =>
    idp.log.write({ type: 'f', description, clientId: app.clientId, clientName: app.name, ip: clientIp(req), details });

  let request: VerifiedAuthnRequest | undefined;
  let relayState: string | undefined;
  if (samlRequest !== undefined) {
    try {
      request = parseAuthnRequest(
        {
          binding: message.binding,
          samlRequest,
          ...(message.binding === 'redirect' ? { rawQuery: message.rawQuery } : { relayState: single(message.params, 'RelayState') }),
        },
        {
          now,
          skewSeconds: REQUEST_SKEW_SECONDS,
          maxAgeSeconds: REQUEST_MAX_AGE_SECONDS,
          expectedDestinations: [idp.urls.sso(app.clientId)],
          signingCertificates: addon?.signingCert === undefined ? undefined : [addon.signingCert],
          // IsPassive is refused below with a SAML error Response to the (allow-listed) ACS.
          allowPassive: true,
        },
      );
    } catch (e) {
      if (e instanceof AuthnRequestError) {
        if (e.reason === 'NOT_AUTHN_REQUEST') return logout(message);
        await logFailure('Invalid SAML request', { reason: e.reason, detail: e.detail });
        return messagePage(REQUEST_STATUS[e.reason], 'Invalid SAML request', `${sentence(e.message)} No one was signed in.`);
      }
      if (e instanceof FormError) return messagePage(e.status, 'Bad request', sentence(e.message));
      throw e;
    }
    relayState = request.relayState;
  } else {
    try {
      relayState = single(message.params, 'RelayState');
      checkRelayState(relayState);
    } catch (e) {
      if (e instanceof SamlBindingError) return messagePage(400, 'Invalid RelayState', 'RelayState is longer than 80 bytes (SAML bindings §3.4.3).');
      if (e instanceof FormError) return messagePage(e.status, 'Bad request', sentence(e.message));
      throw e;
    }
  }

  // S44: an assertion goes only to a URL the application registered (auth0.md §2.3, S-idp step 9).
  const acsUrl = request?.assertionConsumerServiceUrl;
  if (acsUrl !== undefined && !app.callbacks.includes(acsUrl)) {
    await logFailure('Callback URL mismatch', { reason: 'the AssertionConsumerServiceURL is not in the application\'s callbacks', acs: acsUrl.slice(0, 512) });
    return messagePage(403, 'Callback URL mismatch', `The AssertionConsumerServiceURL of this request is not one of the allowed callback URLs of ${app.name}. No one was signed in.`);
  }
  if (app.callbacks[0] === undefined) return messagePage(400, 'No callback URL', `The application ${app.name} has no callback URL to send the SAML response to.`);

  // auth0.md §5.1 / S-enable: IsPassive is not supported — answered with NoPassive, no assertion.
  if (request?.isPassive === true) {
    const key = await idp.keys.current();
    const destination = acsUrl ?? (app.callbacks[0] as string);
    const xml = buildErrorResponse(
      {
        issuer: addon?.issuer === undefined || addon.issuer === '' ? idp.issuer : addon.issuer,
        destination,
        inResponseTo: request.id,
        statusCode: STATUS.responder,
        subStatusCode: STATUS.noPassive,
        statusMessage: 'passive authentication (IsPassive) is not supported',
        now,
      },
      { privateKey: key.privateKey, certificate: key.certificatePem },
    );
    await logFailure('Passive authentication is not supported', { inResponseTo: request.id });
    const form = autoPostForm({ action: destination, fields: { SAMLResponse: encodePostBinding(xml), RelayState: relayState ?? '' } });
    return { status: 200, headers: { ...PAGE_HEADERS, ...form.headers }, body: form.body };
  }

  const tx: Omit<LoginTransaction, 'expiresAt'> = {
    clientId: app.clientId,
    ...(acsUrl === undefined ? {} : { acsUrl }),
    ...(request === undefined ? {} : { inResponseTo: request.id, requestIssuer: request.issuer }),
    ...(relayState === undefined || relayState === '' ? {} : { relayState }),
    forceAuthn: request?.forceAuthn ?? false,
    query: copiedQuery(message.params),
  };

  // An SSO session (SameSite=Lax: present on a top-level GET, absent on a cross-site POST — the
  // login page then finds it, after the redirect below, which is a top-level GET).
  const live = tx.forceAuthn ? undefined : await idp.sessions.resolve(readCookies(req).get(ctx.cookies.session), idp.tenant.tenantId);
  if (live !== undefined) return deliver(idp, req, app, live, { ...tx, expiresAt: 0 }, true);
  const state = sealTransaction(idp.sealer, idp.tenant.tenantId, tx, now);
  return {
    status: req.method === 'POST' ? 303 : 302,
    headers: { Location: `/login?state=${encodeURIComponent(state)}`, 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' },
    body: '',
  };
}

/** `GET /samlp/metadata/{clientId}` (§5.3): the entityID is the add-on's issuer, else the tenant's. */
export async function metadata(ctx: IdpContext, clientId: string): Promise<Answer> {
  const found = await findApplication(ctx, clientId);
  if (!('clientId' in found)) return found;
  const addon = addonOf(found);
  const keys = await ctx.idp.keys.published();
  const xml = buildIdpMetadata({
    entityId: addon?.issuer === undefined || addon.issuer === '' ? ctx.idp.issuer : addon.issuer,
    signingCertificates: keys.map((k) => k.certificatePem),
    ssoUrl: ctx.idp.urls.sso(found.clientId),
    sloUrl: ctx.idp.urls.slo(found.clientId),
  });
  return {
    status: 200,
    headers: { 'Content-Type': 'application/xml; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' },
    body: xml,
  };
}

/** The transaction a login form carries, or undefined (absent, altered or expired). */
export function transactionOf(ctx: IdpContext, state: string | undefined): LoginTransaction | undefined {
  return openTransaction(ctx.idp.sealer, ctx.idp.tenant.tenantId, state, ctx.idp.clock.now());
}
