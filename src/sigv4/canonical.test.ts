import { describe, expect, it } from 'vitest';
import { canonicalHeaderValue, getCanonicalHeaders, indexHeaders } from './canonical-headers.js';
import { getCanonicalQuery, splitRawQuery } from './canonical-query.js';
import { getCanonicalPath } from './canonical-uri.js';
import { formatAmzDate, parseAmzDate, parseHttpDate } from './date.js';
import { normalizeQueryComponent, uriEscape } from './encoding.js';
import { parseSignedHeaders } from './verify.js';

describe('getCanonicalPath (non-S3: normalise, then encode each segment again; security.md V4)', () => {
  const cases: [string, string][] = [
    ['', '/'],
    ['/', '/'],
    ['//', '/'],
    ['/./', '/'],
    ['/a/../b', '/b'],
    ['/a/b/../../..', '/'],
    ['/../a', '/a'],
    ['//example//', '/example/'],
    ['/a/./b/', '/a/b/'],
    ['/example space/', '/example%20space/'],
    ['/a%2Fb', '/a%252Fb'],
    ['/a%20b', '/a%2520b'],
    ['/%2E%2E/x', '/%252E%252E/x'],
    ['/~user/-._', '/~user/-._'],
    ['/ሴ', '/%E1%88%B4'],
    ["/!'()*", '/%21%27%28%29%2A'],
    ['/a+b', '/a%2Bb'],
  ];
  for (const [raw, canonical] of cases) it(`${JSON.stringify(raw)} → ${canonical}`, () => expect(getCanonicalPath(raw)).toBe(canonical));
});

describe('getCanonicalQuery (raw query as received; security.md V5)', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['a=1&a=0', 'a=0&a=1'],
    ['b&a=', 'a=&b='],
    ['Param2=value2&Param1=value1', 'Param1=value1&Param2=value2'],
    ['a=x%20y', 'a=x%20y'],
    ['a=x+y', 'a=x%2By'],
    ['a=%7E%2f%e1%88%b4', 'a=~%2F%E1%88%B4'],
    ['a=b=c', 'a=b%3Dc'],
    ['ሴ=bar', '%E1%88%B4=bar'],
    ["k=!'()*", 'k=%21%27%28%29%2A'],
    ['a=100%', 'a=100%25'],
    ['a=%zz', 'a=%25zz'],
    ['a=1&&b=2', 'a=1&b=2'],
    // Sorted by encoded name, byte order: uppercase before lowercase, `%` before letters.
    ['b=1&B=1&%41=1', 'A=1&B=1&b=1'],
    ['Filter.1.Value.1=a%20b%2Bc%2F~%2A%27%28%29%21', 'Filter.1.Value.1=a%20b%2Bc%2F~%2A%27%28%29%21'],
  ];
  for (const [raw, canonical] of cases) it(`${JSON.stringify(raw)} → ${JSON.stringify(canonical)}`, () => expect(getCanonicalQuery(splitRawQuery(raw))).toBe(canonical));

  it('leaves out X-Amz-Signature when told (presigned URLs)', () => {
    expect(getCanonicalQuery(splitRawQuery('X-Amz-Signature=abc&A=1'), 'X-Amz-Signature')).toBe('A=1');
  });

  it('encodes as decode-then-UriEncode would, for any well-formed input', () => {
    const samples = ['plain', 'a b', 'a+b', '~-._', 'ሴ🙂', "!*'();:@&=+$,/?#[]", '%', 'é'];
    for (const s of samples) expect(normalizeQueryComponent(encodeURIComponent(s))).toBe(uriEscape(s));
  });
});

describe('canonical header values (trim, fold runs of blanks; security.md V6)', () => {
  it('trims and folds', () => {
    expect(canonicalHeaderValue('  "a   b   c"  ')).toBe('"a b c"');
    expect(canonicalHeaderValue('a\t \tb')).toBe('a b');
    expect(canonicalHeaderValue('')).toBe('');
  });

  it('turns an obs-fold into separate values joined by a comma (suite get-header-value-multiline)', () => {
    expect(canonicalHeaderValue('value1\n  value2\n     value3')).toBe('value1,value2,value3');
  });

  it('joins repeated headers with commas in arrival order, names lowercased', () => {
    const index = indexHeaders([['Host', 'h'], ['My-Header1', 'value4'], ['my-header1', ' value1 '], ['X-Amz-Date', 'd']]);
    expect(getCanonicalHeaders(index, ['host', 'my-header1', 'x-amz-date'])).toEqual({ ok: true, text: 'host:h\nmy-header1:value4,value1\nx-amz-date:d\n' });
    expect(getCanonicalHeaders(index, ['content-type', 'host'])).toEqual({ ok: false, absent: 'content-type' });
  });
});

describe('parseSignedHeaders', () => {
  it('takes lowercase, sorted, unique names only', () => {
    expect(parseSignedHeaders('content-type;host;x-amz-date')).toEqual(['content-type', 'host', 'x-amz-date']);
    for (const bad of ['', 'Host', 'host;content-type', 'host;host', 'host;', 'ho st', 'host,x-amz-date']) expect(parseSignedHeaders(bad), bad).toBeUndefined();
  });
});

describe('SigV4 dates', () => {
  it('parses X-Amz-Date strictly', () => {
    expect(parseAmzDate('20150830T123600Z')).toBe(Date.UTC(2015, 7, 30, 12, 36, 0));
    for (const bad of ['20150830T123600', '2015-08-30T12:36:00Z', '20150230T000000Z', '20150830T236000Z', ' 20150830T123600Z', '20150830t123600z']) {
      expect(parseAmzDate(bad), bad).toBeUndefined();
    }
  });

  it('parses the HTTP Date header (IMF-fixdate), weekday included', () => {
    expect(parseHttpDate('Sun, 30 Aug 2015 12:36:00 GMT')).toBe(Date.UTC(2015, 7, 30, 12, 36, 0));
    expect(parseHttpDate('Mon, 30 Aug 2015 12:36:00 GMT')).toBeUndefined();
    expect(parseHttpDate('Sunday, 30-Aug-15 12:36:00 GMT')).toBeUndefined();
  });

  it('formats seconds, truncating milliseconds', () => {
    expect(formatAmzDate(Date.UTC(2015, 7, 30, 12, 36, 0, 999))).toBe('20150830T123600Z');
  });
});
