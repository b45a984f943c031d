// The expectations runner: every expectation through the real protocols against a server the
// scenario was applied to — IdP login with the user's password (rules and Actions run) → SAML →
// STS AssumeRoleWithSAML → a SigV4-signed EC2 call (DryRun for mutating actions, so checking never
// changes the world). A denial is explained by decoding its encoded message (STS
// DecodeAuthorizationMessage, as the admin); an allowed call by the policy engine with the same context.

import type { Explanation } from '../policy/index.js';
import type { Instance } from '../store/port.js';
import type { AppliedWorld } from './apply.js';
import { callerFor, engineDecision } from './engine.js';
import { assumeRoleWithSaml, chooseRole, idpLogin, type IdpLoginOutcome, type TemporaryCredentials } from './federation.js';
import { AwsClient, Browser, xmlValue } from './http.js';
import { ASSUME_ACTION, probeFor, type Probe } from './probes.js';
import type { ExpectationSpec, Scenario } from './schema.js';
import type { ScenarioServer } from './start.js';
import { findRole, findUser, roleArn } from './validate.js';

export type Actual = 'allowed' | 'denied' | 'error';

export interface ExpectationResult {
  readonly index: number;
  /** The scenario line of the expectation. */
  readonly line: number;
  readonly as: string;
  /** The role ARN the check ran as (when one was assumed or chosen). */
  readonly role?: string;
  readonly action: string;
  /** What the scenario named: an instance id alias, an `i-…` id, `*`. */
  readonly resource: string;
  readonly instanceId?: string;
  readonly expected: 'allowed' | 'denied';
  readonly actual: Actual;
  readonly ok: boolean;
  readonly because?: string;
  /** Why the decision is what it is (the decoded message's, or the engine's). */
  readonly explanation?: Explanation;
  /** Why the expectation failed, or what went wrong. */
  readonly reason?: string;
}

interface SessionOutcome {
  readonly ok: boolean;
  readonly credentials?: TemporaryCredentials;
  readonly roleArn?: string;
  /** Why no session: the IdP's or STS's words. */
  readonly denial?: Explanation;
  readonly error?: string;
}

/** The application a user logs in to: the first with the SAML2 add-on. */
function loginUrlOf(world: AppliedWorld): string | undefined {
  return world.clients.find((c) => c.samlp)?.loginUrl;
}

function explained(summary: string, details: readonly string[] = []): Explanation {
  return { summary, details };
}

/**
 * Sessions per user and role, made through real logins: the first login of a user fills the login
 * form; later ones reuse the browser's SSO session, as a person switching roles would.
 */
export class Sessions {
  private readonly browsers = new Map<string, Browser>();
  private readonly cache = new Map<string, Promise<SessionOutcome>>();
  readonly aws: AwsClient;

  constructor(
    private readonly scenario: Scenario,
    private readonly server: ScenarioServer,
  ) {
    this.aws = new AwsClient(server.tessera.url, scenario.region);
  }

  /** A fresh assertion for `email` (form login the first time, SSO after). */
  async login(email: string): Promise<IdpLoginOutcome> {
    const user = findUser(this.scenario, email);
    const loginUrl = loginUrlOf(this.server.world);
    if (user?.password === undefined) return { ok: false, kind: 'error', message: `the scenario gives \`${email}\` no password` };
    if (loginUrl === undefined) return { ok: false, kind: 'error', message: 'the scenario has no application with the SAML2 add-on to log in to' };
    let browser = this.browsers.get(user.email);
    if (browser === undefined) {
      browser = new Browser();
      this.browsers.set(user.email, browser);
    }
    return idpLogin(browser, loginUrl, user.email, user.password);
  }

  session(email: string, role: string | undefined): Promise<SessionOutcome> {
    const key = `${email.toLowerCase()}\0${role ?? ''}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = this.open(email, role);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private async open(email: string, role: string | undefined): Promise<SessionOutcome> {
    const login = await this.login(email);
    if (!login.ok) {
      if (login.kind === 'denied' || login.kind === 'blocked') return { ok: false, denial: explained(`the IdP refused the login: ${login.message}`, await this.tenantLogReason()) };
      return { ok: false, error: `login as \`${email}\` failed: ${login.message}` };
    }
    // A role named in the scenario is asked for by its ARN; anything else as written.
    const spec = role === undefined ? undefined : findRole(this.scenario, role);
    const wanted = spec === undefined ? role : roleArn(this.scenario.account, spec);
    const chosen = chooseRole(login.roles, wanted);
    if (!chosen.ok) {
      // Several roles and none named is the scenario's to fix; a role not offered is a denial.
      if (role === undefined && login.roles.length > 1) return { ok: false, error: `${chosen.message} with \`role:\`` };
      return { ok: false, denial: explained(`\`${email}\` cannot assume ${wanted === undefined ? 'a role' : `\`${wanted}\``}: ${chosen.message}`) };
    }
    const assumed = await assumeRoleWithSaml(this.aws, login.samlResponse, chosen.pair);
    if (!assumed.ok) {
      return { ok: false, roleArn: chosen.pair.roleArn, denial: explained(`STS AssumeRoleWithSAML refused \`${chosen.pair.roleArn}\`: ${assumed.code}: ${assumed.message}`) };
    }
    return { ok: true, credentials: assumed.credentials, roleArn: chosen.pair.roleArn };
  }

  /** The newest failure in the tenant log (why a rule or Action refused), for the explanation. */
  private async tenantLogReason(): Promise<string[]> {
    try {
      const page = await this.server.tessera.idp.admin.logs({ maxItems: 1 });
      const entry = page.items[0] as { description?: string; details?: Record<string, unknown> } | undefined;
      if (entry === undefined) return [];
      const reason = entry.details?.['reason'];
      return [`tenant log: ${entry.description ?? ''}${typeof reason === 'string' ? `: ${reason}` : ''}`];
    } catch {
      return [];
    }
  }

  /** Opens an UnauthorizedOperation's encoded message as the admin (sts:DecodeAuthorizationMessage). */
  async decode(message: string): Promise<Explanation | undefined> {
    const m = /Encoded authorization failure message: (\S+)/.exec(message);
    if (m === null) return undefined;
    const admin = this.server.tessera.admin;
    const answer = await this.aws.call('sts', [['Action', 'DecodeAuthorizationMessage'], ['EncodedMessage', m[1] as string]], admin);
    if (!answer.ok) return undefined;
    try {
      const decoded = JSON.parse(xmlValue(answer.xml, 'DecodedMessage') ?? '{}') as { tessera?: { summary?: string; details?: string[] } };
      const t = decoded.tessera;
      return t?.summary === undefined ? undefined : { summary: t.summary, details: t.details ?? [] };
    } catch {
      return undefined;
    }
  }
}

/** The instance an expectation's resource names, as the store has it now. */
async function instancesFor(server: ScenarioServer, e: ExpectationSpec): Promise<{ label: string; instance: Instance }[] | string> {
  const store = server.tessera.env.store;
  if (e.resource.kind === 'none') return [];
  if (e.resource.kind === 'instance') {
    const ref = e.resource.ref;
    const id = server.world.instances[ref] ?? ref;
    const page = await store.instances.describe({ instanceIds: [id] });
    const found = page.items[0];
    return found === undefined ? `no instance \`${ref}\`` : [{ label: ref, instance: found }];
  }
  const wanted = e.resource.tags;
  const out: { label: string; instance: Instance }[] = [];
  for (const [alias, id] of Object.entries(server.world.instances)) {
    const page = await store.instances.describe({ instanceIds: [id] });
    const i = page.items[0];
    if (i !== undefined && wanted.every((w) => i.tags.some((t) => t.key === w.key && t.value === w.value))) out.push({ label: alias, instance: i });
  }
  return out.length === 0 ? `no instance has the tags ${wanted.map((t) => `\`${t.key}=${t.value}\``).join(', ')}` : out;
}

export interface ProbeAnswer {
  readonly actual: Actual;
  readonly explanation?: Explanation;
  readonly error?: string;
}

/** Asks the API (DryRun for mutating actions) and explains the answer. */
export async function askApi(sessions: Sessions, server: ScenarioServer, scenario: Scenario, credentials: TemporaryCredentials, probe: Probe, instance: Instance | undefined, tags: ExpectationSpec['requestTags']): Promise<ProbeAnswer> {
  const target = { region: scenario.region, accountId: scenario.account, tags, ...(instance === undefined ? {} : { instance }) };
  const creds = { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken };
  const answer = await sessions.aws.call('ec2', probe.params(target), creds);
  let actual: Actual;
  let explanation: Explanation | undefined;
  let error: string | undefined;
  if (answer.ok) actual = probe.dryRun ? 'error' : 'allowed';
  else if (answer.code === 'DryRunOperation') actual = 'allowed';
  else if (answer.code === 'UnauthorizedOperation') {
    actual = 'denied';
    explanation = (await sessions.decode(answer.message)) ?? explained(answer.message.replace(/ Encoded authorization failure message: .*$/, ''));
  } else {
    actual = 'error';
    error = `${answer.code}: ${answer.message}`;
  }
  if (answer.ok && probe.dryRun) error = 'the call succeeded although DryRun was set';
  if (actual === 'allowed' && probe.check !== undefined) {
    const caller = await callerFor(server.tessera.env, new URL(server.tessera.url).host, scenario.region, creds);
    if (caller !== undefined) explanation = (await engineDecision(server.tessera.env, caller, scenario.region, probe.check(target))).explanation;
  }
  return { actual, ...(explanation === undefined ? {} : { explanation }), ...(error === undefined ? {} : { error }) };
}

function explanationText(x: Explanation | undefined): string {
  return x === undefined ? '' : [x.summary, ...x.details].join('\n');
}

/** Runs every expectation, in order; one expectation on several instances gives one result each. */
export async function runExpectations(scenario: Scenario, server: ScenarioServer): Promise<ExpectationResult[]> {
  const sessions = new Sessions(scenario, server);
  const results: ExpectationResult[] = [];
  for (const e of scenario.expectations) results.push(...(await runOne(scenario, server, sessions, e)));
  return results;
}

async function runOne(scenario: Scenario, server: ScenarioServer, sessions: Sessions, e: ExpectationSpec): Promise<ExpectationResult[]> {
  const base = {
    index: e.index,
    line: e.loc.line,
    as: e.as,
    action: e.action,
    expected: e.expect,
    ...(e.because === undefined ? {} : { because: e.because }),
  };
  const finish = (fields: { resource: string; instanceId?: string; role?: string; actual: Actual; explanation?: Explanation; error?: string }): ExpectationResult => {
    let ok = fields.actual === e.expect;
    let reason: string | undefined = fields.error;
    if (ok && e.because !== undefined && !explanationText(fields.explanation).includes(e.because)) {
      ok = false;
      reason = `the explanation does not contain \`${e.because}\``;
    } else if (!ok && reason === undefined) reason = `expected ${e.expect}, was ${fields.actual}`;
    return {
      ...base,
      resource: fields.resource,
      ...(fields.instanceId === undefined ? {} : { instanceId: fields.instanceId }),
      ...(fields.role === undefined ? {} : { role: fields.role }),
      actual: fields.actual,
      ok,
      ...(fields.explanation === undefined ? {} : { explanation: fields.explanation }),
      ...(reason === undefined ? {} : { reason }),
    };
  };

  const session = await sessions.session(e.as, e.role);
  const role = session.roleArn;
  if (e.action.toLowerCase() === ASSUME_ACTION.toLowerCase()) {
    const shown = role ?? e.role;
    if (session.error !== undefined) return [finish({ resource: '-', actual: 'error', error: session.error, ...(shown === undefined ? {} : { role: shown }) })];
    return [
      finish({
        resource: '-',
        ...(shown === undefined ? {} : { role: shown }),
        actual: session.ok ? 'allowed' : 'denied',
        ...(session.ok ? { explanation: explained(`Allowed: STS issued credentials for \`${role ?? ''}\``) } : session.denial === undefined ? {} : { explanation: session.denial }),
      }),
    ];
  }
  const probe = probeFor(e.action) as Probe;
  const targets = probe.scope === 'instance' || e.resource.kind !== 'none' ? await instancesFor(server, e) : [];
  if (typeof targets === 'string') return [finish({ resource: e.resource.kind === 'instance' ? e.resource.ref : 'tags', actual: 'error', error: targets })];
  const list: ({ label: string; instance: Instance } | undefined)[] = targets.length === 0 ? [undefined] : targets;
  const out: ExpectationResult[] = [];
  for (const t of list) {
    const resource = t?.label ?? '*';
    const instanceId = t?.instance.instanceId;
    const where = { resource, ...(instanceId === undefined ? {} : { instanceId }), ...(role === undefined ? {} : { role }) };
    if (!session.ok) {
      out.push(finish({ ...where, actual: session.error !== undefined ? 'error' : 'denied', ...(session.error === undefined ? {} : { error: session.error }), ...(session.denial === undefined ? {} : { explanation: session.denial }) }));
      continue;
    }
    const answer = await askApi(sessions, server, scenario, session.credentials as TemporaryCredentials, probe, t?.instance, e.requestTags);
    out.push(finish({ ...where, actual: answer.actual, ...(answer.explanation === undefined ? {} : { explanation: answer.explanation }), ...(answer.error === undefined ? {} : { error: answer.error }) }));
  }
  return out;
}
