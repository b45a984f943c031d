// Shared by the sandbox suites: the sandbox child runs from dist/ (compiled by tsc), so a suite first makes
// sure dist/sandbox is at least as new as src/sandbox, building once (under a lock) when it is not.

import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src', 'sandbox');
const DIST = join(ROOT, 'dist', 'sandbox');
const LOCK = join(tmpdir(), 'tessera-sandbox-build.lock');

function mtime(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

/** The src/sandbox modules whose compiled copy is missing or older than the source. */
export function staleSandboxModules(): string[] {
  return readdirSync(SRC)
    .filter((f) => f.endsWith('.ts') && !/\.(test|bench)\.ts$/.test(f))
    .filter((f) => mtime(join(DIST, f.replace(/\.ts$/, '.js'))) < mtime(join(SRC, f)));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Builds with `tsc -p tsconfig.build.json` when dist/sandbox is stale. Other modules' type errors don't block
 * the emit; only a sandbox module that is still stale afterwards fails the suite. */
export async function ensureSandboxBuilt(): Promise<void> {
  if (staleSandboxModules().length === 0) return;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() - mtime(LOCK) > 180_000) rmdirSync(LOCK); // a builder that died
      await sleep(200);
    }
  }
  try {
    if (staleSandboxModules().length === 0) return;
    let output = '';
    try {
      await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
    } catch (e) {
      output = String((e as { stdout?: unknown }).stdout ?? e);
    }
    const stale = staleSandboxModules();
    if (stale.length > 0) throw new Error(`dist/sandbox is still stale after tsc (${stale.join(', ')}):\n${output.slice(0, 4000)}`);
  } finally {
    rmdirSync(LOCK);
  }
}

/**
 * The seed's rule exactly as the Auth0 guide prints it, blank lines and trailing space included:
 * examples/seed-rule.js is the guide's ```js block copied byte for byte (the guide itself lives
 * outside the repository, in ../shared/seed, which CI does not have).
 */
export const SEED_RULE_PATH = resolve(ROOT, 'examples', 'seed-rule.js');

/** The seed's rule, verbatim from the guide's ```js block. */
export function seedRuleFromGuide(): string {
  return readFileSync(SEED_RULE_PATH, 'utf8');
}

/** What the seed's rule must produce for jane (DESIGN.md §1; auth0.md §1). */
export const SEED_ROLE =
  'arn:aws:iam::013823792818:role/AccessByCostCenter,arn:aws:iam::013823792818:saml-provider/auth0SamlProvider';
export const SEED_MAPPINGS = {
  'https://aws.amazon.com/SAML/Attributes/Role': 'awsRole',
  'https://aws.amazon.com/SAML/Attributes/RoleSessionName': 'awsRoleSession',
  'https://aws.amazon.com/SAML/Attributes/PrincipalTag:CostCenter': 'CostCenter',
  'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project': 'Project',
};
export const JANE = { user_id: 'auth0|jane', email: 'jane@example.com', name: 'Jane', email_verified: true };
export const SAML_CONTEXT = { clientID: 'aws', protocol: 'samlp', samlConfiguration: { audience: 'urn:amazon:webservices' } };
