// The closed catalogue of store errors. Every adapter reports the same codes for the same situations
// (test/store/contract.ts holds them to it); the services layer maps them to AWS wire errors.
// src/store/README.md documents each code and a test keeps the two in sync. Messages name entities
// and keys only: never a document, a secret or a driver's raw message.

export const STORE_ERROR_CODES = [
  'ERR_STORE_CONFLICT',
  'ERR_STORE_NOT_FOUND',
  'ERR_STORE_CAS_FAILED',
  'ERR_STORE_DELETE_CONFLICT',
  'ERR_STORE_LIMIT_EXCEEDED',
  'ERR_STORE_INVALID_INPUT',
  'ERR_STORE_INVALID_TOKEN',
  'ERR_STORE_TX_CLOSED',
  'ERR_STORE_TX_DEADLOCK',
  'ERR_STORE_CLOSED',
  'ERR_STORE_BUSY',
  'ERR_STORE_SCHEMA_TOO_NEW',
  'ERR_STORE_MIGRATION_MISMATCH',
  'ERR_STORE_OPEN_FAILED',
  'ERR_STORE_INTERNAL',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** What an error is about: the services layer picks AWS's wording from it (`NoSuchEntity` for a role, …). */
export const STORE_ENTITIES = [
  'account',
  'samlProvider',
  'role',
  'user',
  'managedPolicy',
  'policyVersion',
  'roleInlinePolicy',
  'userInlinePolicy',
  'roleAttachment',
  'userAttachment',
  'accessKey',
  'instance',
  'tag',
  'schema',
  'key',
] as const;
export type StoreEntity = (typeof STORE_ENTITIES)[number];

/**
 * Why a delete was refused or a limit hit, so the caller can word it as AWS does
 * (`must delete policies first` vs `must detach all policies first`).
 */
export const STORE_REASONS = [
  'inlinePolicies',
  'attachedPolicies',
  'accessKeys',
  'policyVersions',
  'attachments',
  'defaultVersion',
  'tags',
] as const;
export type StoreReason = (typeof STORE_REASONS)[number];

export interface StoreErrorDetails {
  readonly entity?: StoreEntity;
  /** The name, ARN or id the operation addressed. */
  readonly key?: string;
  readonly reason?: StoreReason;
  /** ERR_STORE_CAS_FAILED: the state the instance was found in. */
  readonly currentState?: string;
  readonly cause?: unknown;
}

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly entity: StoreEntity | undefined;
  readonly key: string | undefined;
  readonly reason: StoreReason | undefined;
  readonly currentState: string | undefined;

  constructor(code: StoreErrorCode, message: string, details: StoreErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StoreError';
    this.code = code;
    this.entity = details.entity;
    this.key = details.key;
    this.reason = details.reason;
    this.currentState = details.currentState;
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}

const NOUNS: Readonly<Record<StoreEntity, string>> = {
  account: 'account settings',
  samlProvider: 'saml provider',
  role: 'role',
  user: 'user',
  managedPolicy: 'policy',
  policyVersion: 'policy version',
  roleInlinePolicy: 'role policy',
  userInlinePolicy: 'user policy',
  roleAttachment: 'role policy attachment',
  userAttachment: 'user policy attachment',
  accessKey: 'access key',
  instance: 'instance',
  tag: 'tag',
  schema: 'schema',
  key: 'key',
};

export function notFound(entity: StoreEntity, key: string): StoreError {
  return new StoreError('ERR_STORE_NOT_FOUND', `${NOUNS[entity]} \`${key}\` not found`, { entity, key });
}

export function conflict(entity: StoreEntity, key: string): StoreError {
  return new StoreError('ERR_STORE_CONFLICT', `${NOUNS[entity]} \`${key}\` already exists`, { entity, key });
}

export function deleteConflict(entity: StoreEntity, key: string, reason: StoreReason): StoreError {
  const why: Record<StoreReason, string> = {
    inlinePolicies: 'it has inline policies',
    attachedPolicies: 'it has attached policies',
    accessKeys: 'it has access keys',
    policyVersions: 'it has non-default versions',
    attachments: 'it is attached to roles or users',
    defaultVersion: 'it is the default version',
    tags: 'it has tags',
  };
  return new StoreError('ERR_STORE_DELETE_CONFLICT', `cannot delete ${NOUNS[entity]} \`${key}\`: ${why[reason]}`, {
    entity,
    key,
    reason,
  });
}

export function limitExceeded(entity: StoreEntity, key: string, reason: StoreReason, limit: number): StoreError {
  const what: Record<StoreReason, string> = {
    inlinePolicies: 'inline policies',
    attachedPolicies: 'attached policies',
    accessKeys: 'access keys',
    policyVersions: 'versions',
    attachments: 'attachments',
    defaultVersion: 'default versions',
    tags: 'tags',
  };
  return new StoreError('ERR_STORE_LIMIT_EXCEEDED', `${NOUNS[entity]} \`${key}\`: more than ${limit} ${what[reason]}`, {
    entity,
    key,
    reason,
  });
}

export function invalidInput(message: string, entity?: StoreEntity): StoreError {
  return new StoreError('ERR_STORE_INVALID_INPUT', message, entity === undefined ? {} : { entity });
}
