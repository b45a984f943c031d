// iam:UpdateAssumeRolePolicy — replaces a role's trust policy, validated exactly as CreateRole
// validates it. A refused document leaves the old trust policy in place.

import { POLICY_SIZE_LIMITS, validatePolicy } from '../../../policy/index.js';
import { defineAction } from '../../types.js';
import { fromStoreError, noSuchRole, policyDocumentError } from '../errors.js';
import { keysFor, roleArn, roleResourceContext } from '../shapes.js';
import type { UpdateAssumeRolePolicyRequest } from '../types.js';

export const UpdateAssumeRolePolicy = defineAction<UpdateAssumeRolePolicyRequest, Record<string, never>>({
  name: 'UpdateAssumeRolePolicy',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:UpdateAssumeRolePolicy',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:UpdateAssumeRolePolicy', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    const trust = validatePolicy(input.PolicyDocument, { kind: 'trust', maxSize: POLICY_SIZE_LIMITS.trust });
    if (!trust.ok) throw policyDocumentError(trust.errors[0]!, 'trust', POLICY_SIZE_LIMITS.trust);
    // Accepted with advice (a templating artefact, an unknown key…): the audit log keeps it for the console's "why".
    if (trust.warnings.length > 0) ctx.note({ policyWarnings: trust.warnings.map((w) => ({ code: w.code, path: w.path, message: w.message })) });
    try {
      await ctx.env.store.roles.update(role.roleName, { assumeRolePolicyDocument: input.PolicyDocument });
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
