// The matrix's two deciders agree: for every shipped scenario, every user × role × served EC2 action ×
// instance is decided by the API (DryRun / real Describe) and by the policy engine with the same
// context, and the answers are equal. Plus what the sessions really carry (session and transitive tags).

import { afterAll, describe, expect, it } from 'vitest';
import { actionsOf } from '../../src/policy/catalog/index.js';
import { callerFor } from '../../src/scenario/engine.js';
import { loadScenarioOrThrow } from '../../src/scenario/load.js';
import { computeMatrix, scenarioEc2Actions } from '../../src/scenario/matrix.js';
import { probedActions } from '../../src/scenario/probes.js';
import { Sessions } from '../../src/scenario/run.js';
import { startScenarioServer, type ScenarioServer } from '../../src/scenario/start.js';

const servers: ScenarioServer[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const SERVED = new Set(probedActions().map((a) => a.slice(4).toLowerCase()));
const servedActions = () => actionsOf('ec2').filter((a) => SERVED.has(a.name.toLowerCase()));

describe('tessera matrix: the API and the policy engine agree', () => {
  for (const file of ['scenarios/seed.yaml', 'scenarios/cost-center-from-metadata.yaml', 'scenarios/multiple-roles.yaml']) {
    it(`on every served action of ${file}`, async () => {
      const { scenario } = loadScenarioOrThrow(file);
      const server = await startScenarioServer(scenario);
      servers.push(server);
      const m = await computeMatrix(scenario, server, servedActions());
      const withApi = m.cells.filter((c) => c.api !== undefined);
      expect(withApi.length).toBeGreaterThan(10);
      expect(m.cells.filter((c) => c.api === 'error')).toEqual([]);
      expect(m.cells.filter((c) => !c.agree)).toEqual([]);
      expect(m.disagreements).toBe(0);
      // Where the API made a single check, the engine decided the very same thing.
      for (const c of withApi.filter((x) => x.action !== 'ec2:RunInstances')) expect([c.action, c.resource, c.engine]).toEqual([c.action, c.resource, c.api]);
      expect(server.errors).toEqual([]);
    });
  }

  it('derives the seed\'s matrix: jane starts and stops marketing instances only', async () => {
    const { scenario } = loadScenarioOrThrow('scenarios/seed.yaml');
    expect(scenarioEc2Actions(scenario).map((a) => a.name)).toEqual(['DescribeInstances', 'StartInstances', 'StopInstances']);
    const server = await startScenarioServer(scenario);
    servers.push(server);
    const m = await computeMatrix(scenario, server, scenarioEc2Actions(scenario));
    expect(m.principals).toEqual([{ user: 'jane@example.com', role: 'arn:aws:iam::013823792818:role/AccessByCostCenter', status: 'ok' }]);
    const grid = Object.fromEntries(m.cells.map((c) => [`${c.action} ${c.resource}`, c.decision]));
    expect(grid).toEqual({
      'ec2:DescribeInstances *': 'allowed',
      'ec2:StartInstances website': 'allowed',
      'ec2:StartInstances management-dashboard': 'denied',
      'ec2:StartInstances community-site': 'allowed',
      'ec2:StopInstances website': 'allowed',
      'ec2:StopInstances management-dashboard': 'denied',
      'ec2:StopInstances community-site': 'allowed',
    });
    expect(m.cells.every((c) => c.api !== undefined && c.agree)).toBe(true);
  });

  it('decides actions Tessera does not serve with the engine alone, per instance where the action has one', async () => {
    const { scenario } = loadScenarioOrThrow('scenarios/seed.yaml');
    const server = await startScenarioServer(scenario);
    servers.push(server);
    const reboot = actionsOf('ec2').filter((a) => a.name === 'RebootInstances');
    const m = await computeMatrix(scenario, server, reboot);
    expect(m.engineOnly).toEqual(['ec2:RebootInstances']);
    expect(m.cells.map((c) => [c.resource, c.decision, c.api])).toEqual([
      ['website', 'denied', undefined],
      ['management-dashboard', 'denied', undefined],
      ['community-site', 'denied', undefined],
    ]);
  });
});

describe('what the sessions carry', () => {
  it('cost-center-from-metadata: tags from app_metadata (rule and Action) and transitive tag keys', async () => {
    const { scenario } = loadScenarioOrThrow('scenarios/cost-center-from-metadata.yaml');
    const server = await startScenarioServer(scenario);
    servers.push(server);
    const sessions = new Sessions(scenario, server);
    for (const [email, costCenter, project] of [
      ['jane@example.com', 'marketing', 'website'],
      ['raj@example.com', 'engineering', 'management_dashboard'],
    ] as const) {
      const s = await sessions.session(email, undefined);
      expect(s.ok).toBe(true);
      const c = s.credentials;
      if (c === undefined) throw new Error('no credentials');
      const caller = await callerFor(server.tessera.env, new URL(server.tessera.url).host, 'us-east-1', { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken });
      if (caller?.kind !== 'session') throw new Error('not a role session');
      expect(Object.fromEntries(caller.session.tags.map((t) => [t.key, t.value]))).toEqual({ CostCenter: costCenter, Project: project });
      expect(caller.session.transitiveTagKeys).toEqual(['CostCenter', 'Project']);
      expect(caller.session.sessionName).toBe(email);
    }
    const sam = await sessions.session('sam@example.com', undefined);
    expect(sam.ok).toBe(false);
    expect(sam.denial?.summary).toMatch(/^the IdP refused the login: no cost center in app_metadata$/);
  });
});
