// AWS's sign-in endpoint (`https://signin.aws.amazon.com/saml`, and the regional
// `https://<region>.signin.aws.amazon.com/saml`), served by Tessera at `POST /saml` on its own origin:
//
//   1. read the form (SAMLResponse, RelayState; or a pending choice's `ref` with `roleIndex`);
//   2. read the Role attribute of the UNVERIFIED response only to offer choices — several pairs show
//      AWS's "Select a role" page, whose form comes back with a one-time server-side reference bound
//      to this browser; a chosen role the response does not carry is refused here, and STS checks
//      the pair again against the signed bytes anyway;
//   3. STS AssumeRoleWithSAML through services/invoke, exactly as an unsigned HTTP call arrives;
//      any STS error is AWS's refusal page with STS's status (400/403), never a 500;
//   4. one-time use (P16): STS itself claims each (issuer, assertion ID) of the signed bytes once, in
//      the store every node shares, when it issues credentials — a captured POST, replayed even
//      concurrently or at another node, is STS's InvalidIdentityToken ("already been used") and
//      yields no console session. The assertion is then re-verified here against the same
//      provider's registered metadata, so the session tags and the assertion view come from
//      verified bytes;
//   5. a new console session (a new id at every sign-in, C4) and a 303 to /console or to a
//      same-origin relative RelayState path (C8).
//
// The POST is cross-site by nature (the IdP's auto-posting form): no CSRF token or Origin check can
// apply to it (security.md C3); STS's one-time claim is what protects it. The role choice that follows
// is same-origin, and checked as such.

import type { IncomingMessage } from 'node:http';
import { assertionView } from '../../console/index.js';
import { parseRolePair, readAwsClaims } from '../../saml/aws.js';
import type { RolePair } from '../../saml/aws.js';
import { decodeSamlResponse } from '../../saml/decode.js';
import type { UnverifiedResponse } from '../../saml/decode.js';
import { SamlRejectedError, publicError } from '../../saml/errors.js';
import { MetadataError, parseIdpMetadata } from '../../saml/metadata.js';
import { AWS_ATTRIBUTE } from '../../saml/ns.js';
import type { VerifiedAssertion } from '../../saml/types.js';
import { verifySamlResponse } from '../../saml/verify.js';
import type { AssumeRoleWithSAMLResponse } from '../../services/sts/types.js';
import { assumeRoleWithSaml } from '../console/calls.js';
import { messagePage } from '../console/html.js';
import {
  FormError,
  clearCookie,
  hashSecret,
  isSecret,
  newSecret,
  readCookies,
  readForm,
  sameOrigin,
  sameOriginPath,
  sameSecret,
  setCookie,
  type Answer,
  type Form,
} from '../console/http.js';
import { startSession, type ConsoleContext } from '../console/session.js';
import { chooserPage, invalidResponsePage, type SignInProblem } from './pages.js';

/** SAMLResponse is at most 100,000 base64 characters (STS); URL-encoding can triple `+ / =`. */
export const MAX_SIGNIN_FORM_BYTES = 320 * 1024;
/** STS redeems an assertion within 5 minutes of its IssueInstant: a pending choice is no use longer. */
export const PENDING_CHOICE_SECONDS = 300;
/** AWS deep-links the console with long RelayState URLs; ours are paths, bounded. */
const MAX_RELAY_STATE = 1024;
/**
 * The sealer's AAD of a pending choice's SAMLResponse: `console-pending:<hash of the reference>`
 * (purpose `console-session`: the response is the bearer credential a session is made from). Bound to
 * its row like the session credentials (session.ts).
 */
export const PENDING_AAD_PREFIX = 'console-pending:';

function problem(code: string, message: string, status: number, requestId?: string): SignInProblem {
  return requestId === undefined ? { code, message, status } : { code, message, status, requestId };
}

/** The Role pairs the response CLAIMS (unverified: used to offer choices, never to decide). */
function claimedPairs(unverified: UnverifiedResponse): RolePair[] {
  const out: RolePair[] = [];
  for (const a of unverified.assertion?.attributes ?? []) {
    if (a.name !== AWS_ATTRIBUTE.role) continue;
    for (const v of a.values) {
      const pair = parseRolePair(v);
      if (pair !== undefined && !out.some((p) => p.roleArn === pair.roleArn && p.principalArn === pair.principalArn)) out.push(pair);
    }
  }
  return out;
}

interface Posted {
  readonly samlResponse: string;
  readonly relayState: string;
  readonly roleIndex: string | undefined;
  /** Set when the response came from a pending choice (its browser cookie is cleared on success). */
  readonly fromChoice: boolean;
}

export async function signIn(ctx: ConsoleContext, req: IncomingMessage): Promise<Answer> {
  let form: Form;
  try {
    form = await readForm(req, MAX_SIGNIN_FORM_BYTES);
  } catch (e) {
    if (!(e instanceof FormError)) throw e;
    return invalidResponsePage(problem('InvalidIdentityToken', e.message, e.status));
  }
  const posted = await postedResponse(ctx, req, form);
  if ('status' in posted) return posted;
  return complete(ctx, req, posted);
}

/** The response to sign in with: as posted by the IdP, or taken (once) from a pending choice. */
async function postedResponse(ctx: ConsoleContext, req: IncomingMessage, form: Form): Promise<Posted | Answer> {
  const ref = form.get('ref');
  const roleIndex = form.get('roleIndex');
  if (ref === undefined) {
    const samlResponse = form.get('SAMLResponse');
    if (samlResponse === undefined || samlResponse === '') {
      return invalidResponsePage(problem('InvalidIdentityToken', 'The request has no SAMLResponse', 400));
    }
    const relayState = form.get('RelayState') ?? '';
    return { samlResponse, relayState: relayState.length > MAX_RELAY_STATE ? '' : relayState, roleIndex, fromChoice: false };
  }
  // The role chooser is our own page: its POST must be same-origin (C2) and come from the browser
  // the response was posted from (the pre-session cookie the chooser set, C3).
  if (!sameOrigin(req, ctx.origin, ctx.secure)) {
    return messagePage(403, 'Forbidden', ['This role choice did not come from the sign-in page.']);
  }
  if (!isSecret(ref)) return invalidResponsePage(problem('InvalidIdentityToken', 'The sign-in page has expired: sign in again', 400));
  const now = ctx.env.clock.now();
  const refHash = hashSecret(ref);
  const pending = await ctx.env.store.consoleSessions.takePending(refHash, now);
  if (pending === undefined) return invalidResponsePage(problem('InvalidIdentityToken', 'The sign-in page has expired: sign in again', 400));
  const browser = readCookies(req).get(ctx.cookies.signin);
  if (!isSecret(browser) || !sameSecret(hashSecret(browser), pending.browserHash)) {
    return messagePage(403, 'Forbidden', ['This role choice was not started in this browser.']);
  }
  const opened = ctx.env.sealer.open('console-session', pending.responseSealed, `${PENDING_AAD_PREFIX}${refHash}`);
  if (opened === undefined) return invalidResponsePage(problem('InvalidIdentityToken', 'The sign-in page has expired: sign in again', 400));
  return { samlResponse: opened.toString('utf8'), relayState: pending.relayState, roleIndex, fromChoice: true };
}

async function complete(ctx: ConsoleContext, req: IncomingMessage, posted: Posted): Promise<Answer> {
  const env = ctx.env;
  // 2. What the response claims, read without trusting it.
  let unverified: UnverifiedResponse;
  try {
    unverified = decodeSamlResponse(posted.samlResponse);
  } catch (e) {
    if (!(e instanceof SamlRejectedError)) throw e;
    env.log({ level: 'info', message: 'sign-in: unreadable SAML response', reason: e.reason });
    return invalidResponsePage(problem(e.code, e.message, e.httpStatus));
  }
  const pairs = claimedPairs(unverified);
  if (pairs.length === 0) {
    // As STS answers a response without a role pair (aws.md §1.4 #16).
    return invalidResponsePage(problem('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML', 403));
  }
  let pair: RolePair | undefined;
  if (posted.roleIndex !== undefined) {
    // AWS's roleIndex is the role ARN; only a role the response names may be chosen.
    pair = pairs.find((p) => p.roleArn === posted.roleIndex);
    if (pair === undefined) return invalidResponsePage(problem('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML', 403));
  } else if (pairs.length === 1) {
    pair = pairs[0] as RolePair;
  } else {
    return choose(ctx, posted, pairs);
  }

  // 3. STS, as any client calls it.
  const outcome = await assumeRoleWithSaml(ctx, req, { roleArn: pair.roleArn, principalArn: pair.principalArn, samlResponse: posted.samlResponse });
  if (!outcome.ok) {
    const status = outcome.error.httpStatus >= 500 ? 500 : outcome.error.httpStatus;
    return invalidResponsePage(problem(outcome.error.code, outcome.error.message, status, outcome.requestId));
  }
  const sts = outcome.output as AssumeRoleWithSAMLResponse;

  // 4. The verified assertion (STS has already claimed it once: P16), for the session's tags and view.
  const verified = await reverify(ctx, pair.principalArn, posted.samlResponse);
  if (verified === undefined || verified.issuer !== sts.Issuer) {
    return invalidResponsePage(problem('InvalidIdentityToken', publicError('SIG_INVALID').message, 400, outcome.requestId));
  }
  const now = env.clock.now();

  // 5. The console session.
  const credentials = sts.Credentials;
  // INVARIANT: an accepted AssumeRoleWithSAML answers credentials (STS model: Credentials is required).
  if (credentials === undefined) throw new Error('AssumeRoleWithSAML answered no credentials');
  const sessionName = sts.AssumedRoleUser?.Arn?.split('/').pop() ?? '';
  const sessionTags = readAwsClaims(verified).sessionTags;
  const cookie = await startSession(ctx, req, {
    roleArn: pair.roleArn,
    sessionName,
    sessionTags,
    credentials: { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken },
    expiresAt: new Date(credentials.Expiration),
    assertion: assertionView({ verified, posted: unverified, providerArn: pair.principalArn, roleArn: pair.roleArn, receivedAt: now }),
  });
  const target = sameOriginPath(posted.relayState, ctx.origin) ?? '/console';
  const cookies = posted.fromChoice ? [cookie, clearCookie(ctx.cookies.signin, ctx.secure)] : [cookie];
  return { status: 303, headers: { Location: target, 'Set-Cookie': cookies, 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8' }, body: `See ${target}\n` };
}

/** Shows AWS's role chooser; the response waits sealed, one-time, bound to this browser. */
async function choose(ctx: ConsoleContext, posted: Posted, pairs: readonly RolePair[]): Promise<Answer> {
  const now = ctx.env.clock.now();
  const ref = newSecret();
  const browser = newSecret();
  const refHash = hashSecret(ref);
  await ctx.env.store.consoleSessions.putPending({
    refHash,
    browserHash: hashSecret(browser),
    responseSealed: ctx.env.sealer.seal('console-session', Buffer.from(posted.samlResponse, 'utf8'), `${PENDING_AAD_PREFIX}${refHash}`),
    relayState: posted.relayState,
    expiresAt: new Date(now.getTime() + PENDING_CHOICE_SECONDS * 1000),
  });
  return chooserPage({ choices: pairs, ref, setCookie: setCookie(ctx.cookies.signin, browser, { secure: ctx.secure, maxAgeSeconds: PENDING_CHOICE_SECONDS }) });
}

/**
 * The assertion STS just accepted, verified again against the same provider's registered metadata
 * (same verifier, same AWS defaults): the issuer and assertion ID of the replay claim come from the
 * signed bytes, never from the unverified read. Undefined when it no longer verifies (fail closed).
 */
async function reverify(ctx: ConsoleContext, principalArn: string, samlResponse: string): Promise<VerifiedAssertion | undefined> {
  const provider = await ctx.env.store.samlProviders.get(principalArn);
  if (provider === undefined) return undefined;
  try {
    const md = parseIdpMetadata(provider.samlMetadataDocument);
    return verifySamlResponse(samlResponse, { idp: { entityId: md.entityId, certificates: md.signingCertificates }, now: ctx.env.clock.now().getTime() });
  } catch (e) {
    if (e instanceof SamlRejectedError || e instanceof MetadataError) {
      ctx.env.log({ level: 'info', message: 'sign-in: re-verification failed after STS accepted', reason: e instanceof SamlRejectedError ? e.reason : e.code });
      return undefined;
    }
    throw e;
  }
}
