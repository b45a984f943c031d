// Interop proof for the IdP half of the SAML core: other people's code accepts what we emit.
// - xmlsec1 (libxmlsec1 + OpenSSL) verifies our signatures with the metadata's certificate;
// - xmlsec1 signs a response built by our builder (the helper the verifier's tests reuse);
// - OneLogin's python3-saml SP, in strict mode, accepts our responses against our metadata;
// - a hostile attribute value round-trips as text through all of them.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certifyKey, createSigningCredential, derToPem } from '../src/saml/keys.js';
import { buildIdpMetadata, parseIdpMetadata } from '../src/saml/metadata.js';
import { AWS_ATTRIBUTE, AWS_AUDIENCE, AWS_SIGNIN_URL, NAMEID_FORMAT, NS } from '../src/saml/ns.js';
import { buildResponse, encodePostBinding, type EncryptionOptions, type ResponseSpec, type SigningOptions } from '../src/saml/response.js';
import { children, parseXmlStrict, prescan, textOnly } from '../src/saml/xml.js';
import { verifySamlResponse } from '../src/saml/verify.js';
import { XMLSEC1, xmlsec1Available, xmlsec1SignedResponse, xmlsec1Verify, type SignedElement } from './support/xmlsec1-sign.js';

const SYSTEM_PYTHON = '/usr/bin/python3';
const ONELOGIN_SP = join(import.meta.dirname, 'support', 'onelogin-sp.py');
// Debian `xmlsec1` and `python3-onelogin-saml2` are test dependencies (.ci/run installs them; so
// must a developer: `apt-get install -y xmlsec1 python3-onelogin-saml2`). They are never skipped.
it('has its independent implementations installed', () => {
  expect(xmlsec1Available(), `${XMLSEC1} is missing: apt-get install -y xmlsec1`).toBe(true);
  expect(
    existsSync(SYSTEM_PYTHON) && spawnSync(SYSTEM_PYTHON, ['-c', 'import onelogin.saml2.response'], { stdio: 'ignore' }).status === 0,
    'python3-onelogin-saml2 is missing: apt-get install -y python3-onelogin-saml2',
  ).toBe(true);
});

const HOSTILE = 'a<b & "c" ]]> </saml:AttributeValue><saml:Attribute Name="x">';
const TENANT = 'tessera.example.com';
const idp = await createSigningCredential({ host: TENANT, notBefore: Date.UTC(2024, 0, 1) });
const signing: SigningOptions = { privateKey: idp.privateKeyPem, certificate: idp.certificatePem };
const metadataXml = buildIdpMetadata({
  entityId: `urn:${TENANT}`,
  signingCertificates: [idp.certificateBase64],
  ssoUrl: `https://${TENANT}/samlp/client1`,
  sloUrl: `https://${TENANT}/samlp/client1/logout`,
});
/** What every relying party pins: the certificate read back from our metadata, not the signer's copy. */
const metadataCertPem = derToPem(Buffer.from(parseIdpMetadata(metadataXml).signingCertificates[0] as string, 'base64'));

function spec(now: number, overrides: Partial<ResponseSpec> = {}): ResponseSpec {
  return {
    issuer: `urn:${TENANT}`,
    destination: AWS_SIGNIN_URL,
    recipient: AWS_SIGNIN_URL,
    audiences: [AWS_AUDIENCE],
    nameId: { value: 'jane@example.com', format: NAMEID_FORMAT.emailAddress },
    attributes: {
      [AWS_ATTRIBUTE.role]: [
        'arn:aws:iam::013823792818:role/Marketing,arn:aws:iam::013823792818:saml-provider/Tessera',
        'arn:aws:iam::013823792818:role/ReadOnly,arn:aws:iam::013823792818:saml-provider/Tessera',
      ],
      [AWS_ATTRIBUTE.roleSessionName]: 'jane@example.com',
      [`${AWS_ATTRIBUTE.principalTagPrefix}CostCenter`]: 'marketing',
      'http://schemas.auth0.com/email_verified': true,
      'http://schemas.auth0.com/logins_count': 7,
      note: HOSTILE,
    },
    now,
    ...overrides,
  };
}

const VARIANTS: ReadonlyArray<{ name: string; target: SignedElement; opts: Partial<SigningOptions> }> = [
  { name: 'assertion-signed, rsa-sha256/sha256', target: 'assertion', opts: {} },
  { name: 'assertion-signed, rsa-sha1/sha1', target: 'assertion', opts: { signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' } },
  { name: 'response-signed, rsa-sha256/sha256', target: 'response', opts: { signResponse: true } },
  { name: 'response-signed, rsa-sha1/sha1', target: 'response', opts: { signResponse: true, signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' } },
];

function noteValues(xml: string): Array<string | undefined> {
  prescan(xml);
  const response = parseXmlStrict(xml).documentElement as Element;
  const assertion = children(response, NS.assertion, 'Assertion')[0] as Element;
  const statement = children(assertion, NS.assertion, 'AttributeStatement')[0] as Element;
  const attrs = children(statement, NS.assertion, 'Attribute');
  expect(attrs.map((a) => a.getAttribute('Name'))).not.toContain('x');
  const note = attrs.find((a) => a.getAttribute('Name') === 'note') as Element;
  return children(note, NS.assertion, 'AttributeValue').map((v) => textOnly(v));
}

describe('xmlsec1 verifies our signatures with the metadata certificate', () => {
  for (const v of VARIANTS) {
    it(`accepts a ${v.name} response`, () => {
      const xml = buildResponse(spec(Date.now()), { ...signing, ...v.opts });
      const verdict = xmlsec1Verify(xml, metadataCertPem, v.target);
      expect(verdict.output).toContain('OK');
      expect(verdict.ok).toBe(true);
      expect(noteValues(xml)).toEqual([HOSTILE]);
    });
  }

  it('rejects a response whose signed attribute was changed (the check has teeth)', () => {
    const xml = buildResponse(spec(Date.now()), signing).replace('>marketing<', '>engineering<');
    const verdict = xmlsec1Verify(xml, metadataCertPem, 'assertion');
    expect(verdict.ok).toBe(false);
    expect(verdict.output).toContain('FAIL');
  });

  it('rejects our response under another key', async () => {
    const other = await createSigningCredential({ host: TENANT, notBefore: Date.UTC(2024, 0, 1) });
    expect(xmlsec1Verify(buildResponse(spec(Date.now()), signing), other.certificatePem, 'assertion').ok).toBe(false);
  });
});

describe('xmlsec1 signs responses built by our builder (test/support/xmlsec1-sign.ts)', () => {
  for (const v of VARIANTS) {
    it(`produces a ${v.name} response that xmlsec1 verifies and has the Auth0 layout`, () => {
      const xml = xmlsec1SignedResponse(spec(Date.now()), {
        privateKeyPem: idp.privateKeyPem,
        certificatePem: idp.certificatePem,
        target: v.target,
        ...(v.opts.signatureAlgorithm === undefined ? {} : { signatureAlgorithm: v.opts.signatureAlgorithm }),
        ...(v.opts.digestAlgorithm === undefined ? {} : { digestAlgorithm: v.opts.digestAlgorithm }),
      });
      expect(xml.startsWith('<samlp:Response')).toBe(true);
      expect(xmlsec1Verify(xml, metadataCertPem, v.target).ok).toBe(true);
      prescan(xml);
      const response = parseXmlStrict(xml).documentElement as Element;
      const signedEl = v.target === 'response' ? response : (children(response, NS.assertion, 'Assertion')[0] as Element);
      const kids = Array.from({ length: signedEl.childNodes.length }, (_, i) => signedEl.childNodes.item(i)).filter((n) => n?.nodeType === 1) as Element[];
      expect(kids[1]?.localName).toBe('Signature');
      expect(kids[1]?.namespaceURI).toBe(NS.ds);
      expect(noteValues(xml)).toEqual([HOSTILE]);
    });
  }

  it('keeps xmlsec1\'s XML declaration on request', async () => {
    const { xmlsec1Sign } = await import('./support/xmlsec1-sign.js');
    const { buildUnsignedResponse } = await import('../src/saml/response.js');
    const xml = xmlsec1Sign(buildUnsignedResponse(spec(Date.now())), { privateKeyPem: idp.privateKeyPem, certificatePem: idp.certificatePem, declaration: 'keep' });
    expect(xml.startsWith('<?xml version="1.0"?>')).toBe(true);
  });
});

interface OneLoginVerdict {
  readonly valid: boolean;
  readonly error: string | null;
  readonly nameid?: string;
  readonly nameid_format?: string;
  readonly attributes?: Record<string, string[]>;
  readonly session_index?: string;
}

function oneLogin(input: Record<string, unknown>): OneLoginVerdict {
  const out = execFileSync(SYSTEM_PYTHON, ['-W', 'ignore', ONELOGIN_SP], { input: JSON.stringify(input), encoding: 'utf8' });
  return JSON.parse(out) as OneLoginVerdict;
}

function spInput(xml: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { metadata: metadataXml, response: encodePostBinding(xml), sp_entity_id: AWS_AUDIENCE, acs_url: AWS_SIGNIN_URL, ...extra };
}

describe('OneLogin python3-saml (strict SP) accepts our responses', () => {
  for (const v of VARIANTS) {
    it(`accepts a ${v.name} response and reads NameID and attributes`, () => {
      const xml = buildResponse(spec(Date.now()), { ...signing, ...v.opts });
      const verdict = oneLogin(spInput(xml, v.target === 'assertion' ? { want_assertions_signed: true } : { want_messages_signed: true }));
      expect(verdict.error).toBeNull();
      expect(verdict.valid).toBe(true);
      expect(verdict.nameid).toBe('jane@example.com');
      expect(verdict.nameid_format).toBe(NAMEID_FORMAT.emailAddress);
      expect(verdict.attributes?.[AWS_ATTRIBUTE.role]).toHaveLength(2);
      expect(verdict.attributes?.['http://schemas.auth0.com/email_verified']).toEqual(['true']);
      expect(verdict.attributes?.note).toEqual([HOSTILE]);
      expect(verdict.session_index).toMatch(/^_[A-Za-z0-9_-]{32}$/);
    });
  }

  it('accepts an SP-initiated response whose InResponseTo matches the request', () => {
    const xml = buildResponse(spec(Date.now(), { inResponseTo: '_req-1234' }), signing);
    expect(oneLogin(spInput(xml, { request_id: '_req-1234' })).valid).toBe(true);
    const mismatch = oneLogin(spInput(xml, { request_id: '_other' }));
    expect(mismatch.valid).toBe(false);
    expect(mismatch.error).toContain('InResponseTo');
  });

  it('rejects a tampered, expired or mis-addressed response (the SP is really checking)', () => {
    const tampered = buildResponse(spec(Date.now()), signing).replace('>marketing<', '>engineering<');
    expect(oneLogin(spInput(tampered)).valid).toBe(false);
    const expired = buildResponse(spec(Date.now() - 2 * 3600_000), signing);
    expect(oneLogin(spInput(expired)).error).toMatch(/expired|SubjectConfirmation|NotOnOrAfter/i);
    const elsewhere = buildResponse(spec(Date.now(), { audiences: ['urn:someone-else'] }), signing);
    expect(oneLogin(spInput(elsewhere)).error).toContain('audience');
  });

  it('decrypts and accepts a signed-then-encrypted assertion (aes256-cbc and aes256-gcm, rsa-oaep)', async () => {
    const spKey = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const spCert = certifyKey(spKey, { host: 'signin.aws.amazon.com', notBefore: Date.UTC(2024, 0, 1) }).certificatePem;
    for (const algorithm of ['aes256-cbc', 'aes256-gcm'] as const) {
      const encryption: EncryptionOptions = { certificate: spCert, algorithm };
      const xml = buildResponse(spec(Date.now()), signing, encryption);
      const verdict = oneLogin(spInput(xml, { sp_private_key: spKey, sp_certificate: spCert, want_assertions_encrypted: true, want_assertions_signed: true }));
      expect([algorithm, verdict.error]).toEqual([algorithm, null]);
      expect(verdict.attributes?.note).toEqual([HOSTILE]);
    }
  });
});

describe('xmlsec1 decrypts our EncryptedAssertion', () => {
  it('yields the signed Assertion, whose signature verifies', async () => {
    const spKey = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const spCert = certifyKey(spKey, { host: 'sp.example', notBefore: Date.UTC(2024, 0, 1) }).certificatePem;
    const dir = mkdtempSync(join(tmpdir(), 'tessera-xmlsec1-dec-'));
    try {
      for (const algorithm of ['aes256-cbc', 'aes256-gcm'] as const) {
        const xml = buildResponse(spec(Date.now()), signing, { certificate: spCert, algorithm });
        writeFileSync(join(dir, 'key.pem'), spKey, { mode: 0o600 });
        writeFileSync(join(dir, 'enc.xml'), xml);
        const decrypted = execFileSync(XMLSEC1, ['--decrypt', '--privkey-pem', join(dir, 'key.pem'), join(dir, 'enc.xml')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        expect(decrypted).toContain('<saml:Assertion');
        expect(xmlsec1Verify(decrypted, metadataCertPem, 'assertion').ok).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('our verifier (what STS runs) accepts what our signer and xmlsec1 produce', () => {
  const trust = { entityId: `urn:${TENANT}`, certificates: [metadataCertPem] };
  for (const v of VARIANTS) {
    it(`accepts our ${v.name} response with the genuine identity`, () => {
      const now = Date.now();
      const verified = verifySamlResponse(encodePostBinding(buildResponse(spec(now), { ...signing, ...v.opts })), { idp: trust, now });
      expect(verified.nameId.value).toBe('jane@example.com');
      expect(verified.signed).toBe(v.target);
      expect(verified.attributes.find((a) => a.name === 'note')?.values).toEqual([HOSTILE]);
      expect(verified.warnings.length > 0).toBe(v.opts.signatureAlgorithm === 'rsa-sha1');
    });
    it(`accepts a ${v.name} response signed by xmlsec1 (an independent signer)`, () => {
      const now = Date.now();
      const xml = xmlsec1SignedResponse(spec(now), {
        privateKeyPem: idp.privateKeyPem,
        certificatePem: idp.certificatePem,
        target: v.target,
        ...(v.opts.signatureAlgorithm === undefined ? {} : { signatureAlgorithm: v.opts.signatureAlgorithm }),
        ...(v.opts.digestAlgorithm === undefined ? {} : { digestAlgorithm: v.opts.digestAlgorithm }),
      });
      const verified = verifySamlResponse(encodePostBinding(xml), { idp: trust, now });
      expect(verified.nameId.value).toBe('jane@example.com');
      expect(verified.signed).toBe(v.target);
    });
  }
  it('accepts an xmlsec1 signature whose exc-c14n transform carries an InclusiveNamespaces PrefixList, and refuses it altered', () => {
    const now = Date.now();
    // `xs xsi samlp`: samlp is bound on the Response, an ancestor of the signed Assertion, so the
    // canonicalizer must carry it into the digest (the verifier's copy path in src/saml/dsig.ts).
    const xml = xmlsec1SignedResponse(spec(now), { privateKeyPem: idp.privateKeyPem, certificatePem: idp.certificatePem, target: 'assertion', inclusiveNamespaces: 'xs xsi samlp' });
    expect(xml).toContain('PrefixList="xs xsi samlp"');
    expect(xmlsec1Verify(xml, metadataCertPem, 'assertion').ok).toBe(true);
    const verified = verifySamlResponse(encodePostBinding(xml), { idp: trust, now });
    expect(verified.nameId.value).toBe('jane@example.com');
    const altered = xml.replace('jane@example.com</saml:NameID>', 'admin@example.com</saml:NameID>');
    expect(altered).not.toBe(xml);
    expect(() => verifySamlResponse(encodePostBinding(altered), { idp: trust, now })).toThrow();
    // The PrefixList is signed too: dropping a prefix changes SignedInfo and fails the signature.
    expect(() => verifySamlResponse(encodePostBinding(xml.replace('PrefixList="xs xsi samlp"', 'PrefixList="xs xsi"')), { idp: trust, now })).toThrow();
  });
});
