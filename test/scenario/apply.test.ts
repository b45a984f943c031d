// Applying a scenario to a real (in-process) Tessera: all or nothing in one transaction, refusals
// reported at the scenario line, audit records only for a committed world; once per data directory,
// a changed world refused, a new origin followed; the seed's world as the guide describes it.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTessera, type Tessera } from '../../src/main.js';
import { applyScenario, adminCall } from '../../src/scenario/apply.js';
import { isScenarioError, formatIssue } from '../../src/scenario/errors.js';
import { idpLogin } from '../../src/scenario/federation.js';
import { Browser } from '../../src/scenario/http.js';
import { loadScenarioOrThrow } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { ensureScenario, readRecord, tesseraOptionsFor } from '../../src/scenario/start.js';

const dirs: string[] = [];
const servers: Tessera[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tessera-scenario-apply-'));
  dirs.push(d);
  return d;
}

async function start(scenario: Scenario, dataDir = tempDir(), port = 0): Promise<Tessera> {
  const t = await startTessera({ dataDir, port, host: '127.0.0.1', environment: {}, log: () => {}, ...tesseraOptionsFor(scenario) });
  servers.push(t);
  return t;
}

async function stop(t: Tessera): Promise<void> {
  servers.splice(servers.indexOf(t), 1);
  await t.close();
}

/** The seed, rewritten to `name` in a temp dir (its rule file referenced absolutely). */
function seedVariant(edit: (text: string) => string): Scenario {
  const dir = tempDir();
  const text = readFileSync('scenarios/seed.yaml', 'utf8').replace('file:../examples/seed-rule.js', `file:${join(process.cwd(), 'examples', 'seed-rule.js')}`);
  const path = join(dir, 'seed.yaml');
  writeFileSync(path, edit(text));
  return loadScenarioOrThrow(path, dir).scenario;
}

async function worldOf(t: Tessera): Promise<Record<string, number>> {
  const env = t.env;
  const call = async (service: 'iam' | 'ec2', action: string, params: [string, string][] = []) => {
    const r = await adminCall(env, new URL(t.url).host, service, action, params, 'us-east-1');
    if (!r.ok) throw new Error(`${action}: ${r.error.code}`);
    return r.output as Record<string, unknown[] | undefined>;
  };
  return {
    users: (await t.idp.admin.listUsers()).items.length,
    applications: (await t.idp.admin.listApplications()).length,
    rules: (await t.idp.admin.listRules()).length,
    providers: ((await call('iam', 'ListSAMLProviders')).SAMLProviderList ?? []).length,
    policies: ((await call('iam', 'ListPolicies', [['Scope', 'Local']])).Policies ?? []).length,
    roles: ((await call('iam', 'ListRoles')).Roles ?? []).length,
    reservations: ((await call('ec2', 'DescribeInstances')).Reservations ?? []).length,
  };
}

describe('applying a scenario', () => {
  it('builds the seed\'s world: users, the application, the rule, the provider from the IdP metadata, policy, role, three instances', async () => {
    const { scenario } = loadScenarioOrThrow('scenarios/seed.yaml');
    const t = await start(scenario);
    const world = await applyScenario(t, scenario);
    expect(await worldOf(t)).toEqual({ users: 1, applications: 1, rules: 1, providers: 1, policies: 1, roles: 1, reservations: 3 });
    expect(Object.keys(world.instances)).toEqual(['website', 'management-dashboard', 'community-site']);
    expect(world.clients).toEqual([{ name: 'AWS Console', clientId: 'AwsConsole', loginUrl: `${t.idp.urls.origin}/samlp/AwsConsole`, samlp: true }]);
    const app = await t.idp.admin.getApplication('AwsConsole');
    expect(app?.callbacks).toEqual([`${t.idp.urls.origin}/saml`]);
    // The provider was registered from the IdP's own metadata: issuer urn:<tenant domain>.
    const provider = await t.env.store.samlProviders.get('arn:aws:iam::013823792818:saml-provider/auth0SamlProvider');
    expect(provider?.samlMetadataDocument).toContain('entityID="urn:tessera.local"');
    expect(t.idp.issuer).toBe('urn:tessera.local');
    // The admin's calls are in the audit log, once the world committed.
    const audit = readFileSync(join(t.dataDir, 'audit.log'), 'utf8');
    for (const name of ['CreateSAMLProvider', 'CreatePolicy', 'CreateRole', 'AttachRolePolicy', 'RunInstances']) expect(audit).toContain(`"eventName":"${name}"`);
  });

  it('keeps nothing when a service refuses an item half-way, and says which line', async () => {
    const bad = seedVariant((text) => text.replace('description: Start and stop the instances of the caller\'s cost center', `description: ${'x'.repeat(1001)}`));
    const t = await start(bad);
    let error: unknown;
    try {
      await applyScenario(t, bad);
    } catch (e) {
      error = e;
    }
    expect(isScenarioError(error, 'ERR_SCENARIO_APPLY')).toBe(true);
    const issues = isScenarioError(error) ? error.issues.map(formatIssue) : [];
    expect(issues).toEqual([
      "seed.yaml:70:20: aws.roles[0].description: role `AccessByCostCenter`: IAM CreateRole refused it: ValidationError: 1 validation error detected: Value 'xxxxxxxxxxxxxxxxxxxxxxxx…' at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000",
    ]);
    // Users, application, rule, provider and policy were written before the role: all rolled back.
    expect(await worldOf(t)).toEqual({ users: 0, applications: 0, rules: 0, providers: 0, policies: 0, roles: 0, reservations: 0 });
    expect(readFileSync(join(t.dataDir, 'audit.log'), { encoding: 'utf8', flag: 'a+' })).not.toContain('CreateSAMLProvider');
    // Nothing left behind: the corrected scenario applies on the same store.
    const { scenario } = loadScenarioOrThrow('scenarios/seed.yaml');
    await applyScenario(t, scenario);
    expect((await worldOf(t)).roles).toBe(1);
  });
});

describe('a scenario on a data directory', () => {
  it('is applied once, refused when changed, and follows a new origin', async () => {
    const { scenario } = loadScenarioOrThrow('scenarios/seed.yaml');
    const dataDir = tempDir();
    const first = await start(scenario, dataDir);
    const applied = await ensureScenario(first, scenario, new Date('2026-01-02T03:04:05Z'));
    expect(applied.applied).toBe(true);
    expect(readRecord(dataDir)).toMatchObject({ version: 1, worldHash: scenario.worldHash, appliedAt: '2026-01-02T03:04:05.000Z' });
    const again = await ensureScenario(first, scenario, new Date());
    expect(again).toMatchObject({ applied: false, record: { appliedAt: '2026-01-02T03:04:05.000Z' } });
    expect((await worldOf(first)).reservations).toBe(3);
    await stop(first);

    // Another port: the callback and the provider's metadata follow; nothing else changes.
    const second = await start(scenario, dataDir);
    expect(second.idp.urls.origin).not.toBe(first.idp.urls.origin);
    const followed = await ensureScenario(second, scenario, new Date());
    expect(followed.applied).toBe(false);
    expect(followed.record.world.clients[0]?.loginUrl).toBe(`${second.idp.urls.origin}/samlp/AwsConsole`);
    expect((await second.idp.admin.getApplication('AwsConsole'))?.callbacks).toEqual([`${second.idp.urls.origin}/saml`]);
    const login = await idpLogin(new Browser(), `${second.idp.urls.origin}/samlp/AwsConsole`, 'jane@example.com', 'jane-demo-password');
    expect(login.ok && login.postUrl).toBe(`${second.idp.urls.origin}/saml`);
    expect(await worldOf(second)).toEqual({ users: 1, applications: 1, rules: 1, providers: 1, policies: 1, roles: 1, reservations: 3 });

    // A changed world on the same directory: refused, nothing changed.
    const changed = seedVariant((text) => text.replace('Project: website }', 'Project: web }'));
    let error: unknown;
    try {
      await ensureScenario(second, changed, new Date());
    } catch (e) {
      error = e;
    }
    expect(isScenarioError(error, 'ERR_SCENARIO_CHANGED')).toBe(true);
    expect((error as Error).message).toMatch(/holds the world of `scenarios\/seed\.yaml` as applied at 2026-01-02T03:04:05\.000Z; `.*seed\.yaml` describes another world\. Nothing was changed/);
    expect(await worldOf(second)).toEqual({ users: 1, applications: 1, rules: 1, providers: 1, policies: 1, roles: 1, reservations: 3 });
  });
});
