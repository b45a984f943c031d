// src/idp/saml: what Auth0's SAML2 Web App add-on puts in the assertion — settings, the add-on <
// rules < actions precedence, claims and NameID, and the ResponseSpec the endpoint hands to
// src/saml/response.ts. Pure throughout. See README.md.

export { auth0DateText, Auth0DateValue, AUTH0_CLAIM_PREFIX, buildClaims, IDENTITY_CLAIM_PREFIX, IDENTITY_FIELDS, PASSTHROUGH_EXCLUDED, resolvePath } from './claims.js';
export type { Claims, ClaimsInput, SamlProfile } from './claims.js';
export { IDP_SAML_ERROR_CODES, IdpSamlError, SAML_CONFIG_DIAGNOSTIC_CODES } from './errors.js';
export type { IdpSamlErrorCode, SamlConfigDiagnostic, SamlConfigDiagnosticCode, SettingSource } from './errors.js';
export { ACTION_LIMITS, MAX_LIFETIME_SECONDS, SETTABLE_FIELDS } from './override-policy.js';
export type { SettableField } from './override-policy.js';
export { applyActionCommands, applyRuleConfiguration, SAML_RESPONSE_SETTERS, samlConfigurationForRules } from './precedence.js';
export type { ActionCommand, RuleConfigurationView, SamlResponseSetter } from './precedence.js';
export { assertionSpec, signingOptionsFor } from './response-spec.js';
export type { AssertionOptions, AssertionPlan, AssertionSigning } from './response-spec.js';
export {
  ADDON_DEFAULTS,
  addonPairs,
  addonSettingsToJson,
  CLAIM_TYPE,
  DEFAULT_MAPPINGS,
  DEFAULT_NAME_IDENTIFIER_PROBES,
  DIGEST_ALGORITHMS,
  effectiveSamlConfiguration,
  ENCRYPTION_ALGORITHMS,
  LOGOUT_BINDINGS,
  parseAddonSettings,
  SIGNATURE_ALGORITHMS,
} from './settings.js';
export type {
  AddonMappings,
  AddonSettings,
  AddonSettingsResult,
  AttributeEdit,
  DeliveryContext,
  LogoutSettings,
  MappingPair,
  MappingSet,
  OverrideSource,
  SamlConfiguration,
  SettingsIssue,
} from './settings.js';
