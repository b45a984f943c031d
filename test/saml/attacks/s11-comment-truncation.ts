// S11 comment injection (Duo 2018: CVE-2017-11427/-11428/-11429/-11430, CVE-2018-0489, -5387, -7340;
// authentik CVE-2026-57580): the IdP signs `admin@corp.example.attacker.test`; afterwards a comment
// splits it (`admin@corp.example<!---->.attacker.test`) — exc-c14n drops comments, so the signature
// still verifies, and a reader taking the first text node gets `admin@corp.example`. Same on the Role
// and RoleSessionName values.

import { AWS_ATTRIBUTE } from '../../../src/saml/ns.js';
import { defaultAttributes, EVIL_NAMEID, EVIL_ROLE, EVIL_SESSION_NAME, GENUINE_NAMEID, GENUINE_ROLE, replaceOnce, signAs, unsignedXml, type SpecAttribute } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const SUFFIX = '.attacker.test';

function withAttribute(name: string, values: string[]): SpecAttribute[] {
  return defaultAttributes().map((a) => (a.name === name ? { ...a, values } : a));
}

export const s11CommentTruncation: Attack = {
  id: 'S11',
  title: 'comment injected into a signed text value',
  reference: 'security.md §2.4 S11',
  build(ctx): AttackCase[] {
    const signedNameId = signAs(unsignedXml(ctx.now, { nameId: `${EVIL_NAMEID}${SUFFIX}` }), 'B');
    const signedRole = signAs(unsignedXml(ctx.now, { attributes: withAttribute(AWS_ATTRIBUTE.role, [`${EVIL_ROLE}${SUFFIX}`, GENUINE_ROLE]) }), 'B');
    const signedSession = signAs(unsignedXml(ctx.now, { attributes: withAttribute(AWS_ATTRIBUTE.roleSessionName, [`${EVIL_SESSION_NAME}${SUFFIX}`]) }), 'B');
    const signedBoth = signAs(unsignedXml(ctx.now, { nameId: `${EVIL_NAMEID}${SUFFIX}` }), 'B_both');
    return [
      {
        name: 'NameID split by a comment',
        xml: replaceOnce(signedNameId, `>${EVIL_NAMEID}${SUFFIX}<`, `>${EVIL_NAMEID}<!---->${SUFFIX}<`),
        expect: rejectedAs('COMMENT'),
        signatureStillValid: true,
        control: { xml: signedNameId, nameId: `${EVIL_NAMEID}${SUFFIX}` },
      },
      {
        name: 'Role AttributeValue split by a comment',
        xml: replaceOnce(signedRole, `>${EVIL_ROLE}${SUFFIX}<`, `>${EVIL_ROLE}<!---->${SUFFIX}<`),
        expect: rejectedAs('COMMENT'),
        signatureStillValid: true,
        control: { xml: signedRole, nameId: GENUINE_NAMEID },
      },
      {
        name: 'RoleSessionName AttributeValue split by a comment',
        xml: replaceOnce(signedSession, `>${EVIL_SESSION_NAME}${SUFFIX}<`, `>${EVIL_SESSION_NAME}<!---->${SUFFIX}<`),
        expect: rejectedAs('COMMENT'),
        signatureStillValid: true,
        control: { xml: signedSession, nameId: GENUINE_NAMEID },
      },
      {
        name: 'NameID split by a comment in a response-signed document (B_both)',
        xml: replaceOnce(signedBoth, `>${EVIL_NAMEID}${SUFFIX}<`, `>${EVIL_NAMEID}<!-- -->${SUFFIX}<`),
        expect: rejectedAs('COMMENT'),
        signatureStillValid: true,
      },
    ];
  },
};
