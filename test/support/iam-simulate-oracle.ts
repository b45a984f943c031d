// Runs one request through @cloud-copilot/iam-simulate (AGPL: tests and benchmarks only, never
// imported from src/) and maps its answer onto Tessera's decision names. It must never be used to
// decide anything outside a test.
//
// Why the deep imports: the public `runUnsafeSimulation` builds its request without
// `wildcardOnlyAction` (so a request for `*` is read as "some resource", and `Allow` + any ARN then
// matches) and it drops the session policy. `runSimulation` fixes the first but filters context keys
// through its action catalogue, which would change the inputs we compare. So this adapter does what
// `runUnsafeSimulation` does, with those two inputs passed through, in Strict mode.

import { loadPolicy } from '@cloud-copilot/iam-policy';
import { authorize } from '../../node_modules/@cloud-copilot/iam-simulate/dist/esm/core_engine/CoreSimulatorEngine.js';
import { DiscoveryContextKeyConstraints } from '../../node_modules/@cloud-copilot/iam-simulate/dist/esm/context_keys/discoveryContextKeyConstraints.js';
import { AwsRequestImpl } from '../../node_modules/@cloud-copilot/iam-simulate/dist/esm/request/request.js';
import { RequestContextImpl } from '../../node_modules/@cloud-copilot/iam-simulate/dist/esm/requestContext.js';
import type { EvalDecision } from '../../src/policy/index.js';

export interface OracleInput {
  /** An IAM user, role or assumed-role session ARN. */
  readonly principal: string;
  readonly accountId: string;
  readonly action: string;
  readonly resource: string;
  /** The action has no resource-level permissions: the request resource is `*`. */
  readonly wildcardOnlyAction: boolean;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly identity: readonly unknown[];
  readonly boundary?: readonly unknown[] | undefined;
  readonly session?: unknown;
}

const STRICT = { simulationMode: 'Strict' as const, discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) };

export function iamSimulateDecision(input: OracleInput): EvalDecision {
  const context = new RequestContextImpl(input.context as Record<string, string | string[]>);
  const request = new AwsRequestImpl(
    input.principal,
    { resource: input.resource, accountId: input.accountId },
    input.action,
    context,
    input.wildcardOnlyAction,
  );
  const analysis = authorize({
    request,
    sessionPolicy: input.session === undefined ? undefined : loadPolicy(input.session, { name: 'session' }),
    identityPolicies: input.identity.map((p, i) => loadPolicy(p, { name: `identity.${i + 1}` })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: undefined,
    permissionBoundaries: input.boundary?.map((p, i) => loadPolicy(p, { name: `boundary.${i + 1}` })),
    vpcEndpointPolicies: undefined,
    simulationParameters: STRICT,
    serviceSettings: {},
  } as Parameters<typeof authorize>[0]);
  switch (analysis.result) {
    case 'Allowed':
      return 'allowed';
    case 'ExplicitlyDenied':
      return 'explicitDeny';
    case 'ImplicitlyDenied':
      return 'implicitDeny';
    default: {
      const never: never = analysis.result;
      throw new Error(`iam-simulate returned ${String(never)}`);
    }
  }
}
