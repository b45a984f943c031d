// `tessera rekey`: master-key rotation (issue #8, docs/deploy.md). The store's sealing key is
// rewrapped under the new master key in one write; no sealed value is touched, so sessions, access
// keys and IdP keys keep working, and nodes already running keep serving until restarted.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadMasterKey, openStore, rekeyStore, sharedStoreUrl } from '../main.js';
import type { CliIo, ExitCode } from './io.js';
import { EXIT } from './io.js';

export const REKEY_HELP = `Usage: tessera rekey [--data DIR] [--store URL]

Rotates the master key: the store's sealing key is rewrapped under TESSERA_NEW_MASTER_KEY (base64 of
32 bytes). The current master key is TESSERA_MASTER_KEY, else the data directory's master.key (which
is then replaced by the new key). Nothing sealed is re-encrypted; restart every node with the new key.

Options:
  --data DIR    the data directory (default ./.tessera): its SQLite store and master.key
  --store URL   a shared PostgreSQL store (default TESSERA_DATABASE_URL)
`;

function writeSynced(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export async function rekeyCommand(argv: readonly string[], io: CliIo, environment: Readonly<Record<string, string | undefined>> = process.env): Promise<ExitCode> {
  const { values } = parseArgs({
    args: [...argv],
    options: { data: { type: 'string' }, store: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(REKEY_HELP);
    return EXIT.ok;
  }
  const dataDir = resolve(values.data ?? '.tessera');
  try {
    const fresh = Buffer.from(environment['TESSERA_NEW_MASTER_KEY'] ?? '', 'base64');
    if (fresh.length !== 32) throw new ConfigError('TESSERA_NEW_MASTER_KEY must be the base64 of 32 bytes');
    const sharedUrl = sharedStoreUrl(values.store, environment);
    const fromEnvironment = (environment['TESSERA_MASTER_KEY'] ?? '') !== '';
    if (sharedUrl !== undefined && !fromEnvironment) throw new ConfigError('a shared store needs the current key in TESSERA_MASTER_KEY');
    const current = loadMasterKey(dataDir, environment);
    if (current.equals(fresh)) throw new ConfigError('TESSERA_NEW_MASTER_KEY is the current master key');
    const path = join(dataDir, 'master.key');
    if (!fromEnvironment) {
      // The new key is on disk (synced) before the store is rewrapped under it: a crash between
      // the two leaves both keys on disk (master.key and master.key.new), never a store no key opens.
      writeSynced(`${path}.new`, fresh.toString('base64') + '\n');
    }
    const { store, location } = await openStore(dataDir, sharedUrl);
    try {
      await rekeyStore(store, current, fresh, new Date());
    } catch (e) {
      if (!fromEnvironment) rmSync(`${path}.new`, { force: true });
      throw e;
    } finally {
      await store.close();
    }
    if (!fromEnvironment) {
      renameSync(`${path}.new`, path);
      syncDirectory(dataDir);
      io.stdout.write(`The sealing key of ${location} is now wrapped under the new master key, written to ${path}.\n`);
    } else {
      io.stdout.write(`The sealing key of ${location} is now wrapped under the new master key. Set TESSERA_MASTER_KEY to it on every node and restart them.\n`);
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr.write(`tessera rekey: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
