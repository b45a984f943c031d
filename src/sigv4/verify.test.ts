import { describe, expect, it, vi } from 'vitest';
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { getCanonicalHeaders, indexHeaders } from './canonical-headers.js';
import { getCanonicalQuery, splitRawQuery } from './canonical-query.js';
import { computeSignature, createCanonicalRequest, createStringToSign, getSigningKey } from './canonical-request.js';
import { getCanonicalPath } from './canonical-uri.js';
import { formatAmzDate, parseHttpDate } from './date.js';
import { forEc2 } from './errors.js';
import { mapHeader, withHeader, withoutHeader } from './fixtures/http-message.js';
import { presignRequest, signRequest } from './sign.js';
import { createSigningKeyCache } from './signing-key-cache.js';
import type { SigV4Request, SigV4Result } from './types.js';
import { parseSigV4Request, verifySigV4, verifySigV4Async } from './verify.js';

const KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const TEMP = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY', sessionToken: 'sealed-session-token==' };
const T0 = new Date('2026-01-15T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

interface Record {
  readonly secretAccessKey: string;
  readonly principal: string;
}
const KEYS: ReadonlyMap<string, Record> = new Map([
  [KEY.accessKeyId, { secretAccessKey: KEY.secretAccessKey, principal: 'admin' }],
  [TEMP.accessKeyId, { secretAccessKey: TEMP.secretAccessKey, principal: 'assumed-role/AccessByCostCenter/jane' }],
]);
const lookupSecret = (id: string) => KEYS.get(id);

function verify(request: SigV4Request, now: Date = T0, extra: { expectedService?: string; expectedRegion?: string; maxSkewSeconds?: number } = {}): SigV4Result<Record> {
  return verifySigV4(request, { now, lookupSecret, ...extra });
}

/** An STS call as the CLI sends it (awsQuery POST), unsigned. */
function stsCall(): SigV4Request {
  return {
    method: 'POST',
    path: '/',
    headers: [
      ['Host', '127.0.0.1:4750'],
      ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'],
      ['User-Agent', 'aws-cli/2.0'],
    ],
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  };
}

const signed = (req: SigV4Request = stsCall(), now: Date = T0, creds: typeof KEY | typeof TEMP = KEY, service = 'sts', region = 'us-east-1') =>
  signRequest(req, creds, { region, service, now });

function outcome(result: SigV4Result<Record>): string | [string, string] {
  return result.ok ? 'verified' : [result.code, result.reason];
}

/** Replaces the Authorization header's value. */
function withAuthorization(req: SigV4Request, value: string): SigV4Request {
  return withHeader(withoutHeader(req, 'authorization'), 'Authorization', value);
}

/**
 * Signs `req` under an Authorization template (`Signature=` last, left empty) with the low-level
 * functions, not through the verifier, so a refusal is shown to come from policy, not from a bad signature.
 */
function signAs(req: SigV4Request, template: string, secret = KEY.secretAccessKey): SigV4Request {
  const credential = /Credential=([^,\s]+)/.exec(template)?.[1] as string;
  const [, date, region, service] = credential.split('/') as [string, string, string, string];
  const signedHeaders = (/SignedHeaders=([^,\s]+)/.exec(template)?.[1] as string).split(';');
  const headers = indexHeaders(req.headers);
  const amzDate = headers.get('x-amz-date')?.[0] ?? formatAmzDate(parseHttpDate(headers.get('date')?.[0] as string) as number);
  const canonical = getCanonicalHeaders(headers, signedHeaders);
  const canonicalRequest = createCanonicalRequest({
    method: req.method,
    canonicalUri: getCanonicalPath(req.path.split('?')[0] as string),
    canonicalQuery: getCanonicalQuery(splitRawQuery(req.path.split('?')[1] ?? '')),
    canonicalHeaders: canonical.ok ? canonical.text : '',
    signedHeaders,
    payloadHash: createHash('sha256').update(req.body).digest('hex'),
  });
  const scope = { date, region, service };
  const sig = computeSignature(getSigningKey(secret, scope), createStringToSign(amzDate, scope, canonicalRequest)).toString('hex');
  return withAuthorization(req, `${template}${sig}`);
}

const CRED = `Credential=${KEY.accessKeyId}/20260115/us-east-1/sts/aws4_request`;

describe('verifySigV4: a well-signed request', () => {
  it('verifies and returns the caller, its record, the scope and the signed headers', () => {
    const result = verify(signed());
    expect(result).toEqual({
      ok: true,
      authLocation: 'header',
      accessKeyId: KEY.accessKeyId,
      credential: { secretAccessKey: KEY.secretAccessKey, principal: 'admin' },
      scope: { date: '20260115', region: 'us-east-1', service: 'sts' },
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      requestTime: T0,
    });
  });

  it('reads the service and region from the credential scope', () => {
    const result = verify(signed(stsCall(), T0, KEY, 'ec2', 'eu-west-1'));
    expect(result.ok && result.scope).toEqual({ date: '20260115', region: 'eu-west-1', service: 'ec2' });
  });

  it('hashes a Uint8Array body as the same bytes as its string', () => {
    const req = signed();
    expect(outcome(verify({ ...req, body: Buffer.from(req.body as string, 'utf8') }))).toBe('verified');
  });

  it('verifies through the async lookup', async () => {
    const result = await verifySigV4Async(signed(), { now: T0, lookupSecret: async (id) => KEYS.get(id) });
    expect(result.ok).toBe(true);
  });

  it('accepts headers that are not x-amz-* unsigned, like a proxy trace id or Accept-Encoding', () => {
    const req = withHeader(withHeader(signed(), 'X-Amzn-Trace-Id', 'Root=1-abc'), 'Accept-Encoding', 'identity');
    expect(outcome(verify(req))).toBe('verified');
  });
});

describe('verifySigV4: no authentication, or two', () => {
  it('answers MissingAuthenticationToken 403 to an unsigned request', () => {
    const result = verify(stsCall());
    expect(result.ok ? 'verified' : [result.code, result.httpStatus, result.message]).toEqual([
      'MissingAuthenticationToken',
      403,
      'Request is missing Authentication Token',
    ]);
  });

  it('refuses an Authorization header and a presigned query together', () => {
    const presigned = presignRequest({ ...stsCall(), method: 'GET', body: '' }, KEY, { region: 'us-east-1', service: 'sts', now: T0, expiresIn: 60 });
    const both = withHeader(presigned, 'Authorization', (signed().headers.find(([n]) => n === 'Authorization') as [string, string])[1]);
    expect(outcome(verify(both))).toEqual(['IncompleteSignature', 'ERR_SIGV4_AMBIGUOUS_AUTH']);
  });

  it('refuses two Authorization headers', () => {
    const req = signed();
    const auth = (req.headers.find(([n]) => n === 'Authorization') as [string, string])[1];
    expect(outcome(verify(withHeader(req, 'authorization', auth)))).toEqual(['IncompleteSignature', 'ERR_SIGV4_PARAM_DUPLICATE']);
  });
});

describe('verifySigV4: a malformed Authorization header is IncompleteSignature 400 with AWS wording', () => {
  const base = signed();
  const cases: [string, string, string, string][] = [
    ['a bearer token', 'Bearer abc', 'ERR_SIGV4_HEADER_MALFORMED',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc"],
    ['SigV2', 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=', 'ERR_SIGV4_HEADER_MALFORMED',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="],
    ['no Signature', `AWS4-HMAC-SHA256 ${CRED}, SignedHeaders=host;x-amz-date`, 'ERR_SIGV4_HEADER_MALFORMED',
      `Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 ${CRED}, SignedHeaders=host;x-amz-date`],
    ['the algorithm alone', 'AWS4-HMAC-SHA256', 'ERR_SIGV4_HEADER_MALFORMED',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256"],
    ['a blank inside the credential', `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId} /20260115/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'a'.repeat(64)}`,
      'ERR_SIGV4_HEADER_MALFORMED',
      `'/20260115/us-east-1/sts/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId} /20260115/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'a'.repeat(64)}'.`],
  ];
  for (const [what, header, reason, message] of cases) {
    it(`refuses ${what}`, () => {
      const result = verify(withAuthorization(base, header));
      expect(result.ok ? 'verified' : [result.code, result.httpStatus, result.reason, result.message]).toEqual(['IncompleteSignature', 400, reason, message]);
    });
  }

  it('names the missing date in the same message', () => {
    const result = verify(withoutHeader(withAuthorization(base, 'Bearer abc'), 'x-amz-date'));
    expect(result.ok ? '' : result.message).toBe(
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc",
    );
    const onlyDate = verify(withoutHeader(base, 'x-amz-date'));
    expect(outcome(onlyDate)).toEqual(['IncompleteSignature', 'ERR_SIGV4_DATE_MISSING']);
    expect(onlyDate.ok ? '' : onlyDate.message).toMatch(/^Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header\. Authorization=AWS4-HMAC-SHA256 /);
  });

  it('refuses any algorithm but AWS4-HMAC-SHA256 (SHA-1, SigV4a)', () => {
    for (const alg of ['AWS4-HMAC-SHA1', 'AWS4-ECDSA-P256-SHA256', 'aws4-hmac-sha256']) {
      const header = `${alg} ${CRED}, SignedHeaders=content-type;host;x-amz-date, Signature=${'a'.repeat(64)}`;
      const result = verify(withAuthorization(base, header));
      expect(result.ok ? 'verified' : result.code, alg).toBe('IncompleteSignature');
    }
    const sha1 = verify(withAuthorization(base, `AWS4-HMAC-SHA1 ${CRED}, SignedHeaders=host, Signature=${'a'.repeat(64)}`));
    expect(outcome(sha1)).toEqual(['IncompleteSignature', 'ERR_SIGV4_ALGORITHM']);
  });

  it('refuses a parameter given twice', () => {
    const auth = (base.headers.find(([n]) => n === 'Authorization') as [string, string])[1];
    for (const dup of [`, Signature=${'b'.repeat(64)}`, `, ${CRED}`, ', SignedHeaders=host']) {
      expect(outcome(verify(withAuthorization(base, auth + dup)))).toEqual(['IncompleteSignature', 'ERR_SIGV4_PARAM_DUPLICATE']);
    }
  });

  it('refuses an unknown parameter', () => {
    const auth = (base.headers.find(([n]) => n === 'Authorization') as [string, string])[1];
    expect(outcome(verify(withAuthorization(base, `${auth}, Region=us-east-1`)))).toEqual(['IncompleteSignature', 'ERR_SIGV4_PARAM_UNKNOWN']);
  });

  it('refuses a signature that is not 64 lowercase hex digits (before any comparison)', () => {
    const auth = (base.headers.find(([n]) => n === 'Authorization') as [string, string])[1];
    const sig = auth.slice(-64);
    for (const bad of [sig.toUpperCase(), sig.slice(1), `${sig}0`, `${sig.slice(1)}g`, '']) {
      const result = verify(withAuthorization(base, auth.slice(0, -64) + bad));
      expect(outcome(result), bad).toEqual(['IncompleteSignature', 'ERR_SIGV4_SIGNATURE_MALFORMED']);
    }
  });

  it('refuses SignedHeaders that are not lowercase, sorted and unique', () => {
    for (const list of ['Content-Type;host;x-amz-date', 'host;content-type;x-amz-date', 'content-type;host;host;x-amz-date', 'content-type;;host', '']) {
      const header = `AWS4-HMAC-SHA256 ${CRED}, SignedHeaders=${list}, Signature=${'a'.repeat(64)}`;
      expect(outcome(verify(withAuthorization(base, header))), list).toEqual(['IncompleteSignature', 'ERR_SIGV4_SIGNED_HEADERS_MALFORMED']);
    }
  });

  it('refuses a credential that is not AKID/date/region/service/aws4_request', () => {
    const header = `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20260115/us-east-1/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'a'.repeat(64)}`;
    expect(outcome(verify(withAuthorization(base, header)))).toEqual(['IncompleteSignature', 'ERR_SIGV4_CREDENTIAL_MALFORMED']);
  });
});

describe('verifySigV4: what must be signed (security.md V6)', () => {
  it('refuses SignedHeaders without host', () => {
    const req = signAs(signed(), `AWS4-HMAC-SHA256 ${CRED}, SignedHeaders=content-type;x-amz-date, Signature=`);
    const result = verify(req);
    expect(result.ok ? 'verified' : [result.code, result.httpStatus, result.message]).toEqual([
      'IncompleteSignature',
      400,
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    ]);
  });

  it('refuses an x-amz-* header the signature does not cover', () => {
    const result = verify(withHeader(signed(), 'X-Amz-Meta-Role', 'admin'));
    expect(result.ok ? 'verified' : [result.code, result.message]).toEqual([
      'IncompleteSignature',
      'There were headers present in the request which were not signed: x-amz-meta-role',
    ]);
  });

  it('refuses a session token added after signing (unsigned X-Amz-Security-Token)', () => {
    const result = verify(withHeader(signed(), 'X-Amz-Security-Token', TEMP.sessionToken));
    expect(outcome(result)).toEqual(['IncompleteSignature', 'ERR_SIGV4_AMZ_HEADER_UNSIGNED']);
  });

  it('refuses a request lacking a header it says it signed', () => {
    const result = verify(withoutHeader(signed(), 'content-type'));
    expect(outcome(result)).toEqual(['SignatureDoesNotMatch', 'ERR_SIGV4_SIGNED_HEADER_ABSENT']);
  });

  it('uses a signed Date header when there is no X-Amz-Date, and refuses it unsigned', () => {
    const req: SigV4Request = { ...stsCall(), headers: [...stsCall().headers, ['Date', 'Thu, 15 Jan 2026 10:00:00 GMT']] };
    const good = signAs(req, `AWS4-HMAC-SHA256 ${CRED}, SignedHeaders=content-type;date;host, Signature=`);
    const result = verify(good);
    expect(result.ok && result.requestTime).toEqual(T0);
    const unsignedDate = signAs(req, `AWS4-HMAC-SHA256 ${CRED}, SignedHeaders=content-type;host, Signature=`);
    expect(outcome(verify(unsignedDate))).toEqual(['IncompleteSignature', 'ERR_SIGV4_DATE_UNSIGNED']);
    const rfc850 = mapHeader(good, 'date', () => 'Thursday, 15-Jan-26 10:00:00 GMT');
    const malformed = verify(rfc850);
    expect(malformed.ok ? 'verified' : [malformed.reason, malformed.message]).toEqual([
      'ERR_SIGV4_DATE_MALFORMED',
      "Invalid date 'Thursday, 15-Jan-26 10:00:00 GMT': the Date header must be an HTTP date such as 'Sun, 30 Aug 2015 12:36:00 GMT'.",
    ]);
  });

  it('refuses a malformed or impossible date and a repeated X-Amz-Date', () => {
    for (const d of ['2026-01-15T10:00:00Z', '20260115T100000', '20260230T100000Z', '20260115T240000Z', '20260115T100000.000Z']) {
      expect(outcome(verify(mapHeader(signed(), 'x-amz-date', () => d))), d).toEqual(['IncompleteSignature', 'ERR_SIGV4_DATE_MALFORMED']);
    }
    expect(outcome(verify(withHeader(signed(), 'X-Amz-Date', '20260115T100000Z')))).toEqual(['IncompleteSignature', 'ERR_SIGV4_PARAM_DUPLICATE']);
  });
});

describe('verifySigV4: the credential scope (security.md V3)', () => {
  it('refuses a scope date other than the X-Amz-Date date, with AWS wording', () => {
    const req = signAs(signed(), `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20260114/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=`);
    const result = verify(req);
    expect(result.ok ? 'verified' : [result.code, result.httpStatus, result.message]).toEqual([
      'SignatureDoesNotMatch',
      403,
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260114' != '20260115', from '20260115T100000Z'.",
    ]);
  });

  it('refuses another terminator than aws4_request', () => {
    const header = `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20260115/us-east-1/sts/aws4_requests, SignedHeaders=content-type;host;x-amz-date, Signature=${'a'.repeat(64)}`;
    const result = verify(withAuthorization(signed(), header));
    expect(result.ok ? 'verified' : [result.code, result.message]).toEqual([
      'SignatureDoesNotMatch',
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requests'.",
    ]);
  });

  it('refuses a signature made for another service when the endpoint expects one (cross-service replay)', () => {
    const forS3 = signed(stsCall(), T0, KEY, 's3');
    const result = verify(forS3, T0, { expectedService: 'sts' });
    expect(result.ok ? 'verified' : [result.code, result.message]).toEqual(['SignatureDoesNotMatch', "Credential should be scoped to correct service: 'sts'."]);
  });

  it('refuses an unexpected or invalid region', () => {
    const west = verify(signed(stsCall(), T0, KEY, 'sts', 'eu-west-1'), T0, { expectedRegion: 'us-east-1' });
    expect(west.ok ? 'verified' : [west.code, west.message]).toEqual(['SignatureDoesNotMatch', "Credential should be scoped to a valid region, not 'eu-west-1'."]);
    const upper = verify(signed(stsCall(), T0, KEY, 'sts', 'US-EAST-1'));
    expect(outcome(upper)).toEqual(['SignatureDoesNotMatch', 'ERR_SIGV4_SCOPE_REGION']);
  });
});

describe('verifySigV4: clock skew (security.md V2)', () => {
  const req = signed();

  it('accepts a request exactly 15 minutes old and refuses one a second older, with STS wording', () => {
    expect(outcome(verify(req, at(900)))).toBe('verified');
    expect(outcome(verify(req, at(900.999)))).toBe('verified');
    const late = verify(req, at(901));
    expect(late.ok ? 'verified' : [late.code, late.httpStatus, late.reason, late.message]).toEqual([
      'SignatureDoesNotMatch',
      403,
      'ERR_SIGV4_EXPIRED',
      'Signature expired: 20260115T100000Z is now earlier than 20260115T100001Z (20260115T101501Z - 15 min.)',
    ]);
  });

  it('accepts a request dated exactly 15 minutes ahead and refuses one a second further', () => {
    expect(outcome(verify(req, at(-900)))).toBe('verified');
    const early = verify(req, at(-901));
    expect(early.ok ? 'verified' : [early.code, early.reason, early.message]).toEqual([
      'SignatureDoesNotMatch',
      'ERR_SIGV4_NOT_YET_VALID',
      'Signature not yet current: 20260115T100000Z is still later than 20260115T095959Z (20260115T094459Z + 15 min.)',
    ]);
  });

  it('takes another window when told', () => {
    const late = verify(req, at(301), { maxSkewSeconds: 300 });
    expect(late.ok ? '' : late.message).toBe('Signature expired: 20260115T100000Z is now earlier than 20260115T100001Z (20260115T100501Z - 5 min.)');
  });
});

describe('verifySigV4: keys and signatures', () => {
  it('answers InvalidClientTokenId 403 to an unknown key', () => {
    const result = verify(signRequest(stsCall(), { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }, { region: 'us-east-1', service: 'sts', now: T0 }));
    expect(result.ok ? 'verified' : [result.code, result.httpStatus, result.message]).toEqual([
      'InvalidClientTokenId',
      403,
      'The security token included in the request is invalid',
    ]);
  });

  it('never hands an impossible access key id to the lookup', () => {
    const lookup = vi.fn(lookupSecret);
    const req = signRequest(stsCall(), { accessKeyId: 'AKIA-not;a:key', secretAccessKey: 'x' }, { region: 'us-east-1', service: 'sts', now: T0 });
    const result = verifySigV4(req, { now: T0, lookupSecret: lookup });
    expect(outcome(result)).toEqual(['InvalidClientTokenId', 'ERR_SIGV4_UNKNOWN_KEY']);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('answers SignatureDoesNotMatch to a wrong secret, with the canonical request and string to sign for the log', () => {
    const req = signRequest(stsCall(), { ...KEY, secretAccessKey: 'not-the-secret' }, { region: 'us-east-1', service: 'sts', now: T0 });
    const result = verify(req);
    expect(result.ok ? 'verified' : [result.code, result.httpStatus, result.message]).toEqual([
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ]);
    expect(result.ok ? '' : result.stringToSign).toMatch(/^AWS4-HMAC-SHA256\n20260115T100000Z\n20260115\/us-east-1\/sts\/aws4_request\n[0-9a-f]{64}$/);
    expect(result.ok ? '' : result.canonicalRequest).toContain('\ncontent-type;host;x-amz-date\n');
    expect(JSON.stringify(result)).not.toContain(KEY.secretAccessKey);
  });

  it('refuses a body changed after signing', () => {
    expect(outcome(verify({ ...signed(), body: 'Action=GetCallerIdentity&Version=2011-06-16' }))).toEqual(['SignatureDoesNotMatch', 'ERR_SIGV4_SIGNATURE_MISMATCH']);
  });
});

describe('verifySigV4: the payload hash (security.md V8)', () => {
  const call = stsCall();
  const bodyHash = '03a49a1ec0d9ff4b6bbd39d6ee80d96fa14e67d6c7fe0fa8eeb8e0bb3d9dbc91';

  it('takes a signed x-amz-content-sha256 that matches the body', () => {
    const req = signed({ ...call, headers: [...call.headers, ['X-Amz-Content-Sha256', sha(call.body as string)]] });
    expect(outcome(verify(req))).toBe('verified');
  });

  it('refuses a signed x-amz-content-sha256 that does not match the body', () => {
    const req = signed({ ...call, headers: [...call.headers, ['X-Amz-Content-Sha256', bodyHash]] });
    expect(outcome(verify(req))).toEqual(['SignatureDoesNotMatch', 'ERR_SIGV4_PAYLOAD_HASH_MISMATCH']);
  });

  it('refuses the S3-only UNSIGNED-PAYLOAD and streaming payloads', () => {
    for (const v of ['UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', sha(call.body as string).toUpperCase()]) {
      const req = signed({ ...call, headers: [...call.headers, ['X-Amz-Content-Sha256', v]] });
      expect(outcome(verify(req)), v).toEqual(['IncompleteSignature', 'ERR_SIGV4_PAYLOAD_HASH_UNSUPPORTED']);
    }
  });
});

describe('verifySigV4: session tokens', () => {
  it('returns the signed X-Amz-Security-Token and hands it to the lookup', () => {
    const lookup = vi.fn(lookupSecret);
    const result = verifySigV4(signed(stsCall(), T0, TEMP), { now: T0, lookupSecret: lookup });
    expect(result.ok && result.securityToken).toBe(TEMP.sessionToken);
    expect(result.ok && result.signedHeaders).toEqual(['content-type', 'host', 'x-amz-date', 'x-amz-security-token']);
    expect(lookup).toHaveBeenCalledWith(TEMP.accessKeyId, TEMP.sessionToken);
  });

  it('refuses a token given twice, or as header and query both', () => {
    const req = signed(stsCall(), T0, TEMP);
    expect(outcome(verify(withHeader(req, 'x-amz-security-token', 'other')))).toEqual(['IncompleteSignature', 'ERR_SIGV4_PARAM_DUPLICATE']);
    expect(outcome(verify({ ...req, path: '/?X-Amz-Security-Token=other' }))).toEqual(['IncompleteSignature', 'ERR_SIGV4_PARAM_DUPLICATE']);
  });
});

describe('verifySigV4: presigned URLs (security.md V14)', () => {
  const get: SigV4Request = { method: 'GET', path: '/?Action=GetCallerIdentity&Version=2011-06-15', headers: [['Host', '127.0.0.1:4750']], body: '' };
  const presign = (expiresIn: number, creds: typeof KEY | typeof TEMP = KEY, now = T0) =>
    presignRequest(get, creds, { region: 'us-east-1', service: 'sts', now, expiresIn });

  it('verifies until X-Amz-Date + X-Amz-Expires and answers AccessDenied "Request has expired" after', () => {
    const url = presign(60);
    const result = verify(url, at(60));
    expect(result.ok && [result.authLocation, result.expiresAt]).toEqual(['query', at(60)]);
    const late = verify(url, at(61));
    expect(late.ok ? 'verified' : [late.code, late.httpStatus, late.message]).toEqual(['AccessDenied', 403, 'Request has expired']);
  });

  it('lives up to 7 days, beyond the 15-minute skew', () => {
    const url = presign(604800);
    expect(outcome(verify(url, at(604800)))).toBe('verified');
    expect(outcome(verify(url, at(604801)))).toEqual(['AccessDenied', 'ERR_SIGV4_PRESIGN_EXPIRED']);
  });

  it('refuses a URL dated beyond the skew in the future', () => {
    expect(outcome(verify(presign(3600), at(-901)))).toEqual(['SignatureDoesNotMatch', 'ERR_SIGV4_NOT_YET_VALID']);
  });

  it('refuses X-Amz-Expires outside 1..604800 or not a plain integer', () => {
    const url = presign(60);
    for (const bad of ['0', '604801', '-1', '1e3', '', '60.5', '+60']) {
      const req = { ...url, path: url.path.replace('X-Amz-Expires=60', `X-Amz-Expires=${bad}`) };
      expect(outcome(verify(req)), bad).toEqual(['IncompleteSignature', 'ERR_SIGV4_EXPIRES_MALFORMED']);
    }
  });

  it('applies the 15-minute skew both ways to a URL without X-Amz-Expires', () => {
    const url = presign(60);
    const draft = { ...url, path: url.path.replace('&X-Amz-Expires=60', '').replace(/&X-Amz-Signature=[0-9a-f]+$/, '') };
    const pending = parseSigV4Request({ ...draft, path: `${draft.path}&X-Amz-Signature=${'0'.repeat(64)}` }, { now: T0 });
    if (!pending.ok) throw new Error(pending.message);
    const sig = computeSignature(getSigningKey(KEY.secretAccessKey, pending.scope), pending.stringToSign).toString('hex');
    const req = { ...draft, path: `${draft.path}&X-Amz-Signature=${sig}` };
    expect(outcome(verify(req, at(900)))).toBe('verified');
    expect(outcome(verify(req, at(901)))).toEqual(['SignatureDoesNotMatch', 'ERR_SIGV4_EXPIRED']);
  });

  it('returns a session token carried in X-Amz-Security-Token', () => {
    const result = verify(presign(60, TEMP));
    expect(result.ok && result.securityToken).toBe(TEMP.sessionToken);
  });

  it('refuses missing, repeated, undecodable or foreign parameters', () => {
    const url = presign(60);
    const missing = { ...url, path: url.path.replace(/&X-Amz-Signature=[0-9a-f]+$/, '') };
    const r1 = verify(missing);
    expect(r1.ok ? 'verified' : [r1.code, r1.message]).toEqual([
      'IncompleteSignature',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date and X-Amz-SignedHeaders parameters.',
    ]);
    const sig = /X-Amz-Signature=([0-9a-f]+)$/.exec(url.path)?.[1] as string;
    expect(outcome(verify({ ...url, path: `${url.path}&X-Amz-Signature=${sig}` }))).toEqual(['IncompleteSignature', 'ERR_SIGV4_PARAM_DUPLICATE']);
    expect(outcome(verify({ ...url, path: url.path.replace('X-Amz-Credential=', 'X-Amz-Credential=%E1%88') }))).toEqual(['IncompleteSignature', 'ERR_SIGV4_QUERY_ENCODING']);
    const sha1 = verify({ ...url, path: url.path.replace('X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Algorithm=AWS4-HMAC-SHA1') });
    expect(sha1.ok ? 'verified' : [sha1.code, sha1.message]).toEqual(['IncompleteSignature', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"']);
  });

  it('refuses a one-character change to a signed parameter', () => {
    const url = presign(60);
    expect(outcome(verify({ ...url, path: url.path.replace('Action=GetCallerIdentity', 'Action=GetCallerIdentitx') }))).toEqual(['SignatureDoesNotMatch', 'ERR_SIGV4_SIGNATURE_MISMATCH']);
  });
});

describe('signing-key cache', () => {
  it('gives the derived key, remembers it, and stays bounded', () => {
    const cache = createSigningKeyCache(2);
    const scope = { date: '20260115', region: 'us-east-1', service: 'sts' };
    expect(cache.get(KEY.secretAccessKey, scope).equals(getSigningKey(KEY.secretAccessKey, scope))).toBe(true);
    expect(cache.get(KEY.secretAccessKey, scope)).toBe(cache.get(KEY.secretAccessKey, scope));
    cache.get(KEY.secretAccessKey, { ...scope, service: 'ec2' });
    cache.get(KEY.secretAccessKey, { ...scope, date: '20260116' });
    expect(cache.size).toBe(2);
  });

  it('verifies with a cache, and a rotated secret never meets the old key', () => {
    const cache = createSigningKeyCache();
    const req = signed();
    expect(outcome(verifySigV4(req, { now: T0, lookupSecret, signingKeyCache: cache }))).toBe('verified');
    expect(outcome(verifySigV4(req, { now: T0, lookupSecret, signingKeyCache: cache }))).toBe('verified');
    const rotated = verifySigV4(req, { now: T0, lookupSecret: () => ({ secretAccessKey: 'rotated', principal: 'admin' }), signingKeyCache: cache });
    expect(outcome(rotated)).toEqual(['SignatureDoesNotMatch', 'ERR_SIGV4_SIGNATURE_MISMATCH']);
  });
});

describe('forEc2', () => {
  it("gives EC2's codes: AuthFailure 401 and RequestExpired 400", () => {
    const mismatch = verify({ ...signed(), body: 'x' });
    const expired = verify(signed(), at(901));
    const unknown = verify(stsCall());
    if (mismatch.ok || expired.ok || unknown.ok) throw new Error('expected refusals');
    expect(forEc2(mismatch)).toEqual({ code: 'AuthFailure', httpStatus: 401, message: 'AWS was not able to validate the provided access credentials' });
    expect(forEc2(expired)).toEqual({ code: 'RequestExpired', httpStatus: 400, message: 'Request has expired.' });
    expect(forEc2(unknown).code).toBe('AuthFailure');
  });
});

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
