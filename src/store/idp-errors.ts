// Store errors about the identity provider's entities. They are StoreErrors (same class, same closed
// code catalogue, so `isStoreError` and every adapter's error mapping treat them alike) that also
// say which IdP entity (`idpEntity`) and, for a conflict, which unique field (`field`) was at stake,
// so the IdP can answer as Auth0 does ("A rule with the same order already exists").
// Messages follow errors.ts: lowercase, keys in backticks, never a secret, a hash or a document.

import { StoreError, type StoreErrorCode } from './errors.js';

export const IDP_STORE_ENTITIES = [
  'tenant',
  'signingKey',
  'idpUser',
  'application',
  'rule',
  'rulesConfig',
  'action',
  'idpSession',
  'tenantLog',
] as const;
export type IdpStoreEntity = (typeof IDP_STORE_ENTITIES)[number];

const NOUNS: Readonly<Record<IdpStoreEntity, string>> = {
  tenant: 'tenant',
  signingKey: 'signing key',
  idpUser: 'user',
  application: 'application',
  rule: 'rule',
  rulesConfig: 'rules configuration key',
  action: 'action',
  idpSession: 'session',
  tenantLog: 'log entry',
};

export interface IdpStoreErrorDetails {
  readonly key?: string;
  /** ERR_STORE_CONFLICT: the unique field that is taken (`email`, `name`, `order`, `status`, …). */
  readonly field?: string;
  /** ERR_STORE_CAS_FAILED: the status found. */
  readonly currentState?: string;
}

export class IdpStoreError extends StoreError {
  readonly idpEntity: IdpStoreEntity;
  readonly field: string | undefined;

  constructor(code: StoreErrorCode, message: string, idpEntity: IdpStoreEntity, details: IdpStoreErrorDetails = {}) {
    super(code, message, {
      ...(details.key === undefined ? {} : { key: details.key }),
      ...(details.currentState === undefined ? {} : { currentState: details.currentState }),
    });
    this.idpEntity = idpEntity;
    this.field = details.field;
  }
}

export function isIdpStoreError(e: unknown, code?: StoreErrorCode): e is IdpStoreError {
  return e instanceof IdpStoreError && (code === undefined || e.code === code);
}

/** `key` is what the caller addressed (an id, a key, a session id hash). */
export function idpNotFound(entity: IdpStoreEntity, key: string): IdpStoreError {
  return new IdpStoreError('ERR_STORE_NOT_FOUND', `${NOUNS[entity]} \`${key}\` not found`, entity, { key });
}

/** `field` is the unique field that is taken, `key` its value. */
export function idpConflict(entity: IdpStoreEntity, field: string, key: string): IdpStoreError {
  return new IdpStoreError('ERR_STORE_CONFLICT', `${NOUNS[entity]} with ${field} \`${key}\` already exists`, entity, { key, field });
}

export function idpCasFailed(entity: IdpStoreEntity, key: string, currentState: string, expected: string): IdpStoreError {
  return new IdpStoreError(
    'ERR_STORE_CAS_FAILED',
    `${NOUNS[entity]} \`${key}\` is \`${currentState}\`, not \`${expected}\``,
    entity,
    { key, currentState },
  );
}
