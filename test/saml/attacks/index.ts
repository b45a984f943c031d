// The SAML attack corpus of reference/security.md §2, one builder per attack, in catalogue order.
// A test fails if a builder file in this folder is missing here (test/saml-verify.test.ts).

import type { Attack } from './attack.js';
import { p2p3Encoding } from './p2-p3-encoding.js';
import { s1SignatureStripping } from './s1-signature-stripping.js';
import { s2UnsignedAssertionInSignedResponse } from './s2-unsigned-assertion-in-signed-response.js';
import { s3UnsignedResponseTampering } from './s3-unsigned-response-tampering.js';
import { s4MultipleAssertions } from './s4-multiple-assertions.js';
import { s5OneSignatureFails } from './s5-one-signature-fails.js';
import { xsw1 } from './xsw1.js';
import { xsw2 } from './xsw2.js';
import { xsw3 } from './xsw3.js';
import { xsw4 } from './xsw4.js';
import { xsw5 } from './xsw5.js';
import { xsw6 } from './xsw6.js';
import { xsw7 } from './xsw7.js';
import { xsw8 } from './xsw8.js';
import { xsw9 } from './xsw9-cve-2025-23369.js';
import { xswMSignedMetadata } from './xsw-m-signed-metadata.js';
import { s6ReferenceOtherElement } from './s6-reference-other-element.js';
import { s7DuplicateIds } from './s7-duplicate-ids.js';
import { s8MultipleReferences } from './s8-multiple-references.js';
import { s9DigestValueComment } from './s9-digest-value-comment.js';
import { s10ForgedReferenceOutsideSignature } from './s10-forged-reference-outside-signature.js';
import { s11CommentTruncation } from './s11-comment-truncation.js';
import { s12ProcessingInstruction } from './s12-processing-instruction.js';
import { s13CdataSplit } from './s13-cdata-split.js';
import { s14CharacterReferences } from './s14-character-references.js';
import { s15KeyConfusion } from './s15-key-confusion.js';
import { s16WrongIdp } from './s16-wrong-idp.js';
import { s17CertificateRollover } from './s17-certificate-rollover.js';
import { s18Hmac } from './s18-hmac.js';
import { s19AlgorithmDowngrade } from './s19-algorithm-downgrade.js';
import { s20HmacOutputLength } from './s20-hmac-output-length.js';
import { s21C14nWithComments } from './s21-c14n-with-comments.js';
import { s22Transforms } from './s22-transforms.js';
import { s23ExternalReferences } from './s23-external-references.js';
import { s24Xxe } from './s24-xxe.js';
import { s25EntityExpansion } from './s25-entity-expansion.js';
import { s26DoctypeDifferential } from './s26-doctype-differential.js';
import { s27NamespaceDefaultAttlist } from './s27-namespace-default-attlist.js';
import { s28MultipleRoots } from './s28-multiple-roots.js';
import { s29RoundTrip } from './s29-round-trip.js';
import { s30NamespaceConfusion } from './s30-namespace-confusion.js';
import { s31VoidCanonicalization } from './s31-void-canonicalization.js';
import { s32WhitespaceUnicode } from './s32-whitespace-unicode.js';
import { s34Time } from './s34-time.js';
import { s35AudienceRecipientDestination } from './s35-audience-recipient-destination.js';
import { s37StatusIssuer } from './s37-status-issuer.js';
import { s38AttributeAbuse } from './s38-attribute-abuse.js';
import { s39EncryptedAssertion } from './s39-encrypted-assertion.js';
import { s40SizeAndDepth } from './s40-size-and-depth.js';
import { s41DeflatedPost } from './s41-deflate-bomb.js';

export const ATTACKS: readonly Attack[] = [
  p2p3Encoding,
  s1SignatureStripping,
  s2UnsignedAssertionInSignedResponse,
  s3UnsignedResponseTampering,
  s4MultipleAssertions,
  s5OneSignatureFails,
  xsw1,
  xsw2,
  xsw3,
  xsw4,
  xsw5,
  xsw6,
  xsw7,
  xsw8,
  xsw9,
  xswMSignedMetadata,
  s6ReferenceOtherElement,
  s7DuplicateIds,
  s8MultipleReferences,
  s9DigestValueComment,
  s10ForgedReferenceOutsideSignature,
  s11CommentTruncation,
  s12ProcessingInstruction,
  s13CdataSplit,
  s14CharacterReferences,
  s15KeyConfusion,
  s16WrongIdp,
  s17CertificateRollover,
  s18Hmac,
  s19AlgorithmDowngrade,
  s20HmacOutputLength,
  s21C14nWithComments,
  s22Transforms,
  s23ExternalReferences,
  s24Xxe,
  s25EntityExpansion,
  s26DoctypeDifferential,
  s27NamespaceDefaultAttlist,
  s28MultipleRoots,
  s29RoundTrip,
  s30NamespaceConfusion,
  s31VoidCanonicalization,
  s32WhitespaceUnicode,
  s34Time,
  s35AudienceRecipientDestination,
  s37StatusIssuer,
  s38AttributeAbuse,
  s39EncryptedAssertion,
  s40SizeAndDepth,
  s41DeflatedPost,
];

/** Builder files that are shared steps, not attacks. */
export const NOT_ATTACKS: readonly string[] = ['attack.ts', 'index.ts', 'xsw-kit.ts'];
