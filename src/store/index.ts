// The store: the async port every caller uses, its error catalogue, and the default adapter.
// Callers import types from here and open a store through an adapter; nothing else of an adapter
// leaks past this file.

export {
  ACCESS_KEYS_PER_USER_LIMIT,
  ACCESS_KEY_STATUSES,
  INSTANCE_FILTER_FIELDS,
  INSTANCE_STATE_CODES,
  INSTANCE_STATE_NAMES,
  POLICY_VERSIONS_LIMIT,
  TAGS_PER_RESOURCE_LIMIT,
  instanceState,
} from './port.js';
export type {
  AccessKey,
  AccessKeyRepository,
  AccessKeyStatus,
  AccountSettings,
  AccountSettingsRepository,
  AttachedPolicy,
  EffectivePolicy,
  InlinePolicy,
  Instance,
  InstanceFilter,
  InstanceFilterField,
  InstanceQuery,
  InstanceRepository,
  InstanceState,
  InstanceStateChange,
  InstanceStateName,
  ManagedPolicy,
  ManagedPolicyListRequest,
  ManagedPolicyRepository,
  NewInstance,
  NewManagedPolicy,
  NewPolicyVersion,
  Page,
  PageRequest,
  PathListRequest,
  PolicyAttachments,
  PolicyVersion,
  PrincipalPolicySet,
  PrincipalRepository,
  ResourceTag,
  Role,
  RoleRepository,
  RoleUpdate,
  SamlProvider,
  SamlProviderRepository,
  SamlProviderUpdate,
  Store,
  StoreRepositories,
  StoreTx,
  Tag,
  TagDeletion,
  TagDescriptionFilter,
  TagQuery,
  User,
  UserRepository,
  UserUpdate,
  ValueMatch,
} from './port.js';
export { STORE_ENTITIES, STORE_ERROR_CODES, STORE_REASONS, StoreError, isStoreError } from './errors.js';
export type { StoreEntity, StoreErrorCode, StoreReason } from './errors.js';
export { compileWildcard, matchesValue, valueMatch } from './wildcard.js';
export { open as openSqliteStore } from './sqlite/index.js';
export type { SqliteStore, SqliteStoreOptions } from './sqlite/index.js';
