// The store port: the async repositories for everything the control plane persists, in Tessera's
// domain model (AWS's names, camelCase). Transport-free and database-free: nothing here may mention
// SQL, a driver, a row or a connection, so SQLite (sqlite/) and PostgreSQL (postgres/, issue #8) are
// interchangeable behind it. test/store/contract.ts is the executable form of this file.
//
// Conventions of every repository:
// - `get…` of a top-level entity resolves `undefined` when it does not exist; every other operation
//   on a missing entity rejects with ERR_STORE_NOT_FOUND whose `entity` names what was missing
//   (the role, or the role's inline policy).
// - Ids, ARNs and timestamps are made by the caller (services own the clock and the id generator);
//   the store enforces uniqueness, existence, referential integrity and the counted limits that
//   only it can check atomically.
// - Every acknowledged write is durable: a resolved promise means committed to stable storage.
// - Values are returned as new objects; mutating them never changes the store.

import type { IdpRepositories } from './idp-port.js';

/** A resource tag. IAM users and roles compare keys case-insensitively; EC2 and other IAM resources do not. */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** AWS's tags-per-resource quota (IAM: 50 per user, role, policy, SAML provider; EC2: 50 per resource). */
export const TAGS_PER_RESOURCE_LIMIT = 50;
/** IAM: a managed policy keeps at most five versions. */
export const POLICY_VERSIONS_LIMIT = 5;
/** IAM: a user has at most two access keys. */
export const ACCESS_KEYS_PER_USER_LIMIT = 2;

// ---------------------------------------------------------------------------------------------
// Paging

/** Keyset paging: `nextToken` is opaque, only valid for the same query on the same adapter. */
export interface PageRequest {
  /** Positive integer; absent = everything. */
  readonly maxItems?: number;
  readonly nextToken?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Present only when more items follow. */
  readonly nextToken?: string;
}

/** IAM list operations: `PathPrefix` (a case-sensitive prefix of the entity's path) plus paging. */
export interface PathListRequest extends PageRequest {
  readonly pathPrefix?: string;
}

// ---------------------------------------------------------------------------------------------
// Account

export interface AccountSettings {
  readonly accountId: string;
  readonly adminAccessKeyId: string;
  /** The admin secret access key as sealed (AEAD) by the services layer; the store never holds it in clear. */
  readonly adminSecretSealed: Uint8Array;
  readonly updateDate: Date;
}

export interface AccountSettingsRepository {
  get(): Promise<AccountSettings | undefined>;
  /**
   * Stores `settings` unless settings exist; resolves what is stored. The first of several nodes
   * starting at once wins, and every node then uses the winner's generated admin key.
   */
  initialize(settings: AccountSettings): Promise<AccountSettings>;
  /** Replaces the settings (e.g. admin credentials given by the environment). */
  put(settings: AccountSettings): Promise<AccountSettings>;
}

// ---------------------------------------------------------------------------------------------
// SAML providers (keyed by ARN; names unique, compared case-sensitively; tag keys case-sensitive)

export interface SamlProvider {
  readonly arn: string;
  readonly name: string;
  readonly samlMetadataDocument: string;
  readonly createDate: Date;
  readonly validUntil?: Date;
  readonly tags: readonly Tag[];
}

export interface SamlProviderUpdate {
  readonly samlMetadataDocument?: string;
  /** `null` clears it. */
  readonly validUntil?: Date | null;
}

export interface SamlProviderRepository {
  /** ERR_STORE_CONFLICT when the ARN or name exists. */
  create(provider: SamlProvider): Promise<SamlProvider>;
  get(arn: string): Promise<SamlProvider | undefined>;
  /** Every provider, ordered by name (IAM allows 100 per account and does not page this list). */
  list(): Promise<readonly SamlProvider[]>;
  update(arn: string, patch: SamlProviderUpdate): Promise<SamlProvider>;
  /** Adds or overwrites tags (same key, compared case-sensitively); ERR_STORE_LIMIT_EXCEEDED past 50. */
  tag(arn: string, tags: readonly Tag[]): Promise<SamlProvider>;
  /** Removes the tags with these keys; absent keys are ignored. */
  untag(arn: string, keys: readonly string[]): Promise<SamlProvider>;
  delete(arn: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Roles and users (IAM principals): names unique case-insensitively, as IAM's are; tag keys
// case-insensitive with case preserved (re-tagging `department` replaces `Department`).

export interface Role {
  readonly roleId: string;
  readonly roleName: string;
  readonly path: string;
  readonly arn: string;
  readonly assumeRolePolicyDocument: string;
  readonly description?: string;
  readonly maxSessionDuration: number;
  readonly permissionsBoundaryArn?: string;
  readonly createDate: Date;
  readonly tags: readonly Tag[];
}

export interface RoleUpdate {
  readonly description?: string;
  readonly maxSessionDuration?: number;
  readonly assumeRolePolicyDocument?: string;
  /** `null` removes the boundary. */
  readonly permissionsBoundaryArn?: string | null;
}

export interface User {
  readonly userId: string;
  readonly userName: string;
  readonly path: string;
  readonly arn: string;
  readonly permissionsBoundaryArn?: string;
  readonly createDate: Date;
  readonly tags: readonly Tag[];
}

export interface UserUpdate {
  /** `null` removes the boundary. */
  readonly permissionsBoundaryArn?: string | null;
}

/** An inline policy: names compared case-sensitively; putting an existing name replaces its document. */
export interface InlinePolicy {
  readonly policyName: string;
  readonly policyDocument: string;
}

export interface AttachedPolicy {
  readonly policyName: string;
  readonly policyArn: string;
}

/** A managed policy's default version, as authorization needs it. */
export interface EffectivePolicy {
  readonly policyArn: string;
  readonly policyName: string;
  readonly versionId: string;
  readonly document: string;
}

/** Everything that decides what a principal may do, read in one consistent snapshot. */
export interface PrincipalPolicySet {
  readonly inlinePolicies: readonly InlinePolicy[];
  readonly attachedPolicies: readonly EffectivePolicy[];
  /** Present when the principal has a boundary that names a policy in the store. */
  readonly permissionsBoundary?: EffectivePolicy;
}

/** What roles and users share. `name` is the RoleName or UserName, matched case-insensitively. */
export interface PrincipalRepository<T, U> {
  /** ERR_STORE_CONFLICT when the name (any case), id or ARN exists. */
  create(principal: T): Promise<T>;
  get(name: string): Promise<T | undefined>;
  getById(id: string): Promise<T | undefined>;
  /** Ordered by name (case-insensitively). */
  list(request?: PathListRequest): Promise<Page<T>>;
  update(name: string, patch: U): Promise<T>;
  tag(name: string, tags: readonly Tag[]): Promise<T>;
  /** Keys compared case-insensitively; absent keys are ignored. */
  untag(name: string, keys: readonly string[]): Promise<T>;
  /** ERR_STORE_DELETE_CONFLICT (reason `inlinePolicies`, `attachedPolicies`, `accessKeys`) while dependents exist. */
  delete(name: string): Promise<void>;
  /** Resolves true when newly attached, false when it already was (IAM's attach is idempotent). */
  attachPolicy(name: string, policyArn: string): Promise<boolean>;
  /** ERR_STORE_NOT_FOUND (entity `roleAttachment`/`userAttachment`) when not attached. */
  detachPolicy(name: string, policyArn: string): Promise<void>;
  /** Ordered by policy name; `pathPrefix` filters on the policy's path. */
  listAttachedPolicies(name: string, request?: PathListRequest): Promise<Page<AttachedPolicy>>;
  putInlinePolicy(name: string, policy: InlinePolicy): Promise<void>;
  getInlinePolicy(name: string, policyName: string): Promise<InlinePolicy>;
  /** Ordered by policy name. */
  listInlinePolicyNames(name: string, request?: PageRequest): Promise<Page<string>>;
  deleteInlinePolicy(name: string, policyName: string): Promise<void>;
  /** Inline and attached policies (default versions) and the boundary, for authorization. */
  getPolicySet(name: string): Promise<PrincipalPolicySet>;
}

export type RoleRepository = PrincipalRepository<Role, RoleUpdate>;
export type UserRepository = PrincipalRepository<User, UserUpdate>;

// ---------------------------------------------------------------------------------------------
// Managed policies (keyed by ARN; names unique case-insensitively; tag keys case-sensitive)

export interface ManagedPolicy {
  readonly policyId: string;
  readonly policyName: string;
  readonly path: string;
  readonly arn: string;
  readonly description?: string;
  readonly defaultVersionId: string;
  /** Roles and users the policy is attached to. */
  readonly attachmentCount: number;
  /** Roles and users that use it as their permissions boundary. */
  readonly permissionsBoundaryUsageCount: number;
  readonly createDate: Date;
  /** When the most recent version was created (IAM's definition). */
  readonly updateDate: Date;
  readonly tags: readonly Tag[];
}

export interface NewManagedPolicy {
  readonly policyId: string;
  readonly policyName: string;
  readonly path: string;
  readonly arn: string;
  readonly description?: string;
  /** Becomes version `v1`, the default. */
  readonly policyDocument: string;
  readonly createDate: Date;
  readonly tags: readonly Tag[];
}

export interface PolicyVersion {
  /** `v1`, `v2`, …: assigned by the store, never reused within a policy. */
  readonly versionId: string;
  readonly document: string;
  readonly isDefaultVersion: boolean;
  readonly createDate: Date;
}

export interface NewPolicyVersion {
  readonly document: string;
  readonly createDate: Date;
  readonly setAsDefault: boolean;
}

export interface ManagedPolicyListRequest extends PathListRequest {
  /** Only policies attached to at least one role or user. */
  readonly onlyAttached?: boolean;
}

export interface PolicyAttachments {
  readonly roles: readonly { readonly roleName: string; readonly roleId: string }[];
  readonly users: readonly { readonly userName: string; readonly userId: string }[];
}

export interface ManagedPolicyRepository {
  /** ERR_STORE_CONFLICT when the name (any case), id or ARN exists. */
  create(policy: NewManagedPolicy): Promise<ManagedPolicy>;
  get(arn: string): Promise<ManagedPolicy | undefined>;
  /** Ordered by name (case-insensitively). */
  list(request?: ManagedPolicyListRequest): Promise<Page<ManagedPolicy>>;
  /**
   * Deletes the policy with its default version. ERR_STORE_DELETE_CONFLICT while it is attached
   * (reason `attachments`) or has other versions (reason `policyVersions`), as IAM requires.
   */
  delete(arn: string): Promise<void>;
  /** ERR_STORE_LIMIT_EXCEEDED (reason `policyVersions`) when five versions exist. */
  createVersion(arn: string, version: NewPolicyVersion): Promise<PolicyVersion>;
  getVersion(arn: string, versionId: string): Promise<PolicyVersion>;
  /** Newest first. */
  listVersions(arn: string): Promise<readonly PolicyVersion[]>;
  setDefaultVersion(arn: string, versionId: string): Promise<ManagedPolicy>;
  /** ERR_STORE_DELETE_CONFLICT (reason `defaultVersion`) for the default version. */
  deleteVersion(arn: string, versionId: string): Promise<void>;
  /** Ordered by name. */
  listAttachments(arn: string): Promise<PolicyAttachments>;
  tag(arn: string, tags: readonly Tag[]): Promise<ManagedPolicy>;
  untag(arn: string, keys: readonly string[]): Promise<ManagedPolicy>;
}

// ---------------------------------------------------------------------------------------------
// Access keys

export const ACCESS_KEY_STATUSES = ['Active', 'Inactive'] as const;
export type AccessKeyStatus = (typeof ACCESS_KEY_STATUSES)[number];

export interface AccessKey {
  readonly accessKeyId: string;
  readonly userName: string;
  /** The secret access key as sealed (AEAD) by the services layer. */
  readonly secretSealed: Uint8Array;
  readonly status: AccessKeyStatus;
  readonly createDate: Date;
}

export interface AccessKeyRepository {
  /** ERR_STORE_NOT_FOUND (user), ERR_STORE_CONFLICT (id), ERR_STORE_LIMIT_EXCEEDED (reason `accessKeys`, two per user). */
  create(key: AccessKey): Promise<AccessKey>;
  /** The authentication path: one indexed read. */
  get(accessKeyId: string): Promise<AccessKey | undefined>;
  /** Oldest first. */
  listByUser(userName: string): Promise<readonly AccessKey[]>;
  updateStatus(accessKeyId: string, status: AccessKeyStatus): Promise<AccessKey>;
  delete(accessKeyId: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// EC2 instances (tag keys and values case-sensitive: `ec2=a` and `EC2=b` coexist)

export const INSTANCE_STATE_NAMES = ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'] as const;
export type InstanceStateName = (typeof INSTANCE_STATE_NAMES)[number];

/** EC2's state codes (the low byte of `instance-state-code`). */
export const INSTANCE_STATE_CODES: Readonly<Record<InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface InstanceState {
  readonly name: InstanceStateName;
  readonly code: number;
}

export function instanceState(name: InstanceStateName): InstanceState {
  return { name, code: INSTANCE_STATE_CODES[name] };
}

export interface Instance {
  readonly instanceId: string;
  /** One reservation per RunInstances call; DescribeInstances groups by it. */
  readonly reservationId: string;
  readonly amiLaunchIndex: number;
  readonly imageId: string;
  readonly instanceType: string;
  readonly state: InstanceState;
  readonly stateTransitionReason: string;
  readonly launchTime: Date;
  readonly availabilityZone: string;
  readonly privateIpAddress: string;
  readonly privateDnsName: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  /** In the order they were first set. */
  readonly tags: readonly Tag[];
}

/** What RunInstances gives; `state.code` is derived from the name. */
export interface NewInstance extends Omit<Instance, 'state'> {
  readonly state: InstanceStateName;
}

/**
 * A filter value: exact (case-sensitive) or an EC2 wildcard pattern (`*` any run of characters,
 * `?` zero or one character, `\` escapes the next character). `valueMatch` in wildcard.ts turns a
 * raw EC2 filter value into one.
 */
export type ValueMatch = { readonly equals: string } | { readonly wildcard: string };

/** Instance attributes DescribeInstances can filter on. */
export const INSTANCE_FILTER_FIELDS = [
  'instanceId',
  'imageId',
  'instanceType',
  'availabilityZone',
  'reservationId',
  'privateIpAddress',
  'privateDnsName',
  'vpcId',
  'subnetId',
  'stateName',
] as const;
export type InstanceFilterField = (typeof INSTANCE_FILTER_FIELDS)[number];

/**
 * One EC2 filter. Filters combine with AND, the values of one filter with OR (EC2's rules). An empty
 * `values` list matches nothing.
 * - `field`: an attribute (`instance-type` → `instanceType`, `instance-state-name` → `stateName`, …);
 * - `tag`: `tag:<key>` — the instance has tag `key` (exact) with one of the values;
 * - `tagKey`: `tag-key` — the instance has a tag whose key matches one of the values.
 */
export type InstanceFilter =
  | { readonly kind: 'field'; readonly field: InstanceFilterField; readonly values: readonly ValueMatch[] }
  | { readonly kind: 'tag'; readonly key: string; readonly values: readonly ValueMatch[] }
  | { readonly kind: 'tagKey'; readonly values: readonly ValueMatch[] };

export interface InstanceQuery extends PageRequest {
  /** `InstanceId.N`: only these instances (unknown ids are simply absent from the result). */
  readonly instanceIds?: readonly string[];
  readonly filters?: readonly InstanceFilter[];
}

export interface InstanceStateChange {
  readonly instanceId: string;
  readonly previousState: InstanceState;
  readonly currentState: InstanceState;
}

/** EC2 DeleteTags: a key alone deletes the tag whatever its value; with a value, only if equal. */
export interface TagDeletion {
  readonly key: string;
  readonly value?: string;
}

export interface ResourceTag {
  readonly resourceId: string;
  readonly resourceType: 'instance';
  readonly key: string;
  readonly value: string;
}

export type TagDescriptionFilter =
  | { readonly kind: 'key'; readonly values: readonly ValueMatch[] }
  | { readonly kind: 'value'; readonly values: readonly ValueMatch[] }
  | { readonly kind: 'resourceId'; readonly values: readonly ValueMatch[] };

export interface TagQuery extends PageRequest {
  readonly filters?: readonly TagDescriptionFilter[];
}

export interface InstanceRepository {
  /** All or nothing (one RunInstances); ERR_STORE_CONFLICT on a taken id, ERR_STORE_LIMIT_EXCEEDED past 50 tags. */
  create(instances: readonly NewInstance[]): Promise<readonly Instance[]>;
  get(instanceId: string): Promise<Instance | undefined>;
  /** Stable order (creation order) with keyset paging: 100,000 instances with a tag filter stay fast. */
  describe(query?: InstanceQuery): Promise<Page<Instance>>;
  /**
   * Compare-and-set: moves the instance to `newState` only if its state is one of `expectedStates`,
   * atomically across every node sharing the database. ERR_STORE_CAS_FAILED (with `currentState`)
   * otherwise, ERR_STORE_NOT_FOUND when the instance does not exist.
   */
  updateInstanceState(
    instanceId: string,
    expectedStates: readonly InstanceStateName[],
    newState: InstanceStateName,
    options?: { readonly stateTransitionReason?: string },
  ): Promise<InstanceStateChange>;
  /** EC2 CreateTags: adds or overwrites, all instances or none; ERR_STORE_NOT_FOUND names the first missing id. */
  createTags(instanceIds: readonly string[], tags: readonly Tag[]): Promise<void>;
  /** EC2 DeleteTags: `tags` absent deletes every tag except `aws:`-prefixed ones. */
  deleteTags(instanceIds: readonly string[], tags?: readonly TagDeletion[]): Promise<void>;
  /** EC2 DescribeTags, ordered by resource (creation order) then key. */
  describeTags(query?: TagQuery): Promise<Page<ResourceTag>>;
  /** Removes instances for good (terminated ones vanish from DescribeInstances after a while). */
  delete(instanceIds: readonly string[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The store

// ---------------------------------------------------------------------------------------------
// Keyring (issue #8): the data keys every node must share, stored wrapped (AEAD) under the master
// key that each node gets from its environment. The store never sees a key in clear.

export interface WrappedKey {
  /** What the key is for, e.g. `sealing` (the root every Sealer purpose key derives from). */
  readonly name: string;
  /** The key as wrapped by the services layer under the master key. */
  readonly wrapped: Uint8Array;
  readonly createDate: Date;
}

export interface KeyringRepository {
  get(name: string): Promise<WrappedKey | undefined>;
  /**
   * Stores `key` unless a key of that name exists; resolves what is stored. Of several nodes
   * starting at once on an empty store, the first wins and every node then uses the winner's key.
   */
  initialize(key: WrappedKey): Promise<WrappedKey>;
  /** Replaces the wrapping of an existing key (master-key rotation); ERR_STORE_NOT_FOUND (entity `key`) when absent. */
  rewrap(name: string, wrapped: Uint8Array): Promise<WrappedKey>;
}

export interface StoreRepositories {
  /** The identity provider's state (idp-port.ts). */
  readonly idp: IdpRepositories;
  /** The web console's sessions and pending sign-ins (console-port.ts). */
  readonly consoleSessions: import('./console-port.js').ConsoleSessionRepository;
  readonly account: AccountSettingsRepository;
  readonly samlProviders: SamlProviderRepository;
  readonly roles: RoleRepository;
  readonly users: UserRepository;
  readonly policies: ManagedPolicyRepository;
  readonly accessKeys: AccessKeyRepository;
  readonly instances: InstanceRepository;
  readonly keyring: KeyringRepository;
}

/** The repositories bound to one transaction. Unusable (ERR_STORE_TX_CLOSED) once it has ended. */
export type StoreTx = StoreRepositories;

export interface Store extends StoreRepositories {
  /**
   * Runs `fn` in one serializable transaction: it commits (durably) when `fn` resolves and rolls
   * back when it rejects, rejecting with `fn`'s error. Use only `tx` inside `fn`: using the store
   * itself there rejects with ERR_STORE_TX_DEADLOCK. An adapter may run `fn` again after a
   * serialization conflict, so `fn` must have no effects outside `tx`.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Waits for running work, then releases the database; later calls reject with ERR_STORE_CLOSED. */
  close(): Promise<void>;
}
