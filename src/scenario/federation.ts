// The whole federated login over HTTP, as a browser and the AWS CLI do it (DESIGN.md §1 steps 1–5):
// GET the IdP login URL → the login form (CSRF token, pre-session cookie) → POST email and password →
// the auto-post form with the SAMLResponse → STS AssumeRoleWithSAML, unsigned, for the chosen role.
// Shared by `tessera login`, `check` and `matrix`. Passwords and credentials are never logged.

import { decodeSamlResponse } from '../saml/decode.js';
import { AWS_ATTRIBUTE } from '../saml/ns.js';
import { parseRolePair, type RolePair } from '../saml/aws.js';
import { AwsClient, Browser, pageAlert, pageTitle, parseForms, xmlValue, type Page } from './http.js';

export type { RolePair };

export type IdpLoginOutcome =
  | {
      readonly ok: true;
      /** base64 of the signed Response, as the form posts it. */
      readonly samlResponse: string;
      /** Where the IdP's form posts it (the application's callback). */
      readonly postUrl: string;
      /** The Role attribute's pairs, read from the (unverified) assertion: only to choose one; STS decides. */
      readonly roles: readonly RolePair[];
      /** Every attribute of the assertion (unverified), for explanations. */
      readonly attributes: ReadonlyMap<string, readonly string[]>;
    }
  /** `credentials`: wrong email or password; `denied`: the IdP (a rule or an Action) refused; `error`: anything else. */
  | { readonly ok: false; readonly kind: 'credentials' | 'denied' | 'blocked' | 'throttled' | 'error'; readonly message: string };

function samlFrom(page: Page): IdpLoginOutcome | undefined {
  if (page.status !== 200) return undefined;
  const form = parseForms(page.body).find((f) => f.fields.has('SAMLResponse'));
  if (form === undefined) return undefined;
  const samlResponse = form.fields.get('SAMLResponse') as string;
  let roles: RolePair[] = [];
  const attributes = new Map<string, readonly string[]>();
  try {
    const decoded = decodeSamlResponse(samlResponse);
    for (const a of decoded.assertion?.attributes ?? []) attributes.set(a.name, a.values);
    roles = (attributes.get(AWS_ATTRIBUTE.role) ?? []).map(parseRolePair).filter((p): p is RolePair => p !== undefined);
    if (decoded.assertion === undefined) {
      return { ok: false, kind: 'denied', message: `the IdP answered without an assertion${decoded.statusMessage === undefined ? '' : `: ${decoded.statusMessage}`}` };
    }
  } catch (e) {
    return { ok: false, kind: 'error', message: `the SAMLResponse could not be read: ${(e as Error).message}` };
  }
  return { ok: true, samlResponse, postUrl: new URL(form.action, page.url).toString(), roles, attributes };
}

/** Why a page that carries no assertion ended the login. */
function refusal(page: Page): IdpLoginOutcome {
  const alert = pageAlert(page.body);
  const title = pageTitle(page.body) ?? `HTTP ${page.status}`;
  if (page.status === 401) return { ok: false, kind: 'credentials', message: alert ?? 'Wrong email or password.' };
  if (page.status === 429) return { ok: false, kind: 'throttled', message: alert ?? 'Too many login attempts.' };
  if (page.status === 403 && title === 'Access denied') return { ok: false, kind: 'denied', message: alert ?? 'Access denied.' };
  if (page.status === 403 && alert !== undefined && /blocked/i.test(alert)) return { ok: false, kind: 'blocked', message: alert };
  const text = page.body.includes('<') ? [title, alert].filter((x) => x !== undefined).join(': ') : page.body.slice(0, 200);
  return { ok: false, kind: 'error', message: `${text} (HTTP ${page.status} at ${new URL(page.url).pathname})` };
}

/**
 * Logs in at `loginUrl` (the application's Identity Provider Login URL) as a browser would. With a
 * browser that already holds an SSO session, the IdP answers at once with a fresh assertion.
 */
export async function idpLogin(browser: Browser, loginUrl: string, email: string, password: string): Promise<IdpLoginOutcome> {
  let page = await browser.get(loginUrl);
  const direct = samlFrom(page);
  if (direct !== undefined) return direct;
  if (page.status !== 200) return refusal(page);
  const form = parseForms(page.body).find((f) => f.fields.has('_csrf') && f.method === 'post');
  if (form === undefined) return refusal(page);
  page = await browser.submit(page.url, form, { username: email, password });
  return samlFrom(page) ?? refusal(page);
}

export interface TemporaryCredentials {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  readonly Expiration: string;
}

export type AssumeOutcome =
  | { readonly ok: true; readonly credentials: TemporaryCredentials; readonly assumedRoleArn: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** STS AssumeRoleWithSAML, unsigned, as `aws sts assume-role-with-saml` sends it. */
export async function assumeRoleWithSaml(aws: AwsClient, samlResponse: string, pair: RolePair, durationSeconds?: number): Promise<AssumeOutcome> {
  const answer = await aws.call(
    'sts',
    [
      ['Action', 'AssumeRoleWithSAML'],
      ['RoleArn', pair.roleArn],
      ['PrincipalArn', pair.principalArn],
      ['SAMLAssertion', samlResponse],
      ...(durationSeconds === undefined ? [] : ([['DurationSeconds', String(durationSeconds)]] as [string, string][])),
    ],
    'unsigned',
  );
  if (!answer.ok) return { ok: false, code: answer.code, message: answer.message };
  const get = (name: string) => xmlValue(answer.xml, name) ?? '';
  const credentials = { AccessKeyId: get('AccessKeyId'), SecretAccessKey: get('SecretAccessKey'), SessionToken: get('SessionToken'), Expiration: get('Expiration') };
  if (credentials.AccessKeyId === '' || credentials.SessionToken === '') return { ok: false, code: 'UnreadableAnswer', message: 'STS answered without credentials' };
  return { ok: true, credentials, assumedRoleArn: get('Arn') };
}

/** The pair for `role` (a role ARN or name), or why there is none. */
export function chooseRole(roles: readonly RolePair[], role: string | undefined): { ok: true; pair: RolePair } | { ok: false; message: string } {
  const offered = roles.map((r) => `\`${r.roleArn}\``).join(', ');
  if (role === undefined) {
    if (roles.length === 1) return { ok: true, pair: roles[0] as RolePair };
    if (roles.length === 0) return { ok: false, message: 'the assertion carries no Role attribute: no role can be assumed' };
    return { ok: false, message: `the assertion offers ${roles.length} roles (${offered}): choose one` };
  }
  const found = roles.find((r) => r.roleArn === role || r.roleArn.endsWith(`:role/${role}`) || r.roleArn.endsWith(`/${role}`));
  if (found !== undefined) return { ok: true, pair: found };
  return { ok: false, message: roles.length === 0 ? 'the assertion carries no Role attribute: no role can be assumed' : `the assertion does not offer \`${role}\` (it offers ${offered})` };
}
