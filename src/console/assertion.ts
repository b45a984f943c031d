// The "last SAML assertion" of a console session, as the console shows it: what an engineer opens
// when federation misbehaves. Built at sign-in from the VERIFIED assertion (the values STS relied on,
// read from the signed bytes by src/saml/verify.ts) plus the signature facts of the response as
// posted; kept as plain JSON in the session and only ever displayed, never used to authorize.

import type { UnverifiedResponse } from '../saml/decode.js';
import type { VerifiedAssertion } from '../saml/types.js';

export interface AssertionView {
  readonly receivedAt: string;
  readonly providerArn: string;
  readonly roleArn: string;
  readonly issuer: string;
  readonly responseId: string;
  readonly assertionId: string;
  readonly issueInstant: string;
  readonly destination: string | null;
  readonly inResponseTo: string | null;
  readonly nameId: { readonly value: string; readonly format: string | null };
  readonly subjectConfirmation: { readonly recipient: string; readonly notOnOrAfter: string };
  readonly conditions: { readonly notBefore: string | null; readonly notOnOrAfter: string | null; readonly audiences: readonly string[] };
  readonly authn: { readonly authnInstant: string | null; readonly sessionIndex: string | null; readonly sessionNotOnOrAfter: string | null };
  readonly attributes: readonly { readonly name: string; readonly friendlyName: string | null; readonly values: readonly string[] }[];
  readonly signature: {
    /** Which element's signature vouched for the assertion. */
    readonly signed: string;
    readonly signatureAlgorithm: string;
    readonly digestAlgorithm: string;
    readonly warnings: readonly string[];
    /** Every ds:Signature of the response as posted: the element it sits on and its algorithms. */
    readonly signatures: readonly { readonly on: string; readonly algorithm: string | null; readonly digest: string | null }[];
  };
}

export function assertionView(input: {
  readonly verified: VerifiedAssertion;
  readonly posted: UnverifiedResponse | undefined;
  readonly providerArn: string;
  readonly roleArn: string;
  readonly receivedAt: Date;
}): AssertionView {
  const v = input.verified;
  return {
    receivedAt: input.receivedAt.toISOString(),
    providerArn: input.providerArn,
    roleArn: input.roleArn,
    issuer: v.issuer,
    responseId: v.responseId,
    assertionId: v.assertionId,
    issueInstant: v.issueInstant,
    destination: v.destination ?? null,
    inResponseTo: v.inResponseTo ?? null,
    nameId: { value: v.nameId.value, format: v.nameId.format ?? null },
    subjectConfirmation: { recipient: v.subjectConfirmation.recipient, notOnOrAfter: v.subjectConfirmation.notOnOrAfter },
    conditions: { notBefore: v.conditions.notBefore ?? null, notOnOrAfter: v.conditions.notOnOrAfter ?? null, audiences: [...v.conditions.audiences] },
    authn: {
      authnInstant: v.authn.authnInstant ?? null,
      sessionIndex: v.authn.sessionIndex ?? null,
      sessionNotOnOrAfter: v.authn.sessionNotOnOrAfter ?? null,
    },
    attributes: v.attributes.map((a) => ({ name: a.name, friendlyName: a.friendlyName ?? null, values: [...a.values] })),
    signature: {
      signed: v.signed,
      signatureAlgorithm: v.algorithms.signature,
      digestAlgorithm: v.algorithms.digest,
      warnings: [...v.warnings],
      signatures: (input.posted?.signatures ?? []).map((s) => ({ on: s.on, algorithm: s.algorithm ?? null, digest: s.digest ?? null })),
    },
  };
}

/** Reads a stored view back; undefined when the text is not one (an older or damaged row). */
export function parseAssertionView(json: string): AssertionView | undefined {
  try {
    const v = JSON.parse(json) as Partial<AssertionView>;
    return typeof v === 'object' && v !== null && typeof v.issuer === 'string' && typeof v.nameId === 'object' ? (v as AssertionView) : undefined;
  } catch {
    return undefined;
  }
}
