// iam:ListPolicies — the account's managed policies by name, filtered by scope, path prefix and
// attachment, paged with Marker/MaxItems. Tessera holds no AWS managed policies, so Scope=AWS lists
// none. Lists leave out Description and Tags, as IAM's do.

import type { ManagedPolicy } from '../../../store/port.js';
import { defineAction } from '../../types.js';
import { fromUserStoreError } from '../errors.js';
import { pageArray, pageOutput, pageRequest, policyShape } from '../shapes.js';
import type { ListPoliciesRequest, ListPoliciesResponse } from '../types.js';

export const ListPolicies = defineAction<ListPoliciesRequest, ListPoliciesResponse>({
  name: 'ListPolicies',
  async handle(input, ctx) {
    // ListPolicies has no resource-level permissions (Service Authorization Reference): resource `*`.
    // (AWS's denial names it "policy path /"; Tessera's names no resource.)
    await ctx.authorize({ action: 'iam:ListPolicies', resource: '*' });
    if (input.Scope === 'AWS') return { Policies: [], IsTruncated: false };
    const prefix = input.PathPrefix === undefined ? {} : { pathPrefix: input.PathPrefix };
    const onlyAttached = input.OnlyAttached === true;
    try {
      if (onlyAttached && input.PolicyUsageFilter === 'PermissionsBoundary') {
        // [INF] "attached" as a permissions boundary: the store filters on attachments only, so this
        // query reads the (quota-bounded: 1,500 per account) list and pages it here, markers bound to it.
        const all: ManagedPolicy[] = [];
        let nextToken: string | undefined;
        do {
          const page = await ctx.env.store.policies.list({ ...prefix, ...(nextToken === undefined ? {} : { nextToken }) });
          all.push(...page.items);
          nextToken = page.nextToken;
        } while (nextToken !== undefined);
        const used = all.filter((p) => p.permissionsBoundaryUsageCount > 0).map((p) => policyShape(p, 'list'));
        const { items, ...paging } = pageArray(used, input, `policies-as-boundary\n${input.PathPrefix ?? '/'}`);
        return { Policies: items, ...paging };
      }
      // [INF] Without OnlyAttached every customer managed policy can serve either use, so
      // PolicyUsageFilter leaves the list as it is; with it, PermissionsPolicy means attached.
      const page = await ctx.env.store.policies.list({ ...pageRequest(input), ...prefix, onlyAttached });
      return { Policies: page.items.map((p) => policyShape(p, 'list')), ...pageOutput(page) };
    } catch (e) {
      throw fromUserStoreError(e);
    }
  },
});
