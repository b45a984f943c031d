// `tessera matrix`: who can do what. For every user (real logins: their rules and Actions decide
// which roles the assertion offers) × every role they can assume (STS, for real) × every EC2 action
// the scenario's policies name (wildcards expanded against the EC2 catalogue) × every resource, the
// decision — by the policy engine with the authorizer's context, and, for every action Tessera's EC2
// serves, also by the API itself (DryRun). The two must agree; a disagreement is reported.

import { actionsOf, matchActions, type ActionInfo } from '../policy/catalog/index.js';
import type { Instance } from '../store/port.js';
import { instanceArn, instanceContext } from '../services/ec2/authz.js';
import type { AuthzCheck } from '../services/types.js';
import { callerFor, engineDecision } from './engine.js';
import type { TemporaryCredentials } from './federation.js';
import { probeFor, type ProbeTarget } from './probes.js';
import { Sessions } from './run.js';
import type { PolicyDocumentSpec, Scenario } from './schema.js';
import { resolveKeywords } from './schema.js';
import type { ScenarioServer } from './start.js';
import { findPolicy, sampleKeywords } from './validate.js';

export type Verdict = 'allowed' | 'denied';

export interface MatrixPrincipal {
  readonly user: string;
  readonly role?: string;
  /** `ok`: a session was made; otherwise why the user has none for this role (or at all). */
  readonly status: 'ok' | 'no-password' | 'login-failed' | 'login-denied' | 'no-role' | 'assume-denied';
  readonly reason?: string;
}

export interface MatrixCell {
  readonly user: string;
  readonly role: string;
  readonly action: string;
  /** An instance's scenario id, or `*`. */
  readonly resource: string;
  readonly instanceId?: string;
  readonly decision: Verdict;
  /** The policy engine's decision with the authorizer's context. */
  readonly engine: Verdict;
  /** The API's answer (DryRun for mutating actions); absent for actions Tessera's EC2 does not serve. */
  readonly api?: Verdict | 'error';
  readonly apiError?: string;
  readonly agree: boolean;
}

export interface Matrix {
  readonly scenario: string;
  readonly actions: readonly string[];
  readonly resources: readonly { readonly resource: string; readonly instanceId: string }[];
  readonly principals: readonly MatrixPrincipal[];
  readonly cells: readonly MatrixCell[];
  readonly disagreements: number;
  /** Actions decided by the engine alone (Tessera's EC2 does not serve them). */
  readonly engineOnly: readonly string[];
}

/** The EC2 action patterns of a policy document (Action only: NotAction names what is NOT granted). */
function ec2Patterns(text: string): string[] {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(text) as { Statement?: unknown };
  } catch {
    return [];
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  const out: string[] = [];
  for (const s of statements as { Action?: unknown }[]) {
    const actions = typeof s?.Action === 'string' ? [s.Action] : Array.isArray(s?.Action) ? (s.Action as unknown[]) : [];
    for (const a of actions) {
      if (typeof a !== 'string') continue;
      if (a === '*') out.push('*');
      else if (a.toLowerCase().startsWith('ec2:')) out.push(a.slice(4));
    }
  }
  return out;
}

/** Expands `Stop*`-style patterns (without `ec2:`) against the catalogue, in catalogue order. */
export function expandEc2Actions(patterns: readonly string[]): ActionInfo[] {
  const chosen = new Set<ActionInfo>();
  for (const p of patterns) for (const a of matchActions('ec2', p) ?? []) chosen.add(a);
  return actionsOf('ec2').filter((a) => chosen.has(a));
}

/** The EC2 actions the scenario's role policies name. */
export function scenarioEc2Actions(scenario: Scenario): ActionInfo[] {
  const keywords = sampleKeywords(scenario);
  const docs: PolicyDocumentSpec[] = [];
  for (const r of scenario.aws.roles) {
    for (const ref of r.managedPolicies) {
      const p = findPolicy(scenario, ref.ref);
      if (p !== undefined) docs.push(p.document);
    }
    for (const ip of r.inlinePolicies) docs.push(ip.document);
  }
  return expandEc2Actions(docs.flatMap((d) => ec2Patterns(resolveKeywords(d.text, keywords))));
}

function actsOnInstances(a: ActionInfo): boolean {
  return a.resourceTypes.some((r) => r.resourceType.name === 'instance');
}

function genericCheck(a: ActionInfo, target: ProbeTarget): AuthzCheck {
  const action = `ec2:${a.name}`;
  if (target.instance === undefined) return { action, resource: '*' };
  return { action, resource: instanceArn(target.region, target.accountId, target.instance.instanceId), context: instanceContext(target.instance) };
}

export async function computeMatrix(scenario: Scenario, server: ScenarioServer, actions: readonly ActionInfo[]): Promise<Matrix> {
  const sessions = new Sessions(scenario, server);
  const env = server.tessera.env;
  const host = new URL(server.tessera.url).host;
  const instances: { resource: string; instance: Instance }[] = [];
  for (const [alias, id] of Object.entries(server.world.instances)) {
    const found = (await env.store.instances.describe({ instanceIds: [id] })).items[0];
    if (found !== undefined) instances.push({ resource: alias, instance: found });
  }
  const principals: MatrixPrincipal[] = [];
  const cells: MatrixCell[] = [];
  for (const user of scenario.idp.users) {
    if (user.password === undefined) {
      principals.push({ user: user.email, status: 'no-password', reason: 'the scenario gives this user no password' });
      continue;
    }
    const login = await sessions.login(user.email);
    if (!login.ok) {
      principals.push({ user: user.email, status: login.kind === 'denied' || login.kind === 'blocked' ? 'login-denied' : 'login-failed', reason: login.message });
      continue;
    }
    if (login.roles.length === 0) {
      principals.push({ user: user.email, status: 'no-role', reason: 'the assertion carries no Role attribute' });
      continue;
    }
    for (const pair of login.roles) {
      const session = await sessions.session(user.email, pair.roleArn);
      if (!session.ok || session.credentials === undefined) {
        principals.push({ user: user.email, role: pair.roleArn, status: 'assume-denied', reason: session.denial?.summary ?? session.error ?? 'no session' });
        continue;
      }
      principals.push({ user: user.email, role: pair.roleArn, status: 'ok' });
      const credentials = session.credentials as TemporaryCredentials;
      const creds = { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken };
      const caller = await callerFor(env, host, scenario.region, creds);
      if (caller === undefined) throw new Error(`the server does not recognise the session of ${user.email} as ${pair.roleArn}`);
      for (const a of actions) {
        const action = `ec2:${a.name}`;
        const probe = probeFor(action);
        const onInstances = probe === undefined ? actsOnInstances(a) : probe.scope === 'instance';
        const targets: ({ resource: string; instance: Instance } | undefined)[] = onInstances ? instances : [undefined];
        for (const t of targets) {
          const target: ProbeTarget = { region: scenario.region, accountId: scenario.account, tags: [], ...(t === undefined ? {} : { instance: t.instance }) };
          const check = probe?.check?.(target) ?? genericCheck(a, target);
          const engine = (await engineDecision(env, caller, scenario.region, check)).decision;
          let api: Verdict | 'error' | undefined;
          let apiError: string | undefined;
          if (probe !== undefined && (probe.scope === 'account' || t !== undefined)) {
            const answer = await sessions.aws.call('ec2', probe.params(target), creds);
            if (answer.ok) api = probe.dryRun ? 'error' : 'allowed';
            else if (answer.code === 'DryRunOperation') api = 'allowed';
            else if (answer.code === 'UnauthorizedOperation') api = 'denied';
            else {
              api = 'error';
              apiError = `${answer.code}: ${answer.message}`;
            }
          }
          // RunInstances makes several checks: the API's answer is the decision; the engine's is its first check's.
          const decision: Verdict = api === 'allowed' || api === 'denied' ? api : engine;
          const agree = api === undefined || api === engine || (probe?.check === undefined && api !== 'error');
          cells.push({
            user: user.email,
            role: pair.roleArn,
            action,
            resource: t?.resource ?? '*',
            ...(t === undefined ? {} : { instanceId: t.instance.instanceId }),
            decision,
            engine,
            ...(api === undefined ? {} : { api }),
            ...(apiError === undefined ? {} : { apiError }),
            agree,
          });
        }
      }
    }
  }
  return {
    scenario: scenario.file,
    actions: actions.map((a) => `ec2:${a.name}`),
    resources: instances.map((i) => ({ resource: i.resource, instanceId: i.instance.instanceId })),
    principals,
    cells,
    disagreements: cells.filter((c) => !c.agree).length,
    engineOnly: actions.filter((a) => probeFor(`ec2:${a.name}`) === undefined).map((a) => `ec2:${a.name}`),
  };
}
