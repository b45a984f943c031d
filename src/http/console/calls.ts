// Every read and action of the console is an ordinary AWS call through services/invoke, SigV4-signed
// with the console SESSION's temporary credentials exactly as an SDK signs it (a form POST to `/`):
// the same decoding, authentication, authorization and audit as the API, so the console can never do
// what the API would refuse. The sign-in endpoint's AssumeRoleWithSAML goes the same way, unsigned,
// as STS receives it from any client.

import type { IncomingMessage } from 'node:http';
import { invoke } from '../../services/invoke.js';
import type { ApiOutcome } from '../../services/invoke.js';
import { SERVICES } from '../../services/registry.js';
import type { ServiceName, TransportFacts } from '../../services/types.js';
import { signRequest } from '../../sigv4/index.js';
import { clientIp } from './http.js';
import type { ConsoleContext, SessionCredentials } from './session.js';

/** The user agent of the console's calls in the audit log (CloudTrail's `userAgent`). */
export const CONSOLE_USER_AGENT = 'tessera-console';

/** The transport facts of a call made for this browser: its address (aws:SourceIp), the origin's scheme. */
export function transportOf(ctx: ConsoleContext, req: IncomingMessage, userAgent: string | undefined): TransportFacts {
  return { sourceIp: clientIp(req), secure: ctx.secure, ...(userAgent === undefined ? {} : { userAgent }) };
}

function formRequest(ctx: ConsoleContext, service: ServiceName, action: string, params: ReadonlyArray<readonly [string, string]>) {
  const form = new URLSearchParams();
  form.append('Action', action);
  form.append('Version', SERVICES[service].model.metadata.apiVersion);
  for (const [k, v] of params) form.append(k, v);
  const request = {
    method: 'POST',
    path: '/',
    headers: [
      ['host', new URL(ctx.origin).host],
      ['content-type', 'application/x-www-form-urlencoded; charset=utf-8'],
    ] as [string, string][],
    body: form.toString(),
  };
  return { form, request };
}

/** `service`'s `action` signed with the session's credentials, through invoke. */
export function callAs(
  ctx: ConsoleContext,
  req: IncomingMessage,
  credentials: SessionCredentials,
  service: ServiceName,
  action: string,
  params: ReadonlyArray<readonly [string, string]> = [],
): Promise<ApiOutcome> {
  const { form, request } = formRequest(ctx, service, action, params);
  // IAM signs in us-east-1 whatever the region (IAM is global; aws.md §8.1).
  const region = service === 'iam' ? 'us-east-1' : ctx.env.defaultRegion;
  const signed = signRequest(request, credentials, { region, service, now: ctx.env.clock.now() });
  return invoke(ctx.env, { request: signed, params: new Map(form), transport: transportOf(ctx, req, CONSOLE_USER_AGENT) });
}

/**
 * STS AssumeRoleWithSAML as an unsigned HTTP call arrives (form parameters Action, Version, RoleArn,
 * PrincipalArn, SAMLAssertion): the same validation, verification, trust evaluation and audit.
 */
export function assumeRoleWithSaml(
  ctx: ConsoleContext,
  req: IncomingMessage,
  input: { readonly roleArn: string; readonly principalArn: string; readonly samlResponse: string },
): Promise<ApiOutcome> {
  const { form, request } = formRequest(ctx, 'sts', 'AssumeRoleWithSAML', [
    ['RoleArn', input.roleArn],
    ['PrincipalArn', input.principalArn],
    ['SAMLAssertion', input.samlResponse],
  ]);
  const ua = req.headers['user-agent'];
  return invoke(ctx.env, { request, params: new Map(form), transport: transportOf(ctx, req, typeof ua === 'string' ? ua.slice(0, 512) : undefined) });
}
