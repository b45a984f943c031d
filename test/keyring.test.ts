// The keyring (issue #8): the sealing key lives in the store, wrapped under the master key. A fresh
// store gets a random sealing key (not the master key); every node with the same master key opens
// the same one; a node with another master key is refused at start; a store written before the
// keyring existed keeps opening what it sealed; the store alone (without the master key) opens nothing.

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSealer, redactUrl, sharedStoreUrl } from '../src/main.js';
import { SEALING_KEY_NAME, Sealer, unwrapKey } from '../src/services/sealer.js';
import { openSqliteStore } from '../src/store/index.js';
import { sqliteScratch } from './store/sqlite-scratch.js';

const { freshPath } = sqliteScratch('tessera-keyring-');
const NOW = new Date('2026-11-29T12:00:00Z');

describe('loadSealer', () => {
  it('makes a random sealing key on a fresh store, wrapped so that only the master key opens it', async () => {
    const store = await openSqliteStore({ path: freshPath() });
    const master = randomBytes(32);
    const sealer = await loadSealer(store, master, NOW);
    const entry = await store.keyring.get(SEALING_KEY_NAME);
    expect(entry).toBeDefined();
    const dataKey = unwrapKey(master, SEALING_KEY_NAME, (entry as NonNullable<typeof entry>).wrapped) as Buffer;
    expect(dataKey).toHaveLength(32);
    expect(dataKey.equals(master)).toBe(false);
    // The wrapped bytes are not the key.
    expect(Buffer.from((entry as NonNullable<typeof entry>).wrapped).includes(dataKey)).toBe(false);
    const sealed = sealer.seal('session-token', Buffer.from('hello'), 'ASIA1');
    // Another node (same master key) opens it; a Sealer on the master key itself does not.
    const again = await loadSealer(store, master, NOW);
    expect(again.open('session-token', sealed, 'ASIA1')?.toString()).toBe('hello');
    expect(new Sealer(master).open('session-token', sealed, 'ASIA1')).toBeUndefined();
    await store.close();
  });

  it('refuses to start with another master key', async () => {
    const store = await openSqliteStore({ path: freshPath() });
    await loadSealer(store, randomBytes(32), NOW);
    await expect(loadSealer(store, randomBytes(32), NOW)).rejects.toThrow(ConfigError);
    await expect(loadSealer(store, randomBytes(32), NOW)).rejects.toThrow(/same TESSERA_MASTER_KEY/);
    await store.close();
  });

  it('keeps opening what a store sealed before the keyring existed', async () => {
    const store = await openSqliteStore({ path: freshPath() });
    const master = randomBytes(32);
    // Before issue #8 every purpose key derived from the master key directly.
    const legacy = new Sealer(master);
    await store.account.initialize({
      accountId: '013823792818',
      adminAccessKeyId: 'AKIALEGACY0000000001',
      adminSecretSealed: legacy.seal('access-key-secret', Buffer.from('legacy-secret-000000'), 'AKIALEGACY0000000001'),
      updateDate: NOW,
    });
    const sealer = await loadSealer(store, master, NOW);
    const stored = await store.account.get();
    expect(sealer.open('access-key-secret', (stored as NonNullable<typeof stored>).adminSecretSealed, 'AKIALEGACY0000000001')?.toString()).toBe('legacy-secret-000000');
    expect(await store.keyring.get(SEALING_KEY_NAME)).toBeDefined();
    await store.close();
  });

  it('refuses a wrong master key on a store sealed before the keyring, and records nothing', async () => {
    const store = await openSqliteStore({ path: freshPath() });
    const master = randomBytes(32);
    await store.account.initialize({
      accountId: '013823792818',
      adminAccessKeyId: 'AKIALEGACY0000000002',
      adminSecretSealed: new Sealer(master).seal('access-key-secret', Buffer.from('legacy-secret-000000'), 'AKIALEGACY0000000002'),
      updateDate: NOW,
    });
    await expect(loadSealer(store, randomBytes(32), NOW)).rejects.toThrow(/does not open with this master key/);
    expect(await store.keyring.get(SEALING_KEY_NAME)).toBeUndefined();
    // The right key still works afterwards.
    const sealer = await loadSealer(store, master, NOW);
    const stored = await store.account.get();
    expect(sealer.open('access-key-secret', (stored as NonNullable<typeof stored>).adminSecretSealed, 'AKIALEGACY0000000002')?.toString()).toBe('legacy-secret-000000');
    await store.close();
  });

  it('agrees on one key when two nodes start on an empty store at once', async () => {
    const path = freshPath();
    const [s1, s2] = [await openSqliteStore({ path }), await openSqliteStore({ path })];
    const master = randomBytes(32);
    const [x, y] = await Promise.all([loadSealer(s1, master, NOW), loadSealer(s2, master, NOW)]);
    expect(y.open('console-session', x.seal('console-session', Buffer.from('z'), 'a'), 'a')?.toString()).toBe('z');
    await s1.close();
    await s2.close();
  });
});

describe('store selection', () => {
  it('takes a postgres URL from the option or TESSERA_DATABASE_URL, and refuses anything else', () => {
    expect(sharedStoreUrl(undefined, {})).toBeUndefined();
    expect(sharedStoreUrl(undefined, { TESSERA_DATABASE_URL: '' })).toBeUndefined();
    expect(sharedStoreUrl(undefined, { TESSERA_DATABASE_URL: 'postgres://u@h/db' })).toBe('postgres://u@h/db');
    expect(sharedStoreUrl('postgresql://u@h/db', { TESSERA_DATABASE_URL: 'postgres://x@y/z' })).toBe('postgresql://u@h/db');
    expect(() => sharedStoreUrl('mysql://u@h/db', {})).toThrow(/postgres:\/\//);
    expect(() => sharedStoreUrl('/tmp/tessera.db', {})).toThrow(ConfigError);
  });

  it('never shows the password of a store URL', () => {
    expect(redactUrl('postgres://tessera:s3cret@db.internal:5432/tessera')).toBe('postgres://tessera:***@db.internal:5432/tessera');
    expect(redactUrl('postgres://tessera@db.internal/tessera')).toBe('postgres://tessera@db.internal/tessera');
  });
});
