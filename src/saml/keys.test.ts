import { execFileSync } from 'node:child_process';
import { createPublicKey, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AUTH0_CERT_VALIDITY_DAYS,
  certificateToBase64,
  certificateToDer,
  createRolloverCredential,
  createSigningCredential,
  describeCertificate,
  KeyMaterialError,
} from './keys.js';

const NOT_BEFORE = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

const cred = await createSigningCredential({ host: 'tessera.example.com', notBefore: NOT_BEFORE });
const x509 = new X509Certificate(cred.certificateDer);

describe('createSigningCredential', () => {

  it('issues a self-signed RSA-2048 certificate whose subject and issuer are CN=<host>', () => {
    expect(x509.subject).toBe('CN=tessera.example.com');
    expect(x509.issuer).toBe('CN=tessera.example.com');
    expect(cred.subject).toBe('CN=tessera.example.com');
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(cred.privateKeyPem))).toBe(true);
    expect(x509.ca).toBe(true);
  });

  it('runs 5000 days from the injected clock, truncated to the second', () => {
    expect(cred.notBefore.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(cred.notAfter.getTime() - cred.notBefore.getTime()).toBe(AUTH0_CERT_VALIDITY_DAYS * 86_400_000);
  });

  it('has the extensions and signature algorithm of an Auth0 tenant certificate (openssl)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-keys-'));
    writeFileSync(join(dir, 'c.pem'), cred.certificatePem);
    const text = execFileSync('openssl', ['x509', '-in', join(dir, 'c.pem'), '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign/);
    expect(text).toContain('Subject Key Identifier');
    expect(text).toContain('Public-Key: (2048 bit)');
    const asn1 = execFileSync('openssl', ['asn1parse', '-in', join(dir, 'c.pem')], { encoding: 'utf8' });
    expect(asn1).toContain('PRINTABLESTRING   :tessera.example.com');
    expect(asn1).toMatch(/UTCTIME\s+:240102030405Z/);
  });

  it('publishes PEM, DER, armour-free base64 and SHA-1/SHA-256 fingerprints in Auth0 form', () => {
    expect(cred.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/);
    expect(cred.certificateBase64).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(cred.certificateBase64, 'base64').equals(cred.certificateDer)).toBe(true);
    expect(certificateToBase64(cred.certificatePem)).toBe(cred.certificateBase64);
    expect(certificateToDer(cred.certificateBase64).equals(cred.certificateDer)).toBe(true);
    expect(cred.fingerprints.sha1).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(cred.fingerprints.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cred.fingerprints.sha1).toBe(x509.fingerprint);
    expect(cred.fingerprints.sha256).toBe(x509.fingerprint256);
  });

  it('uses a positive 9-byte serial number like Auth0', () => {
    expect(cred.serialNumber).toMatch(/^[4-7][0-9A-F]{17}$/);
  });

  it('describes a stored certificate given as PEM, base64 or DER identically', () => {
    const a = describeCertificate(cred.certificatePem);
    const b = describeCertificate(cred.certificateBase64);
    const c = describeCertificate(cred.certificateDer);
    expect(a.fingerprints).toEqual(cred.fingerprints);
    expect(b.certificatePem).toBe(cred.certificatePem);
    expect(c.notAfter).toEqual(cred.notAfter);
  });

  it('creates a rollover certificate: same CN, new key, new serial', async () => {
    const next = await createRolloverCredential(cred, { notBefore: NOT_BEFORE + 86_400_000 });
    const nx = new X509Certificate(next.certificateDer);
    expect(nx.subject).toBe('CN=tessera.example.com');
    expect(next.serialNumber).not.toBe(cred.serialNumber);
    expect(createPublicKey(next.privateKeyPem).export({ format: 'pem', type: 'spki' })).not.toBe(
      x509.publicKey.export({ format: 'pem', type: 'spki' }),
    );
    expect(next.notBefore.toISOString()).toBe('2024-01-03T03:04:05.000Z');
  });

  it('encodes a host outside PrintableString as UTF8String and refuses control characters', async () => {
    const u = await createSigningCredential({ host: 'tenant_ü.example', notBefore: NOT_BEFORE, modulusLength: 1024 });
    expect(new X509Certificate(u.certificateDer).subject).toBe('CN=tenant_ü.example');
    await expect(createSigningCredential({ host: 'a\nb', notBefore: NOT_BEFORE, modulusLength: 1024 })).rejects.toBeInstanceOf(KeyMaterialError);
  });

  it('uses GeneralizedTime for dates from 2050 (RFC 5280)', async () => {
    const late = await createSigningCredential({ host: 'h', notBefore: Date.UTC(2049, 5, 1), modulusLength: 1024 });
    expect(late.notAfter.getUTCFullYear()).toBe(2063);
    expect(new X509Certificate(late.certificateDer).validTo).toContain('2063');
  });

  it('refuses text that is not a certificate', () => {
    expect(() => certificateToDer('not base64!')).toThrow(KeyMaterialError);
    expect(() => describeCertificate('AAAA')).toThrow(KeyMaterialError);
  });
});
