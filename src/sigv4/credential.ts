// The credential `AKID/YYYYMMDD/region/service/aws4_request` and its scope checks (aws.md §8.4.2–8.4.3,
// security.md V3). The scope binds a signature to one day, one region and one service.

import { TERMINATOR } from './canonical-request.js';
import { reject } from './errors.js';
import { echo } from './parse-authorization.js';
import type { CredentialScope, SigV4Failure } from './types.js';

export interface ParsedCredential {
  readonly ok: true;
  readonly accessKeyId: string;
  readonly scope: CredentialScope;
}

// Region and service names as AWS spells them: lowercase letters, digits and dashes.
const NAME_RE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/**
 * Splits the credential and checks its scope against the request date and the caller's expectations.
 * Wrong shape → IncompleteSignature; a well-formed scope for the wrong day, region or service →
 * SignatureDoesNotMatch with the wording STS and IAM use.
 */
export function parseCredential(
  credential: string,
  amzDate: string,
  expected: { readonly service?: string | undefined; readonly region?: string | undefined },
): ParsedCredential | SigV4Failure {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[0] === '') {
    return reject(
      'ERR_SIGV4_CREDENTIAL_MALFORMED',
      `Credential should be of the form '<access key id>/YYYYMMDD/<region>/<service>/${TERMINATOR}', not '${echo(credential)}'.`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (terminator !== TERMINATOR) {
    return reject('ERR_SIGV4_SCOPE_TERMINATOR', `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${echo(terminator)}'.`);
  }
  // The signing key is derived from the scope date, so a scope date other than the signed X-Amz-Date's
  // would let one day's key sign any day's requests [DOC UG:signature-v4-troubleshooting].
  const dateOfRequest = amzDate.slice(0, 8);
  if (date !== dateOfRequest) {
    return reject(
      'ERR_SIGV4_SCOPE_DATE',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${echo(date)}' != '${dateOfRequest}', from '${amzDate}'.`,
    );
  }
  if (!NAME_RE.test(region) || (expected.region !== undefined && region !== expected.region)) {
    return reject('ERR_SIGV4_SCOPE_REGION', `Credential should be scoped to a valid region, not '${echo(region)}'.`);
  }
  // A signature made for another service must not be replayed here (cross-service replay, security.md V3).
  if (expected.service !== undefined && service !== expected.service) {
    return reject('ERR_SIGV4_SCOPE_SERVICE', `Credential should be scoped to correct service: '${expected.service}'.`);
  }
  if (!NAME_RE.test(service)) {
    return reject('ERR_SIGV4_SCOPE_SERVICE', `Credential should be scoped to a valid service, not '${echo(service)}'.`);
  }
  return { ok: true, accessKeyId, scope: { date, region, service } };
}
