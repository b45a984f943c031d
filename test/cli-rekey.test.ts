// `tessera rekey` (issue #8): master-key rotation rewraps the store's sealing key; what was sealed
// before (here the admin key's secret) opens with the new master key only, and a wrong current key
// changes nothing.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rekeyCommand } from '../src/cli/rekey.js';
import { ConfigError, bootstrapAdmin, loadMasterKey, loadSealer } from '../src/main.js';
import { randomIds } from '../src/kernel/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { tempDir } from './support/server.js';

const NOW = new Date('2026-11-29T12:00:00Z');

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, stdin: Readable.from([]) },
  };
}

async function adminSecret(dataDir: string, master: Buffer): Promise<string> {
  const store = await openSqliteStore({ path: join(dataDir, 'tessera.db') });
  try {
    const sealer = await loadSealer(store, master, NOW);
    return (await bootstrapAdmin(store, sealer, '013823792818', randomIds, NOW, {}, undefined)).secretAccessKey;
  } finally {
    await store.close();
  }
}

describe('tessera rekey', () => {
  it('rewraps the sealing key under the new master key and replaces master.key', async () => {
    const dataDir = tempDir('tessera-rekey-');
    const oldKey = loadMasterKey(dataDir, {});
    const secret = await adminSecret(dataDir, oldKey);
    const fresh = randomBytes(32);
    const { out, io: cli } = io();
    expect(await rekeyCommand(['--data', dataDir], cli, { TESSERA_NEW_MASTER_KEY: fresh.toString('base64') })).toBe(0);
    expect(out.stdout).toContain('new master key');
    expect(Buffer.from(readFileSync(join(dataDir, 'master.key'), 'utf8').trim(), 'base64').equals(fresh)).toBe(true);
    // The stored admin key opens with the new master key (nothing re-sealed), and no longer with the old one.
    expect(await adminSecret(dataDir, fresh)).toBe(secret);
    await expect(adminSecret(dataDir, oldKey)).rejects.toThrow(ConfigError);
  });

  it('changes nothing when the current key is wrong, or the new one is missing or the same', async () => {
    const dataDir = tempDir('tessera-rekey-');
    const key = loadMasterKey(dataDir, {});
    const secret = await adminSecret(dataDir, key);
    const wrong = { TESSERA_MASTER_KEY: randomBytes(32).toString('base64'), TESSERA_NEW_MASTER_KEY: randomBytes(32).toString('base64') };
    let r = io();
    expect(await rekeyCommand(['--data', dataDir], r.io, wrong)).toBe(2);
    expect(r.out.stderr).toMatch(/does not open/);
    r = io();
    expect(await rekeyCommand(['--data', dataDir], r.io, {})).toBe(2);
    expect(r.out.stderr).toMatch(/TESSERA_NEW_MASTER_KEY must be/);
    r = io();
    expect(await rekeyCommand(['--data', dataDir], r.io, { TESSERA_NEW_MASTER_KEY: key.toString('base64') })).toBe(2);
    expect(r.out.stderr).toMatch(/is the current master key/);
    expect(loadMasterKey(dataDir, {}).equals(key)).toBe(true);
    expect(existsSync(join(dataDir, 'master.key.new'))).toBe(false);
    expect(await adminSecret(dataDir, key)).toBe(secret);
  });

  it('refuses a data directory that holds no Tessera state (a typo in --data)', async () => {
    const dataDir = tempDir('tessera-rekey-');
    const r = io();
    expect(await rekeyCommand(['--data', dataDir], r.io, { TESSERA_MASTER_KEY: randomBytes(32).toString('base64'), TESSERA_NEW_MASTER_KEY: randomBytes(32).toString('base64') })).toBe(2);
    expect(r.out.stderr).toMatch(/holds no Tessera state/);
  });
});
