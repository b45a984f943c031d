// src/idp: the Auth0-compatible identity provider — tenant and keys, the admin API, sessions, password
// login with throttling, and the Rules → Actions → SAML login pipeline. HTTP lives in src/http/idp;
// the SAML mapping in src/idp/saml. See README.md.

export { createIdp, parsePublicUrl } from './idp.js';
export type { Idp, IdpOptions, IdpUrls } from './idp.js';
export { defaultPicture, IdpAdmin, MAX_ACTION_SECRETS, MAX_SCRIPT_CHARS, MAX_SECRET_NAME_CHARS, MAX_SECRET_VALUE_CHARS } from './admin.js';
export type { ActionPatch, ApplicationPatch, NewActionInput, NewApplicationInput, NewRuleInput, NewUserInput, UserPatch } from './admin.js';
export { accountThrottleKey, Authenticator, ipThrottleKey } from './authenticate.js';
export type { AuthAttempt, AuthOutcome } from './authenticate.js';
export { IDP_ERROR_CODES, IdpError, isIdpError } from './errors.js';
export type { IdpErrorCode, IdpIssue } from './errors.js';
export { isCookieSecret, newCookieSecret, sessionIdHash } from './ids.js';
export {
  CSRF_TOKEN_TTL_SECONDS,
  DEFAULT_LOGIN_LIMITS,
  DEFAULT_SESSION_LIMITS,
  LOGIN_STATE_TTL_SECONDS,
  MAX_LOGIN_BODY_BYTES,
  MAX_SAMLP_BODY_BYTES,
  PRE_SESSION_COOKIE_SECONDS,
  REQUEST_MAX_AGE_SECONDS,
  REQUEST_SKEW_SECONDS,
} from './limits.js';
export type { LoginLimits, SessionLimits } from './limits.js';
export { TenantLog } from './log.js';
export type { LogEvent } from './log.js';
export { LoginPipeline, PUBLIC_MESSAGES } from './pipeline.js';
export type { FailureStage, IssueInput, IssueOutcome } from './pipeline.js';
export type { RequestFacts } from './profile.js';
export { openToken, SEAL_AAD, sealToken } from './secrets.js';
export { publicSessionId, Sessions } from './sessions.js';
export type { LiveSession } from './sessions.js';
export { bootstrapTenant, DATABASE_CONNECTION, DEFAULT_TENANT_ID, tenantIssuer, TenantKeys } from './tenant.js';
export type { ActiveSigningKey, TenantConfig } from './tenant.js';
export { openTransaction, sealTransaction } from './transaction.js';
export type { LoginTransaction } from './transaction.js';
