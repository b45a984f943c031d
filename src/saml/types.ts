// The shapes the SAML core exchanges: what the verifier is given (a provider's pinned trust) and
// what it returns (a VerifiedAssertion, built only from signed bytes — its one constructor is verify.ts).

export interface TrustedIdp {
  /** The provider's entityID; the assertion's Issuer must equal it byte for byte. */
  readonly entityId: string;
  /** Signing certificates from the provider's registered metadata (PEM or base64 DER); rollover allows several. */
  readonly certificates: readonly string[];
}

export interface VerifyOptions {
  readonly idp: TrustedIdp;
  /** The clock, as an input: milliseconds since the epoch. */
  readonly now: number;
  /** Allowed clock skew in seconds (default 120). */
  readonly skewSeconds?: number;
  /** Accepted AudienceRestriction values (default: `urn:amazon:webservices`, `https://signin.aws.amazon.com/saml`). */
  readonly audiences?: readonly string[];
  /** Accepted SubjectConfirmationData Recipient / Response Destination values (default: AWS's sign-in URLs). */
  readonly recipients?: readonly string[];
  /** AWS's redemption window on IssueInstant, in seconds (default 300). */
  readonly maxAgeSeconds?: number;
  /** Refuse RSA-SHA1 signatures and SHA-1 digests (accepted by default, as AWS does, with a warning). */
  readonly strict?: boolean;
  /** Input is raw XML rather than the base64 a browser posts. */
  readonly rawXml?: boolean;
}

export interface SamlAttribute {
  readonly name: string;
  readonly nameFormat: string | undefined;
  readonly friendlyName: string | undefined;
  readonly values: readonly string[];
}

export interface VerifiedAssertion {
  readonly issuer: string;
  readonly responseId: string;
  readonly assertionId: string;
  /** ISO timestamps as written. */
  readonly issueInstant: string;
  readonly destination: string | undefined;
  readonly inResponseTo: string | undefined;
  readonly nameId: { readonly value: string; readonly format: string | undefined };
  readonly subjectConfirmation: { readonly recipient: string; readonly notOnOrAfter: string; readonly inResponseTo: string | undefined };
  readonly conditions: { readonly notBefore: string | undefined; readonly notOnOrAfter: string | undefined; readonly audiences: readonly string[] };
  readonly authn: { readonly authnInstant: string | undefined; readonly sessionIndex: string | undefined; readonly sessionNotOnOrAfter: string | undefined };
  readonly attributes: readonly SamlAttribute[];
  /** Which element's signature vouched for the assertion. */
  readonly signed: 'assertion' | 'response' | 'both';
  readonly algorithms: { readonly signature: string; readonly digest: string };
  /** The earliest expiry of the assertion (Conditions and SubjectConfirmationData), ms since epoch. */
  readonly expiresAt: number;
  /** Accepted but weak: e.g. `rsa-sha1 signature`. Reported in verify output and the audit log. */
  readonly warnings: readonly string[];
}
