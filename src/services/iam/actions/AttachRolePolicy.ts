// iam:AttachRolePolicy — attaches a managed policy to a role (idempotent), at most ten per role.
// Refuses a policy that does not exist; the count and the attach share one transaction.

import { defineAction } from '../../types.js';
import { arnNotValid, fromStoreError, MANAGED_POLICIES_PER_ROLE, noSuchRole, policiesPerRoleExceeded, policyNotAttachable } from '../errors.js';
import { isPolicyArn, keysFor, roleArn, roleResourceContext } from '../shapes.js';
import type { AttachRolePolicyRequest } from '../types.js';

export const AttachRolePolicy = defineAction<AttachRolePolicyRequest, Record<string, never>>({
  name: 'AttachRolePolicy',
  async handle(input, ctx) {
    if (!isPolicyArn(input.PolicyArn)) throw arnNotValid(input.PolicyArn, 'ValidationError');
    const role = await ctx.env.store.roles.get(input.RoleName);
    await ctx.authorize({
      action: 'iam:AttachRolePolicy',
      resource: role?.arn ?? roleArn(ctx.env.accountId, '/', input.RoleName),
      context: keysFor('iam:AttachRolePolicy', roleResourceContext(role), { 'iam:PolicyARN': input.PolicyArn }),
    });
    if (role === undefined) throw noSuchRole(input.RoleName);
    try {
      await ctx.env.store.transaction(async (tx) => {
        if ((await tx.policies.get(input.PolicyArn)) === undefined) throw policyNotAttachable(input.PolicyArn);
        const attached = await tx.roles.listAttachedPolicies(role.roleName);
        const already = attached.items.some((p) => p.policyArn === input.PolicyArn);
        // IAM quota "Managed policies attached to an IAM role: 10" (reference_iam-quotas).
        if (!already && attached.items.length >= MANAGED_POLICIES_PER_ROLE) throw policiesPerRoleExceeded();
        await tx.roles.attachPolicy(role.roleName, input.PolicyArn);
      });
    } catch (e) {
      throw fromStoreError(e);
    }
    return {};
  },
});
