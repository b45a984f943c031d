// The tenant's SAML signing credential: an RSA-2048 key and a self-signed X.509 certificate with the
// profile of Auth0's tenant certificates (sha256WithRSA, Subject = Issuer = CN=<host>, 5000-day
// validity, critical CA:TRUE and keyUsage), its PEM/DER/base64 forms and fingerprints. The clock and
// the randomness source are inputs; this module never reads Date.now() and never logs a private key.

import { createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Auth0's tenant certificates run 5000 days (e.g. 2023-06-26 → 2037-03-04, about 13.7 years). */
export const AUTH0_CERT_VALIDITY_DAYS = 5000;
const DAY_MS = 86_400_000;

export interface SigningCredential {
  /** PKCS#8 PEM. Secret: never log it, never put it in an error. */
  readonly privateKeyPem: string;
  readonly certificatePem: string;
  readonly certificateDer: Buffer;
  /** Base64 of the DER, no armour and no line breaks: the form of KeyInfo and metadata `X509Certificate`. */
  readonly certificateBase64: string;
  readonly fingerprints: CertificateFingerprints;
  /** `CN=<host>`. */
  readonly subject: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CertificateFingerprints {
  /** `AB:CD:…`, uppercase, colon-separated: what Auth0's `/fingerprint` and dashboard show. */
  readonly sha1: string;
  readonly sha256: string;
}

export interface CreateCredentialOptions {
  /** The tenant host (`tessera.example.com`, `127.0.0.1:4750`): becomes the certificate's CN. */
  readonly host: string;
  /** The clock, as an input: the certificate's notBefore. */
  readonly notBefore: Date | number;
  readonly validityDays?: number;
  /** RSA modulus length; 2048 unless a test needs another size. */
  readonly modulusLength?: number;
  /** Defaults to crypto.randomBytes; inject for deterministic serial numbers in tests. */
  readonly random?: (size: number) => Buffer;
}

export class KeyMaterialError extends Error {
  constructor(
    readonly code: 'ERR_KEYS_HOST' | 'ERR_KEYS_CERTIFICATE' | 'ERR_KEYS_VALIDITY',
    message: string,
  ) {
    super(message);
    this.name = 'KeyMaterialError';
  }
}

/** Creates a fresh RSA key pair and its self-signed certificate. */
export async function createSigningCredential(options: CreateCredentialOptions): Promise<SigningCredential> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: options.modulusLength ?? 2048, publicExponent: 0x10001 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return certifyKey(privateKeyPem, options);
}

/**
 * The next certificate for a rollover: a new key under the same CN as `current`, valid from
 * `notBefore`. Publish both in metadata (several KeyDescriptors) before switching the signer.
 */
export async function createRolloverCredential(
  current: Pick<SigningCredential, 'subject'>,
  options: Omit<CreateCredentialOptions, 'host'>,
): Promise<SigningCredential> {
  const host = current.subject.startsWith('CN=') ? current.subject.slice(3) : current.subject;
  return createSigningCredential({ ...options, host });
}

/** Issues the self-signed certificate for an existing private key (PEM). */
export function certifyKey(privateKeyPem: string, options: CreateCredentialOptions): SigningCredential {
  const host = options.host;
  // A CN that is empty, huge or holds control characters is a configuration error, not a name.
  if (host.length === 0 || host.length > 255 || /[\u0000-\u001f\u007f]/.test(host)) {
    throw new KeyMaterialError('ERR_KEYS_HOST', 'certificate host must be 1-255 printable characters');
  }
  const notBefore = new Date(wholeSeconds(typeof options.notBefore === 'number' ? options.notBefore : options.notBefore.getTime()));
  if (!Number.isFinite(notBefore.getTime())) throw new KeyMaterialError('ERR_KEYS_VALIDITY', 'notBefore is not a valid instant');
  const days = options.validityDays ?? AUTH0_CERT_VALIDITY_DAYS;
  if (!Number.isInteger(days) || days < 1) throw new KeyMaterialError('ERR_KEYS_VALIDITY', 'validityDays must be a positive integer');
  const notAfter = new Date(notBefore.getTime() + days * DAY_MS);

  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'rsa') throw new KeyMaterialError('ERR_KEYS_CERTIFICATE', 'the signing key must be RSA');
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const serial = serialNumber(options.random ?? randomBytes);
  const name = der.seq(der.set(der.seq(der.oid(OID.commonName), directoryString(host))));
  const sha256WithRsa = der.seq(der.oid(OID.sha256WithRSAEncryption), der.null());
  const extensions = der.seq(
    // basicConstraints, critical, CA:TRUE — as Auth0's tenant certificates.
    der.seq(der.oid(OID.basicConstraints), der.bool(true), der.octets(der.seq(der.bool(true)))),
    // subjectKeyIdentifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1).
    der.seq(der.oid(OID.subjectKeyIdentifier), der.octets(der.octets(createHash('sha1').update(subjectPublicKeyBits(spki)).digest()))),
    // keyUsage, critical: digitalSignature + keyCertSign (bits 0 and 5), as Auth0's.
    der.seq(der.oid(OID.keyUsage), der.bool(true), der.octets(der.bitString(Buffer.from([0x84]), 2))),
  );
  const tbs = der.seq(
    der.explicit(0, der.int(Buffer.from([2]))), // v3
    der.int(serial),
    sha256WithRsa,
    name,
    der.seq(der.time(notBefore), der.time(notAfter)),
    name,
    spki,
    der.explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, key);
  const certificateDer = der.seq(tbs, sha256WithRsa, der.bitString(signature, 0));
  const info = describeCertificate(certificateDer);
  return { privateKeyPem, ...info };
}

/** The published forms of a certificate (PEM, DER or base64 DER in; whitespace tolerated). */
export function describeCertificate(certificate: string | Buffer): Omit<SigningCredential, 'privateKeyPem'> {
  const certificateDer = typeof certificate === 'string' ? certificateToDer(certificate) : certificate;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certificateDer);
  } catch {
    throw new KeyMaterialError('ERR_KEYS_CERTIFICATE', 'not an X.509 certificate');
  }
  const raw = x509.raw;
  return {
    certificatePem: derToPem(raw),
    certificateDer: raw,
    certificateBase64: raw.toString('base64'),
    fingerprints: fingerprints(raw),
    subject: x509.subject.replace(/\n/g, ', '),
    serialNumber: x509.serialNumber,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
  };
}

export function fingerprints(certificateDer: Buffer): CertificateFingerprints {
  return { sha1: colonHex(createHash('sha1').update(certificateDer).digest()), sha256: colonHex(createHash('sha256').update(certificateDer).digest()) };
}

export function derToPem(certificateDer: Buffer): string {
  const b64 = certificateDer.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** PEM (one certificate) or bare base64 DER → DER. Refuses anything that is not strict base64. */
export function certificateToDer(certificate: string): Buffer {
  const body = certificate
    .replace(/-----BEGIN CERTIFICATE-----/, '')
    .replace(/-----END CERTIFICATE-----[\s\S]*$/, '')
    .replace(/\s+/g, '');
  if (body.length === 0 || body.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    throw new KeyMaterialError('ERR_KEYS_CERTIFICATE', 'certificate is not PEM or base64 DER');
  }
  return Buffer.from(body, 'base64');
}

/** Base64 DER without armour or line breaks, for KeyInfo and metadata. */
export function certificateToBase64(certificate: string | Buffer): string {
  return (typeof certificate === 'string' ? certificateToDer(certificate) : certificate).toString('base64');
}

function colonHex(bytes: Buffer): string {
  return (bytes.toString('hex').toUpperCase().match(/../g) ?? []).join(':');
}

function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Positive, minimal 9-byte serial like Auth0's (`40:6C:74:…`): top bit clear, first byte non-zero. */
function serialNumber(random: (size: number) => Buffer): Buffer {
  const b = Buffer.from(random(9));
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x40;
  return b;
}

/** PrintableString when the host fits it (Auth0's CN is PrintableString), UTF8String otherwise. */
function directoryString(value: string): Buffer {
  return /^[A-Za-z0-9 '()+,\-./:=?]+$/.test(value) ? der.tlv(0x13, Buffer.from(value, 'ascii')) : der.tlv(0x0c, Buffer.from(value, 'utf8'));
}

/** The BIT STRING contents (minus the unused-bits byte) of a SubjectPublicKeyInfo. */
function subjectPublicKeyBits(spki: Buffer): Buffer {
  const outer = der.read(spki, 0);
  const algorithm = der.read(spki, outer.contentStart);
  const bits = der.read(spki, algorithm.end);
  return spki.subarray(bits.contentStart + 1, bits.end);
}

const OID = {
  commonName: '2.5.4.3',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  basicConstraints: '2.5.29.19',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
} as const;

/** The few DER encodings a certificate needs (X.690). */
const der = {
  tlv(tag: number, content: Buffer): Buffer {
    const len = content.length;
    let header: Buffer;
    if (len < 0x80) header = Buffer.from([tag, len]);
    else {
      const bytes: number[] = [];
      for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
      header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
    }
    return Buffer.concat([header, content]);
  },
  seq: (...items: Buffer[]): Buffer => der.tlv(0x30, Buffer.concat(items)),
  set: (...items: Buffer[]): Buffer => der.tlv(0x31, Buffer.concat(items)),
  explicit: (n: number, item: Buffer): Buffer => der.tlv(0xa0 | n, item),
  null: (): Buffer => Buffer.from([0x05, 0x00]),
  bool: (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]),
  octets: (content: Buffer): Buffer => der.tlv(0x04, content),
  bitString: (content: Buffer, unusedBits: number): Buffer => der.tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content])),
  /** Unsigned big-endian magnitude → minimal two's-complement INTEGER. */
  int(magnitude: Buffer): Buffer {
    let i = 0;
    while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
    let body = magnitude.subarray(i);
    if (((body[0] ?? 0) & 0x80) !== 0) body = Buffer.concat([Buffer.from([0]), body]);
    return der.tlv(0x02, body);
  },
  oid(dotted: string): Buffer {
    const parts = dotted.split('.').map(Number);
    const bytes: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)];
    for (const p of parts.slice(2)) {
      const chunk: number[] = [p & 0x7f];
      for (let n = Math.floor(p / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
      bytes.push(...chunk);
    }
    return der.tlv(0x06, Buffer.from(bytes));
  },
  /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
  time(d: Date): Buffer {
    const iso = d.toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
    const compact = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
    return d.getUTCFullYear() < 2050 ? der.tlv(0x17, Buffer.from(compact.slice(2), 'ascii')) : der.tlv(0x18, Buffer.from(compact, 'ascii'));
  },
  read(buf: Buffer, offset: number): { contentStart: number; end: number } {
    const first = buf[offset + 1] ?? 0;
    let len = first;
    let contentStart = offset + 2;
    if (first & 0x80) {
      const n = first & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + (buf[offset + 2 + i] ?? 0);
      contentStart += n;
    }
    return { contentStart, end: contentStart + len };
  },
};
