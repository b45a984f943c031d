// The `saml:*` condition keys a role trust policy sees for AssumeRoleWithSAML: the fixed keys read
// from the verified assertion, plus the attribute-derived keys of AWS's mapping table. Never maps an
// attribute that is not in the table, so an IdP cannot invent context keys.

import type { SamlAttribute } from '../../saml/types.js';

/**
 * SAML attribute `Name` → context key, with AWS's value type (IAM User Guide,
 * id_roles_providers_create_saml_assertions, "Mapping SAML attributes to AWS trust policy context
 * keys": the eduPerson/eduOrg, Active Directory and X.500 tables, copied verbatim — including the
 * documented `primarygroupsid` → `uid` row and the `0.9.2342.19200300100.1.x` spellings). Key
 * spellings and String/ArrayOfString types as the Service Authorization Reference lists them for
 * sts:AssumeRoleWithSAML (src/policy/catalog/sts.json).
 */
export const SAML_ATTRIBUTE_KEYS: ReadonlyMap<string, { readonly key: string; readonly list: boolean }> = new Map([
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.1', { key: 'saml:edupersonaffiliation', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.2', { key: 'saml:edupersonnickname', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.3', { key: 'saml:edupersonorgdn', list: false }],
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.4', { key: 'saml:edupersonorgunitdn', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.5', { key: 'saml:edupersonprimaryaffiliation', list: false }],
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.6', { key: 'saml:edupersonprincipalname', list: false }],
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.7', { key: 'saml:edupersonentitlement', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.8', { key: 'saml:edupersonprimaryorgunitdn', list: false }],
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.9', { key: 'saml:edupersonscopedaffiliation', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.10', { key: 'saml:edupersontargetedid', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.1.1.11', { key: 'saml:edupersonassurance', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.2.1.2', { key: 'saml:eduorghomepageuri', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.2.1.3', { key: 'saml:eduorgidentityauthnpolicyuri', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.2.1.4', { key: 'saml:eduorglegalname', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.2.1.5', { key: 'saml:eduorgsuperioruri', list: true }],
  ['urn:oid:1.3.6.1.4.1.5923.1.2.1.6', { key: 'saml:eduorgwhitepagesuri', list: true }],
  ['urn:oid:2.5.4.3', { key: 'saml:cn', list: true }],
  ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', { key: 'saml:name', list: false }],
  ['http://schemas.xmlsoap.org/claims/CommonName', { key: 'saml:commonName', list: false }],
  ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', { key: 'saml:givenName', list: false }],
  ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', { key: 'saml:surname', list: false }],
  ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', { key: 'saml:mail', list: false }],
  ['http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid', { key: 'saml:uid', list: false }],
  ['2.5.4.3', { key: 'saml:commonName', list: false }],
  ['2.5.4.4', { key: 'saml:surname', list: false }],
  ['2.4.5.42', { key: 'saml:givenName', list: false }],
  ['2.5.4.45', { key: 'saml:x500UniqueIdentifier', list: false }],
  ['0.9.2342.19200300100.1.1', { key: 'saml:uid', list: false }],
  ['0.9.2342.19200300100.1.3', { key: 'saml:mail', list: false }],
  ['0.9.2342.19200300.100.1.45', { key: 'saml:organizationStatus', list: false }],
]);

/**
 * The attribute-derived `saml:*` keys of an assertion. A String key takes one value (the first);
 * AWS: "You should include only one claim per AWS context key. If you include more than one, only
 * one claim will be mapped" — here the first such attribute in document order.
 */
export function samlAttributeContext(attributes: readonly SamlAttribute[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const a of attributes) {
    const mapping = SAML_ATTRIBUTE_KEYS.get(a.name);
    if (mapping === undefined || Object.hasOwn(out, mapping.key) || a.values.length === 0) continue;
    out[mapping.key] = mapping.list ? [...a.values] : (a.values[0] as string);
  }
  return out;
}

/** The assertion facts every SAML trust evaluation has (IAM User Guide, reference_policies_iam-condition-keys). */
export interface SamlFacts {
  /** SubjectConfirmationData@Recipient: `saml:aud` is the Recipient, "not the Audience field". */
  readonly recipient: string;
  readonly issuer: string;
  readonly subject: string;
  /** `persistent`, `transient` or the full NameID Format URI. */
  readonly subjectType: string;
  readonly nameQualifier: string;
  /** `<account>/<provider friendly name>`. */
  readonly doc: string;
}

export function samlFactsContext(facts: SamlFacts): Record<string, string> {
  return {
    'saml:aud': facts.recipient,
    'saml:iss': facts.issuer,
    'saml:sub': facts.subject,
    'saml:sub_type': facts.subjectType,
    'saml:namequalifier': facts.nameQualifier,
    'saml:doc': facts.doc,
  };
}
