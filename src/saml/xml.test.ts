import { describe, expect, it } from 'vitest';
import { SamlRejectedError } from './errors.js';
import { decodeBase64Xml, parseXmlStrict } from './xml.js';

function rejection(f: () => unknown): SamlRejectedError {
  try {
    f();
  } catch (e) {
    if (e instanceof SamlRejectedError) return e;
    throw e;
  }
  throw new Error('not rejected');
}

describe('parseXmlStrict', () => {
  it('parses a well-formed document into a DOM with one root', () => {
    const doc = parseXmlStrict('<a xmlns="urn:x"><b c="1">t</b></a>');
    expect(doc.documentElement.localName).toBe('a');
    expect(doc.documentElement.firstChild?.textContent).toBe('t');
  });

  it.each([
    ['an unclosed element', '<a><b></a>'],
    ['an attribute without quotes', '<a b=1/>'],
    ['an undeclared entity', '<a>&nope;</a>'],
    ['a mismatched end tag on line 2', '<a>\n<b></c></a>'],
  ])('rejects %s as XML_PARSE, with the line and column of the failure in the detail', (_, xml) => {
    const e = rejection(() => parseXmlStrict(xml));
    expect(e.reason).toBe('XML_PARSE');
    expect(e.detail).toMatch(/#\[line:\d+,col:\d+\]/);
  });

  it('rejects two roots and text outside the root', () => {
    expect(rejection(() => parseXmlStrict('<a/><b/>')).reason).toBe('XML_PARSE');
    expect(rejection(() => parseXmlStrict('<a/>admin')).reason).toBe('XML_PARSE');
    expect(rejection(() => parseXmlStrict('admin<a/>')).reason).toBe('XML_PARSE');
  });
});

describe('decodeBase64Xml', () => {
  it('decodes strict base64 of UTF-8, again after a failure (the shared decoder keeps no state)', () => {
    const good = Buffer.from('<a>é</a>', 'utf8').toString('base64');
    expect(decodeBase64Xml(good)).toBe('<a>é</a>');
    const bad = Buffer.from([0x3c, 0x61, 0x3e, 0xc3, 0x3c, 0x2f, 0x61, 0x3e]).toString('base64');
    expect(rejection(() => decodeBase64Xml(bad)).reason).toBe('UTF8');
    const truncated = Buffer.from([0x3c, 0x61, 0x3e, 0xe2, 0x82]).toString('base64');
    expect(rejection(() => decodeBase64Xml(truncated)).reason).toBe('UTF8');
    expect(decodeBase64Xml(good)).toBe('<a>é</a>');
  });
});
