// The SAML benchmark's world: the seed user's Auth0-shaped response (reference/auth0.md §1.3), a
// fresh tenant signing credential, the peers' equivalents (xml-crypto signing the same unsigned
// document, node-saml verifying the same response) and the proofs every case runs before it is
// timed (both verifiers accept the genuine response and reject a tampered one). Nothing here measures.

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const DIST = new URL('../../dist/saml/', import.meta.url);

export const ACCOUNT = '013823792818';
export const TENANT_HOST = 'tessera.example.com';
/** Auth0's default Issuer: `urn:<tenant host>`. */
export const ISSUER = `urn:${TENANT_HOST}`;
export const AWS_SIGNIN_URL = 'https://signin.aws.amazon.com/saml';
export const AWS_AUDIENCE = 'urn:amazon:webservices';

export const ALG = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
};

/** The attributes the seed's rule maps for jane (auth0.md §1.3), and nothing else. */
export const SEED_ATTRIBUTES = {
  'https://aws.amazon.com/SAML/Attributes/Role':
    `arn:aws:iam::${ACCOUNT}:role/AccessByCostCenter,arn:aws:iam::${ACCOUNT}:saml-provider/auth0SamlProvider`,
  'https://aws.amazon.com/SAML/Attributes/RoleSessionName': 'jane@example.com',
  'https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter': 'marketing',
  'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project': 'website',
};
export const ATTRIBUTE_COUNT = Object.keys(SEED_ATTRIBUTES).length;

/** IdP-initiated POST to AWS sign-in, as the seed's add-on settings produce it; random IDs per call. */
export function seedSpec(now) {
  return {
    issuer: ISSUER,
    destination: AWS_SIGNIN_URL,
    recipient: AWS_SIGNIN_URL,
    audiences: [AWS_AUDIENCE],
    nameId: { value: 'jane@example.com', format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' },
    attributes: SEED_ATTRIBUTES,
    now,
  };
}

export async function saml() {
  const [keys, response, verify] = await Promise.all([
    import(new URL('keys.js', DIST)),
    import(new URL('response.js', DIST)),
    import(new URL('verify.js', DIST)),
  ]);
  return { ...keys, ...response, ...verify };
}

/**
 * A fresh RSA-2048 tenant credential, the private key held as a KeyObject (as a server holds it),
 * and one signed seed response issued at `now` (default: the wall clock, which node-saml reads).
 */
export async function world({ now = Date.now() } = {}) {
  const s = await saml();
  const credential = await s.createSigningCredential({ host: TENANT_HOST, notBefore: Date.UTC(2024, 0, 1) });
  const privateKey = createPrivateKey(credential.privateKeyPem);
  const publicKey = createPublicKey(credential.certificatePem);
  const signing = { privateKey, certificate: credential.certificatePem, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' };
  const spec = seedSpec(now);
  const xml = s.buildResponse(spec, signing);
  const base64 = s.encodePostBinding(xml);
  const verifyOptions = { idp: { entityId: ISSUER, certificates: [credential.certificatePem] }, now: now + 1000 };
  return { s, credential, privateKey, publicKey, signing, spec, now, xml, base64, verifyOptions };
}

/** The genuine response with jane's CostCenter changed after signing: every verifier must refuse it. */
export function tamper(xml) {
  const changed = xml.replace('>marketing</saml:AttributeValue>', '>engineering</saml:AttributeValue>');
  if (changed === xml) throw new Error('tamper: the CostCenter value was not found in the response');
  return Buffer.from(changed, 'utf8').toString('base64');
}

/**
 * Signs an unsigned response the way node-saml/node-samlp based IdPs do (auth0/node-saml
 * `lib/xml/sign.js`, node-saml `signXml`): xml-crypto `SignedXml.computeSignature` over the XML
 * string, enveloped + exclusive c14n, rsa-sha256/sha256, signature placed after the Assertion's
 * Issuer, certificate in KeyInfo. Returns `sign(unsignedXml) → signed XML`.
 */
export function xmlCryptoSigner({ privateKey, certificatePem }) {
  const { SignedXml } = require('xml-crypto');
  const assertion = "/*[local-name(.)='Response']/*[local-name(.)='Assertion']";
  return (unsignedXml) => {
    const sig = new SignedXml({
      privateKey,
      publicCert: certificatePem,
      signatureAlgorithm: ALG.rsaSha256,
      canonicalizationAlgorithm: ALG.excC14n,
    });
    sig.addReference({ xpath: assertion, transforms: [ALG.enveloped, ALG.excC14n], digestAlgorithm: ALG.sha256 });
    sig.computeSignature(unsignedXml, { location: { reference: `${assertion}/*[local-name(.)='Issuer']`, action: 'after' } });
    return sig.getSignedXml();
  };
}

/**
 * node-saml as an SP of our IdP would configure it for this response: the tenant certificate
 * pinned, AWS's audience, the assertion signature required (the Response is not signed), the same
 * 120 s skew and 5-minute age window as our verifier. It reads the wall clock (no clock input).
 */
export function nodeSaml(certificatePem) {
  const { SAML } = require('@node-saml/node-saml');
  return new SAML({
    idpCert: certificatePem,
    idpIssuer: ISSUER,
    issuer: AWS_AUDIENCE,
    audience: AWS_AUDIENCE,
    callbackUrl: AWS_SIGNIN_URL,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: 120_000,
    maxAssertionAgeMs: 300_000,
  });
}

/** The attributes node-saml's profile carries, as name → value (a string for single values). */
function nodeSamlAttributes(profile) {
  return profile?.attributes ?? {};
}

/** Ours accepts the genuine response (with jane's four attributes) and rejects the tampered one; returns a note. */
export function proveOurs(w) {
  const v = w.s.verifySamlResponse(w.base64, w.verifyOptions);
  const got = Object.fromEntries(v.attributes.map((a) => [a.name, a.values.join('|')]));
  for (const [name, value] of Object.entries(SEED_ATTRIBUTES)) {
    if (got[name] !== value) throw new Error(`our verifier read ${name} as ${JSON.stringify(got[name])}, not ${JSON.stringify(value)}`);
  }
  if (v.nameId.value !== 'jane@example.com' || v.signed !== 'assertion') throw new Error('our verifier read the wrong NameID or signed element');
  let reason;
  try {
    w.s.verifySamlResponse(tamper(w.xml), w.verifyOptions);
  } catch (e) {
    reason = e?.reason ?? e?.message ?? String(e);
  }
  if (reason === undefined) throw new Error('our verifier ACCEPTED the response with CostCenter changed after signing');
  return `ours accepts the genuine response (NameID, ${ATTRIBUTE_COUNT} attributes read) and rejects CostCenter marketing→engineering (${reason})`;
}

/** The same for node-saml; returns a note. */
export async function proveNodeSaml(sp, w) {
  const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: w.base64 });
  const attrs = nodeSamlAttributes(profile);
  for (const [name, value] of Object.entries(SEED_ATTRIBUTES)) {
    if (attrs[name] !== value) throw new Error(`node-saml read ${name} as ${JSON.stringify(attrs[name])}, not ${JSON.stringify(value)}`);
  }
  if (profile.nameID !== 'jane@example.com') throw new Error(`node-saml read NameID ${JSON.stringify(profile.nameID)}`);
  let message;
  try {
    await sp.validatePostResponseAsync({ SAMLResponse: tamper(w.xml) });
  } catch (e) {
    message = e instanceof Error ? e.message : String(e);
  }
  if (message === undefined) throw new Error('node-saml ACCEPTED the response with CostCenter changed after signing');
  return `node-saml accepts the genuine response (NameID, ${ATTRIBUTE_COUNT} attributes read) and rejects the tampered one ("${message}")`;
}
