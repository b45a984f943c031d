// Input checks and value rules of the IAM roles and users repositories, shared by every adapter so
// they agree on what is invalid input and how an update patch applies.

import { invalidInput } from './errors.js';
import { ACCESS_KEY_STATUSES, type AccessKeyStatus, type Role, type RoleUpdate, type Tag, type User, type UserUpdate } from './port.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface Principal {
  readonly path: string;
  readonly arn: string;
  readonly permissionsBoundaryArn?: string;
  readonly tags: readonly Tag[];
}

function boundary(patch: string | null | undefined, cur: string | undefined): string | undefined {
  return patch === undefined ? cur : patch === null ? undefined : patch;
}

export function nonNegativeInt(n: unknown, field: string): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidInput(`\`${field}\` must be a non-negative integer`);
  return n;
}

export function applyRole(cur: Role, patch: RoleUpdate): Role {
  const next: Mutable<Role> = { ...cur };
  if (patch.description !== undefined) next.description = patch.description;
  if (patch.maxSessionDuration !== undefined) next.maxSessionDuration = patch.maxSessionDuration;
  if (patch.assumeRolePolicyDocument !== undefined) next.assumeRolePolicyDocument = patch.assumeRolePolicyDocument;
  const b = boundary(patch.permissionsBoundaryArn, cur.permissionsBoundaryArn);
  if (b === undefined) delete next.permissionsBoundaryArn;
  else next.permissionsBoundaryArn = b;
  return next;
}

export function validateRole(p: Role): void {
  if (typeof p.roleId !== 'string' || typeof p.roleName !== 'string' || typeof p.arn !== 'string') {
    throw invalidInput('role needs a roleId, roleName and arn', 'role');
  }
}

export function applyUser(cur: User, patch: UserUpdate): User {
  const next: Mutable<User> = { ...cur };
  const b = boundary(patch.permissionsBoundaryArn, cur.permissionsBoundaryArn);
  if (b === undefined) delete next.permissionsBoundaryArn;
  else next.permissionsBoundaryArn = b;
  return next;
}

export function validateUser(p: User): void {
  if (typeof p.userId !== 'string' || typeof p.userName !== 'string' || typeof p.arn !== 'string') {
    throw invalidInput('user needs a userId, userName and arn', 'user');
  }
}

/** `v3` → 3; anything else (`v03`, `V3`, `3`) names no version. */
export function versionNumber(versionId: string): number | undefined {
  const m = /^v([1-9][0-9]{0,8})$/.exec(versionId);
  return m === null ? undefined : Number(m[1]);
}

export function accessKeyStatus(status: unknown): AccessKeyStatus {
  if (!(ACCESS_KEY_STATUSES as readonly unknown[]).includes(status)) throw invalidInput(`unknown access key status \`${String(status)}\``, 'accessKey');
  return status as AccessKeyStatus;
}
