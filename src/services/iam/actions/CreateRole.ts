// iam:CreateRole — a role with its trust policy, optional permissions boundary and tags. Never stores
// a trust policy the validator refused, nor a boundary that names no managed policy.

import { POLICY_SIZE_LIMITS, validatePolicy } from '../../../policy/index.js';
import type { Role as StoreRole } from '../../../store/port.js';
import type { AuthzCheck } from '../../types.js';
import { defineAction } from '../../types.js';
import { arnNotValid, boundaryNotAttachable, fromStoreError, policyDocumentError } from '../errors.js';
import { isPolicyArn, keysFor, requestTagContext, roleArn, roleShape, tagsIn } from '../shapes.js';
import type { CreateRoleRequest, CreateRoleResponse } from '../types.js';

/** IAM's default MaxSessionDuration (CreateRole API reference: "the default value of one hour is applied"). */
const DEFAULT_MAX_SESSION_DURATION = 3600;

export const CreateRole = defineAction<CreateRoleRequest, CreateRoleResponse>({
  name: 'CreateRole',
  async handle(input, ctx) {
    const { env } = ctx;
    const path = input.Path ?? '/';
    const arn = roleArn(env.accountId, path, input.RoleName);
    const tags = tagsIn(input.Tags);
    const boundary = input.PermissionsBoundary;
    if (boundary !== undefined && !isPolicyArn(boundary)) throw arnNotValid(boundary, 'InvalidInput');

    const requestTags = tags.length > 0 ? requestTagContext(tags) : {};
    const checks: AuthzCheck[] = [
      {
        action: 'iam:CreateRole',
        resource: arn,
        context: keysFor('iam:CreateRole', requestTags, boundary === undefined ? {} : { 'iam:PermissionsBoundary': boundary }),
      },
    ];
    // Tag-on-create is also a TagRole request: AWS evaluates iam:TagRole with the request tags
    // (observed: iann0036/iamlive#97, CloudFormation "not authorized to perform: iam:TagRole",
    // brefphp/bref#2028). Without it a caller denied TagRole could tag through CreateRole.
    if (tags.length > 0) checks.push({ action: 'iam:TagRole', resource: arn, context: keysFor('iam:TagRole', requestTags) });
    await ctx.authorize(checks);

    const trust = validatePolicy(input.AssumeRolePolicyDocument, { kind: 'trust', maxSize: POLICY_SIZE_LIMITS.trust });
    if (!trust.ok) throw policyDocumentError(trust.errors[0]!, 'trust', POLICY_SIZE_LIMITS.trust);
    // Accepted with advice (a templating artefact, an unknown key…): the audit log keeps it for the console's "why".
    if (trust.warnings.length > 0) ctx.note({ policyWarnings: trust.warnings.map((w) => ({ code: w.code, path: w.path, message: w.message })) });

    const role: StoreRole = {
      roleId: env.ids.uniqueId('AROA'),
      roleName: input.RoleName,
      path,
      arn,
      assumeRolePolicyDocument: input.AssumeRolePolicyDocument,
      ...(input.Description === undefined ? {} : { description: input.Description }),
      maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
      ...(boundary === undefined ? {} : { permissionsBoundaryArn: boundary }),
      createDate: ctx.now,
      tags,
    };
    try {
      const created = await env.store.transaction(async (tx) => {
        // The boundary must exist when the role starts to use it (and the check shares the write's snapshot).
        if (boundary !== undefined && (await tx.policies.get(boundary)) === undefined) throw boundaryNotAttachable(boundary);
        return tx.roles.create(role);
      });
      return { Role: roleShape(created, 'create') };
    } catch (e) {
      throw fromStoreError(e);
    }
  },
});
