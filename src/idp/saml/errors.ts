// The closed catalogues of src/idp/saml: diagnostics (data: what was kept, ignored, clamped or
// derived while the add-on, rules and actions shaped the assertion — for the tenant's log) and the
// few errors that stop an assertion from being issued at all. Documented in README.md; a test keeps
// both in sync. Messages never carry a user's attribute values or key material.

export const SAML_CONFIG_DIAGNOSTIC_CODES = [
  'UNKNOWN_FIELD',
  'INVALID_VALUE',
  'DELIVERY_URL_NOT_ALLOWED',
  'LIFETIME_CLAMPED',
  'WEAK_ALGORITHM',
  'ACTION_LIMIT_EXCEEDED',
  'INCOMPLETE_KEY_PAIR',
  'NAMEID_FALLBACK',
] as const;
export type SamlConfigDiagnosticCode = (typeof SAML_CONFIG_DIAGNOSTIC_CODES)[number];

/** Where a setting or a claim came from, in precedence order (reference/auth0.md §2.4). */
export type SettingSource = 'default' | 'addon' | 'rule' | 'action' | 'claims' | 'response';

export interface SamlConfigDiagnostic {
  readonly code: SamlConfigDiagnosticCode;
  readonly source: SettingSource;
  /** The setting or command it concerns: `lifetimeInSeconds`, `mappings.email`, `commands[3]`. */
  readonly path: string;
  readonly message: string;
}

export const IDP_SAML_ERROR_CODES = [
  'ERR_IDP_SAML_NO_CALLBACK',
  'ERR_IDP_SAML_ACS_NOT_ALLOWED',
  'ERR_IDP_SAML_NAMEID_MISSING',
  'ERR_IDP_SAML_ENCRYPTION_INCOMPLETE',
] as const;
export type IdpSamlErrorCode = (typeof IDP_SAML_ERROR_CODES)[number];

/** An assertion Tessera refuses to issue (the login fails closed; the reason goes to the tenant log). */
export class IdpSamlError extends Error {
  constructor(
    readonly code: IdpSamlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IdpSamlError';
  }
}
