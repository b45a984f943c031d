// Loads a scenario: parse (shape, positions, referenced files) then validate (references, policies,
// add-on settings, scripts, expectations). The result is either a scenario with its warnings, or
// every problem found — never a half-checked scenario.

import { ScenarioError, sortIssues, type ScenarioIssue } from './errors.js';
import { parseScenarioFile } from './parse.js';
import type { Scenario } from './schema.js';
import { Issues } from './source.js';
import { validateScenario } from './validate.js';

export type LoadResult =
  | { readonly ok: true; readonly scenario: Scenario; readonly warnings: readonly ScenarioIssue[] }
  | { readonly ok: false; readonly file: string; readonly issues: readonly ScenarioIssue[] };

export function loadScenario(path: string, cwd: string = process.cwd()): LoadResult {
  const issues = new Issues();
  const scenario = parseScenarioFile(path, cwd, issues);
  if (scenario !== undefined) validateScenario(scenario, issues);
  const file = scenario?.file ?? issues.list[0]?.loc.file ?? path;
  const sorted = sortIssues(issues.list, file);
  if (scenario === undefined || issues.errorCount > 0) return { ok: false, file, issues: sorted };
  return { ok: true, scenario, warnings: sorted };
}

/** loadScenario, throwing a ScenarioError (ERR_SCENARIO_INVALID, with every issue) when it is not valid. */
export function loadScenarioOrThrow(path: string, cwd?: string): { scenario: Scenario; warnings: readonly ScenarioIssue[] } {
  const r = loadScenario(path, cwd);
  if (!r.ok) {
    const errors = r.issues.filter((i) => i.severity === 'error').length;
    throw new ScenarioError('ERR_SCENARIO_INVALID', `${r.file}: ${errors} error${errors === 1 ? '' : 's'}`, r.issues);
  }
  return r;
}
