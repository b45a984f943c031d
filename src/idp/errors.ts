// The closed catalogue of the IdP service layer's own errors (admin operations and start-up). Login
// outcomes are data, not errors (authenticate.ts, pipeline.ts); SAML message refusals are src/saml's.
// Messages follow CONVENTIONS.md: lowercase, values in backticks, never a secret, a hash or a script.

export const IDP_ERROR_CODES = [
  /** An admin call with a value Auth0's Management API would refuse (`issues` says which). */
  'ERR_IDP_INVALID_INPUT',
  /** Unique name, email, order or id taken. */
  'ERR_IDP_CONFLICT',
  /** The addressed user, application, rule, action or key does not exist in this tenant. */
  'ERR_IDP_NOT_FOUND',
  /** A stored private key or secret does not open with this master key (TESSERA_MASTER_KEY changed?). */
  'ERR_IDP_SEALED_VALUE',
  /** A rollover step out of order (no `next` key to rotate to, or a key that is not `previous`). */
  'ERR_IDP_KEY_STATE',
] as const;
export type IdpErrorCode = (typeof IDP_ERROR_CODES)[number];

export interface IdpIssue {
  /** The field: `email`, `addons.samlp.mappings.email`, `secrets[1].name`. */
  readonly path: string;
  readonly message: string;
}

const HTTP_STATUS: Readonly<Record<IdpErrorCode, number>> = {
  ERR_IDP_INVALID_INPUT: 400,
  ERR_IDP_CONFLICT: 409,
  ERR_IDP_NOT_FOUND: 404,
  ERR_IDP_SEALED_VALUE: 500,
  ERR_IDP_KEY_STATE: 409,
};

export class IdpError extends Error {
  readonly httpStatus: number;
  constructor(
    readonly code: IdpErrorCode,
    message: string,
    readonly issues: readonly IdpIssue[] = [],
  ) {
    super(message);
    this.name = 'IdpError';
    this.httpStatus = HTTP_STATUS[code];
  }
}

export function isIdpError(e: unknown, code?: IdpErrorCode): e is IdpError {
  return e instanceof IdpError && (code === undefined || e.code === code);
}

export function invalid(issues: readonly IdpIssue[]): IdpError {
  const first = issues[0];
  const message = first === undefined ? 'invalid input' : `${first.path === '' ? '' : `\`${first.path}\`: `}${first.message}`;
  return new IdpError('ERR_IDP_INVALID_INPUT', issues.length > 1 ? `${message} (and ${issues.length - 1} more)` : message, issues);
}
