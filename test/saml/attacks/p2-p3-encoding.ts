// P2–P4 encoding and well-formedness: strict base64 (CR/LF tolerated, nothing else), UTF-8 only
// (fatal decoding, declared encodings other than UTF-8 refused, BOM tolerated), NUL bytes, a root that
// is not a samlp:Response, and documents that are not XML.

import { GENUINE_NAMEID, replaceOnce } from '../../support/saml-fixtures.js';
import { acceptedAs, rejectedAs, type Attack, type AttackCase } from './attack.js';

export const p2p3Encoding: Attack = {
  id: 'P2-P4',
  title: 'encoding, byte scan and parse',
  reference: 'security.md §1 P2–P4',
  build(ctx): AttackCase[] {
    const { B } = ctx.base;
    const bytes = Buffer.from(B, 'utf8');
    const encoded = bytes.toString('base64');
    const at = B.indexOf(GENUINE_NAMEID);
    const invalidUtf8 = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28]), bytes.subarray(at)]);
    return [
      { name: 'base64 wrapped at 76 columns with CRLF', input: encoded.replace(/(.{76})/g, '$1\r\n'), expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'base64 with spaces', input: encoded.replace(/(.{76})/g, '$1 '), expect: rejectedAs('BASE64'), control: { xml: B, nameId: GENUINE_NAMEID } },
      { name: 'URL-safe base64 alphabet', input: `${encoded.slice(0, -4).replace(/\+/g, '-').replace(/\//g, '_')}-_-_`, expect: rejectedAs('BASE64') },
      { name: 'base64 one character short', input: encoded.slice(0, -1), expect: rejectedAs('BASE64') },
      { name: 'too short to be anything', input: 'PHA', expect: rejectedAs('SIZE') },
      { name: 'invalid UTF-8 inside the NameID', input: invalidUtf8.toString('base64'), expect: rejectedAs('UTF8') },
      { name: 'a NUL byte', xml: replaceOnce(B, `>${GENUINE_NAMEID}</saml:NameID>`, `>${GENUINE_NAMEID}\u0000</saml:NameID>`), expect: rejectedAs('NUL_BYTE') },
      { name: 'declared ISO-8859-1', xml: `<?xml version="1.0" encoding="ISO-8859-1"?>${B}`, expect: rejectedAs('ENCODING') },
      { name: 'declared UTF-16 (bytes are UTF-8)', xml: `<?xml version="1.0" encoding="UTF-16"?>${B}`, expect: rejectedAs('ENCODING') },
      { name: 'declared UTF-8', xml: `<?xml version="1.0" encoding="UTF-8"?>${B}`, expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'a UTF-8 byte order mark', xml: `\ufeff${B}`, expect: acceptedAs(GENUINE_NAMEID) },
      { name: 'a processing instruction after the XML declaration', xml: `<?xml version="1.0"?><?xml-stylesheet href="x"?>${B}`, expect: rejectedAs('PROCESSING_INSTRUCTION') },
      { name: 'not XML at all', input: Buffer.from('hello, world').toString('base64'), expect: rejectedAs('XML_PARSE') },
      { name: 'a truncated document', xml: B.slice(0, Math.floor(B.length / 2)), expect: rejectedAs('XML_PARSE') },
      { name: 'an unbound element prefix (xmldom would read it as no namespace)', xml: replaceOnce(B, '<samlp:Status>', '<evil:Status>').replace('</samlp:Status>', '</evil:Status>'), expect: rejectedAs('XML_PARSE') },
      { name: 'an unbound attribute prefix', xml: replaceOnce(B, '<samlp:Status>', '<samlp:Status evil:ID="_x">'), expect: rejectedAs('XML_PARSE') },
      { name: 'the predeclared xml: prefix (xml:lang) is bound', xml: replaceOnce(B, '<samlp:Status>', '<samlp:Status xml:lang="en">'), expect: acceptedAs(GENUINE_NAMEID) },
      {
        name: 'the root is a samlp:ArtifactResponse',
        xml: replaceOnce(replaceOnce(B, '<samlp:Response ', '<samlp:ArtifactResponse '), '</samlp:Response>', '</samlp:ArtifactResponse>'),
        expect: rejectedAs('ROOT_NOT_RESPONSE'),
      },
      { name: 'the signed assertion alone, without a Response', xml: B.slice(B.indexOf('<saml:Assertion '), B.indexOf('</samlp:Response>')), expect: rejectedAs('ROOT_NOT_RESPONSE') },
    ];
  },
};
