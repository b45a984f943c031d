// The policy engine's answer to the question a probe asks, with the context the authorizer would
// build for the same session and request: the caller's policies (services/authorize callerPolicies),
// the global keys (globalContext), the action's own keys (the probe's check). Used to explain an
// allowed decision and, in `tessera matrix`, to decide actions the API does not serve — and the two
// paths are compared wherever both exist. In-process only: it needs the server's ServiceEnv.

import { evaluate, explainDecision, RequestContext } from '../policy/index.js';
import type { Decision, Explanation } from '../policy/index.js';
import { authenticate } from '../services/authenticate.js';
import { callerPolicies, globalContext, requestPrincipal } from '../services/authorize.js';
import type { AuthzCheck, Caller, ServiceEnv } from '../services/types.js';
import { signRequest } from '../sigv4/index.js';
import type { SigningCredentials } from '../sigv4/index.js';
import { USER_AGENT } from './http.js';

export interface EngineDecision {
  readonly decision: 'allowed' | 'denied';
  readonly detail: Decision['decision'];
  readonly explanation: Explanation;
}

/** The Caller the server sees for these credentials (authenticated exactly as a request would be). */
export async function callerFor(env: ServiceEnv, host: string, region: string, credentials: SigningCredentials): Promise<Caller | undefined> {
  const body = 'Action=DescribeRegions&Version=2016-11-15';
  const request = signRequest(
    { method: 'POST', path: '/', headers: [['host', host], ['content-type', 'application/x-www-form-urlencoded; charset=utf-8']], body },
    credentials,
    { region, service: 'ec2', now: env.clock.now() },
  );
  const auth = await authenticate(env, request, env.clock.now(), '2016-11-15');
  return auth.ok && auth.signed ? auth.caller : undefined;
}

/** Decides `check` for `caller` as the authorizer does (root: always allowed, as AWS). */
export async function engineDecision(env: ServiceEnv, caller: Caller, region: string, check: AuthzCheck): Promise<EngineDecision> {
  const now = env.clock.now();
  if (caller.kind === 'root') {
    return { decision: 'allowed', detail: 'allowed', explanation: { summary: 'Allowed: the account root user is not restricted by identity-based policies', details: [] } };
  }
  const [policies, global] = await Promise.all([
    callerPolicies(env, caller),
    globalContext({ env, caller, service: 'ec2', region, now, transport: { sourceIp: '127.0.0.1', secure: false, userAgent: USER_AGENT } }),
  ]);
  const base = RequestContext.from(global.input);
  const context = check.context === undefined ? base : base.with(check.context);
  const decision = evaluate({ action: check.action, resource: check.resource, principal: requestPrincipal(caller), context }, policies, { explain: true });
  return {
    decision: decision.decision === 'allowed' ? 'allowed' : 'denied',
    detail: decision.decision,
    explanation: explainDecision(decision, check.action, check.resource),
  };
}
