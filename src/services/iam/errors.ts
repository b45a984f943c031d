// IAM's wire errors in AWS's exact code, wording and HTTP status, and the one mapping from store
// errors to them (`fromStoreError`). Must never echo a policy document, a secret or a driver message.
// Sources: [SNAP] = AWS responses recorded by LocalStack's AWS-validated snapshot tests
// (localstack/localstack tests/aws/services/iam/test_iam_{roles,saml_providers,policies}.snapshot.json, 2026-02).

import type { PolicyErrorFinding, PolicyKind } from '../../policy/index.js';
import { SimulateInputError } from '../../policy/index.js';
import { isStoreError } from '../../store/errors.js';
import { ACCESS_KEYS_PER_USER_LIMIT, TAGS_PER_RESOURCE_LIMIT } from '../../store/port.js';
import { AwsError } from '../errors.js';

// --- Codes (botocore iam service-2.json: NoSuchEntity 404, EntityAlreadyExists 409, …) -----------

export function noSuchEntity(message: string): AwsError {
  return new AwsError('NoSuchEntity', message, 404);
}

export function entityAlreadyExists(message: string): AwsError {
  return new AwsError('EntityAlreadyExists', message, 409);
}

export function limitExceeded(message: string): AwsError {
  return new AwsError('LimitExceeded', message, 409);
}

export function invalidInput(message: string): AwsError {
  return new AwsError('InvalidInput', message, 400);
}

export function malformedPolicyDocument(message: string): AwsError {
  return new AwsError('MalformedPolicyDocument', message, 400);
}

export function deleteConflict(message: string): AwsError {
  return new AwsError('DeleteConflict', message, 409);
}

// --- Roles ---------------------------------------------------------------------------------------

/** [SNAP test_role_errors] `The role with name test-nonexistent-role cannot be found.` */
export function noSuchRole(roleName: string): AwsError {
  return noSuchEntity(`The role with name ${roleName} cannot be found.`);
}

/** [SNAP test_role_errors] `Role with name <name> already exists.` */
export function roleAlreadyExists(roleName: string): AwsError {
  return entityAlreadyExists(`Role with name ${roleName} already exists.`);
}

/** [SNAP test_role_inline_policy_errors; OBS aws/aws-cli#6139] */
export function noSuchRolePolicy(policyName: string): AwsError {
  return noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
}

/** Attaching a managed policy that does not exist [SNAP test_role_managed_policy_errors; OBS getmoto/moto#6482]. */
export function policyNotAttachable(policyArn: string): AwsError {
  return noSuchEntity(`Policy ${policyArn} does not exist or is not attachable.`);
}

/** Detaching a policy that is not attached [SNAP test_role_managed_policy_errors]. */
export function attachedPolicyNotFound(policyArn: string): AwsError {
  return noSuchEntity(`Policy ${policyArn} was not found.`);
}

/** A permissions boundary naming no managed policy [SNAP test_role_permissions_boundary_errors]. */
export function boundaryNotAttachable(policyArn: string): AwsError {
  return noSuchEntity(`Scope ARN: ${policyArn} does not exist or is not attachable.`);
}

/**
 * A value that is not an ARN of the expected kind: `ARN x is not valid.` — ValidationError for
 * Attach/DetachRolePolicy's PolicyArn, InvalidInput for a permissions boundary [SNAP
 * test_role_managed_policy_errors, test_role_permissions_boundary_errors].
 */
export function arnNotValid(arn: string, code: 'ValidationError' | 'InvalidInput'): AwsError {
  return new AwsError(code, `ARN ${arn} is not valid.`, 400);
}

/** [SNAP test_delete_role_with_attached_policy; OBS boto/boto#2960] */
export const MUST_DETACH_POLICIES = 'Cannot delete entity, must detach all policies first.';
/** [SNAP test_delete_role_with_inline_policy; OBS awslabs/aws-orbit-workbench#633] */
export const MUST_DELETE_POLICIES = 'Cannot delete entity, must delete policies first.';

/** IAM quota for managed policies per role [OBS aws/eks-hybrid#741 `Cannot exceed quota for PoliciesPerRole: 10`]. */
export const MANAGED_POLICIES_PER_ROLE = 10;

export function policiesPerRoleExceeded(): AwsError {
  return limitExceeded(`Cannot exceed quota for PoliciesPerRole: ${MANAGED_POLICIES_PER_ROLE}`);
}

/** Aggregate inline policy size of a role [OBS gchq/sleeper#1459, aws-amplify/amplify-backend#2615]. */
export function rolePolicySizeExceeded(roleName: string, limit: number): AwsError {
  return limitExceeded(`Maximum policy size of ${limit} bytes exceeded for role ${roleName}`);
}

/** Trust policy over its quota [OBS kubeflow/kubeflow#6687, apache/airflow#27331]. */
export function trustPolicySizeExceeded(limit: number): AwsError {
  return limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${limit}`);
}

/**
 * More than 50 tags on a role after TagRole. [INF] AWS's wording is unpublished; it follows IAM's
 * `Cannot exceed quota for <Quota>: <n>` sentence.
 */
export function tagsPerRoleExceeded(limit: number): AwsError {
  return limitExceeded(`Cannot exceed quota for TagsPerRole: ${limit}`);
}

// --- Tags ----------------------------------------------------------------------------------------

/** [SNAP test_role_tag_errors; OBS serverless/serverless#7885] */
export function duplicateTagKeys(): AwsError {
  return invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
}

// --- SAML providers ------------------------------------------------------------------------------

/** [SNAP test_get_saml_provider_not_found, test_delete_saml_provider_not_found] */
export function noSuchSamlProvider(arn: string): AwsError {
  return noSuchEntity(`Manifest not found for arn ${arn}`);
}

/** [INF] AWS's wording is unpublished; it follows the role sentence (`Role with name X already exists.`). */
export function samlProviderAlreadyExists(name: string): AwsError {
  return entityAlreadyExists(`SAMLProvider with name ${name} already exists.`);
}

/**
 * Tessera verifies only unencrypted assertions, so it refuses what would make IAM demand encrypted
 * ones rather than silently accepting plain assertions a real account would reject. Our wording.
 */
export function assertionEncryptionUnsupported(member: string): AwsError {
  return invalidInput(`SAML assertion encryption is not supported by Tessera: \`${member}\` cannot be used`);
}

/** IAM quota: 100 SAML providers per account (IAM User Guide, reference_iam-quotas). */
export const SAML_PROVIDERS_PER_ACCOUNT = 100;

/** [INF] the sentence follows IAM's `Cannot exceed quota for <Quota>: <n>`. */
export function samlProvidersExceeded(): AwsError {
  return limitExceeded(`Cannot exceed quota for SAMLProvidersPerAccount: ${SAML_PROVIDERS_PER_ACCOUNT}`);
}

// --- Policy documents ----------------------------------------------------------------------------

/**
 * Trust policies answer some findings in other words than identity policies do [SNAP
 * test_update_assume_role_policy_errors]: invalid JSON, a non-STS action, a Resource element.
 */
const TRUST_MESSAGES: Partial<Record<PolicyErrorFinding['code'], string>> = {
  ERR_POLICY_JSON: 'This policy contains invalid Json',
  ERR_POLICY_TRUST_ACTION: 'AssumeRole policy may only specify STS AssumeRole actions.',
  ERR_POLICY_RESOURCE_PROHIBITED: 'Has prohibited field Resource',
};

/** The AWS error for the first finding of a refused document (validatePolicy puts the decisive one first). */
export function policyDocumentError(finding: PolicyErrorFinding, kind: PolicyKind, limit?: number): AwsError {
  if (finding.code === 'ERR_POLICY_SIZE') {
    if (kind === 'trust' && limit !== undefined) return trustPolicySizeExceeded(limit);
    return limitExceeded(finding.awsMessage);
  }
  const message = kind === 'trust' ? (TRUST_MESSAGES[finding.code] ?? finding.awsMessage) : finding.awsMessage;
  return finding.awsCode === 'LimitExceeded' ? limitExceeded(message) : malformedPolicyDocument(message);
}

// --- Paging --------------------------------------------------------------------------------------

/** [INF] a Marker this service did not hand out; AWS publishes no wording for it. */
export function invalidMarker(): AwsError {
  return invalidInput('Invalid Marker.');
}

// --- Store errors ----------------------------------------------------------------------------------

/**
 * The AWS error for a store error about IAM entities, or the error itself when it is not a store
 * error this service expects (it then becomes InternalFailure, its cause logged, never echoed).
 * Callers catch around store calls: `catch (e) { throw fromStoreError(e) }`.
 */
export function fromStoreError(e: unknown): unknown {
  if (!isStoreError(e)) return e;
  const key = e.key ?? '';
  switch (e.code) {
    case 'ERR_STORE_NOT_FOUND':
      switch (e.entity) {
        case 'role':
          return noSuchRole(key);
        case 'roleInlinePolicy':
          return noSuchRolePolicy(key);
        case 'roleAttachment':
          return attachedPolicyNotFound(key);
        case 'managedPolicy':
          return policyNotAttachable(key);
        case 'samlProvider':
          return noSuchSamlProvider(key);
        default:
          return e;
      }
    case 'ERR_STORE_CONFLICT':
      switch (e.entity) {
        case 'role':
          return roleAlreadyExists(key);
        case 'samlProvider':
          return samlProviderAlreadyExists(key);
        default:
          return e;
      }
    case 'ERR_STORE_DELETE_CONFLICT':
      if (e.entity === 'role' && e.reason === 'attachedPolicies') return deleteConflict(MUST_DETACH_POLICIES);
      if (e.entity === 'role' && e.reason === 'inlinePolicies') return deleteConflict(MUST_DELETE_POLICIES);
      return e;
    case 'ERR_STORE_LIMIT_EXCEEDED':
      if (e.entity === 'role' && e.reason === 'tags') return tagsPerRoleExceeded(TAGS_PER_RESOURCE_LIMIT);
      return e;
    case 'ERR_STORE_INVALID_TOKEN':
      return invalidMarker();
    default:
      return e;
  }
}

// --- Users, managed policies, access keys ----------------------------------------------------------
// [SNAP] here also covers test_iam_users.snapshot.json (recorded 2026-02).

/** [SNAP test_user_errors] `The user with name nonexistent-user cannot be found.` */
export function noSuchUser(userName: string): AwsError {
  return noSuchEntity(`The user with name ${userName} cannot be found.`);
}

/** [SNAP test_user_errors] `User with name <name> already exists.` */
export function userAlreadyExists(userName: string): AwsError {
  return entityAlreadyExists(`User with name ${userName} already exists.`);
}

/** [INF] the role sentence ([SNAP], OBS aws/aws-cli#6139) for a user (OBS amazon-archives/aws-sdk-core-ruby#72). */
export function noSuchUserPolicy(policyName: string): AwsError {
  return noSuchEntity(`The user policy with name ${policyName} cannot be found.`);
}

/** [SNAP test_access_key_errors] `The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.` */
export function noSuchAccessKey(accessKeyId: string): AwsError {
  return noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`);
}

/**
 * [SNAP test_access_key_errors `delete-access-key-without-username-error`; OBS localstack
 * test_iam.py (aws.validated) GetUser with role credentials] — a key or user operation that names no
 * user, called with credentials that are not an IAM user's.
 */
export function nonUserCredentials(): AwsError {
  return new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials', 400);
}

/** [SNAP test_access_key_limit] */
export function accessKeysPerUserExceeded(limit: number): AwsError {
  return limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${limit}`);
}

/** IAM quota "Managed policies attached to an IAM user: 10" (reference_iam-quotas). */
export const MANAGED_POLICIES_PER_USER = 10;

/** [OBS LimitExceeded "when calling the AttachUserPolicy operation: Cannot exceed quota for PoliciesPerUser: 10"] */
export function policiesPerUserExceeded(): AwsError {
  return limitExceeded(`Cannot exceed quota for PoliciesPerUser: ${MANAGED_POLICIES_PER_USER}`);
}

/** [OBS "when calling the PutUserPolicy operation: Maximum policy size of 2048 bytes exceeded for user …", LimitExceeded 409] */
export function userPolicySizeExceeded(userName: string, limit: number): AwsError {
  return limitExceeded(`Maximum policy size of ${limit} bytes exceeded for user ${userName}`);
}

/** [OBS terraform "deleting IAM User: DeleteConflict: Cannot delete entity, must delete access keys first."] */
export const MUST_DELETE_ACCESS_KEYS = 'Cannot delete entity, must delete access keys first.';

/** [SNAP test_policy_errors] */
export function policyAlreadyExists(policyName: string): AwsError {
  return entityAlreadyExists(`A policy called ${policyName} already exists. Duplicate names are not allowed.`);
}

/**
 * A managed policy that does not exist, for the operations on the policy itself (GetPolicy,
 * DeletePolicy, ListPolicyVersions, CreatePolicyVersion): [OBS "when calling the GetPolicy operation:
 * Policy arn:aws:iam::…:policy/… was not found."; SNAP test_policy_tag_update_errors].
 */
export function policyNotFound(policyArn: string): AwsError {
  return noSuchEntity(`Policy ${policyArn} was not found.`);
}

/** [SNAP test_policy_version_errors] — also when the policy itself does not exist. */
export function policyVersionNotFound(policyArn: string, versionId: string): AwsError {
  return noSuchEntity(`Policy ${policyArn} version ${versionId} does not exist or is not attachable.`);
}

/** [SNAP test_policy_tag_create_errors] — managed policy tag keys are case-sensitive (`a` and `A` coexist). */
export function duplicatePolicyTagKeys(): AwsError {
  return invalidInput('Duplicate tag keys found.');
}

/** [SNAP test_policy_version_limit] */
export function policyVersionsExceeded(): AwsError {
  return limitExceeded('A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
}

/** [SNAP test_policy_version_errors] */
export const CANNOT_DELETE_DEFAULT_VERSION = 'Cannot delete the default version of a policy.';

/** [OBS CloudFormation DELETE_FAILED AWS::IAM::ManagedPolicy "Cannot delete a policy attached to entities."] */
export const POLICY_ATTACHED = 'Cannot delete a policy attached to entities.';

/** [OBS "when calling the DeletePolicy operation: This policy has more than one version. …"] */
export const POLICY_HAS_VERSIONS =
  "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.";

/**
 * fromStoreError for the user, managed-policy and access-key entities (then the shared mapping):
 * `catch (e) { throw fromUserStoreError(e) }`.
 */
export function fromUserStoreError(e: unknown): unknown {
  if (!isStoreError(e)) return e;
  const key = e.key ?? '';
  switch (e.code) {
    case 'ERR_STORE_NOT_FOUND':
      if (e.entity === 'user') return noSuchUser(key);
      if (e.entity === 'userInlinePolicy') return noSuchUserPolicy(key);
      if (e.entity === 'userAttachment') return attachedPolicyNotFound(key);
      if (e.entity === 'accessKey') return noSuchAccessKey(key);
      break;
    case 'ERR_STORE_CONFLICT':
      if (e.entity === 'user') return userAlreadyExists(key);
      if (e.entity === 'managedPolicy') return policyAlreadyExists(key);
      break;
    case 'ERR_STORE_DELETE_CONFLICT':
      if (e.entity === 'user' && e.reason === 'attachedPolicies') return deleteConflict(MUST_DETACH_POLICIES);
      if (e.entity === 'user' && e.reason === 'inlinePolicies') return deleteConflict(MUST_DELETE_POLICIES);
      if (e.entity === 'user' && e.reason === 'accessKeys') return deleteConflict(MUST_DELETE_ACCESS_KEYS);
      if (e.entity === 'managedPolicy' && e.reason === 'attachments') return deleteConflict(POLICY_ATTACHED);
      if (e.entity === 'managedPolicy' && e.reason === 'policyVersions') return deleteConflict(POLICY_HAS_VERSIONS);
      if (e.entity === 'policyVersion' && e.reason === 'defaultVersion') return deleteConflict(CANNOT_DELETE_DEFAULT_VERSION);
      break;
    case 'ERR_STORE_LIMIT_EXCEEDED':
      if (e.entity === 'user' && e.reason === 'accessKeys') return accessKeysPerUserExceeded(ACCESS_KEYS_PER_USER_LIMIT);
      if (e.entity === 'managedPolicy' && e.reason === 'policyVersions') return policyVersionsExceeded();
      break;
    default:
      break;
  }
  return fromStoreError(e);
}

// --- Policy simulation ---------------------------------------------------------------------------

/**
 * A simulation request the engine refuses (src/policy/simulate.ts). SimulateCustom/PrincipalPolicy
 * list only InvalidInput (400) and PolicyEvaluation (500) in the model, so a malformed input policy is
 * InvalidInput too; the message is the engine's, naming the input (`PolicyInputList.1: …`).
 */
export function simulationError(e: unknown): unknown {
  if (!(e instanceof SimulateInputError)) return e;
  if (e.awsCode === 'PolicyEvaluation') return new AwsError('PolicyEvaluation', e.message, 500);
  return invalidInput(e.message);
}

/**
 * [OBS "when calling the SimulatePrincipalPolicy operation: Invalid Entity Arn:
 * arn:aws:sts::…:assumed-role/… does not clearly define entity type and name."]
 */
export function invalidEntityArn(arn: string): AwsError {
  return invalidInput(`Invalid Entity Arn: ${arn} does not clearly define entity type and name.`);
}

/** [SNAP test_user_group_errors] — Tessera has no groups, so every group ARN names nothing. */
export function noSuchGroup(groupName: string): AwsError {
  return noSuchEntity(`The group with name ${groupName} cannot be found.`);
}
