// The one call the IdP's SAML endpoint makes after rules and actions: the final configuration and
// the user in, everything `buildResponse` needs out — the ResponseSpec (§4), how to sign it (§4.3)
// and whether to encrypt it, where to post it, the RelayState and the diagnostics for the tenant
// log. Pure: the clock and the IDs are inputs; signing and randomness stay in src/saml/response.ts.

import type { DigestAlgorithmName, EncryptionOptions, ResponseIds, ResponseSpec, SignatureAlgorithmName, SigningOptions } from '../../saml/response.js';
import { buildClaims, type ClaimsInput, type SamlProfile } from './claims.js';
import { IdpSamlError, type SamlConfigDiagnostic } from './errors.js';
import { diagnostic } from './override-policy.js';
import type { SamlConfiguration } from './settings.js';

export interface AssertionOptions extends ClaimsInput {
  /** The clock, as an input. */
  readonly now: number | Date;
  /** SP-initiated only: the AuthnRequest ID (already checked as an NCName by the endpoint; buildResponse checks again). */
  readonly inResponseTo?: string;
  /** Deterministic IDs for tests; random in buildResponse otherwise. */
  readonly ids?: ResponseIds;
}

/** How to sign: Auth0's choices for this login; the key is the tenant's unless a rule or action set a pair. */
export interface AssertionSigning {
  readonly signResponse: boolean;
  readonly signatureAlgorithm: SignatureAlgorithmName;
  readonly digestAlgorithm: DigestAlgorithmName;
  /** Rules `cert`+`key` / Actions `setCert`+`setKey` (S-sign-old, S-api-obj). */
  readonly keyPair?: { readonly certificate: string; readonly privateKey: string };
}

export interface AssertionPlan {
  readonly spec: ResponseSpec;
  readonly signing: AssertionSigning;
  /** Sign-then-encrypt (C-118745) when an encryption certificate was set. */
  readonly encryption: EncryptionOptions | undefined;
  /** The form's action: the allow-listed ACS (§5.2, §5.4). */
  readonly postUrl: string;
  /** The RelayState to echo (request's, or a rule's `RelayState` / `setRelayState`), unchecked: the form checks it. */
  readonly relayState: string | undefined;
  /** Configuration and claims diagnostics, in order, for the tenant's log. */
  readonly diagnostics: readonly SamlConfigDiagnostic[];
}

/**
 * Plans the Success Response for `user` under the final `config` (after `applyRuleConfiguration`
 * and `applyActionCommands`). Throws IdpSamlError when no assertion may be issued (no NameID;
 * encryption asked for but half configured).
 */
export function assertionSpec(user: SamlProfile, config: SamlConfiguration, options: AssertionOptions): AssertionPlan {
  const claimsInput: ClaimsInput = {
    ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
    ...(options.idTokenClaims === undefined ? {} : { idTokenClaims: options.idTokenClaims }),
  };
  const claims = buildClaims(user, config, claimsInput);
  const diagnostics: SamlConfigDiagnostic[] = [...config.diagnostics, ...claims.diagnostics];

  const spec: ResponseSpec = {
    issuer: config.issuer,
    destination: config.destination,
    recipient: config.recipient,
    audiences: config.audience === undefined ? [] : [config.audience],
    ...(options.inResponseTo === undefined ? {} : { inResponseTo: options.inResponseTo }),
    nameId: claims.nameId,
    attributes: claims.attributes,
    now: options.now,
    lifetimeSeconds: config.lifetimeInSeconds,
    authnContextClassRef: config.authnContextClassRef,
    typedAttributes: claims.typedAttributes,
    includeAttributeNameFormat: claims.includeAttributeNameFormat,
    ...(options.ids === undefined ? {} : { ids: options.ids }),
  };

  // Weak choices are honoured (Auth0 allows them, security.md P7a) and said out loud when used.
  if (config.signatureAlgorithm === 'rsa-sha1') diagnostics.push(diagnostic('WEAK_ALGORITHM', 'response', 'signatureAlgorithm', 'the response is signed with rsa-sha1'));
  if (config.digestAlgorithm === 'sha1') diagnostics.push(diagnostic('WEAK_ALGORITHM', 'response', 'digestAlgorithm', 'the response digest is sha1'));

  let keyPair: AssertionSigning['keyPair'];
  if (config.cert !== undefined && config.key !== undefined) keyPair = { certificate: config.cert, privateKey: config.key };
  else if (config.cert !== undefined || config.key !== undefined) {
    // Both are required (S-api-obj); half a pair would announce a certificate we do not sign with.
    diagnostics.push(diagnostic('INCOMPLETE_KEY_PAIR', 'response', config.cert === undefined ? 'key' : 'cert', '`cert` and `key` must be set together: signing with the tenant\'s key'));
  }

  let encryption: EncryptionOptions | undefined;
  if (config.encryptionCert !== undefined && config.encryptionPublicKey !== undefined) {
    encryption = { certificate: config.encryptionCert, algorithm: config.encryptionAlgorithm };
    if (config.encryptionAlgorithm === 'aes256-cbc') diagnostics.push(diagnostic('WEAK_ALGORITHM', 'response', 'encryptionAlgorithm', 'the assertion is encrypted with aes256-cbc (deprecated): prefer aes256-gcm'));
  } else if (config.encryptionCert !== undefined || config.encryptionPublicKey !== undefined) {
    // Fail closed: the tenant asked for an encrypted assertion; sending it in clear is not an option.
    throw new IdpSamlError('ERR_IDP_SAML_ENCRYPTION_INCOMPLETE', '`encryptionCert` and `encryptionPublicKey` must be set together');
  }

  return {
    spec,
    signing: {
      signResponse: config.signResponse,
      signatureAlgorithm: config.signatureAlgorithm,
      digestAlgorithm: config.digestAlgorithm,
      ...(keyPair === undefined ? {} : { keyPair }),
    },
    encryption,
    postUrl: config.acsUrl,
    relayState: config.relayState,
    diagnostics,
  };
}

/** The SigningOptions for buildResponse: the plan's choices with the tenant's credential (or the plan's pair). */
export function signingOptionsFor(signing: AssertionSigning, tenant: { readonly privateKeyPem: string; readonly certificatePem: string }): SigningOptions {
  return {
    privateKey: signing.keyPair?.privateKey ?? tenant.privateKeyPem,
    certificate: signing.keyPair?.certificate ?? tenant.certificatePem,
    signatureAlgorithm: signing.signatureAlgorithm,
    digestAlgorithm: signing.digestAlgorithm,
    signResponse: signing.signResponse,
  };
}
