// The HTTP-Redirect binding's query signature (SAML bindings §3.4.4.1): reading a query string as
// received, verifying the signature over its exact octets with pinned certificates, and signing the
// queries the IdP sends. It must never rebuild the signed octets from decoded-and-re-encoded values,
// never accept a SAML parameter given twice, and never trust a key carried by the message.

import { constants, createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { checkRelayState, encodeRedirectParam, SamlBindingError } from './bindings.js';
import { certificateToDer } from './keys.js';
import { ALG } from './ns.js';
import type { SignatureAlgorithmName } from './response.js';

export type RedirectParam = 'SAMLRequest' | 'SAMLResponse';

/**
 * The query string a Redirect message can arrive with: `SAMLRequest` is capped at 8 KiB once
 * URL-decoded (bindings.ts), and URL-encoding can triple base64's `+`, `/` and `=`.
 */
export const MAX_RAW_QUERY_LENGTH = 32 * 1024;
/** Cap on certificates tried per message (rollover needs two; more is a DoS lever). */
export const MAX_SIGNING_CERTIFICATES = 3;

/**
 * SigAlg allow-list → Node hash. RSA PKCS#1 v1.5 only: HMAC (keyed with the public certificate,
 * GHSA-c27r-x354-4m68), DSA, ECDSA with an RSA certificate and `none` are algorithm confusion.
 * rsa-sha1 is accepted with a warning (L-samlp accepts it; OneLogin's toolkit signs with it by
 * default) unless the caller is strict.
 */
const SIG_ALGS: Readonly<Record<string, 'sha1' | 'sha256' | 'sha512'>> = {
  [ALG.rsaSha256]: 'sha256',
  [ALG.rsaSha512]: 'sha512',
  [ALG.rsaSha1]: 'sha1',
};

const SIGN_ALG_URI: Readonly<Record<SignatureAlgorithmName, string>> = {
  'rsa-sha256': ALG.rsaSha256,
  'rsa-sha1': ALG.rsaSha1,
};

/** One SAML parameter of a query string: the `name=value` octets as received, and the decoded value. */
export interface RawQueryParam {
  readonly raw: string;
  readonly value: string;
}

export interface RedirectQuery {
  readonly param: RedirectParam;
  readonly message: RawQueryParam;
  readonly relayState: RawQueryParam | undefined;
  readonly sigAlg: RawQueryParam | undefined;
  readonly signature: RawQueryParam | undefined;
}

export type RedirectFailureReason = 'OVERSIZED' | 'MALFORMED' | 'ALGORITHM' | 'SIGNATURE_REQUIRED' | 'SIGNATURE_INVALID';

/** Failures are data (the caller maps them onto its own error catalogue); `detail` is for logs only. */
export interface RedirectFailure {
  readonly ok: false;
  readonly reason: RedirectFailureReason;
  readonly detail: string;
}

const fail = (reason: RedirectFailureReason, detail: string): RedirectFailure => ({ ok: false, reason, detail });

/** application/x-www-form-urlencoded decoding of one component: `+` is a space, then %XX as UTF-8. */
export function formDecode(component: string): string | undefined {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return undefined; // malformed escape or invalid UTF-8
  }
}

/**
 * Encoding of one query component as Python's `quote_plus` writes it (OneLogin's toolkit re-encodes
 * this way when it rebuilds the signed string): RFC 3986 unreserved characters kept, space as `+`,
 * every other UTF-8 octet as uppercase %XX. For base64 and algorithm URIs every common encoder
 * (URLSearchParams, querystring, Java's URLEncoder) agrees with it.
 */
export function formEncode(component: string): string {
  return encodeURIComponent(component)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

const NAMES = ['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature'] as const;
type Name = (typeof NAMES)[number];

/**
 * Splits the raw query into the SAML parameters, keeping each one's octets as received. Refuses, as
 * HTTP parameter pollution (CWE-235) — a framework that reads the first copy while the signature
 * covers the last —: a SAML parameter given twice, a percent-encoded SAML parameter name, and a
 * query carrying both SAMLRequest and SAMLResponse. Other parameters (`connection`, …) are ignored.
 */
export function parseRedirectQuery(rawQuery: string, param: RedirectParam): { readonly ok: true; readonly query: RedirectQuery } | RedirectFailure {
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  if (query.length > MAX_RAW_QUERY_LENGTH) return fail('OVERSIZED', `query string longer than ${MAX_RAW_QUERY_LENGTH} characters`);
  const found = new Map<Name, RawQueryParam>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const name = formDecode(rawName);
    if (name === undefined || !(NAMES as readonly string[]).includes(name)) continue;
    if (name !== rawName) return fail('MALFORMED', 'a SAML parameter name is percent-encoded (parameter smuggling)');
    if (found.has(name as Name)) return fail('MALFORMED', `parameter \`${name}\` appears twice (HTTP parameter pollution)`);
    const value = formDecode(eq < 0 ? '' : part.slice(eq + 1));
    if (value === undefined) return fail('MALFORMED', `parameter \`${name}\` is not valid URL encoding`);
    found.set(name as Name, { raw: part, value });
  }
  const other: RedirectParam = param === 'SAMLRequest' ? 'SAMLResponse' : 'SAMLRequest';
  if (found.has(other)) return fail('MALFORMED', `query carries \`${other}\` where \`${param}\` was expected`);
  const message = found.get(param);
  if (message === undefined) return fail('MALFORMED', `query has no \`${param}\``);
  return {
    ok: true,
    query: { param, message, relayState: found.get('RelayState'), sigAlg: found.get('SigAlg'), signature: found.get('Signature') },
  };
}

/**
 * The octets the sender signed (bindings §3.4.4.1): `SAMLRequest=…&RelayState=…&SigAlg=…` in that
 * order, each part exactly as it appeared in the received query (RelayState only when present).
 */
export function signedOctets(query: RedirectQuery): string | undefined {
  if (query.sigAlg === undefined) return undefined;
  const parts = [query.message.raw];
  if (query.relayState !== undefined) parts.push(query.relayState.raw);
  parts.push(query.sigAlg.raw);
  return parts.join('&');
}

interface PinnedKey {
  readonly key: KeyObject;
}

const pinnedKeys = new Map<string, PinnedKey>();

/** A configured certificate (PEM or base64 DER), parsed once. A bad one is a configuration error: it throws. */
function pinned(certificate: string): PinnedKey {
  let p = pinnedKeys.get(certificate);
  if (p === undefined) {
    p = { key: new X509Certificate(certificateToDer(certificate)).publicKey };
    if (pinnedKeys.size >= 256) pinnedKeys.clear();
    pinnedKeys.set(certificate, p);
  }
  return p;
}

export interface RedirectSignatureOk {
  readonly ok: true;
  /** The SigAlg URI that verified. */
  readonly algorithm: string;
  readonly warnings: readonly string[];
}

/**
 * Verifies the query signature against the configured certificates (never a key from the message).
 * Fails hard: a missing Signature is SIGNATURE_REQUIRED, an algorithm outside the allow-list is
 * ALGORITHM, anything that does not verify is SIGNATURE_INVALID.
 */
export function verifyRedirectSignature(
  query: RedirectQuery,
  certificates: readonly string[],
  options: { readonly strict?: boolean } = {},
): RedirectSignatureOk | RedirectFailure {
  if (query.signature === undefined) return fail('SIGNATURE_REQUIRED', 'the query carries no Signature');
  const octets = signedOctets(query);
  if (octets === undefined) return fail('MALFORMED', 'Signature without SigAlg');
  const alg = (query.sigAlg as RawQueryParam).value;
  const hash = SIG_ALGS[alg];
  // Algorithm confusion (HMAC keyed with the public certificate, DSA/ECDSA, `none`; CWE-327).
  if (hash === undefined) return fail('ALGORITHM', 'SigAlg is not rsa-sha256, rsa-sha512 or rsa-sha1');
  const warnings: string[] = [];
  if (hash === 'sha1') {
    if (options.strict === true) return fail('ALGORITHM', 'rsa-sha1 refused under the strict option');
    warnings.push('Redirect-binding message signed with rsa-sha1: SHA-1 is deprecated');
  }
  const b64 = query.signature.value.replace(/[\r\n]/g, '');
  if (b64.length === 0 || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return fail('MALFORMED', 'Signature is not base64');
  const signature = Buffer.from(b64, 'base64');
  const data = Buffer.from(octets, 'utf8');
  const certs = certificates.slice(0, MAX_SIGNING_CERTIFICATES);
  if (certs.length === 0) return fail('SIGNATURE_INVALID', 'no certificate to verify with');
  for (const certificate of certs) {
    const { key } = pinned(certificate);
    // An rsa-* SigAlg with an EC certificate would run ECDSA: only RSA keys verify RSA algorithms.
    if (key.asymmetricKeyType !== 'rsa') continue;
    if (verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature)) return { ok: true, algorithm: alg, warnings };
  }
  // Tampered message, RelayState or SigAlg, another sender's key, or re-encoded octets.
  return fail('SIGNATURE_INVALID', 'the query signature does not verify with the configured certificate');
}

// ---------------------------------------------------------------- outgoing

export interface RedirectMessage {
  readonly param: RedirectParam;
  /** The unsigned protocol message (bindings §3.4.4.1: no enveloped signature in this binding). */
  readonly xml: string;
  /** Omitted from the query when undefined or empty; at most 80 bytes (bindings §3.4.3). */
  readonly relayState?: string | undefined;
}

export interface RedirectSigning {
  /** PKCS#8/PKCS#1 PEM or a KeyObject; must be RSA. */
  readonly privateKey: string | KeyObject;
  /** Default rsa-sha256. */
  readonly sigAlg?: SignatureAlgorithmName;
}

export interface EncodedRedirect {
  /** The query string to append to the endpoint URL (no leading `?`). */
  readonly query: string;
  /** The decoded parameter values, for tests and logs. */
  readonly parameters: Readonly<Record<string, string>>;
}

function privateRsaKey(privateKey: string | KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  } catch {
    throw new TypeError('the signing key is not a PEM private key');
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') throw new TypeError('the signing key must be an RSA private key');
  return key;
}

function relayStateOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  checkRelayState(value);
  return value;
}

/** HTTP-Redirect without a signature: `SAMLRequest=…[&RelayState=…]`. */
export function encodeRedirectQuery(message: RedirectMessage): EncodedRedirect {
  const encoded = encodeRedirectParam(message.xml);
  const relayState = relayStateOf(message.relayState);
  const parameters: Record<string, string> = { [message.param]: encoded };
  let query = `${message.param}=${formEncode(encoded)}`;
  if (relayState !== undefined) {
    parameters.RelayState = relayState;
    query += `&RelayState=${formEncode(relayState)}`;
  }
  return { query, parameters };
}

/**
 * HTTP-Redirect with the query signature of bindings §3.4.4.1: RSASSA-PKCS1-v1_5 over
 * `param=…[&RelayState=…]&SigAlg=…` exactly as the query carries them, then `&Signature=…`.
 */
export function encodeRedirectSigned(input: RedirectMessage & RedirectSigning): EncodedRedirect {
  const key = privateRsaKey(input.privateKey);
  const sigAlg = input.sigAlg ?? 'rsa-sha256';
  const unsigned = encodeRedirectQuery(input);
  const uri = SIGN_ALG_URI[sigAlg];
  const octets = `${unsigned.query}&SigAlg=${formEncode(uri)}`;
  const signature = sign(sigAlg === 'rsa-sha1' ? 'sha1' : 'sha256', Buffer.from(octets, 'utf8'), key).toString('base64');
  return {
    query: `${octets}&Signature=${formEncode(signature)}`,
    parameters: { ...unsigned.parameters, SigAlg: uri, Signature: signature },
  };
}

/** The Location for a Redirect message: `endpoint?query`, or `endpoint&query` when it has a query already. */
export function redirectLocation(endpoint: string, query: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new SamlBindingError('ERR_SAML_BINDING_ACTION', 'redirect endpoint is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SamlBindingError('ERR_SAML_BINDING_ACTION', 'redirect endpoint must be an http or https URL');
  const hashAt = endpoint.indexOf('#');
  const base = hashAt < 0 ? endpoint : endpoint.slice(0, hashAt);
  return `${base}${base.includes('?') ? '&' : '?'}${query}`;
}
