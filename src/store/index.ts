// The store: the async port every caller uses, its error catalogue, and the default adapter.
// Callers import types from here and open a store through an adapter; nothing else of an adapter
// leaks past this file.

import type { PostgresStore, PostgresStoreOptions } from './postgres/index.js';

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
  KeyringRepository,
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
  WrappedKey,
} from './port.js';
export { ACTION_RUNTIMES, SIGNING_KEY_STATUSES, TENANT_LOG_TYPES } from './idp-port.js';
export type {
  Action,
  ActionRepository,
  ActionRuntime,
  ActionSecret,
  ActionUpdate,
  Application,
  ApplicationAddons,
  ApplicationRepository,
  ApplicationUpdate,
  IdpMetadataMerge,
  IdpRepositories,
  IdpSession,
  IdpSessionRepository,
  IdpSessionTouch,
  IdpUser,
  IdpUserListRequest,
  IdpUserRepository,
  IdpUserUpdate,
  JsonObject,
  JsonValue,
  LoginThrottleRepository,
  NewAction,
  NewIdpUser,
  NewRule,
  Rule,
  RuleRepository,
  RuleUpdate,
  RulesConfigEntry,
  RulesConfigRepository,
  SamlReplayRepository,
  SigningKey,
  SigningKeyRepository,
  SigningKeyStatus,
  Tenant,
  TenantLogEntry,
  TenantLogRepository,
  TenantLogType,
  TenantRepository,
  TenantUpdate,
  ThrottleHit,
} from './idp-port.js';
export { IDP_STORE_ENTITIES, IdpStoreError, isIdpStoreError } from './idp-errors.js';
export type { IdpStoreEntity } from './idp-errors.js';
export { STORE_ENTITIES, STORE_ERROR_CODES, STORE_REASONS, StoreError, isStoreError } from './errors.js';
export type { StoreEntity, StoreErrorCode, StoreReason } from './errors.js';
export { compileWildcard, matchesValue, valueMatch } from './wildcard.js';
export { open as openSqliteStore } from './sqlite/index.js';
export type { SqliteStore, SqliteStoreOptions } from './sqlite/index.js';
export type { PostgresStore, PostgresStoreOptions } from './postgres/index.js';

/**
 * Opens the PostgreSQL adapter (`postgres/index.ts` `open`). The adapter, and `pg` with it, is
 * loaded on first use: a SQLite node never pays for loading the driver (~90 ms here) at start.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const { open } = await import('./postgres/index.js');
  return open(options);
}
