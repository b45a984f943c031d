// `tessera matrix` as a user runs it: the seed's grid in text and JSON (both deciders on every cell),
// --actions expanded against the EC2 catalogue, refusals and usage errors with exit 2.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

async function tessera(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, stdin: new PassThrough() });
  return { code, stdout, stderr };
}

interface Cell {
  user: string;
  role: string;
  action: string;
  resource: string;
  decision: string;
  engine: string;
  api?: string;
  agree: boolean;
}

describe('tessera matrix', () => {
  it('prints who can do what in the seed: a grid per user and role', async () => {
    const r = await tessera(['matrix', 'scenarios/seed.yaml']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'scenarios/seed.yaml: who can do what (✓ allowed, · denied)',
        '',
        'jane@example.com as AccessByCostCenter',
        'action                 website  management-dashboard  community-site  *',
        '---------------------  -------  --------------------  --------------  -',
        'ec2:DescribeInstances                                                 ✓',
        'ec2:StartInstances     ✓        ·                     ✓',
        'ec2:StopInstances      ✓        ·                     ✓',
        '',
      ].join('\n'),
    );
  });

  it('--json has both decisions for every cell of every principal, and they agree', async () => {
    const r = await tessera(['matrix', '--json', '--actions', 'ec2:Stop*,ec2:RebootInstances,ec2:DescribeInstances', 'scenarios/multiple-roles.yaml']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { actions: string[]; principals: { user: string; role?: string; status: string }[]; cells: Cell[]; disagreements: number; engineOnly: string[] };
    expect(m.actions).toEqual(['ec2:DescribeInstances', 'ec2:RebootInstances', 'ec2:StopInstances']);
    expect(m.engineOnly).toEqual(['ec2:RebootInstances']);
    expect(m.principals.map((p) => `${p.user} ${p.role?.split('/').pop() ?? ''} ${p.status}`)).toEqual([
      'jane@example.com Operator ok',
      'jane@example.com ReadOnly ok',
      'jane@example.com Auditor assume-denied',
      'bob@example.com ReadOnly ok',
    ]);
    expect(m.disagreements).toBe(0);
    const stop = m.cells.filter((c) => c.action === 'ec2:StopInstances').map((c) => `${c.user} ${c.role.split('/').pop()} ${c.resource} ${c.decision} ${c.api} ${c.engine}`);
    expect(stop).toEqual([
      'jane@example.com Operator website allowed allowed allowed',
      'jane@example.com Operator management-dashboard denied denied denied',
      'jane@example.com ReadOnly website denied denied denied',
      'jane@example.com ReadOnly management-dashboard denied denied denied',
      'bob@example.com ReadOnly website denied denied denied',
      'bob@example.com ReadOnly management-dashboard denied denied denied',
    ]);
    expect(m.cells.filter((c) => c.action === 'ec2:RebootInstances').every((c) => c.api === undefined && c.decision === c.engine)).toBe(true);
  });

  it('shows a user the IdP refuses instead of a grid', async () => {
    const r = await tessera(['matrix', '--actions', 'ec2:DescribeInstances', 'scenarios/cost-center-from-metadata.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sam@example.com: login denied: no cost center in app_metadata\n');
  });

  it('exits 2 on bad --actions, a bad scenario, or no scenario', async () => {
    const unknown = await tessera(['matrix', '--actions', 'ec2:Fly*', 'scenarios/seed.yaml']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--actions: `ec2:Fly*` matches no EC2 action');
    const iam = await tessera(['matrix', '--actions', 'iam:CreateRole', 'scenarios/seed.yaml']);
    expect(iam.code).toBe(2);
    expect((await tessera(['matrix'])).code).toBe(2);
    const missing = await tessera(['matrix', 'no-such.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such.yaml:1:1: no such file');
    const help = await tessera(['matrix', '--help']);
    expect(help.stdout).toMatch(/^Usage: tessera matrix SCENARIO/);
  });
});
