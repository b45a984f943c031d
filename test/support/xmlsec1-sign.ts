// Test helper: an independent signer and verifier (Debian `xmlsec1`, libxmlsec1 + OpenSSL) for SAML
// responses. Signs an unsigned response from our builder through a Signature template, and verifies
// any signed response against a certificate. For tests only: it writes temp files and runs a binary.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALG, NS } from '../../src/saml/ns.js';
import {
  buildUnsignedResponse,
  DIGEST_ALGORITHM_URI,
  SIGNATURE_ALGORITHM_URI,
  type DigestAlgorithmName,
  type ResponseSpec,
  type SignatureAlgorithmName,
} from '../../src/saml/response.js';
import { child, parseTrustedXml, serialize } from '../../src/saml/xml.js';

export const XMLSEC1 = '/usr/bin/xmlsec1';

export function xmlsec1Available(): boolean {
  return existsSync(XMLSEC1);
}

export type SignedElement = 'assertion' | 'response';

/** `--id-attr:ID <ns>:<local>` for the element whose `ID` the Reference points at. */
export function idAttrFor(target: SignedElement): string {
  return target === 'assertion' ? `${NS.assertion}:Assertion` : `${NS.protocol}:Response`;
}

export interface Xmlsec1SignOptions {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
  /** Which element to sign (default: the Assertion, as Auth0). */
  readonly target?: SignedElement;
  readonly signatureAlgorithm?: SignatureAlgorithmName;
  readonly digestAlgorithm?: DigestAlgorithmName;
  /**
   * xmlsec1 writes `<?xml version="1.0"?>` in front of its output. `'strip'` (default) removes it so
   * the result has Auth0's shape; `'keep'` returns xmlsec1's bytes as they are (as Okta or ADFS send).
   */
  readonly declaration?: 'strip' | 'keep';
  /** An `InclusiveNamespaces PrefixList` on the Reference's exc-c14n transform (as Shibboleth and ADFS send). */
  readonly inclusiveNamespaces?: string;
}

/**
 * Inserts an empty enveloped-signature template (exc-c14n, the chosen algorithms, Reference to the
 * element's ID, `<KeyInfo><X509Data/></KeyInfo>`) right after the target's own Issuer, with DOM calls.
 */
export function addSignatureTemplate(
  unsignedXml: string,
  options: Pick<Xmlsec1SignOptions, 'target' | 'signatureAlgorithm' | 'digestAlgorithm' | 'inclusiveNamespaces'> = {},
): string {
  const doc = parseTrustedXml(unsignedXml);
  const response = doc.documentElement as Element;
  const target = options.target === 'response' ? response : child(response, NS.assertion, 'Assertion');
  if (target === undefined) throw new Error('no Assertion in the response');
  const issuer = child(target, NS.assertion, 'Issuer');
  if (issuer === undefined) throw new Error('the signed element has no Issuer');
  const ds = (local: string, attrs: Record<string, string> = {}): Element => {
    const e = doc.createElementNS(NS.ds, local);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  };
  const signature = ds('Signature');
  signature.setAttributeNS(NS.xmlns, 'xmlns', NS.ds);
  const signedInfo = ds('SignedInfo');
  signedInfo.appendChild(ds('CanonicalizationMethod', { Algorithm: ALG.excC14n }));
  signedInfo.appendChild(ds('SignatureMethod', { Algorithm: SIGNATURE_ALGORITHM_URI[options.signatureAlgorithm ?? 'rsa-sha256'] }));
  const reference = ds('Reference', { URI: `#${target.getAttribute('ID') ?? ''}` });
  const transforms = ds('Transforms');
  transforms.appendChild(ds('Transform', { Algorithm: ALG.envelopedSignature }));
  const exc = ds('Transform', { Algorithm: ALG.excC14n });
  if (options.inclusiveNamespaces !== undefined) {
    const inc = doc.createElementNS(ALG.excC14n, 'ec:InclusiveNamespaces');
    inc.setAttributeNS(NS.xmlns, 'xmlns:ec', ALG.excC14n);
    inc.setAttribute('PrefixList', options.inclusiveNamespaces);
    exc.appendChild(inc);
  }
  transforms.appendChild(exc);
  reference.appendChild(transforms);
  reference.appendChild(ds('DigestMethod', { Algorithm: DIGEST_ALGORITHM_URI[options.digestAlgorithm ?? 'sha256'] }));
  reference.appendChild(ds('DigestValue'));
  signedInfo.appendChild(reference);
  signature.appendChild(signedInfo);
  signature.appendChild(ds('SignatureValue'));
  const keyInfo = ds('KeyInfo');
  keyInfo.appendChild(ds('X509Data'));
  signature.appendChild(keyInfo);
  target.insertBefore(signature, issuer.nextSibling);
  return serialize(doc);
}

function withTempDir<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-xmlsec1-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Signs `unsignedXml` (our builder's output) with xmlsec1:
 * `xmlsec1 --sign --privkey-pem key.pem,cert.pem --id-attr:ID <ns>:<Element> --output out.xml template.xml`.
 */
export function xmlsec1Sign(unsignedXml: string, options: Xmlsec1SignOptions): string {
  const target = options.target ?? 'assertion';
  const template = addSignatureTemplate(unsignedXml, options);
  return withTempDir((dir) => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const input = join(dir, 'template.xml');
    const output = join(dir, 'signed.xml');
    writeFileSync(key, options.privateKeyPem, { mode: 0o600 });
    writeFileSync(cert, options.certificatePem);
    writeFileSync(input, template);
    execFileSync(XMLSEC1, ['--sign', '--privkey-pem', `${key},${cert}`, '--id-attr:ID', idAttrFor(target), '--output', output, input], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const signed = readFileSync(output, 'utf8');
    const trimmed = signed.endsWith('\n') ? signed.slice(0, -1) : signed;
    return (options.declaration ?? 'strip') === 'strip' ? trimmed.replace(/^<\?xml[^?]*\?>\n?/, '') : trimmed;
  });
}

/** Builds a response with our builder (unsigned) and has xmlsec1 sign it. */
export function xmlsec1SignedResponse(spec: ResponseSpec, options: Xmlsec1SignOptions): string {
  return xmlsec1Sign(buildUnsignedResponse(spec), options);
}

export interface Xmlsec1Verdict {
  readonly ok: boolean;
  /** xmlsec1's stdout + stderr (`OK` / `FAIL` and the reasons). */
  readonly output: string;
  /** The command line that ran, for test reports. */
  readonly command: string;
}

/**
 * `xmlsec1 --verify --pubkey-cert-pem cert.pem --id-attr:ID <ns>:<Element> response.xml`: the
 * signature must verify with the key of `certificatePem` (KeyInfo's own certificate is not trusted).
 */
export function xmlsec1Verify(xml: string, certificatePem: string, target: SignedElement): Xmlsec1Verdict {
  return withTempDir((dir) => {
    const cert = join(dir, 'cert.pem');
    const input = join(dir, 'response.xml');
    writeFileSync(cert, certificatePem);
    writeFileSync(input, xml);
    const args = ['--verify', '--pubkey-cert-pem', cert, '--id-attr:ID', idAttrFor(target), input];
    const run = spawnSync(XMLSEC1, args, { encoding: 'utf8' });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`, command: `xmlsec1 ${args.join(' ')}` };
  });
}
