// The data shapes of server-side SigV4: a transport-free request in, a verdict out.
// Pure data: nothing here does I/O, reads the clock or holds state.

import type { SigV4AwsCode, SigV4RejectReason } from './errors.js';
import type { SigningKeyCache } from './signing-key-cache.js';

/** One HTTP request exactly as it arrived, independent of the HTTP library that received it. */
export interface SigV4Request {
  /** The request method as sent (`GET`, `POST`); not re-cased. */
  readonly method: string;
  /**
   * The raw request-target in origin form, as on the wire, query included: `/`, `/?Action=GetCallerIdentity&…`.
   * Never a framework-decoded path (security.md V4). Non-ASCII characters are Unicode code points (UTF-8
   * decoded): a transport that exposes the target as latin1 must convert it first.
   */
  readonly path: string;
  /** Header lines in arrival order; names in any case; repeated names allowed; values untrimmed. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** The raw body bytes as received, before any body parser (security.md V8). A string is hashed as UTF-8. */
  readonly body: Uint8Array | string;
}

/** `YYYYMMDD/region/service` of `Credential=AKID/YYYYMMDD/region/service/aws4_request`. */
export interface CredentialScope {
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/** What the caller's key lookup returns: at least the secret; anything else rides along to the result. */
export interface SecretRecord {
  readonly secretAccessKey: string;
}

/** Where the request carried its signature. */
export type SigV4AuthLocation = 'header' | 'query';

export interface SigV4CheckOptions {
  /** The current time: an input, never read here. */
  readonly now: Date;
  /** When set, the credential scope's service must equal it (cross-service replay, security.md V3). */
  readonly expectedService?: string;
  /** When set, the credential scope's region must equal it. */
  readonly expectedRegion?: string;
  /** Allowed clock skew in seconds each way; 900 (15 min) as STS, IAM and EC2 (aws.md §8.4.4). */
  readonly maxSkewSeconds?: number;
  /** Derived signing keys to reuse across requests (`createSigningKeyCache`); without it each request derives its own. */
  readonly signingKeyCache?: SigningKeyCache;
}

export interface SigV4VerifyOptions<K extends SecretRecord> extends SigV4CheckOptions {
  /**
   * Finds the secret of an access key id. `securityToken` is the request's `X-Amz-Security-Token`, if any:
   * a temporary key's secret lives in its sealed session token, and the lookup — not this module — unseals
   * it, binds it to `accessKeyId`, and enforces "ASIA needs a token, AKIA takes none" (security.md V12/V13).
   * `undefined` means "no such key" (`InvalidClientTokenId`).
   */
  readonly lookupSecret: (accessKeyId: string, securityToken: string | undefined) => K | undefined;
}

export interface SigV4AsyncVerifyOptions<K extends SecretRecord> extends SigV4CheckOptions {
  readonly lookupSecret: (accessKeyId: string, securityToken: string | undefined) => Promise<K | undefined>;
}

/**
 * A request whose authentication parameters are well formed, in scope and in time, with its string to sign
 * computed: everything but the secret. `parseSigV4Request` builds it; `checkSigV4Signature` finishes it.
 */
export interface PendingSigV4 {
  readonly ok: true;
  readonly authLocation: SigV4AuthLocation;
  readonly accessKeyId: string;
  readonly scope: CredentialScope;
  /** Lowercase, sorted, as listed by the client. */
  readonly signedHeaders: readonly string[];
  /** `X-Amz-Security-Token` from the header or the query; not checked here: the caller unseals it. */
  readonly securityToken?: string;
  /** The request time (`X-Amz-Date`, or the `Date` header). */
  readonly requestTime: Date;
  /** For a presigned URL with `X-Amz-Expires`: the instant after which it is refused. */
  readonly expiresAt?: Date;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  /** The client's signature, validated as 64 lowercase hex digits. */
  readonly providedSignature: string;
}

/** A verified request: the caller is `accessKeyId`, whose record `credential` the lookup returned. */
export interface SigV4Success<K extends SecretRecord> {
  readonly ok: true;
  readonly authLocation: SigV4AuthLocation;
  readonly accessKeyId: string;
  readonly credential: K;
  readonly scope: CredentialScope;
  readonly signedHeaders: readonly string[];
  readonly securityToken?: string;
  readonly requestTime: Date;
  readonly expiresAt?: Date;
}

/**
 * A refusal: the public half (`code`, `message`, `httpStatus` — AWS's wire error for STS and IAM) and
 * the logged half (`reason`, and for a signature mismatch the canonical request and string to sign, which
 * AWS itself returns for S3 and which never contain the key).
 */
export interface SigV4Failure {
  readonly ok: false;
  readonly code: SigV4AwsCode;
  readonly message: string;
  readonly httpStatus: 400 | 403;
  readonly reason: SigV4RejectReason;
  readonly canonicalRequest?: string;
  readonly stringToSign?: string;
}

export type SigV4Result<K extends SecretRecord> = SigV4Success<K> | SigV4Failure;
