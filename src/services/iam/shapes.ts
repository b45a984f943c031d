// The mapping between the store's IAM models (camelCase) and IAM's wire shapes (AWS names), plus
// the ARNs, condition-key contexts and paging every IAM action shares. Pure: no store, no clock.
// Must never put a member in a response that AWS leaves out of that response.

import { createHash } from 'node:crypto';
import { iamArn, parseArn } from '../../kernel/index.js';
import { actionInfo, actionProvidesKey } from '../../policy/catalog/index.js';
import type {
  ContextInput,
  Explanation,
  SimulateCustomPolicyInput,
  SimulatePolicyResponse as EngineSimulation,
} from '../../policy/index.js';
import { AWS_METADATA_MESSAGE, MetadataError, parseIdpMetadata } from '../../saml/metadata.js';
import { parseTrustedXml } from '../../saml/xml.js';
import type {
  AccessKey as StoreAccessKey,
  AttachedPolicy as StoreAttachedPolicy,
  ManagedPolicy,
  Page,
  PageRequest,
  PolicyVersion as StorePolicyVersion,
  Role as StoreRole,
  SamlProvider,
  Tag as StoreTag,
  User as StoreUser,
} from '../../store/port.js';
import { duplicatePolicyTagKeys, duplicateTagKeys, invalidInput, invalidMarker, nonUserCredentials } from './errors.js';
import type {
  AccessKeyMetadata,
  AttachedPolicy,
  ContextEntry,
  EvaluationResult,
  PermissionsBoundaryAttachmentType,
  Policy,
  PolicyVersion,
  Role,
  SAMLProviderListEntry,
  Tag,
  User,
} from './types.js';
import type { Caller } from '../types.js';

// --- ARNs ----------------------------------------------------------------------------------------

/** `arn:aws:iam::<acct>:role<path><name>`; path `/` gives `role/<name>` (aws.md §3). */
export function roleArn(accountId: string, path: string, roleName: string): string {
  return iamArn(accountId, `role${path}${roleName}`);
}

/** `arn:aws:iam::<acct>:saml-provider/<name>` (aws.md §3). */
export function samlProviderArn(accountId: string, name: string): string {
  return iamArn(accountId, `saml-provider/${name}`);
}

/** True for a SAML provider ARN, of any account: `arn:<partition>:iam::<12 digits>:saml-provider/<name>`. */
export function isSamlProviderArn(arn: string): boolean {
  const a = parseArn(arn);
  if (a === undefined || a.service !== 'iam' || a.region !== '' || !/^[0-9]{12}$/.test(a.account)) return false;
  return a.resource.startsWith('saml-provider/') && a.resource.length > 'saml-provider/'.length;
}

/** True for a managed policy ARN: `arn:<partition>:iam::<12 digits | aws>:policy/<path><name>`. */
export function isPolicyArn(arn: string): boolean {
  const a = parseArn(arn);
  if (a === undefined || a.service !== 'iam' || a.region !== '') return false;
  if (a.account !== 'aws' && !/^[0-9]{12}$/.test(a.account)) return false;
  return a.resource.startsWith('policy/') && a.resource.length > 'policy/'.length;
}

// --- Tags ----------------------------------------------------------------------------------------

export function tagsOut(tags: readonly StoreTag[]): Tag[] {
  return tags.map((t) => ({ Key: t.key, Value: t.value }));
}

/**
 * Request tags for the store, refusing a key given twice in any case: IAM compares tag keys
 * case-insensitively (`Duplicate tag keys found…`, see errors.ts).
 */
export function tagsIn(tags: readonly Tag[] | undefined): StoreTag[] {
  if (tags === undefined) return [];
  const seen = new Set<string>();
  const out: StoreTag[] = [];
  for (const t of tags) {
    const folded = t.Key.toLowerCase();
    if (seen.has(folded)) throw duplicateTagKeys();
    seen.add(folded);
    out.push({ key: t.Key, value: t.Value });
  }
  return out;
}

// --- Roles ---------------------------------------------------------------------------------------

/**
 * Which response a Role travels in. AWS answers each with its own member set [SNAP
 * localstack test_iam_roles.snapshot.json, AWS-validated 2026-02]:
 * - `create`: no Description, MaxSessionDuration or RoleLastUsed; PermissionsBoundary and Tags when set;
 * - `get`: everything, RoleLastUsed `{}` for a role never used;
 * - `list`: Description and MaxSessionDuration, never PermissionsBoundary, Tags or RoleLastUsed
 *   (also the model's ListRoles documentation).
 * Tags are left out when there are none.
 */
export type RoleView = 'create' | 'get' | 'list';

/**
 * IAM answers `Policy`, though botocore's enum still says `PermissionsBoundaryPolicy`: the model's
 * documentation bug (awsdocs/iam-user-guide#82, AWS-validated GetRole in the LocalStack snapshot).
 */
const BOUNDARY_TYPE = 'Policy' as unknown as PermissionsBoundaryAttachmentType;

export function roleShape(role: StoreRole, view: RoleView): Role {
  // The encoder URL-encodes policyDocumentType members; the raw JSON text goes in.
  const out: Role = {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createDate,
    AssumeRolePolicyDocument: role.assumeRolePolicyDocument,
  };
  if (view !== 'create') {
    if (role.description !== undefined) out.Description = role.description;
    out.MaxSessionDuration = role.maxSessionDuration;
  }
  if (view !== 'list') {
    if (role.permissionsBoundaryArn !== undefined) {
      out.PermissionsBoundary = { PermissionsBoundaryType: BOUNDARY_TYPE, PermissionsBoundaryArn: role.permissionsBoundaryArn };
    }
    if (role.tags.length > 0) out.Tags = tagsOut(role.tags);
  }
  // RoleLastUsed: Tessera does not record role use yet, so every role reads as never used.
  if (view === 'get') out.RoleLastUsed = {};
  return out;
}

export function attachedPolicyShape(p: StoreAttachedPolicy): AttachedPolicy {
  return { PolicyName: p.policyName, PolicyArn: p.policyArn };
}

// --- SAML providers --------------------------------------------------------------------------------

/** IAM's ValidUntil when the metadata names none: the creation time plus 100 years (CLI example get-saml-provider). */
export function defaultValidUntil(createDate: Date): Date {
  const d = new Date(createDate.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + 100);
  return d;
}

/**
 * A UUID stable for one provider (its ARN and creation time), so GetSAMLProvider answers the same
 * SAMLProviderUUID every time and a re-created provider gets a new one, as AWS's does.
 */
export function samlProviderUuid(p: Pick<SamlProvider, 'arn' | 'createDate'>): string {
  const h = createHash('sha256').update(`${p.arn}\n${p.createDate.getTime()}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x40; // version 4 layout
  h[8] = ((h[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** xs:dateTime as SAML metadata writes validUntil (a missing zone is read as UTC). */
const XS_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;

function readDateTime(text: string): Date | undefined {
  const m = XS_DATE_TIME.exec(text);
  if (m === null) return undefined;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] === undefined ? '' : m[7].slice(0, 4)}${m[8] ?? 'Z'}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Checks IdP metadata as IAM does (src/saml/metadata.ts: UTF-8 without BOM, one EntityDescriptor with
 * a SAML 2.0 IDPSSODescriptor and an RSA signing certificate of at least 1024 bits) and reads its
 * expiry. Refusals are InvalidInput `Could not parse metadata` (IAM's wording, UG troubleshoot_saml);
 * Tessera's reason goes to `onRefused` for the audit log only.
 */
export function readIdpMetadata(text: string, onRefused: (code: string, reason: string) => void): { validUntil?: Date } {
  try {
    parseIdpMetadata(text);
  } catch (e) {
    if (e instanceof MetadataError) {
      onRefused(e.code, e.message);
      throw invalidInput(e.awsMessage);
    }
    throw e;
  }
  // INVARIANT: parseIdpMetadata accepted the text (no DTD, no entities, bounded size), so reading
  // it again for the root's validUntil cannot expand entities (XXE); the hardened parse stays the gate.
  const root = parseTrustedXml(text).documentElement;
  const raw = root?.getAttribute('validUntil');
  if (raw === null || raw === undefined || raw === '') return {};
  const validUntil = readDateTime(raw.trim());
  if (validUntil === undefined) {
    onRefused('ERR_METADATA_VALID_UNTIL', 'EntityDescriptor validUntil is not an xs:dateTime');
    throw invalidInput(AWS_METADATA_MESSAGE);
  }
  return { validUntil };
}

export function samlProviderListEntry(p: SamlProvider): SAMLProviderListEntry {
  const out: SAMLProviderListEntry = { Arn: p.arn, CreateDate: p.createDate };
  if (p.validUntil !== undefined) out.ValidUntil = p.validUntil;
  return out;
}

// --- Condition keys (Service Authorization Reference, src/policy/catalog/iam.json) ------------------

type MutableContext = Record<string, string | readonly string[]>;

/** `aws:RequestTag/<K>` for each request tag and `aws:TagKeys` (multivalued) for their keys. */
export function requestTagContext(tags: readonly StoreTag[]): MutableContext {
  const out: MutableContext = {};
  for (const t of tags) out[`aws:RequestTag/${t.key}`] = t.value;
  out['aws:TagKeys'] = tags.map((t) => t.key);
  return out;
}

/** `aws:TagKeys` of an untag request. */
export function tagKeysContext(keys: readonly string[]): MutableContext {
  return { 'aws:TagKeys': [...keys] };
}

/**
 * The keys of an existing role: `aws:ResourceTag/<K>` and `iam:ResourceTag/<K>` (the role resource
 * type lists both) and `iam:PermissionsBoundary` when the role has one (the SAR lists it for the
 * actions on a role; IAM's boundary-delegation examples read it as the role's current boundary).
 */
export function roleResourceContext(role: StoreRole | undefined): MutableContext {
  const out: MutableContext = {};
  if (role === undefined) return out;
  for (const t of role.tags) {
    out[`aws:ResourceTag/${t.key}`] = t.value;
    out[`iam:ResourceTag/${t.key}`] = t.value;
  }
  if (role.permissionsBoundaryArn !== undefined) out['iam:PermissionsBoundary'] = role.permissionsBoundaryArn;
  return out;
}

/** The keys of an existing SAML provider: `aws:ResourceTag/<K>` (the saml-provider resource type). */
export function samlProviderResourceContext(p: SamlProvider | undefined): MutableContext {
  const out: MutableContext = {};
  if (p === undefined) return out;
  for (const t of p.tags) out[`aws:ResourceTag/${t.key}`] = t.value;
  return out;
}

export function context(...parts: readonly MutableContext[]): ContextInput {
  return Object.assign({}, ...parts) as ContextInput;
}

/**
 * The request-specific keys of `action` (`iam:GetRole`), keeping only those the Service
 * Authorization Reference says the action provides (src/policy/catalog): a key AWS leaves out of
 * the request context must stay out here too, or an Allow conditioned on it would match here and
 * not in AWS (a wrong Allow). Later parts win. An action missing from the catalogue is a bug.
 */
export function keysFor(action: string, ...parts: readonly MutableContext[]): ContextInput {
  const colon = action.indexOf(':');
  const info = actionInfo(action.slice(0, colon), action.slice(colon + 1).toLowerCase());
  if (info === undefined) throw new Error(`action ${action} is not in the Service Authorization Reference catalogue`);
  const out: MutableContext = {};
  for (const part of parts) {
    for (const key of Object.keys(part)) if (actionProvidesKey(info, key)) out[key] = part[key] as string | readonly string[];
  }
  return out;
}

// --- Paging (IAM: Marker / MaxItems, default 100; IsTruncated always present) ------------------------

export const DEFAULT_MAX_ITEMS = 100;

export interface PagingInput {
  readonly Marker?: string | undefined;
  readonly MaxItems?: number | undefined;
}

export interface PagingOutput {
  IsTruncated: boolean;
  Marker?: string;
}

export function pageRequest(input: PagingInput): PageRequest {
  const maxItems = input.MaxItems ?? DEFAULT_MAX_ITEMS;
  return input.Marker === undefined ? { maxItems } : { maxItems, nextToken: input.Marker };
}

export function pageOutput<T>(page: Page<T>): PagingOutput {
  return page.nextToken === undefined ? { IsTruncated: false } : { IsTruncated: true, Marker: page.nextToken };
}

const ARRAY_MARKER = /^[0-9]{1,6}\.[0-9a-f]{8}$/;

/**
 * Pages a list the store returns whole (a role's tags): the Marker is the next offset bound to a
 * fingerprint of the list, so a marker from another list or a forged one is refused.
 */
export function pageArray<T>(items: readonly T[], input: PagingInput, fingerprint: string): { items: T[] } & PagingOutput {
  const maxItems = input.MaxItems ?? DEFAULT_MAX_ITEMS;
  const tag = createHash('sha256').update(fingerprint).digest('hex').slice(0, 8);
  let start = 0;
  if (input.Marker !== undefined) {
    const [offset, mark] = input.Marker.split('.');
    if (!ARRAY_MARKER.test(input.Marker) || mark !== tag) throw invalidMarker();
    start = Number(offset);
    if (start > items.length) throw invalidMarker();
  }
  const end = Math.min(items.length, start + maxItems);
  const page = items.slice(start, end);
  return end < items.length ? { items: page, IsTruncated: true, Marker: `${end}.${tag}` } : { items: page, IsTruncated: false };
}

// --- Users, managed policies, access keys -----------------------------------------------------------

/** `arn:aws:iam::<acct>:user<path><name>` (aws.md §3). */
export function userArn(accountId: string, path: string, userName: string): string {
  return iamArn(accountId, `user${path}${userName}`);
}

/** `arn:aws:iam::<acct>:policy<path><name>` (aws.md §7, CreatePolicy). */
export function managedPolicyArn(accountId: string, path: string, policyName: string): string {
  return iamArn(accountId, `policy${path}${policyName}`);
}

/**
 * `full` (CreateUser, GetUser): PermissionsBoundary and Tags when set; `list` (ListUsers): neither —
 * the model's ListUsers documentation ("does not return … PermissionsBoundary, Tags") and [SNAP
 * test_iam_users test_user_lifecycle, test_user_tag_lifecycle]. PasswordLastUsed is absent: Tessera
 * users have no console password.
 */
export function userShape(user: StoreUser, view: 'full' | 'list'): User {
  const out: User = { Path: user.path, UserName: user.userName, UserId: user.userId, Arn: user.arn, CreateDate: user.createDate };
  if (view === 'full') {
    if (user.permissionsBoundaryArn !== undefined) {
      out.PermissionsBoundary = { PermissionsBoundaryType: BOUNDARY_TYPE, PermissionsBoundaryArn: user.permissionsBoundaryArn };
    }
    if (user.tags.length > 0) out.Tags = tagsOut(user.tags);
  }
  return out;
}

/**
 * Which response a managed Policy travels in [SNAP test_iam_policies.snapshot.json]:
 * - `create`: no Description (even when one was given), Tags only when given;
 * - `get`: Description when set, Tags always (`[]` for none);
 * - `list`: neither (the model: Description "is not included in the response to ListPolicies";
 *   ListPolicies "does not return tags").
 */
export function policyShape(policy: ManagedPolicy, view: 'create' | 'get' | 'list'): Policy {
  const out: Policy = {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: policy.attachmentCount,
    PermissionsBoundaryUsageCount: policy.permissionsBoundaryUsageCount,
    IsAttachable: true,
    CreateDate: policy.createDate,
    UpdateDate: policy.updateDate,
  };
  if (view === 'get' && policy.description !== undefined) out.Description = policy.description;
  if (view === 'get' || (view === 'create' && policy.tags.length > 0)) out.Tags = tagsOut(policy.tags);
  return out;
}

/**
 * GetPolicyVersion carries the Document (raw JSON text: the encoder URL-encodes policyDocumentType);
 * CreatePolicyVersion and ListPolicyVersions do not [SNAP test_policy_version_lifecycle].
 */
export function policyVersionShape(version: StorePolicyVersion, withDocument: boolean): PolicyVersion {
  const out: PolicyVersion = { VersionId: version.versionId, IsDefaultVersion: version.isDefaultVersion, CreateDate: version.createDate };
  if (withDocument) out.Document = version.document;
  return out;
}

/** An access key without its secret (ListAccessKeys): the secret is shown once, by CreateAccessKey. */
export function accessKeyMetadataShape(key: StoreAccessKey): AccessKeyMetadata {
  return { UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: key.createDate };
}

/** Request tags of a managed policy: keys are case-sensitive there, so only an exact repeat is refused. */
export function policyTagsIn(tags: readonly Tag[] | undefined): StoreTag[] {
  if (tags === undefined) return [];
  const seen = new Set<string>();
  const out: StoreTag[] = [];
  for (const t of tags) {
    if (seen.has(t.Key)) throw duplicatePolicyTagKeys();
    seen.add(t.Key);
    out.push({ key: t.Key, value: t.Value });
  }
  return out;
}

/**
 * The tag keys of an existing user: `aws:ResourceTag/<K>` and `iam:ResourceTag/<K>` (the user resource
 * type lists both, so every action on a user gets them). `iam:PermissionsBoundary` is not here: the
 * SAR lists it only for some actions (Put/DeleteUserPolicy, Attach/DetachUserPolicy, CreateUser…),
 * and a key present where AWS has none would let `StringEquals` allow and `StringNotEquals` denies
 * miss — those actions add it themselves.
 */
export function userResourceContext(user: StoreUser | undefined): MutableContext {
  const out: MutableContext = {};
  if (user === undefined) return out;
  for (const t of user.tags) {
    out[`aws:ResourceTag/${t.key}`] = t.value;
    out[`iam:ResourceTag/${t.key}`] = t.value;
  }
  return out;
}

/** `iam:PermissionsBoundary`: the user's current boundary, for the actions the SAR lists it on. */
export function userBoundaryContext(user: StoreUser | undefined): MutableContext {
  return user?.permissionsBoundaryArn === undefined ? {} : { 'iam:PermissionsBoundary': user.permissionsBoundaryArn };
}

/** The keys of an existing managed policy: `aws:ResourceTag/<K>` (the policy resource type). */
export function policyResourceContext(policy: ManagedPolicy | undefined): MutableContext {
  const out: MutableContext = {};
  if (policy === undefined) return out;
  for (const t of policy.tags) out[`aws:ResourceTag/${t.key}`] = t.value;
  return out;
}

/**
 * The user a key operation (Create/List/Update/DeleteAccessKey) addresses: the named one, else the
 * calling IAM user ("If you do not specify a user name, IAM determines the user name implicitly based
 * on the … access key ID signing the request", API reference). Role sessions must name the user
 * [SNAP]. Tessera's account root key is configuration (TESSERA_ADMIN_*), not an IAM-managed key, so
 * the root must name a user too.
 */
export function keyOwnerName(userName: string | undefined, caller: Caller): string {
  if (userName !== undefined) return userName;
  if (caller.kind === 'user') return caller.user.userName;
  throw nonUserCredentials();
}

// --- Policy simulation (SimulateCustomPolicy, SimulatePrincipalPolicy → src/policy/simulate.ts) ------

/** The engine's context entries: it checks names, types and values itself (InvalidInput otherwise). */
export function simulationContextEntries(entries: readonly ContextEntry[] | undefined): NonNullable<SimulateCustomPolicyInput['ContextEntries']> {
  return (entries ?? []).map((e) => ({
    ContextKeyName: e.ContextKeyName as string,
    ContextKeyValues: e.ContextKeyValues ?? [],
    ContextKeyType: e.ContextKeyType as NonNullable<SimulateCustomPolicyInput['ContextEntries']>[number]['ContextKeyType'],
  }));
}

/**
 * Tessera's explanation of each result (`Explain`: a summary sentence and the statements' details)
 * travels on the in-process output only — the console and `tessera simulate` read it through invoke —
 * and never on the wire: the encoder writes model members only, and EvaluationResult's one open
 * member, EvalDecisionDetails, maps a policy type to a decision enum that AWS documents as "present
 * but … empty" for a same-account simulation with a resource ARN (model documentation). Prose there
 * would break every client that reads its values as decisions.
 */
export type SimulationResult = EvaluationResult & { readonly Explain: Explanation };

export interface SimulationOutput {
  EvaluationResults: SimulationResult[];
  IsTruncated: boolean;
  Marker?: string;
}

export function simulationOutput(r: EngineSimulation): SimulationOutput {
  const statements = (list: EngineSimulation['EvaluationResults'][number]['MatchedStatements']): EvaluationResult['MatchedStatements'] =>
    list.map((m) => ({
      SourcePolicyId: m.SourcePolicyId,
      ...(m.SourcePolicyType === undefined ? {} : { SourcePolicyType: m.SourcePolicyType }),
      StartPosition: { Line: m.StartPosition.Line, Column: m.StartPosition.Column },
      EndPosition: { Line: m.EndPosition.Line, Column: m.EndPosition.Column },
    }));
  const results = r.EvaluationResults.map((e): SimulationResult => {
    const out: SimulationResult = {
      EvalActionName: e.EvalActionName,
      EvalResourceName: e.EvalResourceName,
      EvalDecision: e.EvalDecision,
      MatchedStatements: statements(e.MatchedStatements),
      MissingContextValues: [...e.MissingContextValues],
      Explain: e.Explain,
    };
    if (e.PermissionsBoundaryDecisionDetail !== undefined) {
      out.PermissionsBoundaryDecisionDetail = { AllowedByPermissionsBoundary: e.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary };
    }
    // Same account with a resource ARN: "the parameter is present but the response is empty" (model doc).
    if (e.EvalResourceName !== '*') out.EvalDecisionDetails = {};
    if (e.ResourceSpecificResults !== undefined) {
      out.ResourceSpecificResults = e.ResourceSpecificResults.map((s) => ({
        EvalResourceName: s.EvalResourceName,
        EvalResourceDecision: s.EvalResourceDecision,
        MatchedStatements: statements(s.MatchedStatements),
        MissingContextValues: [...s.MissingContextValues],
        ...(s.PermissionsBoundaryDecisionDetail === undefined
          ? {}
          : { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: s.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary } }),
      }));
    }
    return out;
  });
  return r.Marker === undefined ? { EvaluationResults: results, IsTruncated: r.IsTruncated } : { EvaluationResults: results, IsTruncated: r.IsTruncated, Marker: r.Marker };
}
