// Authentication of one API call: route by the SigV4 credential scope, find the secret behind the
// access key (the admin key, an IAM user's sealed key, or a sealed session token), verify the
// signature (src/sigv4), and answer refusals in the routed service's own codes.

import { checkSigV4Signature, forEc2, isPlausibleAccessKeyId, parseSigV4Request } from '../sigv4/index.js';
import type { SigV4Failure, SigV4Request } from '../sigv4/index.js';
import { AwsError } from './errors.js';
import { openSessionToken } from './session.js';
import type { Caller, ServiceEnv, ServiceName } from './types.js';
import { SERVICE_NAMES } from './types.js';

/** AWS's allowed clock skew for STS, IAM and EC2: 15 minutes each way (aws.md §8.4.4). */
export const MAX_SKEW_SECONDS = 900;

const API_VERSIONS: Readonly<Record<string, ServiceName>> = { '2010-05-08': 'iam', '2011-06-15': 'sts', '2016-11-15': 'ec2' };

export type Authentication =
  | { readonly ok: true; readonly signed: true; readonly service: ServiceName; readonly region: string; readonly caller: Caller }
  | { readonly ok: true; readonly signed: false; readonly service: ServiceName | undefined }
  | { readonly ok: false; readonly service: ServiceName; readonly error: AwsError };

interface CredentialRecord {
  readonly secretAccessKey: string;
  readonly caller: Caller;
  /** For a session: when its credentials stop working (epoch ms). */
  readonly expiresAt?: number;
}

function isService(s: string): s is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(s);
}

/** The service a request that cannot be routed by its scope is most likely for (to answer in its words). */
export function serviceByVersion(version: string | undefined): ServiceName | undefined {
  return version === undefined ? undefined : API_VERSIONS[version];
}

function refusal(service: ServiceName, failure: Pick<SigV4Failure, 'code' | 'message' | 'httpStatus' | 'reason'>): AwsError {
  if (service === 'ec2') {
    const e = forEc2(failure as SigV4Failure);
    return new AwsError(e.code, e.message, e.httpStatus);
  }
  return new AwsError(failure.code, failure.message, failure.httpStatus);
}

async function lookup(env: ServiceEnv, accessKeyId: string, token: string | undefined): Promise<CredentialRecord | undefined> {
  if (accessKeyId.startsWith('ASIA')) {
    // A temporary key needs its session token (security.md V13); the token must open under our key
    // and name this very key id (V12: forged, altered or swapped tokens open to nothing).
    if (token === undefined) return undefined;
    const session = openSessionToken(env.sealer, token, accessKeyId);
    if (session === undefined || session.accountId !== env.accountId) return undefined;
    return {
      secretAccessKey: session.secretAccessKey,
      caller: { kind: 'session', accountId: env.accountId, accessKeyId, session },
      expiresAt: session.expiresAt * 1000,
    };
  }
  // A long-term key never carries a session token (V13).
  if (token !== undefined) return undefined;
  if (accessKeyId === env.admin.accessKeyId) {
    return { secretAccessKey: env.admin.secretAccessKey, caller: { kind: 'root', accountId: env.accountId, accessKeyId } };
  }
  const key = await env.store.accessKeys.get(accessKeyId);
  if (key === undefined || key.status !== 'Active') return undefined;
  const secret = env.sealer.open('access-key-secret', key.secretSealed, accessKeyId);
  if (secret === undefined) return undefined;
  const user = await env.store.users.get(key.userName);
  if (user === undefined) return undefined;
  return { secretAccessKey: secret.toString('utf8'), caller: { kind: 'user', accountId: env.accountId, accessKeyId, user } };
}

/**
 * Authenticates `request`. An unsigned request is reported as such (only STS AssumeRoleWithSAML
 * accepts one; invoke decides). `version` (the `Version` parameter) only chooses the words of a
 * refusal that cannot be routed by its scope.
 */
export async function authenticate(env: ServiceEnv, request: SigV4Request, now: Date, version: string | undefined): Promise<Authentication> {
  const pending = parseSigV4Request(request, { now, maxSkewSeconds: MAX_SKEW_SECONDS, signingKeyCache: env.signingKeys });
  const fallback: ServiceName = serviceByVersion(version) ?? 'iam';
  if (!pending.ok) {
    if (pending.reason === 'ERR_SIGV4_MISSING') return { ok: true, signed: false, service: serviceByVersion(version) };
    return { ok: false, service: fallback, error: refusal(fallback, pending) };
  }
  const scoped = pending.scope.service;
  if (!isService(scoped)) {
    // Signed for a service Tessera does not serve: a cross-service replay or a misrouted client.
    return {
      ok: false,
      service: fallback,
      error: refusal(fallback, {
        code: 'SignatureDoesNotMatch',
        httpStatus: 403,
        reason: 'ERR_SIGV4_SCOPE_SERVICE',
        message: `Credential should be scoped to correct service: '${fallback}'. `,
      }),
    };
  }
  const record = isPlausibleAccessKeyId(pending.accessKeyId) ? await lookup(env, pending.accessKeyId, pending.securityToken) : undefined;
  const verified = checkSigV4Signature(pending, record, env.signingKeys);
  if (!verified.ok) return { ok: false, service: scoped, error: refusal(scoped, verified) };
  const credential = verified.credential;
  if (credential.expiresAt !== undefined && credential.expiresAt <= now.getTime()) {
    const error = scoped === 'ec2'
      ? new AwsError('RequestExpired', 'Request has expired.', 400)
      : new AwsError('ExpiredToken', 'The security token included in the request is expired', 403);
    return { ok: false, service: scoped, error };
  }
  return { ok: true, signed: true, service: scoped, region: pending.scope.region, caller: credential.caller };
}
