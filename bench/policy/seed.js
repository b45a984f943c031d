// The seed's ABAC rule (DESIGN §1) written for each engine the policy benchmark compares: the IAM
// policy as the guide has it, the same rule in Cedar (entity tags) and in a casbin ABAC model,
// plus the requests every engine must decide alike. Data only; nothing here measures.

export const ACCOUNT = '013823792818';

/** The seed policy, with the real `${aws:PrincipalTag/CostCenter}` (DESIGN §2). */
export const SEED_POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeInstances"],"Resource":"*"},' +
  '{"Effect":"Allow","Action":["ec2:StartInstances","ec2:StopInstances"],"Resource":"*",' +
  '"Condition":{"StringEquals":{"ec2:ResourceTag/CostCenter":"${aws:PrincipalTag/CostCenter}"}}}]}';

export const INSTANCE_ARN = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0a1b2c3d4e5f60718`;
export const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/AccessFromTessera/jane@example.com`;

/**
 * The timed requests, alternated so both outcomes are measured: jane (CostCenter marketing) stops
 * the website instance (marketing: allowed) and the dashboard instance (engineering: denied).
 */
export const TIMED = [
  { action: 'ec2:StopInstances', principalTag: 'marketing', resourceTag: 'marketing', allowed: true },
  { action: 'ec2:StopInstances', principalTag: 'marketing', resourceTag: 'engineering', allowed: false },
];

/** Every engine must decide these alike before it is timed (the timed pair included). */
export const AGREEMENT = [];
for (const action of ['ec2:StopInstances', 'ec2:StartInstances', 'ec2:DescribeInstances', 'ec2:RebootInstances']) {
  for (const resourceTag of ['marketing', 'engineering', undefined]) {
    AGREEMENT.push({ action, principalTag: 'marketing', resourceTag });
  }
}

/** The IAM request context of a request, as the EC2 front end would hand it over: a plain object. */
export function contextInput(r) {
  const input = { 'aws:PrincipalTag/CostCenter': r.principalTag };
  if (r.resourceTag !== undefined) input['ec2:ResourceTag/CostCenter'] = r.resourceTag;
  return input;
}

/** The same rule in Cedar: tags on the principal and resource entities. */
export const CEDAR_POLICY = `
permit (principal, action == Action::"DescribeInstances", resource);
permit (principal, action in [Action::"StartInstances", Action::"StopInstances"], resource)
when {
  principal.hasTag("CostCenter") && resource.hasTag("CostCenter") &&
  principal.getTag("CostCenter") == resource.getTag("CostCenter")
};
`;

/** A `statefulIsAuthorized` call for a request against the preparsed policy set `policySetId`. */
export function cedarCall(r, policySetId) {
  const principal = { type: 'User', id: 'jane@example.com' };
  const resource = { type: 'Instance', id: 'i-0a1b2c3d4e5f60718' };
  return {
    principal,
    action: { type: 'Action', id: r.action.slice(r.action.indexOf(':') + 1) },
    resource,
    context: {},
    preparsedPolicySetId: policySetId,
    entities: [
      { uid: principal, attrs: {}, parents: [], tags: { CostCenter: r.principalTag } },
      { uid: resource, attrs: {}, parents: [], tags: r.resourceTag === undefined ? {} : { CostCenter: r.resourceTag } },
    ],
  };
}

/** The same rule as a casbin ABAC model: attribute equality in the matcher, one line per action. */
export const CASBIN_MODEL = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = act, rule

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.act == p.act && (p.rule == "any" || r.sub.CostCenter == r.obj.CostCenter)
`;

export const CASBIN_POLICY = `
p, ec2:DescribeInstances, any
p, ec2:StartInstances, same-cost-center
p, ec2:StopInstances, same-cost-center
`;

/** casbin's request attributes: the principal's and the instance's tags. */
export function casbinArgs(r) {
  return [{ CostCenter: r.principalTag }, r.resourceTag === undefined ? {} : { CostCenter: r.resourceTag }, r.action];
}

/** An iam-simulate `Simulation` for a request (the policy as a JSON object, as its API takes it). */
export function iamSimulation(r, policyJson) {
  return {
    request: {
      principal: SESSION_ARN,
      action: r.action,
      resource: { resource: INSTANCE_ARN, accountId: ACCOUNT },
      contextVariables: contextInput(r),
    },
    identityPolicies: [{ name: 'VirtualMachineAccessByCostCenter', policy: policyJson }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
}
