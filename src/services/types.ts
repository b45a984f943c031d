// The shapes every AWS operation shares: who is calling (Caller), what an action may use
// (ServiceEnv, ActionContext) and how an action is declared (ActionDefinition). Transport-free.

import type { Clock, IdGenerator } from '../kernel/index.js';
import type { ContextInput } from '../policy/index.js';
import type { SigningKeyCache } from '../sigv4/index.js';
import type { Store, User } from '../store/port.js';
import type { AuditSink } from './audit.js';
import type { AuthorizeOverride } from './authorize.js';
import type { PolicyCache } from './policy-cache.js';
import type { Sealer } from './sealer.js';
import type { SessionClaims } from './session.js';

export const SERVICE_NAMES = ['iam', 'sts', 'ec2'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The authenticated caller of one request. */
export type Caller =
  /** Only STS AssumeRoleWithSAML is accepted without a signature. */
  | { readonly kind: 'anonymous' }
  /** The account's admin key: the account root user, which identity policies do not restrict. */
  | { readonly kind: 'root'; readonly accountId: string; readonly accessKeyId: string }
  | { readonly kind: 'user'; readonly accountId: string; readonly accessKeyId: string; readonly user: User }
  | { readonly kind: 'session'; readonly accountId: string; readonly accessKeyId: string; readonly session: SessionClaims };

export interface AdminCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What the composition root gives every operation. */
export interface ServiceEnv {
  readonly store: Store;
  readonly accountId: string;
  /** The region used when a request names none (unsigned STS calls). */
  readonly defaultRegion: string;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly sealer: Sealer;
  readonly admin: AdminCredentials;
  readonly audit: AuditSink;
  readonly policies: PolicyCache;
  readonly signingKeys: SigningKeyCache;
  /** EC2 behaviour: seconds a `pending`/`stopping`/`shutting-down` instance takes to settle (0: at the next read). */
  readonly ec2: { transitionSeconds: number };
  /** Logged-only detail (internal failures with their request id). */
  readonly log: (record: Record<string, unknown>) => void;
  /** This node's name in its audit records, when several nodes share one store (issue #8). */
  readonly nodeId?: string;
}

/** Facts of the transport that authorization reads (aws:SourceIp, aws:SecureTransport, aws:UserAgent). */
export interface TransportFacts {
  readonly sourceIp: string;
  readonly secure: boolean;
  readonly userAgent?: string;
}

/** One authorization question: may the caller do `action` on `resource`, with these request-specific keys? */
export interface AuthzCheck {
  /** `ec2:StopInstances`. */
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Keys of this action and resource (`ec2:ResourceTag/K`, `aws:RequestTag/K`, `aws:TagKeys`, …). */
  readonly context?: ContextInput;
}

export interface ActionContext {
  readonly env: ServiceEnv;
  readonly requestId: string;
  /** The request time, read once. */
  readonly now: Date;
  readonly service: ServiceName;
  /** The region of the credential scope (IAM: always us-east-1 for authorization). */
  readonly region: string;
  readonly caller: Caller;
  readonly transport: TransportFacts;
  /**
   * Authorizes every check (all must be allowed) or throws the service's denial: EC2
   * `UnauthorizedOperation` with an encoded message, IAM/STS `AccessDenied`. A handler calls it
   * after reading what the checks need and before changing anything.
   */
  authorize(checks: AuthzCheck | readonly AuthzCheck[]): Promise<void>;
  /**
   * Authorizes against other policies than the caller's — a role's trust policy for
   * AssumeRoleWithSAML, whose caller is anonymous — throwing `override.denial` when not allowed.
   */
  authorizeWith(checks: AuthzCheck | readonly AuthzCheck[], override: AuthorizeOverride): Promise<void>;
  /** Adds facts to this call's audit record (e.g. the assumed role for AssumeRoleWithSAML). */
  note(fields: Record<string, unknown>): void;
}

export interface ActionDefinition<I = Record<string, unknown>, O = unknown> {
  readonly name: string;
  /** Accepted without a SigV4 signature (STS AssumeRoleWithSAML only). */
  readonly unsigned?: boolean;
  /**
   * `none`: the action needs no permission (STS GetCallerIdentity). Every other action must call
   * `ctx.authorize` before it returns, or invoke fails it closed.
   */
  readonly authorization?: 'none';
  /** Input members whose values never reach the audit log (secrets, assertions). */
  readonly secretInputs?: readonly string[];
  handle(input: I, ctx: ActionContext): Promise<O>;
}

/** Declares an action; the type parameters come from the generated model types. */
export function defineAction<I, O>(definition: ActionDefinition<I, O>): ActionDefinition<I, O> {
  return definition;
}
