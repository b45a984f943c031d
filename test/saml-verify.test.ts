// The SAML verifier against the attack corpus of reference/security.md §2 (test/saml/attacks/, one
// builder per attack, generated here at test time from an injected clock) and against the legitimate
// shapes it must accept: B, B_resp, B_both, SHA-1 (warned, refused when strict), certificate rollover,
// CDATA and character references; then the AWS claims read from a verified assertion.
// Invariants: each rejection carries its specific internal reason and public STS code, and no value
// the verifier ever returns carries the evil identity.

import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAwsClaims } from '../src/saml/aws.js';
import { SAML_REJECT_REASONS, SamlRejectedError } from '../src/saml/errors.js';
import { ALG, AWS_ATTRIBUTE } from '../src/saml/ns.js';
import type { VerifiedAssertion } from '../src/saml/types.js';
import { verifySamlResponse } from '../src/saml/verify.js';
import { decodeBase64Xml, MAX_DECODED_BYTES } from '../src/saml/xml.js';
import {
  b64,
  baselines,
  EVIL_NAMEID,
  EVIL_ROLE,
  EVIL_ROLE_ARN,
  EVIL_SESSION_NAME,
  fixtureKeys,
  GENUINE_NAMEID,
  GENUINE_ROLE,
  GENUINE_ROLE_REVERSED,
  GENUINE_SESSION_NAME,
  parse,
  signAs,
  T0,
  trustedIdp,
  unsignedXml,
  xmlCryptoAloneAccepts,
  type SpecAttribute,
} from './support/saml-fixtures.js';
import type { Attack, AttackCase, AttackContext, VerifyOverrides } from './saml/attacks/attack.js';
import { ATTACKS, NOT_ATTACKS } from './saml/attacks/index.js';
import { deflateBombCases } from './saml/attacks/s41-deflate-bomb.js';
import { decodeRedirectParam, SamlBindingError } from '../src/saml/bindings.js';

// A local listener that no verification may contact (S22 XSLT document(), S23 external references,
// S24 external DTD / parameter entities): bound before the corpus is built, checked after it ran.
let probeConnections = 0;
const probe: Server = createServer((socket) => {
  probeConnections++;
  socket.destroy();
});
await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
const probePort = (probe.address() as { port: number }).port;

const keys = fixtureKeys();
const ctx: AttackContext = { now: T0, keys, base: baselines(T0), probeUrl: `http://127.0.0.1:${probePort}` };

function verify(xmlOrInput: { xml?: string; input?: string }, o: VerifyOverrides = {}): VerifiedAssertion {
  const input = xmlOrInput.input ?? (o.rawXml === true ? (xmlOrInput.xml as string) : b64(xmlOrInput.xml as string));
  return verifySamlResponse(input, { idp: o.idp ?? trustedIdp([keys.idp]), now: o.now ?? ctx.now, ...stripOverrides(o) });
}

function stripOverrides(o: VerifyOverrides): Omit<VerifyOverrides, 'idp' | 'now'> {
  const { idp: _idp, now: _now, ...rest } = o;
  return rest;
}

function outcome(run: () => VerifiedAssertion): { result?: VerifiedAssertion; error?: unknown } {
  try {
    return { result: run() };
  } catch (error) {
    return { error };
  }
}

/** The invariant of security.md §2: nothing the verifier returns carries the evil identity. */
function expectNoEvil(v: VerifiedAssertion): void {
  expect(v.nameId.value).not.toBe(EVIL_NAMEID);
  for (const a of v.attributes) {
    expect(a.values).not.toContain(EVIL_ROLE);
    if (a.name === AWS_ATTRIBUTE.roleSessionName) expect(a.values).not.toContain(EVIL_SESSION_NAME);
  }
  expect(readAwsClaims(v).roles.map((r) => r.roleArn)).not.toContain(EVIL_ROLE_ARN);
}

const accepted = new Map<string, VerifiedAssertion>();
function expectAccepted(xml: string, nameId: string, o: VerifyOverrides = {}): VerifiedAssertion {
  const key = `${JSON.stringify(o)}\n${xml}`;
  let v = accepted.get(key);
  if (v === undefined) {
    const r = outcome(() => verify({ xml }, o));
    if (r.error !== undefined) {
      const e = r.error as SamlRejectedError;
      throw new Error(`control document rejected: ${e.reason ?? ''} ${e.detail ?? String(e)}`);
    }
    v = r.result as VerifiedAssertion;
    accepted.set(key, v);
  }
  expect(v.nameId.value).toBe(nameId);
  return v;
}

function runCase(c: AttackCase): void {
  if (c.control !== undefined) expectAccepted(c.control.xml, c.control.nameId, c.control.options);
  if (c.signatureStillValid === true) expect(xmlCryptoAloneAccepts(c.xml as string, keys.idp.certPem), 'xml-crypto alone accepts the attack document').toBe(true);
  if (c.fools !== undefined) expect(c.fools.check(), c.fools.what).toBe(true);
  const run = (): ReturnType<typeof outcome> => outcome(() => verify(c, c.options));
  let r = run();
  if (c.budgetMs !== undefined) {
    // Best of three, so that a GC pause elsewhere in the process does not fail a cheap rejection.
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      r = run();
      best = Math.min(best, performance.now() - t);
    }
    expect(best, 'verdict time in ms').toBeLessThan(c.budgetMs);
  }
  if (r.result !== undefined) expectNoEvil(r.result);
  if (c.expect.kind === 'reject') {
    if (r.result !== undefined) expect.fail(`accepted as ${r.result.nameId.value} (${r.result.signed}); expected ${c.expect.reason}`);
    expect(r.error).toBeInstanceOf(SamlRejectedError);
    const e = r.error as SamlRejectedError;
    expect({ reason: e.reason, code: e.code }, e.detail).toEqual({ reason: c.expect.reason, code: c.expect.code });
    // The public half never echoes document content.
    expect(e.message).not.toMatch(/admin|alice|arn:aws/);
    return;
  }
  if (r.error !== undefined) {
    const e = r.error as SamlRejectedError;
    expect.fail(`expected acceptance, got ${e.reason ?? ''}: ${e.detail ?? String(e)}`);
  }
  const v = r.result as VerifiedAssertion;
  expect(v.nameId.value).toBe(c.expect.nameId);
  for (const [name, values] of Object.entries(c.expect.attributes ?? {})) {
    expect(v.attributes.find((a) => a.name === name)?.values, name).toEqual(values);
  }
  if (c.expect.signed !== undefined) expect(v.signed).toBe(c.expect.signed);
  if (c.expect.warnings !== undefined) expect(v.warnings).toHaveLength(c.expect.warnings);
  if ('inResponseTo' in c.expect) expect(v.inResponseTo).toBe(c.expect.inResponseTo);
}

describe('the attack corpus (security.md §2)', () => {
  afterAll(() => {
    expect(probeConnections, 'connections the verifier made to the probe listener').toBe(0);
    probe.close();
  });
  for (const attack of ATTACKS) {
    describe(`${attack.id}: ${attack.title}`, () => {
      let cases: AttackCase[] = [];
      let buildError: unknown;
      try {
        cases = attack.build(ctx);
      } catch (e) {
        buildError = e;
      }
      it('builds its cases', () => {
        if (buildError !== undefined) throw buildError;
        expect(cases.length).toBeGreaterThan(0);
      });
      for (const c of cases) {
        const verdict = c.expect.kind === 'reject' ? `rejects as ${c.expect.reason} (${c.expect.code})` : `accepts as ${c.expect.nameId}`;
        it(`${verdict}: ${c.name}`, () => runCase(c));
      }
    });
  }
});

describe('the corpus itself', () => {
  it('lists every attack builder of test/saml/attacks/ in index.ts', async () => {
    const dir = join(import.meta.dirname, 'saml', 'attacks');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !NOT_ATTACKS.includes(f))) {
      const mod = (await import(`./saml/attacks/${file.replace(/\.ts$/, '.js')}`)) as Record<string, unknown>;
      const attacks = Object.values(mod).filter((v): v is Attack => typeof v === 'object' && v !== null && 'build' in v && 'id' in v);
      expect(attacks.length, `${file} exports an attack`).toBeGreaterThan(0);
      for (const a of attacks) expect(ATTACKS, `${file}: ${a.id} is listed in index.ts`).toContain(a);
    }
  });

  it('gives every attack a distinct id', () => {
    expect(new Set(ATTACKS.map((a) => a.id)).size).toBe(ATTACKS.length);
  });

  it('expects only catalogued reasons', () => {
    for (const a of ATTACKS) for (const c of a.build(ctx)) if (c.expect.kind === 'reject') expect(SAML_REJECT_REASONS).toContain(c.expect.reason);
  });
});

describe('the legitimate shapes', () => {
  const claimsOf = (v: VerifiedAssertion) => readAwsClaims(v);

  it('builds B as Auth0 does: an unprefixed Signature right after the Assertion Issuer, with the certificate', () => {
    const doc = parse(ctx.base.B);
    const assertion = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')[0] as Element;
    const kids = Array.from({ length: assertion.childNodes.length }, (_, i) => assertion.childNodes[i] as Element).filter((n) => n.nodeType === 1);
    expect(kids.map((k) => k.localName)).toEqual(['Issuer', 'Signature', 'Subject', 'Conditions', 'AuthnStatement', 'AttributeStatement']);
    expect(kids[1]?.prefix).toBeNull();
    expect(ctx.base.B).toContain(`<X509Certificate>${keys.idp.certBase64}</X509Certificate>`);
    expect(ctx.base.B).toContain(`<Reference URI="#${assertion.getAttribute('ID') ?? ''}">`);
    expect(ctx.base.B.startsWith('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID=')).toBe(true);
  });

  it('builds B_resp with the Response Signature right after the Response Issuer', () => {
    const response = parse(ctx.base.B_resp).documentElement;
    const kids = Array.from({ length: response.childNodes.length }, (_, i) => response.childNodes[i] as Element).filter((n) => n.nodeType === 1);
    expect(kids.map((k) => k.localName)).toEqual(['Issuer', 'Signature', 'Status', 'Assertion']);
  });

  it('accepts B (assertion signed) with every field read from the signed assertion', () => {
    const v = verify({ xml: ctx.base.B });
    expect(v).toMatchObject({
      issuer: 'urn:corp-test.eu.auth0.com',
      nameId: { value: GENUINE_NAMEID, format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' },
      subjectConfirmation: { recipient: 'https://signin.aws.amazon.com/saml', notOnOrAfter: new Date(T0 + 3_600_000).toISOString() },
      conditions: { audiences: ['urn:amazon:webservices'] },
      signed: 'assertion',
      algorithms: { signature: ALG.rsaSha256, digest: ALG.sha256 },
      expiresAt: T0 + 3_600_000,
      warnings: [],
    });
    expect(v.attributes.find((a) => a.name === AWS_ATTRIBUTE.role)?.values).toEqual([GENUINE_ROLE, GENUINE_ROLE_REVERSED]);
  });

  it('accepts AWS regional sign-in endpoints as Recipient and Destination, and no look-alike host', () => {
    const regional = 'https://eu-west-1.signin.aws.amazon.com/saml';
    const xml = signAs(unsignedXml(T0, { recipient: regional, destination: regional }), 'B');
    expect(verify({ xml }).subjectConfirmation.recipient).toBe(regional);
    for (const evil of ['https://eu-west-1.signin.aws.amazon.com.evil.example/saml', 'https://evil.example/x.signin.aws.amazon.com/saml', 'http://eu-west-1.signin.aws.amazon.com/saml']) {
      const bad = signAs(unsignedXml(T0, { recipient: evil, destination: regional }), 'B');
      expect((outcome(() => verify({ xml: bad })).error as { reason?: string }).reason).toBe('RECIPIENT_MISMATCH');
    }
  });

  it('accepts B_resp (Response signed, assertion unsigned) and B_both', () => {
    expect(verify({ xml: ctx.base.B_resp })).toMatchObject({ signed: 'response', nameId: { value: GENUINE_NAMEID } });
    expect(verify({ xml: ctx.base.B_both })).toMatchObject({ signed: 'both', nameId: { value: GENUINE_NAMEID } });
  });

  it('accepts the same assertion more than once within its validity (STS redeems it for several roles)', () => {
    expect(verify({ xml: ctx.base.B }).nameId.value).toBe(GENUINE_NAMEID);
    expect(verify({ xml: ctx.base.B }).nameId.value).toBe(GENUINE_NAMEID);
  });

  it('accepts rsa-sha1/sha1 with a warning per signature, and refuses it under the strict option', () => {
    const sha1 = { signatureAlgorithm: ALG.rsaSha1, digestAlgorithm: ALG.sha1 };
    const xml = unsignedXml(T0);
    const b = verify({ xml: signAs(xml, 'B', sha1) });
    expect(b.algorithms).toEqual({ signature: ALG.rsaSha1, digest: ALG.sha1 });
    expect(b.warnings).toHaveLength(1);
    expect(b.warnings[0]).toMatch(/SHA-1/);
    expect(verify({ xml: signAs(xml, 'B_both', sha1) }).warnings).toHaveLength(2);
    const strict = outcome(() => verify({ xml: signAs(xml, 'B', sha1) }, { strict: true }));
    expect((strict.error as SamlRejectedError).reason).toBe('SIG_SHA1_STRICT');
    expect((strict.error as SamlRejectedError).code).toBe('InvalidIdentityToken');
    expect(verify({ xml: ctx.base.B }, { strict: true }).warnings).toEqual([]);
  });

  it('accepts assertions signed by either certificate during a rollover', () => {
    const rollover = { idp: trustedIdp([keys.idp, keys.idpNext]) };
    expect(verify({ xml: ctx.base.B }, rollover).nameId.value).toBe(GENUINE_NAMEID);
    expect(verify({ xml: signAs(unsignedXml(T0), 'B_both', { key: keys.idpNext }) }, rollover).signed).toBe('both');
  });

  describe('readAwsClaims on a verified assertion', () => {
    const withAttributes = (attributes: SpecAttribute[]): VerifiedAssertion => verify({ xml: signAs(unsignedXml(T0, { attributes }), 'B') });
    const base = (): SpecAttribute[] => [
      { name: AWS_ATTRIBUTE.role, values: [GENUINE_ROLE, GENUINE_ROLE_REVERSED] },
      { name: AWS_ATTRIBUTE.roleSessionName, values: [GENUINE_SESSION_NAME] },
    ];
    const tag = (key: string, value: string): SpecAttribute => ({ name: `${AWS_ATTRIBUTE.principalTagPrefix}${key}`, values: [value] });
    const problems = (attributes: SpecAttribute[]) => claimsOf(withAttributes(attributes)).problems;

    it('reads the baseline: roles in either pair order, session name, tags and transitive keys', () => {
      const c = claimsOf(verify({ xml: ctx.base.B }));
      expect(c.roles).toEqual([
        { roleArn: 'arn:aws:iam::123456789012:role/ReadOnly', principalArn: 'arn:aws:iam::123456789012:saml-provider/Corp' },
        { roleArn: 'arn:aws:iam::123456789012:role/Developer', principalArn: 'arn:aws:iam::123456789012:saml-provider/Corp' },
      ]);
      expect(c.roleSessionName).toBe(GENUINE_SESSION_NAME);
      expect(c.sessionTags).toEqual([
        { key: 'Department', value: 'engineering' },
        { key: 'CostCenter', value: '1234' },
      ]);
      expect(c.transitiveTagKeys).toEqual(['Department']);
      expect(c.sourceIdentity).toBeUndefined();
      expect(c.sessionDuration).toBeUndefined();
      expect(c.problems).toEqual([]);
      expect(c.ignoredRoleValues).toEqual([]);
    });

    it('reads SessionDuration and SourceIdentity', () => {
      const c = claimsOf(withAttributes([...base(), { name: AWS_ATTRIBUTE.sessionDuration, values: ['7200'] }, { name: AWS_ATTRIBUTE.sourceIdentity, values: ['alice@corp.example'] }]));
      expect(c).toMatchObject({ sessionDuration: 7200, sourceIdentity: 'alice@corp.example', problems: [] });
    });

    it('reports a missing RoleSessionName', () => {
      expect(problems([base()[0] as SpecAttribute])).toEqual([{ code: 'InvalidIdentityToken', message: 'RoleSessionName is required in AuthnResponse' }]);
    });

    it.each([['with a space', 'alice smith'], ['of 65 characters', 'a'.repeat(65)], ['of 1 character', 'a'], ['with a slash', 'alice/x']])('reports a RoleSessionName %s', (_what, name) => {
      expect(problems([base()[0] as SpecAttribute, { name: AWS_ATTRIBUTE.roleSessionName, values: [name] }])).toEqual([
        { code: 'InvalidIdentityToken', message: 'RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}' },
      ]);
    });

    it('reports two RoleSessionName values', () => {
      expect(problems([base()[0] as SpecAttribute, { name: AWS_ATTRIBUTE.roleSessionName, values: ['alice', 'bob'] }])).toHaveLength(1);
    });

    it('reports more than 50 session tags', () => {
      const tags = Array.from({ length: 51 }, (_, i) => tag(`k${i}`, 'v'));
      expect(problems([...base(), ...tags])).toEqual([{ code: 'ValidationError', message: 'Unable to validate tags' }]);
      expect(problems([...base(), ...tags.slice(0, 50)])).toEqual([]);
    });

    it('reports tag keys that differ only in case', () => {
      expect(problems([...base(), tag('Department', 'a'), tag('department', 'b')])).toEqual([{ code: 'ValidationError', message: 'Unable to validate tags' }]);
    });

    it.each([
      ['an aws: prefixed key', tag('aws:PrincipalTag', 'x')],
      ['an AWS: prefixed key', tag('AWS:x', 'x')],
      ['a key of 129 characters', tag('k'.repeat(129), 'x')],
      ['a value of 257 characters', tag('k', 'v'.repeat(257))],
      ['a key with a character outside the tag alphabet', tag('dep*t', 'x')],
    ])('reports %s', (_what, t) => {
      expect(problems([...base(), t])).toEqual([{ code: 'ValidationError', message: 'Unable to validate tags' }]);
    });

    it('accepts a key of 128 and a value of 256 characters', () => {
      expect(problems([...base(), tag('k'.repeat(128), 'v'.repeat(256))])).toEqual([]);
    });

    it('reports a transitive key that is not a session tag key', () => {
      expect(problems([...base(), tag('Department', 'x'), { name: AWS_ATTRIBUTE.transitiveTagKeys, values: ['CostCenter'] }])).toEqual([
        { code: 'ValidationError', message: 'Transitive tag key CostCenter is not a session tag key' },
      ]);
    });

    it.each([['aws:alice'], ['a'], ['alice smith'], ['a'.repeat(65)]])('reports the SourceIdentity %j', (value) => {
      expect(problems([...base(), { name: AWS_ATTRIBUTE.sourceIdentity, values: [value] }])).toEqual([
        { code: 'InvalidIdentityToken', message: 'Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"' },
      ]);
    });

    it.each([['43201'], ['899'], ['abc'], ['3600.5']])('reports SessionDuration %j', (value) => {
      expect(problems([...base(), { name: AWS_ATTRIBUTE.sessionDuration, values: [value] }])).toEqual([
        { code: 'InvalidIdentityToken', message: 'SessionDuration in AuthnResponse must be an integer between 900 and 43200' },
      ]);
    });

    it('reads only the case-exact Role attribute name (S38) and ignores values that are not pairs', () => {
      const c = claimsOf(withAttributes([
        { name: 'https://aws.amazon.com/SAML/Attributes/role', values: [EVIL_ROLE] },
        { name: AWS_ATTRIBUTE.roleSessionName, values: [GENUINE_SESSION_NAME] },
      ]));
      expect(c.roles).toEqual([]);
      expect(c.problems).toEqual([{ code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithSAML' }]);
      const d = claimsOf(withAttributes([{ name: AWS_ATTRIBUTE.role, values: [GENUINE_ROLE, 'arn:aws:iam::123456789012:role/OnlyARole'] }, base()[1] as SpecAttribute]));
      expect(d.roles).toHaveLength(1);
      expect(d.ignoredRoleValues).toEqual(['arn:aws:iam::123456789012:role/OnlyARole']);
    });
  });
});

describe('S41 deflate bombs through the HTTP-Redirect binding (src/saml/bindings.ts)', () => {
  for (const c of deflateBombCases()) {
    it(`refuses ${c.name} with ${c.expectCode} within ${c.budgetMs} ms`, () => {
      const t = performance.now();
      let error: unknown;
      try {
        decodeRedirectParam(c.param);
      } catch (e) {
        error = e;
      }
      expect(performance.now() - t).toBeLessThan(c.budgetMs);
      expect(error).toBeInstanceOf(SamlBindingError);
      expect((error as SamlBindingError).code).toBe(c.expectCode);
    });
  }
});

describe('P1–P2 size caps of decodeBase64Xml', () => {
  const reasonOf = (run: () => unknown): string | undefined => {
    try {
      run();
    } catch (e) {
      return (e as SamlRejectedError).reason;
    }
    return undefined;
  };

  it('refuses more than 100 000 characters before decoding', () => {
    expect(reasonOf(() => decodeBase64Xml('A'.repeat(100_001)))).toBe('SIZE');
    expect(reasonOf(() => decodeBase64Xml(`${'A'.repeat(99_997)}\r\n\r\n`))).toBe('SIZE');
  });

  it('refuses a decoded document over the byte cap (75 KiB by default)', () => {
    expect(MAX_DECODED_BYTES).toBe(75 * 1024);
    const doc = Buffer.from(`<a>${'x'.repeat(2_000)}</a>`).toString('base64');
    expect(reasonOf(() => decodeBase64Xml(doc, 1_000))).toBe('SIZE');
    expect(reasonOf(() => decodeBase64Xml(doc, 3_000))).toBeUndefined();
  });
});
