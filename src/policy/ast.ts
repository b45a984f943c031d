// The typed AST of an IAM policy document, produced only by parse.ts from validated JSON.
// Nothing here evaluates; values are kept exactly as written (strings), positions kept for reports.

export const POLICY_KINDS = ['identity', 'resource', 'trust', 'session', 'boundary'] as const;
/** Which IAM policy type a document is validated as: the grammar differs (Principal, Resource, Sid). */
export type PolicyKind = (typeof POLICY_KINDS)[number];

export const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const;
export type PolicyVersion = (typeof POLICY_VERSIONS)[number];

export const PRINCIPAL_TYPES = ['AWS', 'Federated', 'Service', 'CanonicalUser'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

export type Effect = 'Allow' | 'Deny';

export interface SourceSpan {
  /** 0-based offsets into the document text; `end` exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface PrincipalNode {
  /** `NotPrincipal` rather than `Principal`. */
  readonly negated: boolean;
  /** `"Principal": "*"`. */
  readonly wildcard: boolean;
  readonly entries: readonly { readonly type: PrincipalType; readonly value: string }[];
}

export interface ConditionNode {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** The key as written; matching is case-insensitive. */
  readonly key: string;
  /** Values normalised to strings (`true` → `"true"`, `3` → `"3"`), as IAM does. */
  readonly values: readonly string[];
  readonly path: string;
}

export interface StatementNode {
  /** 0-based position in the Statement list. */
  readonly index: number;
  readonly path: string;
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly principal: PrincipalNode | undefined;
  readonly action: { readonly negated: boolean; readonly patterns: readonly string[] };
  /** Absent only in trust policies, which may not name a resource. */
  readonly resource: { readonly negated: boolean; readonly patterns: readonly string[] } | undefined;
  readonly conditions: readonly ConditionNode[];
  readonly span: SourceSpan;
}

export interface PolicyDocument {
  readonly kind: PolicyKind;
  /** `undefined` when omitted: IAM then applies 2008-10-17 rules (policy variables are literal text). */
  readonly version: PolicyVersion | undefined;
  readonly id: string | undefined;
  readonly statements: readonly StatementNode[];
  /** The exact text that was parsed, for positions in reports. */
  readonly source: string;
}
