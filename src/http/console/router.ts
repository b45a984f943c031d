// The routes of AWS's sign-in endpoint (`/saml`) and the console (`/console…`), as a table. `handle`
// answers the paths it owns and resolves false for every other one. Every console page needs a live
// session; every state change is a POST that must carry the session's CSRF token and come from our
// origin (security.md C2), else 403. An unexpected failure is logged with a reference and answered
// with a plain 500 page that carries no detail.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  describeParams,
  encodedMessageOf,
  explainDenial,
  failureBanner,
  instanceRows,
  isInstanceAction,
  parseAssertionView,
  readFilters,
  successBanner,
} from '../../console/index.js';
import type { Banner, InstanceAction, WhyView } from '../../console/index.js';
import { assumedRoleArn } from '../../kernel/index.js';
import { decodeAuthorizationMessage } from '../../services/authorize.js';
import type { DescribeInstancesResult } from '../../services/ec2/types.js';
import type { ApiOutcome } from '../../services/invoke.js';
import type { ServiceName } from '../../services/types.js';
import type {
  GetPolicyResponse,
  GetPolicyVersionResponse,
  GetRolePolicyResponse,
  GetRoleResponse,
  ListAttachedRolePoliciesResponse,
  ListRolePoliciesResponse,
  ListRolesResponse,
  ListSAMLProvidersResponse,
} from '../../services/iam/types.js';
import { signIn } from '../signin/signin.js';
import { callAs } from './calls.js';
import { STYLESHEET, STYLESHEET_PATH, esc, messagePage, page } from './html.js';
import { FormError, pathOf, queryOf, readForm, sameOrigin, sameOriginPath, sameSecret, send, type Answer, type Form } from './http.js';
import { assertionMain, confirmMain, iamMain, instancesMain, roleMain, sessionHeader } from './pages.js';
import type { Denied, PolicyBlock, ProviderRow, RoleRow, Section } from './pages.js';
import { consoleContext, endSession, lookupSession, type ConsoleContext, type ConsoleOptions, type LiveSession } from './session.js';

export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The console's forms are small; a bigger body is not ours. */
const MAX_CONSOLE_FORM_BYTES = 16 * 1024;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

type Method = 'GET' | 'POST';
interface Route {
  readonly pattern: RegExp;
  readonly methods: readonly Method[];
  readonly run: (ctx: ConsoleContext, req: IncomingMessage, params: readonly string[]) => Promise<Answer>;
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/saml$/, methods: ['POST'], run: (ctx, req) => signIn(ctx, req) },
  { pattern: /^\/console\/assets\/console\.css$/, methods: ['GET'], run: async () => stylesheet() },
  { pattern: /^\/console\/?$/, methods: ['GET'], run: (ctx, req) => withSession(ctx, req, (s) => instances(ctx, req, s)) },
  { pattern: /^\/console\/ec2\/confirm$/, methods: ['GET'], run: (ctx, req) => withSession(ctx, req, (s) => confirm(ctx, req, s)) },
  {
    pattern: /^\/console\/ec2\/(start|stop|terminate)$/,
    methods: ['POST'],
    run: (ctx, req, [action]) => withSession(ctx, req, (s) => instanceAction(ctx, req, s, action as InstanceAction)),
  },
  { pattern: /^\/console\/iam$/, methods: ['GET'], run: (ctx, req) => withSession(ctx, req, (s) => iam(ctx, req, s)) },
  { pattern: /^\/console\/iam\/roles\/([^/]+)$/, methods: ['GET'], run: (ctx, req, [name]) => withSession(ctx, req, (s) => role(ctx, req, s, name as string)) },
  { pattern: /^\/console\/assertion$/, methods: ['GET'], run: (ctx, req) => withSession(ctx, req, async (s) => framed(s, 'assertion', 'Last SAML assertion', assertionMain(parseAssertionView(s.record.assertionJson)))) },
  { pattern: /^\/console\/signout$/, methods: ['GET', 'POST'], run: (ctx, req) => (req.method === 'POST' ? signOut(ctx, req) : signOutPage(ctx, req)) },
  { pattern: /^\/console\/signed-out$/, methods: ['GET'], run: async () => messagePage(200, 'Signed out', ['You have signed out of the console.', 'Sign in again through your identity provider.']) },
  { pattern: /^\/console\/.*$/, methods: ['GET', 'POST'], run: async () => messagePage(404, 'Not found', ['There is no console page at this address.', '<a href="/console">Go to the console</a>.']) },
];

export function createConsoleRouter(options: ConsoleOptions): ConsoleHandler {
  const ctx = consoleContext(options);
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
        answer = messagePage(405, 'Method not allowed', [`Use ${esc(route.methods.join(' or '))} here.`], { Allow: route.methods.join(', ') });
      } else {
        let params: string[] | undefined;
        try {
          params = match.slice(1).map((p) => decodeURIComponent(p));
        } catch {
          params = undefined;
        }
        answer = params === undefined ? messagePage(400, 'Bad request', ['The address is not valid.']) : await route.run(ctx, req, params);
      }
    } catch (e) {
      const ref = randomUUID();
      ctx.env.log({ level: 'error', message: 'console handler failed', ref, path, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      answer = messagePage(500, 'Something went wrong', [`The console could not complete this request. Reference: ${esc(ref)}.`]);
    }
    if (!res.headersSent) send(res, answer);
    return true;
  };
}

function stylesheet(): Answer {
  return {
    status: 200,
    headers: { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300', 'X-Content-Type-Options': 'nosniff' },
    body: STYLESHEET,
  };
}

// ---------------------------------------------------------------------------------------------
// Sessions, CSRF

async function withSession(ctx: ConsoleContext, req: IncomingMessage, fn: (s: LiveSession) => Promise<Answer>): Promise<Answer> {
  const found = await lookupSession(ctx, req);
  if (found.kind === 'live') return fn(found.session);
  req.resume();
  return messagePage(
    401,
    'Not signed in',
    ['You are not signed in to the console, or your session has ended (it lasts as long as the role session’s credentials).', 'Sign in through your identity provider.'],
    found.clear === undefined ? {} : { 'Set-Cookie': found.clear },
  );
}

/** A state-changing request: same origin and the session's synchronizer token (C2), else undefined. */
async function checkedForm(ctx: ConsoleContext, req: IncomingMessage, s: LiveSession): Promise<Form | Answer> {
  if (!sameOrigin(req, ctx.origin, ctx.secure)) {
    req.resume();
    return messagePage(403, 'Forbidden', ['This request did not come from the console (its origin is not this site).']);
  }
  let form: Form;
  try {
    form = await readForm(req, MAX_CONSOLE_FORM_BYTES);
  } catch (e) {
    if (!(e instanceof FormError)) throw e;
    return messagePage(e.status, 'Bad request', [esc(e.message)]);
  }
  if (!sameSecret(form.get('csrf'), s.record.csrfToken)) {
    return messagePage(403, 'Forbidden', ['This form has expired or did not come from the console. Reload the page and try again.']);
  }
  return form;
}

function framed(s: LiveSession, section: Section, title: string, main: string, status = 200): Answer {
  return page(status, { title: `${title} | Tessera console`, header: sessionHeader(s.record, section), main });
}

// ---------------------------------------------------------------------------------------------
// "Why?": the caller's own denial, decoded server-side

/**
 * The console decodes the encoded authorization message of a call it has just made with this very
 * session, never a message a browser sends: what it shows is the evaluation of this session's own
 * request — the statements of its own role and the request's own context (its tags, the resource's
 * tags it just tried to touch). Real AWS makes the caller hold sts:DecodeAuthorizationMessage to read
 * it; Tessera is the tool that explains ABAC decisions to the people who design them, so the console
 * shows it to the session it concerns, and the principal in the message is checked to be this session.
 */
function whyOf(ctx: ConsoleContext, s: LiveSession, service: ServiceName, error: { code: string; message: string }): WhyView | undefined {
  if (error.code !== 'UnauthorizedOperation') return undefined;
  const encoded = encodedMessageOf(error.message);
  if (encoded === undefined) return undefined;
  let decoded: Record<string, unknown> | undefined;
  try {
    decoded = decodeAuthorizationMessage(ctx.env, encoded);
  } catch {
    decoded = undefined;
  }
  if (decoded === undefined) return undefined;
  const roleName = s.record.roleArn.slice(s.record.roleArn.lastIndexOf('/') + 1);
  const account = s.record.roleArn.split(':')[4] ?? '';
  const principal = (decoded['context'] as { principal?: { arn?: unknown } } | undefined)?.principal?.arn;
  if (principal !== assumedRoleArn(account, roleName, s.record.sessionName)) return undefined;
  return explainDenial(decoded, service);
}

interface Flash {
  readonly banner: Banner;
  readonly service: ServiceName;
}

// ---------------------------------------------------------------------------------------------
// EC2

async function instances(ctx: ConsoleContext, req: IncomingMessage, s: LiveSession): Promise<Answer> {
  const filters = readFilters(queryOf(req));
  const flashText = await ctx.env.store.consoleSessions.takeFlash(s.record.sessionIdHash, ctx.env.clock.now());
  let flash: { banner: Banner; why: WhyView | undefined } | undefined;
  if (flashText !== undefined) {
    const f = JSON.parse(flashText) as Flash;
    flash = { banner: f.banner, why: f.banner.code === undefined ? undefined : whyOf(ctx, s, f.service, { code: f.banner.code, message: f.banner.message ?? '' }) };
  }
  const outcome = await callAs(ctx, req, s.credentials, 'ec2', 'DescribeInstances', describeParams(filters));
  if (!outcome.ok) {
    const banner: Banner = { kind: 'error', title: 'Failed to describe instances', message: outcome.error.message, code: outcome.error.code };
    return framed(s, 'ec2', 'Instances', instancesMain({ filters, rows: undefined, flash, listError: { banner, why: whyOf(ctx, s, 'ec2', outcome.error) } }));
  }
  return framed(s, 'ec2', 'Instances', instancesMain({ filters, rows: instanceRows(outcome.output as DescribeInstancesResult), flash, listError: undefined }));
}

function backOf(ctx: ConsoleContext, value: string | null | undefined): string {
  return sameOriginPath(value ?? undefined, ctx.origin, '/console') ?? '/console';
}

async function confirm(ctx: ConsoleContext, req: IncomingMessage, s: LiveSession): Promise<Answer> {
  const q = queryOf(req);
  const action = q.get('action') ?? undefined;
  const instanceId = q.get('instance') ?? '';
  if (!isInstanceAction(action) || !INSTANCE_ID.test(instanceId)) {
    return framed(s, 'ec2', 'Bad request', '<h1>Bad request</h1><p>Choose an instance and an action from the <a href="/console">instances table</a>.</p>', 400);
  }
  // The instance's name and state for the dialog: a read with the session's own credentials.
  const described = await callAs(ctx, req, s.credentials, 'ec2', 'DescribeInstances', [['InstanceId.1', instanceId]]);
  const row = described.ok ? instanceRows(described.output as DescribeInstancesResult)[0] : undefined;
  return framed(
    s,
    'ec2',
    action === 'stop' ? 'Stop instance' : action === 'start' ? 'Start instance' : 'Terminate instance',
    confirmMain({ action, instanceId, name: row?.name, state: row?.state, csrf: s.record.csrfToken, back: backOf(ctx, q.get('return')) }),
  );
}

async function instanceAction(ctx: ConsoleContext, req: IncomingMessage, s: LiveSession, action: InstanceAction): Promise<Answer> {
  const form = await checkedForm(ctx, req, s);
  if (!(form instanceof Map)) return form as Answer;
  const instanceId = form.get('instance') ?? '';
  const back = backOf(ctx, form.get('return'));
  if (!INSTANCE_ID.test(instanceId)) return framed(s, 'ec2', 'Bad request', '<h1>Bad request</h1><p>That is not an instance ID.</p>', 400);
  const operation = action === 'start' ? 'StartInstances' : action === 'stop' ? 'StopInstances' : 'TerminateInstances';
  const outcome: ApiOutcome = await callAs(ctx, req, s.credentials, 'ec2', operation, [['InstanceId.1', instanceId]]);
  const banner = outcome.ok ? successBanner(action, [instanceId]) : failureBanner(action, [instanceId], outcome.error);
  const flash: Flash = { banner, service: 'ec2' };
  await ctx.env.store.consoleSessions.setFlash(s.record.sessionIdHash, JSON.stringify(flash), ctx.env.clock.now());
  // Post/Redirect/Get: a reload never repeats the action.
  return { status: 303, headers: { Location: back, 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8' }, body: `See ${back}\n` };
}

// ---------------------------------------------------------------------------------------------
// IAM (read-only, signed with the session's credentials)

function denied(outcome: ApiOutcome & { ok: false }): Denied {
  return { code: outcome.error.code, message: outcome.error.message };
}

/** The principals a trust policy names (`Federated`, `AWS`, `Service`), for the roles table. */
function trustedEntities(document: string | undefined): string[] {
  if (document === undefined) return [];
  try {
    const policy = JSON.parse(document) as { Statement?: unknown };
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    const out: string[] = [];
    for (const st of statements) {
      const principal = (st as { Principal?: unknown } | undefined)?.Principal;
      if (principal === '*') out.push('*');
      else if (typeof principal === 'object' && principal !== null) {
        for (const v of Object.values(principal)) for (const p of Array.isArray(v) ? v : [v]) if (typeof p === 'string' && !out.includes(p)) out.push(p);
      }
    }
    return out;
  } catch {
    return [];
  }
}

function asDate(v: unknown): Date | undefined {
  return v instanceof Date ? v : typeof v === 'string' ? new Date(v) : undefined;
}

async function iam(ctx: ConsoleContext, req: IncomingMessage, s: LiveSession): Promise<Answer> {
  const [listed, providers] = await Promise.all([
    callAs(ctx, req, s.credentials, 'iam', 'ListRoles'),
    callAs(ctx, req, s.credentials, 'iam', 'ListSAMLProviders'),
  ]);
  const roles: RoleRow[] | Denied = listed.ok
    ? ((listed.output as ListRolesResponse).Roles ?? []).map((r) => ({
        name: r.RoleName,
        arn: r.Arn,
        created: asDate(r.CreateDate),
        trusted: trustedEntities(r.AssumeRolePolicyDocument),
        description: r.Description,
      }))
    : denied(listed);
  const providerRows: ProviderRow[] | Denied = providers.ok
    ? ((providers.output as ListSAMLProvidersResponse).SAMLProviderList ?? []).map((p) => ({ arn: p.Arn ?? '', created: asDate(p.CreateDate), validUntil: asDate(p.ValidUntil) }))
    : denied(providers);
  return framed(s, 'iam', 'IAM', iamMain({ roles, providers: providerRows }));
}

async function role(ctx: ConsoleContext, req: IncomingMessage, s: LiveSession, name: string): Promise<Answer> {
  const call = (action: string, params: [string, string][]) => callAs(ctx, req, s.credentials, 'iam', action, params);
  const [got, attachedList, inlineList] = await Promise.all([
    call('GetRole', [['RoleName', name]]),
    call('ListAttachedRolePolicies', [['RoleName', name]]),
    call('ListRolePolicies', [['RoleName', name]]),
  ]);
  const roleView = got.ok
    ? (() => {
        const r = (got.output as GetRoleResponse).Role;
        return {
          arn: r.Arn,
          description: r.Description,
          maxSessionDuration: r.MaxSessionDuration,
          trust: r.AssumeRolePolicyDocument ?? '',
          tags: (r.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value })),
        };
      })()
    : denied(got);
  let attached: PolicyBlock[] | Denied;
  if (attachedList.ok) {
    attached = [];
    for (const p of (attachedList.output as ListAttachedRolePoliciesResponse).AttachedPolicies ?? []) {
      const arn = p.PolicyArn ?? '';
      const policy = await call('GetPolicy', [['PolicyArn', arn]]);
      let document: string | Denied;
      if (!policy.ok) document = denied(policy);
      else {
        const version = await call('GetPolicyVersion', [
          ['PolicyArn', arn],
          ['VersionId', (policy.output as GetPolicyResponse).Policy?.DefaultVersionId ?? 'v1'],
        ]);
        document = version.ok ? ((version.output as GetPolicyVersionResponse).PolicyVersion?.Document ?? '') : denied(version);
      }
      attached.push({ name: p.PolicyName ?? arn, arn, document });
    }
  } else attached = denied(attachedList);
  let inline: PolicyBlock[] | Denied;
  if (inlineList.ok) {
    inline = [];
    for (const policyName of (inlineList.output as ListRolePoliciesResponse).PolicyNames ?? []) {
      const got2 = await call('GetRolePolicy', [
        ['RoleName', name],
        ['PolicyName', policyName],
      ]);
      inline.push({ name: policyName, arn: undefined, document: got2.ok ? (got2.output as GetRolePolicyResponse).PolicyDocument : denied(got2) });
    }
  } else inline = denied(inlineList);
  return framed(s, 'iam', `Role ${name}`, roleMain({ name, role: roleView, attached, inline }));
}

// ---------------------------------------------------------------------------------------------
// Sign-out (a POST: no state change on GET, C2)

async function signOutPage(ctx: ConsoleContext, req: IncomingMessage): Promise<Answer> {
  const found = await lookupSession(ctx, req);
  if (found.kind !== 'live') {
    return messagePage(200, 'Signed out', ['You are not signed in to the console.'], found.clear === undefined ? {} : { 'Set-Cookie': found.clear });
  }
  return framed(
    found.session,
    'ec2',
    'Sign out',
    '<h1>Sign out</h1><p>End this console session? Its temporary credentials stay valid until they expire, as with AWS; the console forgets them now.</p>' +
      `<form method="post" action="/console/signout"><input type="hidden" name="csrf" value="${esc(found.session.record.csrfToken)}"><button class="primary" type="submit">Sign out</button></form>`,
  );
}

async function signOut(ctx: ConsoleContext, req: IncomingMessage): Promise<Answer> {
  const found = await lookupSession(ctx, req);
  if (found.kind !== 'live') {
    req.resume();
    return { status: 303, headers: { Location: '/console/signed-out', 'Cache-Control': 'no-store', ...(found.clear === undefined ? {} : { 'Set-Cookie': found.clear }) }, body: '' };
  }
  const form = await checkedForm(ctx, req, found.session);
  if (!(form instanceof Map)) return form as Answer;
  const clear = await endSession(ctx, req);
  return { status: 303, headers: { Location: '/console/signed-out', 'Cache-Control': 'no-store', 'Set-Cookie': clear }, body: '' };
}

