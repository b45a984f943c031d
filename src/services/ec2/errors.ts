// EC2's own wire errors that several actions share, in EC2's exact codes and wording (each cites
// where the wording was observed), and the mapping of store errors onto them. Never echo anything
// but the caller's own parameter values into a message.

import { isStoreError } from '../../store/errors.js';
import { AwsError } from '../errors.js';

/** DryRun with the required permissions: an error, HTTP 412 (aws.md §6.10; OBS GH:getmoto/moto#1980, GH:aws/aws-cli#3127). */
export function dryRun(): AwsError {
  return new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}

/** `InvalidParameterValue` with a message the caller composes (the common EC2 validation code, aws.md §8.5). */
export function invalidParameterValue(message: string): AwsError {
  return new AwsError('InvalidParameterValue', message, 400);
}

// --- Identifiers ---------------------------------------------------------------------------------

/** An id not shaped `i-` + 8 or 17 hex digits: `Invalid id: "ma1"` (aws.md §6.3; OBS GH:ClusterLabs/cluster-glue#29). */
export function instanceIdMalformed(id: string): AwsError {
  return new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`, 400);
}

/**
 * Unknown instances, all of them named: `The instance ID 'i-0123' does not exist`, plural
 * `The instance IDs 'i-1, i-2' do not exist` (aws.md §6.3; MOTO:moto/ec2/exceptions.py; OBS
 * GH:aws/aws-sdk-java#911 for the singular).
 */
export function instancesNotFound(ids: readonly string[]): AwsError {
  const message = ids.length === 1 ? `The instance ID '${ids[0]}' does not exist` : `The instance IDs '${ids.join(', ')}' do not exist`;
  return new AwsError('InvalidInstanceID.NotFound', message, 400);
}

/** CreateTags/DeleteTags on an id that is no resource id: `The ID 'i-eCHm…' is not valid` (OBS GH:kubernetes/cloud-provider-aws#1387, GH:aws/aws-cli#4109). */
export function invalidId(id: string): AwsError {
  return new AwsError('InvalidID', `The ID '${id}' is not valid`, 400);
}

/** `Invalid id: "{var.ami_id}" (expecting "ami-...")` (OBS GH:hashicorp/terraform#22172; MOTO MalformedAMIIdError). */
export function amiIdMalformed(id: string): AwsError {
  return new AwsError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`, 400);
}

// --- Instance state ------------------------------------------------------------------------------

/** Start of a stopping, shutting-down or terminated instance (OBS GH:burstable-ai/burst#42, GH:canonical/ubuntu-pro-client#1697). */
export function cannotStart(id: string): AwsError {
  return new AwsError('IncorrectInstanceState', `The instance '${id}' is not in a state from which it can be started.`, 400);
}

/** Stop of a pending instance (OBS GH:cloud-custodian/cloud-custodian#6014). */
export function neverRunning(id: string): AwsError {
  return new AwsError('IncorrectInstanceState', `Instance '${id}' cannot be stopped as it has never reached the 'running' state.`, 400);
}

/** Stop of a shutting-down or terminated instance [INF: the wording of `cannotStart` with "stopped"]. */
export function cannotStop(id: string): AwsError {
  return new AwsError('IncorrectInstanceState', `The instance '${id}' is not in a state from which it can be stopped.`, 400);
}

// --- Tags ----------------------------------------------------------------------------------------

/** Past 50 tags on one resource (MOTO TagLimitExceeded, which reproduces AWS's string). */
export function tagLimitExceeded(): AwsError {
  return new AwsError('TagLimitExceeded', 'The maximum number of Tags for a resource has been reached.', 400);
}

/**
 * A tag whose authorization facts changed while the request was being applied (a concurrent
 * CreateTags/DeleteTags); the caller may retry. EC2 API Reference, "Error codes": ConcurrentTagAccess
 * [DOC; wording as the error-code table gives it, not observed on the wire].
 */
export function concurrentTagAccess(): AwsError {
  return new AwsError(
    'ConcurrentTagAccess',
    "You can't run simultaneous commands to modify a tag for a specific resource. Allow sufficient wait time for the previous request to complete, then retry your request.",
    400,
  );
}

// --- Paging --------------------------------------------------------------------------------------

/** MaxResults outside 5..1000: `Value ( 1 ) for parameter maxResults is invalid. Expecting a value greater than 5.` (OBS GH:aws/aws-sdk-ruby#2575). */
export function checkMaxResults(maxResults: number | undefined): void {
  if (maxResults === undefined) return;
  if (maxResults < 5) throw invalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5.`);
  // [INF] the upper bound in the same words.
  if (maxResults > 1000) throw invalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value less than 1000.`);
}

/** A token this store did not issue: `Value (  ) for parameter NextToken is invalid. The token is invalid.` (OBS GH:boto/boto3#2673). */
export function invalidNextToken(token: string): AwsError {
  return invalidParameterValue(`Value ( ${token} ) for parameter NextToken is invalid. The token is invalid.`);
}

/** Runs a store read that takes a NextToken, turning a foreign token into EC2's error. */
export async function withNextToken<T>(token: string | undefined, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (token !== undefined && isStoreError(e, 'ERR_STORE_INVALID_TOKEN')) throw invalidNextToken(token);
    throw e;
  }
}
