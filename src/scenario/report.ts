// Text renderings shared by the scenario commands: problems with file:line:column, fixed-width tables.

import { formatIssue, type ScenarioIssue } from './errors.js';

export function issueLines(issues: readonly ScenarioIssue[]): string {
  return issues.map((i) => `${formatIssue(i)}\n`).join('');
}

/** Display width: one column per code point (✓, ✗ and ASCII alike). */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - width(s)));
}

/** A plain table: header, a rule, rows; columns as wide as their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** `AccessByCostCenter` from `arn:aws:iam::…:role/AccessByCostCenter`. */
export function roleName(arn: string | undefined): string {
  if (arn === undefined) return '-';
  const i = arn.lastIndexOf('/');
  return i < 0 ? arn : arn.slice(i + 1);
}
