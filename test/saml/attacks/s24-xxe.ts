// S24 XXE (CWE-611): an internal subset with a SYSTEM entity used in the NameID, an external DTD on a
// local listener, parameter entities; all refused at the byte scan (P3), before parsing.

import { EVIL_NAMEID, GENUINE_NAMEID, replaceOnce } from '../../support/saml-fixtures.js';
import { rejectedAs, type Attack, type AttackCase } from './attack.js';

const prefix = (xml: string, head: string): string => `${head}${xml}`;

export const s24Xxe: Attack = {
  id: 'S24',
  title: 'external entities and DTDs',
  reference: 'security.md §2.7 S24',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const entityInNameId = replaceOnce(B, `>${GENUINE_NAMEID}</saml:NameID>`, '>&x;</saml:NameID>');
    return [
      {
        name: 'internal subset with a SYSTEM entity file:///etc/passwd used in the NameID',
        xml: prefix(entityInNameId, '<!DOCTYPE samlp:Response [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        expect: rejectedAs('DOCTYPE'),
        control: { xml: B, nameId: GENUINE_NAMEID },
      },
      { name: 'internal entity carrying the evil NameID', xml: prefix(entityInNameId, `<!DOCTYPE samlp:Response [<!ENTITY x "${EVIL_NAMEID}">]>`), expect: rejectedAs('DOCTYPE') },
      { name: 'external DTD on a local listener', xml: prefix(B, `<!DOCTYPE samlp:Response SYSTEM "${ctx.probeUrl}/d.dtd">`), expect: rejectedAs('DOCTYPE') },
      { name: 'parameter entities fetching a remote DTD', xml: prefix(B, `<!DOCTYPE samlp:Response [<!ENTITY % p SYSTEM "${ctx.probeUrl}/p.dtd"> %p;]>`), expect: rejectedAs('DOCTYPE') },
      { name: 'lower-case <!doctype after an XML declaration', xml: prefix(B, '<?xml version="1.0" encoding="UTF-8"?><!doctype samlp:Response>'), expect: rejectedAs('DOCTYPE') },
      { name: 'the same as raw XML input', xml: prefix(entityInNameId, '<!DOCTYPE samlp:Response [<!ENTITY x SYSTEM "file:///etc/passwd">]>'), options: { rawXml: true }, expect: rejectedAs('DOCTYPE') },
      { name: 'an ENTITY declaration without DOCTYPE', xml: replaceOnce(B, '<samlp:Status>', '<samlp:Status><!ENTITY x SYSTEM "file:///etc/passwd">'), expect: rejectedAs('ENTITY') },
    ];
  },
};
