// The scenario model: what a scenario file says once it has been read and checked (docs/scenarios.md).
// Every part keeps where it was written (`loc`, `path`) so a failure at apply or check time can still
// point at the line. Strings may hold Deploy-CLI-style keywords (`##TESSERA_URL##`), resolved at apply.

import type { Loc } from './errors.js';
import type { PMap, PNode, PScalar } from './source.js';

export interface Sited {
  readonly loc: Loc;
  /** The field path in the scenario: `aws.roles[0]`. */
  readonly path: string;
  /** The mapping it was read from, to point at one of its fields (`at`). */
  readonly node?: PMap;
}

/** Where a field of `spec` was written (its value), else the spec itself. */
export function at(spec: Sited, field: string): Loc {
  return spec.node?.entries.find((e) => e.key === field)?.value.loc ?? spec.loc;
}

export type JsonObject = { [key: string]: unknown };

/** Text given inline or read from a file (`file: ./rules/x.js`, relative to the scenario). */
export interface TextSource {
  readonly text: string;
  /** The file it was read from (as displayed in messages), when not inline. */
  readonly file?: string;
  /** The inline scalar, to map offsets inside it back to the scenario file. */
  readonly scalar?: PScalar;
  readonly loc: Loc;
}

/** A policy document: written as YAML (kept as a tree to locate findings) or as JSON text. */
export interface PolicyDocumentSpec extends Sited {
  /** The JSON text sent to IAM (keywords unresolved). */
  readonly text: string;
  readonly yaml?: PNode;
  readonly source?: TextSource;
}

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface TenantSpec extends Sited {
  /** The tenant's domain: the issuer is `urn:<domain>` (Auth0's rule), the same whatever port serves it. */
  readonly domain: string;
  readonly friendlyName?: string;
}

export interface UserSpec extends Sited {
  readonly email: string;
  /** Absent: the user exists but cannot log in with a password (a random one is set). */
  readonly password?: string;
  readonly emailVerified: boolean;
  readonly name?: string;
  readonly nickname?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly picture?: string;
  readonly appMetadata: JsonObject;
  readonly userMetadata: JsonObject;
  readonly blocked: boolean;
  readonly userId?: string;
}

export interface ClientSpec extends Sited {
  readonly name: string;
  readonly clientId: string;
  readonly callbacks: readonly string[];
  readonly allowedLogoutUrls: readonly string[];
  /** The SAML2 Web App add-on settings as written (object or the dashboard's settings text). */
  readonly samlp?: unknown;
  readonly samlpNode?: PNode;
  readonly clientMetadata: Readonly<Record<string, string>>;
}

export interface RuleSpec extends Sited {
  readonly name: string;
  readonly script: TextSource;
  readonly order?: number;
  readonly enabled: boolean;
}

export interface RulesConfigSpec extends Sited {
  readonly key: string;
  readonly value: string;
}

export interface ActionSpec extends Sited {
  readonly name: string;
  readonly code: TextSource;
  readonly secrets: readonly { readonly name: string; readonly value: string }[];
  /** Runs in the post-login flow (Deploy CLI `deployed` + a trigger binding). */
  readonly bound: boolean;
  readonly runtime?: 'node18' | 'node22';
}

export interface IdpSpec {
  readonly tenant: TenantSpec;
  readonly users: readonly UserSpec[];
  readonly clients: readonly ClientSpec[];
  readonly rules: readonly RuleSpec[];
  readonly rulesConfigs: readonly RulesConfigSpec[];
  /** In post-login order (the `triggers.post-login` list when given, else as written). */
  readonly actions: readonly ActionSpec[];
}

export type ProviderMetadataSpec =
  | { readonly kind: 'idp'; readonly client: string; readonly loc: Loc }
  | { readonly kind: 'text'; readonly source: TextSource };

export interface SamlProviderSpec extends Sited {
  readonly name: string;
  readonly metadata: ProviderMetadataSpec;
  readonly tags: readonly Tag[];
}

export interface ManagedPolicySpec extends Sited {
  readonly name: string;
  readonly policyPath?: string;
  readonly description?: string;
  readonly document: PolicyDocumentSpec;
}

/** A reference to a managed policy by its scenario name or its ARN. */
export interface PolicyRef extends Sited {
  readonly ref: string;
}

export interface RoleSpec extends Sited {
  readonly name: string;
  readonly rolePath?: string;
  readonly description?: string;
  readonly trust: PolicyDocumentSpec;
  readonly managedPolicies: readonly PolicyRef[];
  readonly inlinePolicies: readonly (Sited & { readonly name: string; readonly document: PolicyDocumentSpec })[];
  readonly permissionsBoundary?: PolicyRef;
  readonly tags: readonly Tag[];
  readonly maxSessionDuration?: number;
}

export interface InstanceSpec extends Sited {
  /** The name expectations use (`resource: website`); EC2 assigns the real `i-…` id. */
  readonly alias: string;
  readonly instanceType: string;
  readonly imageId: string;
  readonly tags: readonly Tag[];
}

export interface AwsSpec {
  readonly admin?: Sited & { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly samlProviders: readonly SamlProviderSpec[];
  readonly policies: readonly ManagedPolicySpec[];
  readonly roles: readonly RoleSpec[];
  readonly instances: readonly InstanceSpec[];
}

export type ResourceSelector =
  | { readonly kind: 'none' }
  | { readonly kind: 'instance'; readonly ref: string }
  | { readonly kind: 'tags'; readonly tags: readonly Tag[] };

export const EXPECTED_OUTCOMES = ['allowed', 'denied'] as const;
export type ExpectedOutcome = (typeof EXPECTED_OUTCOMES)[number];

export interface ExpectationSpec extends Sited {
  readonly index: number;
  /** The user's email. */
  readonly as: string;
  /** A role name or ARN: which of the user's roles, when the assertion carries several. */
  readonly role?: string;
  /** `ec2:StopInstances`, `sts:AssumeRoleWithSAML`, … */
  readonly action: string;
  readonly resource: ResourceSelector;
  /** Tags the request carries (CreateTags, DeleteTags, RunInstances). */
  readonly requestTags: readonly Tag[];
  readonly expect: ExpectedOutcome;
  /** A text the explanation of the decision must contain. */
  readonly because?: string;
}

export interface Scenario {
  /** The file as given (relative paths stay relative, for messages). */
  readonly file: string;
  /** The file's absolute path. */
  readonly absolutePath: string;
  /** Directory `file:` references are resolved against. */
  readonly dir: string;
  readonly account: string;
  readonly region: string;
  readonly idp: IdpSpec;
  readonly aws: AwsSpec;
  readonly expectations: readonly ExpectationSpec[];
  /** sha256 of the world the scenario builds (everything but the expectations), keywords unresolved. */
  readonly worldHash: string;
}

/** Values the `##KEY##` keywords stand for when a scenario is applied. */
export interface Keywords {
  /** `http://127.0.0.1:4750`: the origin Tessera serves on. */
  readonly TESSERA_URL: string;
  readonly ACCOUNT: string;
  readonly REGION: string;
}

export const KEYWORD_NAMES = ['TESSERA_URL', 'ACCOUNT', 'REGION'] as const;

/** Replaces `##TESSERA_URL##`, `##ACCOUNT##`, `##REGION##`; other text is left as it is (Deploy CLI). */
export function resolveKeywords(text: string, keywords: Keywords): string {
  return text.replace(/##(TESSERA_URL|ACCOUNT|REGION)##/g, (_m, k: keyof Keywords) => keywords[k]);
}

/** Resolves keywords in every string of a JSON value. */
export function resolveKeywordsDeep(value: unknown, keywords: Keywords): unknown {
  if (typeof value === 'string') return resolveKeywords(value, keywords);
  if (Array.isArray(value)) return value.map((v) => resolveKeywordsDeep(v, keywords));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: resolveKeywordsDeep(v, keywords), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}
