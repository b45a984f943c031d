// Who is asking, and whether a Principal/NotPrincipal element names them. Used only for
// resource-based and trust policies (identity policies never name a principal).

import type { PrincipalNode } from './ast.js';

export const REQUEST_PRINCIPAL_TYPES = [
  'Account', 'User', 'Role', 'AssumedRole', 'FederatedUser', 'SamlProvider', 'WebIdentityProvider', 'Service', 'Anonymous',
] as const;
export type RequestPrincipalType = (typeof REQUEST_PRINCIPAL_TYPES)[number];

export interface RequestPrincipal {
  readonly type: RequestPrincipalType;
  /**
   * The caller's own identifier: the account root, user, role or session ARN; the SAML/OIDC
   * provider ARN (or OIDC provider domain) for AssumeRoleWith*; the service principal name.
   */
  readonly id: string;
  /** The caller's account, where it has one. */
  readonly account?: string | undefined;
  /** For an assumed-role session: the ARN of its role (with path). */
  readonly roleArn?: string | undefined;
}

/**
 * How specifically a statement names the caller. IAM's evaluation depends on it: a resource-based
 * policy that names a user or a role session grants on its own; one that names the role is still
 * limited by its permissions boundary and session policy; one that names the account only delegates
 * to the account's identity-based policies.
 */
export type PrincipalMatch = 'direct' | 'role' | 'account' | 'none';

export interface CompiledPrincipal {
  readonly node: PrincipalNode;
  readonly wildcard: boolean;
  readonly awsAny: boolean;
  /** AWS entries normalised: a bare account id becomes `arn:<partition>:iam::<id>:root`. */
  readonly aws: readonly string[];
  readonly federated: readonly string[];
  readonly service: readonly string[];
}

export function compilePrincipal(node: PrincipalNode): CompiledPrincipal {
  const aws: string[] = [];
  const federated: string[] = [];
  const service: string[] = [];
  let awsAny = false;
  for (const e of node.entries) {
    if (e.type === 'AWS') {
      if (e.value === '*') awsAny = true;
      else aws.push(/^\d{12}$/.test(e.value) ? `arn:aws:iam::${e.value}:root` : e.value);
    } else if (e.type === 'Federated') federated.push(e.value);
    else if (e.type === 'Service') service.push(e.value);
    // CanonicalUser principals (S3) never match a Tessera caller.
  }
  return { node, wildcard: node.wildcard, awsAny, aws, federated, service };
}

const AWS_TYPES: ReadonlySet<RequestPrincipalType> = new Set(['Account', 'User', 'Role', 'AssumedRole', 'FederatedUser', 'Anonymous']);

function rootArn(account: string): string {
  return `arn:aws:iam::${account}:root`;
}

/** The strongest way one principal list names `p`. */
function listMatch(cp: CompiledPrincipal, p: RequestPrincipal): PrincipalMatch {
  if (cp.wildcard) return 'direct';
  if (AWS_TYPES.has(p.type)) {
    if (cp.awsAny) return 'direct';
    let best: PrincipalMatch = 'none';
    for (const a of cp.aws) {
      if (a === p.id) return 'direct';
      if (p.type === 'AssumedRole' && p.roleArn !== undefined && a === p.roleArn) best = 'role';
      else if (best === 'none' && p.account !== undefined && a === rootArn(p.account)) best = 'account';
    }
    return best;
  }
  if (p.type === 'SamlProvider' || p.type === 'WebIdentityProvider') return cp.federated.includes(p.id) ? 'direct' : 'none';
  if (p.type === 'Service') return cp.service.includes(p.id) ? 'direct' : 'none';
  return 'none';
}

/** Every identity IAM checks a NotPrincipal list against: session, role and account for a session. */
function identities(p: RequestPrincipal): string[] {
  const out = [p.id];
  if (p.type === 'AssumedRole' && p.roleArn !== undefined) out.push(p.roleArn);
  if (p.account !== undefined && p.type !== 'Account' && AWS_TYPES.has(p.type)) out.push(rootArn(p.account));
  return out;
}

function listed(cp: CompiledPrincipal, id: string, p: RequestPrincipal): boolean {
  if (cp.wildcard) return true;
  if (AWS_TYPES.has(p.type)) return cp.awsAny || cp.aws.includes(id);
  return cp.federated.includes(id) || cp.service.includes(id);
}

/**
 * Whether the statement's Principal/NotPrincipal covers `p`, and how specifically.
 * NotPrincipal: IAM evaluates an assumed-role session as its session, its role and its account;
 * a Deny spares the caller only when all of them are listed, while an Allow excludes the caller
 * as soon as one is (the reading that never widens access).
 */
export function principalMatch(cp: CompiledPrincipal, p: RequestPrincipal | undefined, effectIsDeny: boolean): PrincipalMatch {
  if (p === undefined) return cp.wildcard && !cp.node.negated ? 'direct' : 'none';
  if (!cp.node.negated) return listMatch(cp, p);
  const ids = identities(p);
  const excluded = effectIsDeny ? ids.every((id) => listed(cp, id, p)) : ids.some((id) => listed(cp, id, p));
  return excluded ? 'none' : 'direct';
}
