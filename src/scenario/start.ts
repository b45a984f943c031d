// A scenario's life on a data directory, and the throw-away servers of `check` and `matrix`.
//
// `tessera up` applies a scenario ONCE per data directory and records it (`scenario.json`: the file,
// the sha256 of the world it describes, the ids the world was given). A later start with the same
// world applies nothing (it only follows a new origin); with a changed world it refuses with a
// clear message instead of mixing two worlds. The record is written after the world's transaction
// committed; a crash between the two leaves a world without a record, which the next start reports
// as a conflict (EntityAlreadyExists) rather than applying twice.

import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTessera, type Tessera, type TesseraOptions } from '../main.js';
import { applyScenario, followOrigin, type AppliedWorld } from './apply.js';
import { ScenarioError } from './errors.js';
import { displayPath } from './parse.js';
import type { Scenario } from './schema.js';

export const RECORD_FILE = 'scenario.json';

export interface AppliedRecord {
  readonly version: 1;
  /** The scenario file's absolute path. */
  readonly scenario: string;
  readonly worldHash: string;
  readonly appliedAt: string;
  readonly world: AppliedWorld;
}

export function readRecord(dataDir: string): AppliedRecord | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, RECORD_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const record = JSON.parse(text) as AppliedRecord;
  if (record.version !== 1 || typeof record.worldHash !== 'string') throw new ScenarioError('ERR_SCENARIO_CHANGED', `${join(dataDir, RECORD_FILE)} is not a scenario record this Tessera can read`);
  return record;
}

function writeRecord(dataDir: string, record: AppliedRecord): void {
  const path = join(dataDir, RECORD_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  renameSync(temp, path);
}

/** Options for startTessera that a scenario decides: account, region, issuer, admin. */
export function tesseraOptionsFor(scenario: Scenario): Pick<TesseraOptions, 'accountId' | 'region' | 'scenarioAdmin' | 'idp'> {
  return {
    accountId: scenario.account,
    region: scenario.region,
    ...(scenario.aws.admin === undefined ? {} : { scenarioAdmin: { accessKeyId: scenario.aws.admin.accessKeyId, secretAccessKey: scenario.aws.admin.secretAccessKey } }),
    // urn:<tenant domain>: the issuer AWS pins does not move with the port (auth0.md §2.1).
    idp: { issuer: `urn:${scenario.idp.tenant.domain}` },
  };
}

export type EnsureOutcome = { readonly applied: boolean; readonly record: AppliedRecord };

/**
 * Refuses a data directory that holds another world than `scenario` (ERR_SCENARIO_CHANGED). Called
 * before the server starts, so a refused start changes nothing (not even the stored admin key).
 */
export function checkRecord(dataDir: string, scenario: Scenario): AppliedRecord | undefined {
  const existing = readRecord(dataDir);
  if (existing !== undefined && existing.worldHash !== scenario.worldHash) {
    const same = existing.scenario === scenario.absolutePath;
    throw new ScenarioError(
      'ERR_SCENARIO_CHANGED',
      `the data directory \`${dataDir}\` holds the world of \`${displayPath(existing.scenario, process.cwd())}\` as applied at ${existing.appliedAt}; ` +
        `${same ? `\`${scenario.file}\` has changed since` : `\`${scenario.file}\` describes another world`}. ` +
        `Nothing was changed. Serve it from a fresh data directory (--data DIR), or remove \`${dataDir}\` to start over.`,
    );
  }
  return existing;
}

/** Applies `scenario` unless this data directory already holds its world; refuses another world. */
export async function ensureScenario(tessera: Tessera, scenario: Scenario, now: Date): Promise<EnsureOutcome> {
  const existing = checkRecord(tessera.dataDir, scenario);
  if (existing !== undefined) {
    if (existing.world.origin !== tessera.idp.urls.origin) {
      await followOrigin(tessera, scenario);
      const world: AppliedWorld = {
        ...existing.world,
        origin: tessera.idp.urls.origin,
        clients: existing.world.clients.map((c) => ({ ...c, loginUrl: tessera.idp.urls.sso(c.clientId) })),
      };
      const record = { ...existing, world };
      writeRecord(tessera.dataDir, record);
      return { applied: false, record };
    }
    return { applied: false, record: existing };
  }
  const world = await applyScenario(tessera, scenario);
  const record: AppliedRecord = { version: 1, scenario: scenario.absolutePath, worldHash: scenario.worldHash, appliedAt: now.toISOString(), world };
  writeRecord(tessera.dataDir, record);
  return { applied: true, record };
}

export interface ScenarioServer {
  readonly tessera: Tessera;
  readonly world: AppliedWorld;
  /** Lines the server logged at level error (internal failures), for a report. */
  readonly errors: readonly string[];
  close(): Promise<void>;
}

/**
 * A private Tessera for one check run: a fresh temporary data directory, a free loopback port, the
 * scenario applied; `close` stops it and removes the directory. Environment settings (TESSERA_*) are
 * not read: a check is the scenario and nothing else.
 */
export async function startScenarioServer(scenario: Scenario): Promise<ScenarioServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-check-'));
  const errors: string[] = [];
  let tessera: Tessera | undefined;
  try {
    tessera = await startTessera({
      dataDir,
      host: '127.0.0.1',
      port: 0,
      environment: {},
      log: (r) => {
        if (r['level'] === 'error') errors.push(JSON.stringify(r));
      },
      ...tesseraOptionsFor(scenario),
    });
    const world = await applyScenario(tessera, scenario);
    const running = tessera;
    return {
      tessera: running,
      world,
      errors,
      async close() {
        await running.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await tessera?.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
