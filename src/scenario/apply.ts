// Applies a validated scenario to a running Tessera, all or nothing: the whole world is written
// inside ONE store transaction — the IdP part through the IdP's admin API (IdpAdmin), the AWS part
// through services/invoke signed as the admin, so every value is validated by the same code that
// validates AWS API calls. Any refusal rolls everything back (nothing half-applied) and is reported
// at the scenario line of the item being applied. Audit records are written only once it committed.

import { randomBytes } from 'node:crypto';
import { IdpAdmin, IdpError, type Idp } from '../idp/index.js';
import { parseAddonSettings } from '../idp/saml/index.js';
import { buildIdpMetadata } from '../saml/metadata.js';
import type { AuditRecord, AuditSink } from '../services/audit.js';
import { invoke, type ApiOutcome } from '../services/invoke.js';
import type { ServiceEnv, ServiceName } from '../services/types.js';
import { signRequest } from '../sigv4/index.js';
import type { Store, StoreTx } from '../store/port.js';
import { ScenarioError, type Loc } from './errors.js';
import type { ClientSpec, Keywords, PolicyDocumentSpec, Scenario, Sited, Tag } from './schema.js';
import { resolveKeywords, resolveKeywordsDeep } from './schema.js';
import { findClient, findPolicy, policyArn, providerArn, roleArn } from './validate.js';

/** What applying needs of a running Tessera (src/main.ts `Tessera`). */
export interface ApplyTarget {
  readonly url: string;
  readonly env: ServiceEnv;
  readonly idp: Idp;
}

/** What a scenario became: the ids the world was given, for printing, checks and later starts. */
export interface AppliedWorld {
  readonly origin: string;
  readonly clients: readonly { readonly name: string; readonly clientId: string; readonly loginUrl: string; readonly samlp: boolean }[];
  /** Instance alias → EC2 instance id. */
  readonly instances: Readonly<Record<string, string>>;
  readonly roles: readonly { readonly name: string; readonly arn: string }[];
}

const API_VERSIONS: Readonly<Record<ServiceName, string>> = { iam: '2010-05-08', sts: '2011-06-15', ec2: '2016-11-15' };

export function keywordsFor(scenario: Pick<Scenario, 'account' | 'region'>, origin: string): Keywords {
  return { TESSERA_URL: origin, ACCOUNT: scenario.account, REGION: scenario.region };
}

/** A Store whose repositories are one transaction's (nested `transaction` calls join it). */
function transactionalStore(tx: StoreTx): Store {
  return { ...tx, transaction: (fn) => fn(tx), close: async () => {} };
}

/** Holds audit records until the transaction committed (a rolled-back world leaves no trail of writes). */
function bufferedAudit(): AuditSink & { readonly records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return { records, write: (r) => void records.push(r) } as AuditSink & { readonly records: AuditRecord[] };
}

/** An AWS call signed as the account's admin, through the one way into every operation. */
export async function adminCall(env: ServiceEnv, host: string, service: ServiceName, action: string, params: readonly (readonly [string, string])[], region: string): Promise<ApiOutcome> {
  const form = new URLSearchParams();
  form.append('Action', action);
  form.append('Version', API_VERSIONS[service]);
  for (const [k, v] of params) form.append(k, v);
  const body = form.toString();
  const request = signRequest(
    { method: 'POST', path: '/', headers: [['host', host], ['content-type', 'application/x-www-form-urlencoded; charset=utf-8']], body },
    env.admin,
    { region: service === 'iam' ? 'us-east-1' : region, service, now: env.clock.now() },
  );
  return invoke(env, { request, params: new Map(form), transport: { sourceIp: '127.0.0.1', secure: false, userAgent: 'tessera-scenario' } });
}

/** AWS's messages quote the offending value: a long one is shortened (never a whole document in an error). */
function shorten(message: string): string {
  return message.replace(/Value '([^']{40,})'/g, (_m, v: string) => `Value '${v.slice(0, 24)}…'`);
}

function failure(spec: Sited | { loc: Loc; path: string }, what: string, message: string): ScenarioError {
  let loc = spec.loc;
  let path = spec.path;
  // AWS names the member it refused (`at 'description'`): point at that field when the item has it.
  const member = /at '([A-Za-z0-9.]+)'/.exec(message)?.[1]?.split('.').pop()?.toLowerCase();
  const entry = member === undefined || !('node' in spec) ? undefined : spec.node?.entries.find((e) => e.key.replace(/_/g, '').toLowerCase() === member);
  if (entry !== undefined) {
    loc = entry.value.loc;
    path = `${spec.path}.${entry.key}`;
  }
  const text = `${what}: ${shorten(message)}`;
  return new ScenarioError('ERR_SCENARIO_APPLY', text, [{ severity: 'error', loc, path, message: text }]);
}

function tagParams(prefix: string, tags: readonly Tag[]): [string, string][] {
  const out: [string, string][] = [];
  tags.forEach((t, i) => {
    out.push([`${prefix}.${i + 1}.Key`, t.key], [`${prefix}.${i + 1}.Value`, t.value]);
  });
  return out;
}

/** The metadata `/samlp/metadata/{clientId}` serves for a scenario's application (entityID: the add-on's issuer, else the tenant's). */
export async function idpMetadataFor(idp: Idp, client: ClientSpec, keywords: Keywords): Promise<string> {
  const parsed = parseAddonSettings(resolveKeywordsDeep(client.samlp, keywords));
  const issuer = parsed.ok && parsed.settings.issuer !== undefined && parsed.settings.issuer !== '' ? parsed.settings.issuer : idp.issuer;
  const keys = await idp.keys.published();
  return buildIdpMetadata({
    entityId: issuer,
    signingCertificates: keys.map((k) => k.certificatePem),
    ssoUrl: idp.urls.sso(client.clientId),
    sloUrl: idp.urls.slo(client.clientId),
  });
}

/**
 * Applies `scenario` to `target` in one transaction. Throws ScenarioError (ERR_SCENARIO_APPLY) with
 * the line of the item a service refused; nothing is kept then.
 */
export async function applyScenario(target: ApplyTarget, scenario: Scenario): Promise<AppliedWorld> {
  const { env, idp } = target;
  const origin = idp.urls.origin;
  const keywords = keywordsFor(scenario, origin);
  const host = new URL(target.url).host;
  // Read outside the transaction: the IdP's published keys (created when the IdP started).
  const metadata = new Map<string, string>();
  for (const p of scenario.aws.samlProviders) {
    if (p.metadata.kind !== 'idp') continue;
    const client = findClient(scenario, p.metadata.client);
    if (client === undefined) throw failure(p, `SAML provider \`${p.name}\``, `no application \`${p.metadata.client}\``);
    metadata.set(p.name, await idpMetadataFor(idp, client, keywords));
  }
  const audit = bufferedAudit();
  const world = await env.store.transaction(async (tx) => {
    const store = transactionalStore(tx);
    const txEnv: ServiceEnv = { ...env, store, audit };
    await applyIdp(store, idp, scenario, keywords);
    return applyAws(txEnv, host, scenario, keywords, metadata);
  });
  for (const r of audit.records) {
    try {
      env.audit.write(r);
    } catch (e) {
      env.log({ level: 'error', message: 'audit write failed', error: String(e) });
    }
  }
  return {
    origin,
    clients: scenario.idp.clients.map((c) => ({ name: c.name, clientId: c.clientId, loginUrl: idp.urls.sso(c.clientId), samlp: c.samlp !== undefined })),
    instances: world.instances,
    roles: scenario.aws.roles.map((r) => ({ name: r.name, arn: roleArn(scenario.account, r) })),
  };
}

async function idpStep<T>(spec: Sited, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof IdpError) {
      const detail = e.issues.length === 0 ? e.message : e.issues.map((i) => (i.path === '' ? i.message : `\`${i.path}\`: ${i.message}`)).join('; ');
      throw failure(spec, what, detail);
    }
    throw e;
  }
}

async function applyIdp(store: Store, idp: Idp, scenario: Scenario, keywords: Keywords): Promise<void> {
  const admin = new IdpAdmin({ store, sealer: idp.sealer, clock: idp.clock, tenant: idp.tenant });
  const tenant = scenario.idp.tenant;
  if (tenant.friendlyName !== undefined && tenant.friendlyName !== idp.tenant.friendlyName) {
    await store.idp.tenants.update(idp.tenant.tenantId, { friendlyName: tenant.friendlyName, updateDate: idp.clock.now() });
  }
  for (const u of scenario.idp.users) {
    await idpStep(u, `user \`${u.email}\``, () =>
      admin.createUser({
        email: u.email,
        // A user without a password exists (rules can see it) but cannot log in with one.
        password: u.password ?? randomBytes(32).toString('base64url'),
        emailVerified: u.emailVerified,
        ...(u.name === undefined ? {} : { name: u.name }),
        ...(u.nickname === undefined ? {} : { nickname: u.nickname }),
        ...(u.givenName === undefined ? {} : { givenName: u.givenName }),
        ...(u.familyName === undefined ? {} : { familyName: u.familyName }),
        ...(u.picture === undefined ? {} : { picture: u.picture }),
        appMetadata: resolveKeywordsDeep(u.appMetadata, keywords) as Record<string, never>,
        userMetadata: resolveKeywordsDeep(u.userMetadata, keywords) as Record<string, never>,
        blocked: u.blocked,
        ...(u.userId === undefined ? {} : { userId: u.userId }),
      }),
    );
  }
  for (const c of scenario.idp.clients) {
    await idpStep(c, `application \`${c.name}\``, () =>
      admin.createApplication({
        name: c.name,
        clientId: c.clientId,
        callbacks: c.callbacks.map((u) => resolveKeywords(u, keywords)),
        allowedLogoutUrls: c.allowedLogoutUrls.map((u) => resolveKeywords(u, keywords)),
        ...(c.samlp === undefined ? {} : { addons: { samlp: resolveKeywordsDeep(c.samlp, keywords) } }),
        clientMetadata: c.clientMetadata,
      }),
    );
  }
  for (const c of scenario.idp.rulesConfigs) await idpStep(c, `rules configuration \`${c.key}\``, () => admin.setRulesConfig(c.key, resolveKeywords(c.value, keywords)));
  for (const r of scenario.idp.rules) {
    await idpStep(r, `rule \`${r.name}\``, () =>
      admin.createRule({ name: r.name, script: resolveKeywords(r.script.text, keywords), ...(r.order === undefined ? {} : { order: r.order }), enabled: r.enabled }),
    );
  }
  let position = 0;
  for (const a of scenario.idp.actions) {
    const order = a.bound ? ++position : undefined;
    await idpStep(a, `Action \`${a.name}\``, () =>
      admin.createAction({
        name: a.name,
        code: resolveKeywords(a.code.text, keywords),
        ...(a.runtime === undefined ? {} : { runtime: a.runtime }),
        secrets: a.secrets.map((s) => ({ name: s.name, value: resolveKeywords(s.value, keywords) })),
        bound: a.bound,
        ...(order === undefined ? {} : { order }),
      }),
    );
  }
}

async function applyAws(env: ServiceEnv, host: string, scenario: Scenario, keywords: Keywords, metadata: ReadonlyMap<string, string>): Promise<{ instances: Record<string, string> }> {
  const region = scenario.region;
  const call = async (spec: Sited, what: string, service: ServiceName, action: string, params: readonly (readonly [string, string])[]): Promise<unknown> => {
    const outcome = await adminCall(env, host, service, action, params, region);
    if (!outcome.ok) throw failure(spec, what, `${service.toUpperCase()} ${action} refused it: ${outcome.error.code}: ${outcome.error.message}`);
    return outcome.output;
  };
  const doc = (d: PolicyDocumentSpec) => resolveKeywords(d.text, keywords);

  for (const p of scenario.aws.samlProviders) {
    const xml = p.metadata.kind === 'idp' ? (metadata.get(p.name) as string) : resolveKeywords(p.metadata.source.text, keywords);
    await call(p, `SAML provider \`${p.name}\``, 'iam', 'CreateSAMLProvider', [['Name', p.name], ['SAMLMetadataDocument', xml], ...tagParams('Tags.member', p.tags)]);
  }
  for (const p of scenario.aws.policies) {
    await call(p, `policy \`${p.name}\``, 'iam', 'CreatePolicy', [
      ['PolicyName', p.name],
      ['PolicyDocument', doc(p.document)],
      ...(p.policyPath === undefined ? [] : ([['Path', p.policyPath]] as [string, string][])),
      ...(p.description === undefined ? [] : ([['Description', p.description]] as [string, string][])),
    ]);
  }
  for (const r of scenario.aws.roles) {
    const what = `role \`${r.name}\``;
    await call(r, what, 'iam', 'CreateRole', [
      ['RoleName', r.name],
      ['AssumeRolePolicyDocument', doc(r.trust)],
      ...(r.rolePath === undefined ? [] : ([['Path', r.rolePath]] as [string, string][])),
      ...(r.description === undefined ? [] : ([['Description', r.description]] as [string, string][])),
      ...(r.maxSessionDuration === undefined ? [] : ([['MaxSessionDuration', String(r.maxSessionDuration)]] as [string, string][])),
      ...tagParams('Tags.member', r.tags),
    ]);
    for (const ref of r.managedPolicies) {
      const p = findPolicy(scenario, ref.ref);
      if (p === undefined) throw failure(ref, what, `no managed policy \`${ref.ref}\``);
      await call(ref, what, 'iam', 'AttachRolePolicy', [['RoleName', r.name], ['PolicyArn', policyArn(scenario.account, p)]]);
    }
    for (const ip of r.inlinePolicies) {
      await call(ip, `${what} inline policy \`${ip.name}\``, 'iam', 'PutRolePolicy', [['RoleName', r.name], ['PolicyName', ip.name], ['PolicyDocument', doc(ip.document)]]);
    }
    if (r.permissionsBoundary !== undefined) {
      const p = findPolicy(scenario, r.permissionsBoundary.ref);
      if (p === undefined) throw failure(r.permissionsBoundary, what, `no managed policy \`${r.permissionsBoundary.ref}\``);
      await call(r.permissionsBoundary, what, 'iam', 'PutRolePermissionsBoundary', [['RoleName', r.name], ['PermissionsBoundary', policyArn(scenario.account, p)]]);
    }
  }
  const instances: Record<string, string> = {};
  for (const i of scenario.aws.instances) {
    const output = (await call(i, `instance \`${i.alias}\``, 'ec2', 'RunInstances', [
      ['ImageId', i.imageId],
      ['InstanceType', i.instanceType],
      ['MinCount', '1'],
      ['MaxCount', '1'],
      ...(i.tags.length === 0 ? [] : ([['TagSpecification.1.ResourceType', 'instance'], ...tagParams('TagSpecification.1.Tag', i.tags)] as [string, string][])),
    ])) as { Instances?: readonly { InstanceId?: string }[] };
    const id = output.Instances?.[0]?.InstanceId;
    if (id === undefined) throw failure(i, `instance \`${i.alias}\``, 'RunInstances answered no instance id');
    // A scenario describes instances that exist and run (the guide's world), not ones still
    // launching: settle pending → running now, in the same transaction, as EC2 would a moment later.
    await env.store.instances.updateInstanceState(id, ['pending'], 'running');
    instances[i.alias] = id;
  }
  return { instances };
}

/**
 * The world of an earlier start, served on another origin now: the callbacks that were written as
 * `##TESSERA_URL##…` and the IdP metadata registered from `from: idp:` follow the new origin.
 */
export async function followOrigin(target: ApplyTarget, scenario: Scenario): Promise<void> {
  const { env, idp } = target;
  const keywords = keywordsFor(scenario, idp.urls.origin);
  const host = new URL(target.url).host;
  const metadata = new Map<string, string>();
  for (const p of scenario.aws.samlProviders) {
    if (p.metadata.kind !== 'idp') continue;
    const client = findClient(scenario, p.metadata.client);
    if (client !== undefined) metadata.set(p.name, await idpMetadataFor(idp, client, keywords));
  }
  const audit = bufferedAudit();
  await env.store.transaction(async (tx) => {
    const store = transactionalStore(tx);
    const admin = new IdpAdmin({ store, sealer: idp.sealer, clock: idp.clock, tenant: idp.tenant });
    for (const c of scenario.idp.clients) {
      if (!c.callbacks.some((u) => u.includes('##TESSERA_URL##')) && !c.allowedLogoutUrls.some((u) => u.includes('##TESSERA_URL##'))) continue;
      await idpStep(c, `application \`${c.name}\``, () =>
        admin.updateApplication(c.clientId, {
          callbacks: c.callbacks.map((u) => resolveKeywords(u, keywords)),
          allowedLogoutUrls: c.allowedLogoutUrls.map((u) => resolveKeywords(u, keywords)),
        }),
      );
    }
    const txEnv: ServiceEnv = { ...env, store, audit };
    for (const [name, xml] of metadata) {
      const p = scenario.aws.samlProviders.find((x) => x.name === name) as Sited;
      const outcome = await adminCall(txEnv, host, 'iam', 'UpdateSAMLProvider', [['SAMLProviderArn', providerArn(scenario.account, name)], ['SAMLMetadataDocument', xml]], scenario.region);
      if (!outcome.ok) throw failure(p, `SAML provider \`${name}\``, `IAM UpdateSAMLProvider refused it: ${outcome.error.code}: ${outcome.error.message}`);
    }
  });
  for (const r of audit.records) env.audit.write(r);
}

