// The shape of one attack of the corpus (reference/security.md §2): a builder that, from a fixture
// context (injected clock, test keys, signed baselines), returns its variants, each with the input to
// post and what the verifier must do: reject with a specific internal reason and public STS code, or
// accept with exactly the genuine identity. Data only: the runner is test/saml-verify.test.ts.

import type { SamlRejectReason, StsSamlErrorCode } from '../../../src/saml/errors.js';
import type { TrustedIdp, VerifyOptions } from '../../../src/saml/types.js';
import type { Baselines, FixtureKeys } from '../../support/saml-fixtures.js';

export interface AttackContext {
  /** The injected clock every document was generated from and is verified at. */
  readonly now: number;
  readonly keys: FixtureKeys;
  /** B, B_resp and B_both of security.md §2, signed by the test IdP at `now`. */
  readonly base: Baselines;
  /** A local listener that must never be contacted (S22–S24: no I/O during verification). */
  readonly probeUrl: string;
}

export type VerifyOverrides = Partial<Omit<VerifyOptions, 'idp' | 'now'>> & { readonly idp?: TrustedIdp; readonly now?: number };

export type Expectation =
  | { readonly kind: 'reject'; readonly reason: SamlRejectReason; readonly code: StsSamlErrorCode }
  | {
      readonly kind: 'accept';
      readonly nameId: string;
      /** Attribute values that must be returned exactly (by Name). */
      readonly attributes?: Readonly<Record<string, readonly string[]>>;
      readonly signed?: 'assertion' | 'response' | 'both';
      readonly warnings?: number;
      /** When present (even as undefined), the returned Response InResponseTo must equal it. */
      readonly inResponseTo?: string | undefined;
    };

export interface AttackCase {
  readonly name: string;
  /** The document; posted base64-encoded (or as is with `options.rawXml`). */
  readonly xml?: string;
  /** The exact posted value, when the encoding itself is the attack. */
  readonly input?: string;
  readonly options?: VerifyOverrides;
  readonly expect: Expectation;
  /**
   * The same document one step before the attack (e.g. the value the IdP signed, before a comment was
   * inserted): must be accepted with `nameId`. Proves the rejection is the attack's, not the fixture's.
   */
  readonly control?: { readonly xml: string; readonly nameId: string; readonly options?: VerifyOverrides };
  /**
   * xml-crypto alone (pinned certificate, default settings, no Tessera policy) finds every signature
   * in the attack document valid: the attack is real and only the verifier's own checks stop it.
   */
  readonly signatureStillValid?: boolean;
  /** Another permissive verifier the forgery is known to fool (e.g. HMAC keyed with the certificate). */
  readonly fools?: { readonly what: string; readonly check: () => boolean };
  /** DoS budget: the verdict must come within this many milliseconds. */
  readonly budgetMs?: number;
}

export interface Attack {
  /** Corpus id as security.md names it: `S1`, `XSW3`, `S15`… */
  readonly id: string;
  readonly title: string;
  /** Where the attack is described and what it reproduces. */
  readonly reference: string;
  build(ctx: AttackContext): AttackCase[];
}

export function rejectedAs(reason: SamlRejectReason, code: StsSamlErrorCode = 'InvalidIdentityToken'): Expectation {
  return { kind: 'reject', reason, code };
}

export function acceptedAs(nameId: string, more: Omit<Extract<Expectation, { kind: 'accept' }>, 'kind' | 'nameId'> = {}): Expectation {
  return { kind: 'accept', nameId, ...more };
}
