// iam:PutRolePolicy — adds or replaces an inline policy of a role. The document must be a valid
// identity policy, and all of the role's inline policies together stay within 10,240 characters
// (whitespace not counted), checked in the same transaction as the write.

import { POLICY_SIZE_LIMITS, policySize, validatePolicy } from '../../../policy/index.js';
import { defineAction } from '../../types.js';
import { fromStoreError, noSuchRole, policyDocumentError, rolePolicySizeExceeded } from '../errors.js';
import { keysFor, roleArn, roleResourceContext } from '../shapes.js';
import type { PutRolePolicyRequest } from '../types.js';

export const PutRolePolicy = defineAction<PutRolePolicyRequest, Record<string, never>>({
  name: 'PutRolePolicy',
  async handle(input, ctx) {
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:PutRolePolicy',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:PutRolePolicy', roleResourceContext(role)),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    const limit = POLICY_SIZE_LIMITS.roleInline;
    const checked = validatePolicy(input.PolicyDocument, { kind: 'identity' });
    if (!checked.ok) throw policyDocumentError(checked.errors[0]!, 'identity');
    // Accepted with advice (a templating artefact, an unknown key…): the audit log keeps it for the console's "why".
    if (checked.warnings.length > 0) ctx.note({ policyWarnings: checked.warnings.map((w) => ({ code: w.code, path: w.path, message: w.message })) });
    try {
      await ctx.env.store.transaction(async (tx) => {
        // IAM quota "Role policy size … 10,240 characters" is the aggregate of all inline policies
        // (reference_iam-quotas); the policy being replaced does not count twice.
        const { inlinePolicies } = await tx.roles.getPolicySet(role.roleName);
        let total = policySize(input.PolicyDocument);
        for (const p of inlinePolicies) if (p.policyName !== input.PolicyName) total += policySize(p.policyDocument);
        if (total > limit) throw rolePolicySizeExceeded(role.roleName, limit);
        await tx.roles.putInlinePolicy(role.roleName, { policyName: input.PolicyName, policyDocument: input.PolicyDocument });
      });
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
