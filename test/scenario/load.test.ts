// Reading and checking scenario files (src/scenario parse + validate): every problem at once, each at
// its file:line:column with its field path; policy findings mapped back to YAML, JSON text and JSON
// files; scripts compiled, never run; the shipped scenarios valid; the world's fingerprint stable.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-scenario-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Loads `text` as a scenario; the formatted issues (file name without the directory). */
function problems(text: string, name = 'scenario.yaml'): string[] {
  const r = loadScenario(write(name, text), dir);
  return r.ok ? r.warnings.map(formatIssue) : r.issues.map(formatIssue);
}

const MINIMAL_AWS = `
aws:
  policies:
    - name: P
      document:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: ec2:DescribeInstances
            Resource: "*"
`;

describe('shipped scenarios', () => {
  for (const file of ['scenarios/seed.yaml', 'scenarios/cost-center-from-metadata.yaml', 'scenarios/multiple-roles.yaml']) {
    it(`${file} is valid and has expectations`, () => {
      const r = loadScenario(file);
      expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([]);
      if (r.ok) {
        expect(r.warnings.map(formatIssue)).toEqual([]);
        expect(r.scenario.expectations.length).toBeGreaterThan(3);
      }
    });
  }

  it('the seed runs the guide\'s rule byte for byte and its policy with the real variable', () => {
    const r = loadScenario('scenarios/seed.yaml');
    if (!r.ok) throw new Error('seed invalid');
    const s = r.scenario;
    expect(s.idp.rules).toHaveLength(1);
    expect(s.idp.rules[0]?.script.text).toBe(readFileSync('examples/seed-rule.js', 'utf8'));
    const guide = JSON.parse(readFileSync('examples/seed-policy.json', 'utf8'), (_k, v: unknown) => (typeof v === 'string' ? v.replace(/^<%= "(.*)" %>$/, '$1') : v)) as unknown;
    expect(JSON.parse(s.aws.policies[0]?.document.text ?? '')).toEqual(guide);
    expect(s.aws.policies[0]?.name).toBe('VirtualMachineAccessByCostCenter');
    expect(s.aws.roles[0]?.name).toBe('AccessByCostCenter');
    expect(s.aws.samlProviders[0]).toMatchObject({ name: 'auth0SamlProvider', metadata: { kind: 'idp', client: 'AWS Console' } });
    expect(s.aws.instances.map((i) => Object.fromEntries(i.tags.map((t) => [t.key, t.value])))).toEqual([
      { CostCenter: 'marketing', Project: 'website' },
      { CostCenter: 'engineering', Project: 'management_dashboard' },
      { CostCenter: 'marketing', Project: 'community_site' },
    ]);
    // The classic add-on settings of reference/auth0.md §1.1, recipient/destination kept at AWS's.
    expect(s.idp.clients[0]?.samlp).toEqual({
      audience: 'https://signin.aws.amazon.com/saml',
      recipient: 'https://signin.aws.amazon.com/saml',
      destination: 'https://signin.aws.amazon.com/saml',
      mappings: {
        email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
        name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
      },
      createUpnClaim: false,
      passthroughClaimsWithNoMapping: false,
      mapUnknownClaimsAsIs: false,
      mapIdentities: false,
      nameIdentifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      nameIdentifierProbes: ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'],
    });
    expect(s.idp.clients[0]?.callbacks).toEqual(['##TESSERA_URL##/saml']);
  });
});

describe('errors: every problem, each at file:line:column with its field path', () => {
  it('reports shape, reference and policy problems together, in file order', () => {
    const out = problems(`account: 13823792818
idp:
  users:
    - email: bob@example.com
      password: pw
      appMetadata: {}
  rules:
    - name: Bad rule
      script: |
        function (user, context, callback) {
          callback(null, user, context);
        };
aws:
  policies:
    - name: P1
      document:
        Version: "2012-10-17"
        Statement:
          - Effect: Alow
            Action: ec2:StopInstances
            Resource: "*"
            Condition:
              StringEqual:
                ec2:ResourceTag/CostCenter: x
  roles:
    - name: R
      trust:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Federated: "arn:aws:iam::013823792818:saml-provider/missing" }
            Action: sts:AssumeRoleWithSAML
      policies: [P1, P3]
  instances:
    - id: a
    - id: a
expect:
  - as: nobody@example.com
    action: ec2:RebootInstances
    resource: zzz
    expect: allowed
  - as: bob@example.com
    action: ec2:StopInstances
    resource: a
    allowed: true
`);
    expect(out).toEqual([
      'scenario.yaml:1:10: account: must be 12 digits (quote it in YAML: `account: "013823792818"`)',
      'scenario.yaml:6:7: idp.users[0].appMetadata: Auth0 spells it `app_metadata`',
      'scenario.yaml:12:10: idp.rules[0].script: the rule does not compile: SyntaxError: Unexpected token \';\' (a rule is a function expression: remove the trailing semicolon)',
      'scenario.yaml:19:21: aws.policies[0].document.Statement[0].Effect: `Effect` must be `Allow` or `Deny`, not `Alow`',
      'scenario.yaml:24:17: aws.policies[0].document.Statement[0].Condition.StringEqual: unknown condition operator `StringEqual`: did you mean `StringEquals`?',
      expect.stringMatching(/^scenario\.yaml:28:9: aws\.roles\[0\]\.trust: names SAML provider .*saml-provider\/missing/),
      'scenario.yaml:33:22: aws.roles[0].policies[1]: no managed policy `P3` in `aws.policies` (defined: `P1`)',
      'scenario.yaml:36:7: aws.instances[1].id: the instance `a` is defined twice (first at line 35)',
      'scenario.yaml:38:5: expect: a check logs in at an application with the SAML2 add-on, and `idp.clients` has none',
      'scenario.yaml:38:9: expect[0].as: no user `nobody@example.com` in `idp.users` (defined: `bob@example.com`)',
      expect.stringMatching(/^scenario\.yaml:39:13: expect\[0\]\.action: `ec2:RebootInstances` cannot be checked through Tessera's API; checkable: /),
      'scenario.yaml:40:15: expect[0].resource: no instance `zzz` in `aws.instances` (defined: `a`, `a`)',
      'scenario.yaml:42:5: expect[1].expect: write `expect: allowed`',
    ]);
  });

  it('maps findings inside a JSON policy written as a block and inside a JSON file to their lines', () => {
    write('policy.json', '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "ec2:StopInstances", "Resource": 5}\n  ]\n}\n');
    const out = problems(`aws:
  policies:
    - name: FromFile
      document: file:policy.json
    - name: Block
      document: |
        {"Version": "2012-10-17",
         "Statement": {"Effect": "Deny", "Action": "ec2:StopInstances", "NotResource": "*", "Resource": "*"}}
`);
    expect(out).toEqual([
      expect.stringMatching(/^scenario\.yaml:8:\d+: aws\.policies\[1\]\.document\.Statement/),
      expect.stringMatching(/^policy\.json:4:\d+: aws\.policies\[0\]\.document\.Statement\[0\]\.Resource: /),
    ]);
  });

  it('points at a script syntax error inside a referenced file', () => {
    write('broken-rule.js', 'function (user, context, callback) {\n  var x = ;\n  callback(null, user, context);\n}');
    write('broken-action.js', 'exports.onExecutePostLogin = async (event, api) => {\n  api.access.deny(\n};\n');
    const out = problems(`idp:
  rules:
    - name: Broken
      script: { file: broken-rule.js }
  actions:
    - name: broken
      code: file:broken-action.js
`);
    expect(out).toEqual([
      expect.stringMatching(/^broken-action\.js:3:\d+: idp\.actions\[0\]\.code: the Action does not compile: SyntaxError: /),
      expect.stringMatching(/^broken-rule\.js:2:11: idp\.rules\[0\]\.script: the rule does not compile: SyntaxError: Unexpected token ';'/),
    ]);
  });

  it('reports YAML syntax errors and a missing file with positions', () => {
    expect(problems('idp:\n  users: [\n')[0]).toMatch(/^scenario\.yaml:\d+:\d+: YAML: /);
    expect(problems('a: 1\na: 2\n')[0]).toMatch(/^scenario\.yaml:2:1: YAML: Map keys must be unique/);
    const missing = loadScenario(join(dir, 'nope.yaml'), dir);
    expect(missing.ok ? [] : missing.issues.map(formatIssue)).toEqual(['nope.yaml:1:1: no such file']);
  });

  it('refuses an application whose Recipient AWS would refuse, and explains the fix', () => {
    const out = problems(`idp:
  clients:
    - name: App
      callbacks: ["##TESSERA_URL##/saml"]
      addons: { samlp: { audience: "https://signin.aws.amazon.com/saml" } }
aws:
  saml_providers:
    - name: p
      from: idp:App
`);
    expect(out).toEqual([
      expect.stringMatching(/^scenario\.yaml:5:\d+: idp\.clients\[0\]\.addons\.samlp\.recipient: the Recipient would be `http:\/\/127\.0\.0\.1:4750\/saml`, which AWS STS refuses: set `recipient: https:\/\/signin\.aws\.amazon\.com\/saml`/),
      expect.stringMatching(/idp\.clients\[0\]\.addons\.samlp\.destination: the Destination would be/),
    ]);
  });

  it('checks add-on settings with the IdP\'s own parser, at the setting\'s line', () => {
    const out = problems(`idp:
  clients:
    - name: App
      callbacks: ["https://signin.aws.amazon.com/saml"]
      addons:
        samlp:
          lifetimeInSeconds: "an hour"
`);
    expect(out).toEqual(['scenario.yaml:7:30: idp.clients[0].addons.samlp.lifetimeInSeconds: `lifetimeInSeconds` must be an integer']);
  });

  it('suggests the known field for a misspelt one', () => {
    expect(problems(`aws:\n  roles:\n    - name: R\n      trust: {}\n      polices: [X]\n`)).toContain(
      'scenario.yaml:5:7: aws.roles[0].polices: unknown field `polices`: did you mean `policies`?',
    );
  });

  it('passes a minimal valid scenario with policy warnings only', () => {
    const out = problems(`${MINIMAL_AWS}
    - name: Templated
      document:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: ec2:StopInstances
            Resource: "*"
            Condition:
              StringEquals:
                ec2:ResourceTag/CostCenter: '<%= "\${aws:PrincipalTag/CostCenter}" %>'
`);
    expect(out).toEqual([expect.stringMatching(/^scenario\.yaml:21:45: warning: aws\.policies\[1\]\.document\.Statement\[0\]\.Condition\.StringEquals\.ec2:ResourceTag\/CostCenter: .*<%=/)]);
  });
});

describe('the world\'s fingerprint', () => {
  it('ignores comments, formatting and expectations; changes with the world', () => {
    const seed = readFileSync('scenarios/seed.yaml', 'utf8').replace('file:../examples/seed-rule.js', `file:${join(process.cwd(), 'examples', 'seed-rule.js')}`);
    const hash = (text: string, name: string) => {
      const r = loadScenario(write(name, text), dir);
      if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
      return r.scenario.worldHash;
    };
    const base = hash(seed, 'a.yaml');
    expect(hash(`# a comment\n\n${seed.replace(/^expect:[\s\S]*$/m, 'expect: []\n')}`, 'b.yaml')).toBe(base);
    expect(hash(seed.replace('Project: website }', 'Project: web }'), 'c.yaml')).not.toBe(base);
  });
});

describe('the error catalogue', () => {
  it('documents every code in docs/scenarios.md', async () => {
    const { SCENARIO_ERROR_CODES } = await import('../../src/scenario/errors.js');
    const docs = readFileSync('docs/scenarios.md', 'utf8');
    for (const code of SCENARIO_ERROR_CODES) expect(docs).toContain(`| \`${code}\` |`);
  });
});
