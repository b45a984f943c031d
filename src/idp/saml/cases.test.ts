// Runs the JSON case tables of src/idp/saml/cases/*.json: each case cites the reference/auth0.md
// sentence (and its source) it encodes, and runs the whole pure chain — parseAddonSettings →
// effectiveSamlConfiguration → applyRuleConfiguration → applyActionCommands → assertionSpec — then,
// where asked, renders with buildResponse and verifies with the STS verifier and readAwsClaims.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAwsClaims } from '../../saml/aws.js';
import { createSigningCredential } from '../../saml/keys.js';
import { NS } from '../../saml/ns.js';
import { buildResponse, buildUnsignedResponse } from '../../saml/response.js';
import { verifySamlResponse } from '../../saml/verify.js';
import { children, parseXmlStrict, textOnly } from '../../saml/xml.js';
import { Auth0DateValue } from './claims.js';
import { IdpSamlError } from './errors.js';
import { applyActionCommands, applyRuleConfiguration, samlConfigurationForRules, type RuleConfigurationView } from './precedence.js';
import { assertionSpec, signingOptionsFor, type AssertionPlan } from './response-spec.js';
import { effectiveSamlConfiguration, parseAddonSettings, type DeliveryContext, type SamlConfiguration } from './settings.js';

interface Case {
  readonly it: string;
  readonly cites: string;
  readonly addon?: unknown;
  readonly context?: Partial<DeliveryContext>;
  readonly ruleView?: RuleConfigurationView;
  readonly rule?: unknown;
  readonly actions?: readonly unknown[];
  readonly user?: unknown;
  readonly clientId?: string;
  readonly idTokenClaims?: Record<string, unknown>;
  readonly now?: string;
  readonly inResponseTo?: string;
  readonly expect: Expectation;
}

interface Expectation {
  readonly parse?: { readonly ok: boolean; readonly errors?: unknown; readonly warnings?: unknown; readonly settings?: unknown };
  readonly ruleSees?: unknown;
  readonly config?: Record<string, unknown>;
  readonly error?: string;
  readonly nameId?: { readonly value: string; readonly format: string };
  readonly attributes?: ReadonlyArray<readonly [string, unknown]>;
  readonly spec?: Record<string, unknown>;
  readonly signing?: Record<string, unknown>;
  readonly plan?: Record<string, unknown>;
  readonly diagnostics?: readonly string[];
  readonly rendered?: ReadonlyArray<{ readonly name: string; readonly nameFormat: string | null; readonly values: ReadonlyArray<readonly [string, string]> }>;
  readonly renderedContains?: readonly string[];
  readonly aws?: Record<string, unknown>;
}

interface Table {
  readonly topic: string;
  readonly source: string;
  readonly cases: readonly Case[];
}

const dir = join(import.meta.dirname, 'cases');
const USERS = JSON.parse(readFileSync(join(dir, '_users.json'), 'utf8')) as Record<string, unknown>;
const ADDONS = JSON.parse(readFileSync(join(dir, '_addons.json'), 'utf8')) as Record<string, unknown>;
const DEFAULT_NOW = '2024-03-12T20:53:05.219Z';
const IDS = { response: '_f42f69fd86ac873403e7', assertion: '_P3oonoH5X35ou5MiOmyDlmNLx4G9Ml3U', sessionIndex: '_0OmGDAoMr0e3pEh4x31QYBbMKCMA-0wb' };
const DEFAULT_CONTEXT: DeliveryContext = { tenantIssuer: 'urn:tessera.example.com', callbackUrl: 'https://signin.aws.amazon.com/saml' };

const tenant = await createSigningCredential({ host: 'tessera.example.com', notBefore: Date.UTC(2020, 0, 1) });

/** `{"$date": iso}` → Date; `"@name"` → the named fixture. */
function revive(value: unknown, fixtures: Record<string, unknown>): unknown {
  if (typeof value === 'string' && value.startsWith('@')) {
    const named = fixtures[value.slice(1)];
    if (named === undefined) throw new Error(`no fixture ${value}`);
    return revive(named, fixtures);
  }
  if (Array.isArray(value)) return value.map((v) => revive(v, fixtures));
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record['$date'] === 'string' && Object.keys(record).length === 1) return new Date(record['$date']);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revive(v, fixtures)]));
  }
  return value;
}

/** Output values as JSON: a Date claim as `{"$dateText": …}`. */
function plain(value: unknown): unknown {
  if (value instanceof Auth0DateValue) return { $dateText: value.text };
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function configView(config: SamlConfiguration, key: string): unknown {
  if (key === 'mappings') return { source: config.mappings.source, pairs: config.mappings.pairs.map((p) => [p.profilePath, p.samlName]) };
  // JSON has no undefined: a setting that is not set reads as null.
  return (config as unknown as Record<string, unknown>)[key] ?? null;
}

function renderedAttributes(xml: string): Expectation['rendered'] {
  const response = parseXmlStrict(xml).documentElement as Element;
  const assertion = children(response, NS.assertion, 'Assertion')[0] as Element;
  const statement = children(assertion, NS.assertion, 'AttributeStatement')[0] as Element;
  return children(statement, NS.assertion, 'Attribute').map((a) => ({
    name: a.getAttribute('Name') ?? '',
    nameFormat: a.hasAttribute('NameFormat') ? a.getAttribute('NameFormat') : null,
    values: children(a, NS.assertion, 'AttributeValue').map((v) => [v.getAttributeNS(NS.xsi, 'type') ?? '', textOnly(v) ?? ''] as const),
  }));
}

function runCase(c: Case): void {
  const want = c.expect;
  const addonInput = revive(c.addon, ADDONS);
  const parsed = parseAddonSettings(addonInput);
  if (want.parse !== undefined) {
    expect(parsed.ok).toBe(want.parse.ok);
    if (!parsed.ok) expect(parsed.errors).toEqual(want.parse.errors);
    else {
      expect(parsed.warnings).toEqual(want.parse.warnings ?? []);
      if (want.parse.settings !== undefined) expect(parsed.settings).toEqual(want.parse.settings);
    }
  }
  if (!parsed.ok) {
    if (want.parse === undefined) throw new Error(`add-on settings refused: ${JSON.stringify(parsed.errors)}`);
    return;
  }

  const context = { ...DEFAULT_CONTEXT, ...c.context };
  let config: SamlConfiguration;
  let plan: AssertionPlan | undefined;
  try {
    config = effectiveSamlConfiguration(parsed.settings, context);
    if (want.ruleSees !== undefined) expect(samlConfigurationForRules(config, c.ruleView)).toEqual(want.ruleSees);
    if (c.rule !== undefined) config = applyRuleConfiguration(config, c.rule);
    if (c.actions !== undefined) config = applyActionCommands(config, c.actions);
    if (c.user !== undefined) {
      plan = assertionSpec(revive(c.user, USERS) as Record<string, unknown>, config, {
        now: Date.parse(c.now ?? DEFAULT_NOW),
        ids: IDS,
        ...(c.inResponseTo === undefined ? {} : { inResponseTo: c.inResponseTo }),
        ...(c.clientId === undefined ? {} : { clientId: c.clientId }),
        ...(c.idTokenClaims === undefined ? {} : { idTokenClaims: revive(c.idTokenClaims, {}) as Record<string, unknown> }),
      });
    }
  } catch (e) {
    if (want.error === undefined || !(e instanceof IdpSamlError)) throw e;
    expect(e.code).toBe(want.error);
    return;
  }
  expect(want.error, 'expected an error').toBeUndefined();

  for (const [key, value] of Object.entries(want.config ?? {})) expect(configView(config, key), `config.${key}`).toEqual(value);
  const diagnostics = (plan?.diagnostics ?? config.diagnostics).map((d) => `${d.code}:${d.source}:${d.path}`);
  expect(diagnostics, 'diagnostics').toEqual(want.diagnostics ?? []);
  if (plan === undefined) return;

  if (want.nameId !== undefined) expect(plan.spec.nameId).toEqual(want.nameId);
  if (want.attributes !== undefined) expect([...(plan.spec.attributes as ReadonlyMap<string, unknown>)].map(([n, v]) => [n, plain(v)])).toEqual(want.attributes);
  for (const [key, value] of Object.entries(want.spec ?? {})) expect((plan.spec as unknown as Record<string, unknown>)[key] ?? null, `spec.${key}`).toEqual(value);
  for (const [key, value] of Object.entries(want.signing ?? {})) expect((plan.signing as unknown as Record<string, unknown>)[key] ?? null, `signing.${key}`).toEqual(value);
  for (const [key, value] of Object.entries(want.plan ?? {})) expect((plan as unknown as Record<string, unknown>)[key] ?? null, `plan.${key}`).toEqual(value);

  if (want.rendered !== undefined || want.renderedContains !== undefined) {
    const xml = buildUnsignedResponse(plan.spec);
    if (want.rendered !== undefined) expect(renderedAttributes(xml)).toEqual(want.rendered);
    for (const fragment of want.renderedContains ?? []) expect(xml).toContain(fragment);
  }
  if (want.aws !== undefined) {
    const xml = buildResponse(plan.spec, signingOptionsFor(plan.signing, tenant));
    const verified = verifySamlResponse(xml, {
      rawXml: true,
      now: Date.parse(c.now ?? DEFAULT_NOW) + 1000,
      idp: { entityId: config.issuer, certificates: [tenant.certificatePem] },
    });
    const claims = readAwsClaims(verified);
    for (const [key, value] of Object.entries(want.aws)) {
      // `verified.<field>`: the VerifiedAssertion; `attributeNames`: its attribute names; else readAwsClaims.
      const actual = key.startsWith('verified.')
        ? (verified as unknown as Record<string, unknown>)[key.slice('verified.'.length)]
        : key === 'attributeNames'
          ? verified.attributes.map((a) => a.name)
          : (claims as unknown as Record<string, unknown>)[key];
      expect(actual, `aws.${key}`).toEqual(value);
    }
  }
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('_')).sort()) {
  const table = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Table;
  describe(`${file}: ${table.topic} (${table.source})`, () => {
    for (const c of table.cases) it(`${c.it} [${c.cites}]`, () => runCase(c));
  });
}
