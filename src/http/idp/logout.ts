// Logout (auth0.md §5.5, S-slo): `GET|POST /samlp/{clientId}/logout` — a LogoutRequest from the
// application (SP-initiated: session ended, LogoutResponse to the add-on's logout callback), the
// application's LogoutResponse to ours, or no message (IdP-initiated: session ended, a LogoutRequest
// to the logout callback when `slo_enabled`) — and Auth0's `GET /v2/logout?returnTo=…`. Sessions end
// server-side. A LogoutRequest ends only the session of the browser that carries it (its cookie): an
// unsigned request naming a user must not log that user out everywhere. Redirects go only to the
// add-on's logout callback, an allowed logout URL of the application, or a same-origin path (C8).

import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { REQUEST_MAX_AGE_SECONDS, REQUEST_SKEW_SECONDS } from '../../idp/index.js';
import { autoPostForm, encodePostBinding, SamlBindingError } from '../../saml/bindings.js';
import { buildLogoutRequest, buildLogoutResponse, encodeRedirectSigned, LogoutMessageError, parseLogoutRequest, parseLogoutResponse, redirectLocation, type LogoutRejectReason } from '../../saml/logout.js';
import { BINDING, NAMEID_FORMAT } from '../../saml/ns.js';
import { clearCookie, readCookies } from './cookies.js';
import { clientIp, FormError, PAGE_HEADERS, paramsOf, rawQueryOf, single, type Answer, type Params } from './http.js';
import { messagePage, signedOutPage } from './pages.js';
import { addonOf, findApplication, samlParams, type IdpContext } from './samlp.js';

const STATUS_OF: Readonly<Record<LogoutRejectReason, 400 | 403>> = {
  OVERSIZED: 400,
  MALFORMED: 400,
  RELAY_STATE: 400,
  NOT_LOGOUT_REQUEST: 400,
  NOT_LOGOUT_RESPONSE: 400,
  VERSION: 400,
  DESTINATION_MISMATCH: 403,
  STALE: 400,
  FUTURE: 400,
  EXPIRED: 400,
  SIGNATURE_REQUIRED: 403,
  SIGNATURE_INVALID: 403,
  ALGORITHM: 403,
  ISSUER_MISMATCH: 403,
  IN_RESPONSE_TO_MISMATCH: 400,
  UNSUPPORTED_NAMEID: 400,
};

type Message = Awaited<ReturnType<typeof samlParams>>;

/** Ends the browser's session; the answer clears its cookie. */
async function endSession(ctx: IdpContext, req: IncomingMessage): Promise<{ readonly ended: boolean; readonly email?: string; readonly userId?: string; readonly headers: Record<string, string> }> {
  const cookie = readCookies(req).get(ctx.cookies.session);
  const live = await ctx.idp.sessions.resolve(cookie, ctx.idp.tenant.tenantId);
  const ended = await ctx.idp.sessions.end(cookie);
  return {
    ended,
    ...(live === undefined ? {} : { email: live.user.email, userId: live.user.userId }),
    headers: { 'Set-Cookie': clearCookie(ctx.cookies.session, ctx.idp.secure) },
  };
}

/** `GET|POST /samlp/{clientId}/logout`; `message` when the SSO URL received a logout message (auth0.md §5). */
export async function slo(ctx: IdpContext, req: IncomingMessage, clientId: string, given?: Message): Promise<Answer> {
  const { idp } = ctx;
  const found = await findApplication(ctx, clientId);
  if (!('clientId' in found)) return found;
  const app = found;
  let message: Message;
  let samlRequest: string | undefined;
  let samlResponse: string | undefined;
  try {
    message = given ?? (await samlParams(req));
    samlRequest = single(message.params, 'SAMLRequest');
    samlResponse = single(message.params, 'SAMLResponse');
  } catch (e) {
    if (e instanceof FormError) return messagePage(e.status, 'Bad request', 'The logout request could not be read.');
    throw e;
  }
  const addon = addonOf(app);
  const callback = addon?.logout?.callback === undefined || addon.logout.callback === '' ? undefined : addon.logout.callback;
  const sloEnabled = addon?.logout?.slo_enabled ?? true;
  const binding = addon?.binding ?? BINDING.post;
  const issuer = addon?.issuer === undefined || addon.issuer === '' ? idp.issuer : addon.issuer;
  const now = idp.clock.now();
  const options = {
    now,
    skewSeconds: REQUEST_SKEW_SECONDS,
    maxAgeSeconds: REQUEST_MAX_AGE_SECONDS,
    expectedDestinations: [idp.urls.slo(app.clientId), idp.urls.sso(app.clientId)],
    signingCertificates: addon?.signingCert === undefined ? undefined : [addon.signingCert],
  };
  // Redirect: every parameter is read from the raw query (the signed octets); POST: from the form.
  const transport = () =>
    message.binding === 'redirect' ? { binding: 'redirect' as const, rawQuery: message.rawQuery } : { binding: 'post' as const, relayState: single(message.params, 'RelayState') };
  const refuse = async (e: LogoutMessageError): Promise<Answer> => {
    await idp.log.write({ type: 'flo', clientId: app.clientId, clientName: app.name, ip: clientIp(req), details: { reason: e.reason, detail: e.detail } });
    return messagePage(STATUS_OF[e.reason], 'Invalid logout request', `${e.message[0]?.toUpperCase() ?? ''}${e.message.slice(1)}.`);
  };

  if (samlRequest !== undefined) {
    let request;
    try {
      request = parseLogoutRequest({ ...transport(), samlRequest }, options);
    } catch (e) {
      if (e instanceof LogoutMessageError) return refuse(e);
      if (e instanceof FormError) return messagePage(e.status, 'Bad request', 'The logout request could not be read.');
      throw e;
    }
    const ended = await endSession(ctx, req);
    await idp.log.write({ type: 'slo', clientId: app.clientId, clientName: app.name, ip: clientIp(req), ...(ended.userId === undefined ? {} : { userId: ended.userId, userName: ended.email ?? '' }), details: { initiator: 'sp', sessionEnded: ended.ended } });
    if (callback === undefined) return signedOutPage(ended.headers);
    const key = await idp.keys.current();
    const spec = { issuer, destination: callback, inResponseTo: request.id, now };
    return send(binding, callback, 'SAMLResponse', (signed) => buildLogoutResponse(spec, signed ? { privateKey: key.privateKey, certificate: key.certificatePem } : undefined), key.privateKey, request.relayState, ended.headers);
  }

  if (samlResponse !== undefined) {
    try {
      parseLogoutResponse({ ...transport(), samlResponse }, options);
    } catch (e) {
      if (e instanceof LogoutMessageError) return refuse(e);
      if (e instanceof FormError) return messagePage(e.status, 'Bad request', 'The logout response could not be read.');
      throw e;
    }
    const ended = await endSession(ctx, req);
    return signedOutPage(ended.headers);
  }

  // IdP-initiated: the session ends here, then the application is told (one callback per client, S-slo).
  const live = await idp.sessions.resolve(readCookies(req).get(ctx.cookies.session), idp.tenant.tenantId);
  const ended = await endSession(ctx, req);
  await idp.log.write({ type: 'slo', clientId: app.clientId, clientName: app.name, ip: clientIp(req), ...(live === undefined ? {} : { userId: live.user.userId, userName: live.user.email }), details: { initiator: 'idp', sessionEnded: ended.ended } });
  if (live === undefined || callback === undefined || !sloEnabled) return signedOutPage(ended.headers);
  const key = await idp.keys.current();
  // The NameID the application saw is not kept with the session: the email, in the add-on's format
  // (the classic settings' probe), is what an SP matching on NameID most likely holds.
  const nameId = { value: live.user.email, format: addon?.nameIdentifierFormat ?? NAMEID_FORMAT.unspecified };
  return send(
    binding,
    callback,
    'SAMLRequest',
    (signed) => buildLogoutRequest({ issuer, destination: callback, nameId, now, reason: 'urn:oasis:names:tc:SAML:2.0:logout:user' }, signed ? { privateKey: key.privateKey, certificate: key.certificatePem } : undefined).xml,
    key.privateKey,
    undefined,
    ended.headers,
  );
}

/** HTTP-POST (auto-post form, enveloped signature) or HTTP-Redirect (query signature) to the logout callback. */
function send(
  binding: string,
  callback: string,
  param: 'SAMLRequest' | 'SAMLResponse',
  build: (signed: boolean) => string,
  privateKey: KeyObject,
  relayState: string | undefined,
  headers: Record<string, string>,
): Answer {
  try {
    if (binding === BINDING.redirect) {
      const encoded = encodeRedirectSigned({ param, xml: build(false), relayState, privateKey, sigAlg: 'rsa-sha256' });
      return { status: 302, headers: { ...headers, Location: redirectLocation(callback, encoded.query), 'Cache-Control': 'no-store' }, body: '' };
    }
    const form = autoPostForm({ action: callback, fields: { [param]: encodePostBinding(build(true)), RelayState: relayState ?? '' } });
    return { status: 200, headers: { ...PAGE_HEADERS, ...form.headers, ...headers }, body: form.body };
  } catch (e) {
    // A logout callback that is not an http(s) URL: the session is over all the same.
    if (e instanceof SamlBindingError) return signedOutPage(headers);
    throw e;
  }
}

/**
 * C8: a same-origin path (`/x`, not `//x`, `/\x`, no control characters), resolved against our origin
 * and still on it; anything else is not a place we send a browser.
 */
export function sameOriginPath(value: string, origin: string): string | undefined {
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f\u007f\\]/.test(value)) return undefined;
  try {
    const url = new URL(value, origin);
    return url.origin === origin ? `${url.pathname}${url.search}` : undefined;
  } catch {
    return undefined;
  }
}

/** Auth0's `GET /v2/logout[?returnTo=…&client_id=…]`. */
export async function logoutV2(ctx: IdpContext, req: IncomingMessage): Promise<Answer> {
  let params: Params;
  let returnTo: string | undefined;
  let clientId: string | undefined;
  try {
    params = paramsOf(rawQueryOf(req));
    returnTo = single(params, 'returnTo');
    clientId = single(params, 'client_id');
  } catch {
    return messagePage(400, 'Bad request', 'The logout request could not be read.');
  }
  const live = await ctx.idp.sessions.resolve(readCookies(req).get(ctx.cookies.session), ctx.idp.tenant.tenantId);
  const ended = await endSession(ctx, req);
  if (live !== undefined) await ctx.idp.log.write({ type: 'slo', userId: live.user.userId, userName: live.user.email, ip: clientIp(req), details: { initiator: 'user' } });
  if (returnTo === undefined || returnTo === '') return signedOutPage(ended.headers);
  let target = sameOriginPath(returnTo, ctx.idp.urls.origin);
  if (target === undefined && clientId !== undefined) {
    const app = await ctx.idp.admin.getApplication(clientId);
    // Auth0: an absolute returnTo must be one of the application's Allowed Logout URLs, exactly.
    if (app?.allowedLogoutUrls.includes(returnTo) === true) target = returnTo;
  }
  if (target === undefined) return messagePage(400, 'Signed out', 'You are signed out. The return address is not an allowed logout URL, so you stay here.', ended.headers);
  return { status: 302, headers: { ...ended.headers, Location: target, 'Cache-Control': 'no-store' }, body: '' };
}
