// Problems found in a scenario file: each with the file, line and column it points at, the field path
// inside the scenario (`aws.roles[0].policies[1]`) and a message in CONVENTIONS.md's style. Errors stop
// the scenario before anything is written; warnings are printed and the scenario goes on.

export const SCENARIO_ERROR_CODES = [
  /** The file is not readable, not YAML, or not the scenario's shape (every problem is in `issues`). */
  'ERR_SCENARIO_INVALID',
  /** Applying a valid scenario failed (a service refused it); nothing of it was kept. */
  'ERR_SCENARIO_APPLY',
  /** The data directory holds the world of another (or an earlier) version of the scenario. */
  'ERR_SCENARIO_CHANGED',
] as const;
export type ScenarioErrorCode = (typeof SCENARIO_ERROR_CODES)[number];

/** A place in a file: 1-based line and column. */
export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface ScenarioIssue {
  readonly severity: 'error' | 'warning';
  readonly loc: Loc;
  /** The field inside the scenario: `idp.users[1].email`, `aws.policies[0].document.Statement[1].Condition`. */
  readonly path: string;
  readonly message: string;
}

export class ScenarioError extends Error {
  constructor(
    readonly code: ScenarioErrorCode,
    message: string,
    readonly issues: readonly ScenarioIssue[] = [],
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}

export function isScenarioError(e: unknown, code?: ScenarioErrorCode): e is ScenarioError {
  return e instanceof ScenarioError && (code === undefined || e.code === code);
}

/** `scenarios/seed.yaml:12:7: aws.roles[0].policies[1]: unknown policy `Foo`` (editors jump to file:line:column). */
export function formatIssue(issue: ScenarioIssue): string {
  const where = `${issue.loc.file}:${issue.loc.line}:${issue.loc.column}`;
  const kind = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${kind}${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
}

/** Issues in reading order: the scenario file's first, by line and column, then each other file's. */
export function sortIssues(issues: readonly ScenarioIssue[], mainFile: string): ScenarioIssue[] {
  const rank = (f: string) => (f === mainFile ? '' : f);
  return [...issues].sort((a, b) => {
    const fa = rank(a.loc.file);
    const fb = rank(b.loc.file);
    if (fa !== fb) return fa < fb ? -1 : 1;
    return a.loc.line - b.loc.line || a.loc.column - b.loc.column;
  });
}
