// IAM's action table, alphabetised; test/services/action-tables.test.ts keeps it complete.

import { AttachRolePolicy } from './AttachRolePolicy.js';
import { AttachUserPolicy } from './AttachUserPolicy.js';
import { CreateAccessKey } from './CreateAccessKey.js';
import { CreatePolicy } from './CreatePolicy.js';
import { CreatePolicyVersion } from './CreatePolicyVersion.js';
import { CreateRole } from './CreateRole.js';
import { CreateSAMLProvider } from './CreateSAMLProvider.js';
import { CreateUser } from './CreateUser.js';
import { DeleteAccessKey } from './DeleteAccessKey.js';
import { DeletePolicy } from './DeletePolicy.js';
import { DeletePolicyVersion } from './DeletePolicyVersion.js';
import { DeleteRole } from './DeleteRole.js';
import { DeleteRolePermissionsBoundary } from './DeleteRolePermissionsBoundary.js';
import { DeleteRolePolicy } from './DeleteRolePolicy.js';
import { DeleteSAMLProvider } from './DeleteSAMLProvider.js';
import { DeleteUser } from './DeleteUser.js';
import { DeleteUserPolicy } from './DeleteUserPolicy.js';
import { DetachRolePolicy } from './DetachRolePolicy.js';
import { DetachUserPolicy } from './DetachUserPolicy.js';
import { GetPolicy } from './GetPolicy.js';
import { GetPolicyVersion } from './GetPolicyVersion.js';
import { GetRole } from './GetRole.js';
import { GetRolePolicy } from './GetRolePolicy.js';
import { GetSAMLProvider } from './GetSAMLProvider.js';
import { GetUser } from './GetUser.js';
import { GetUserPolicy } from './GetUserPolicy.js';
import { ListAccessKeys } from './ListAccessKeys.js';
import { ListAttachedRolePolicies } from './ListAttachedRolePolicies.js';
import { ListAttachedUserPolicies } from './ListAttachedUserPolicies.js';
import { ListPolicies } from './ListPolicies.js';
import { ListPolicyVersions } from './ListPolicyVersions.js';
import { ListRolePolicies } from './ListRolePolicies.js';
import { ListRoleTags } from './ListRoleTags.js';
import { ListRoles } from './ListRoles.js';
import { ListSAMLProviders } from './ListSAMLProviders.js';
import { ListUserPolicies } from './ListUserPolicies.js';
import { ListUsers } from './ListUsers.js';
import { PutRolePermissionsBoundary } from './PutRolePermissionsBoundary.js';
import { PutRolePolicy } from './PutRolePolicy.js';
import { PutUserPolicy } from './PutUserPolicy.js';
import { SetDefaultPolicyVersion } from './SetDefaultPolicyVersion.js';
import { SimulateCustomPolicy } from './SimulateCustomPolicy.js';
import { SimulatePrincipalPolicy } from './SimulatePrincipalPolicy.js';
import { TagRole } from './TagRole.js';
import { UntagRole } from './UntagRole.js';
import { UpdateAccessKey } from './UpdateAccessKey.js';
import { UpdateAssumeRolePolicy } from './UpdateAssumeRolePolicy.js';
import { UpdateRole } from './UpdateRole.js';
import { UpdateSAMLProvider } from './UpdateSAMLProvider.js';

export const IAM_ACTIONS = {
  AttachRolePolicy,
  AttachUserPolicy,
  CreateAccessKey,
  CreatePolicy,
  CreatePolicyVersion,
  CreateRole,
  CreateSAMLProvider,
  CreateUser,
  DeleteAccessKey,
  DeletePolicy,
  DeletePolicyVersion,
  DeleteRole,
  DeleteRolePermissionsBoundary,
  DeleteRolePolicy,
  DeleteSAMLProvider,
  DeleteUser,
  DeleteUserPolicy,
  DetachRolePolicy,
  DetachUserPolicy,
  GetPolicy,
  GetPolicyVersion,
  GetRole,
  GetRolePolicy,
  GetSAMLProvider,
  GetUser,
  GetUserPolicy,
  ListAccessKeys,
  ListAttachedRolePolicies,
  ListAttachedUserPolicies,
  ListPolicies,
  ListPolicyVersions,
  ListRolePolicies,
  ListRoleTags,
  ListRoles,
  ListSAMLProviders,
  ListUserPolicies,
  ListUsers,
  PutRolePermissionsBoundary,
  PutRolePolicy,
  PutUserPolicy,
  SetDefaultPolicyVersion,
  SimulateCustomPolicy,
  SimulatePrincipalPolicy,
  TagRole,
  UntagRole,
  UpdateAccessKey,
  UpdateAssumeRolePolicy,
  UpdateRole,
  UpdateSAMLProvider,
} as const;
