// The console store contract: the behaviour every adapter must show for src/store/console-port.ts,
// written once and run against each adapter (test/store/sqlite-console.test.ts today, PostgreSQL with
// issue #8). It speaks only the port: codes and observable results, never SQL or files. "Two nodes"
// are two handles on one database (StoreFixture.openAnother).

import { describe, expect, it } from 'vitest';
import type { ConsoleSession, PendingSignIn } from '../../src/store/console-port.js';
import { isStoreError } from '../../src/store/errors.js';
import type { StoreErrorCode } from '../../src/store/index.js';
import type { StoreHarness } from './contract.js';

const T0 = new Date('2024-03-04T05:06:07.890Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

let counter = 0;
function hash(): string {
  return (++counter).toString(16).padStart(64, '0');
}

export function consoleSession(over: Partial<ConsoleSession> = {}): ConsoleSession {
  return {
    sessionIdHash: hash(),
    createDate: T0,
    expiresAt: at(3600),
    roleArn: 'arn:aws:iam::013823792818:role/AccessByCostCenter',
    sessionName: 'jane@example.com',
    sessionTags: [{ key: 'CostCenter', value: 'marketing' }],
    credentialsSealed: new Uint8Array([1, 2, 3, 250, 0, 7]),
    csrfToken: 'csrf-token-value',
    assertionJson: '{"issuer":"urn:idp","nameId":{"value":"jane"}}',
    ...over,
  };
}

export function pending(over: Partial<PendingSignIn> = {}): PendingSignIn {
  return { refHash: hash(), browserHash: hash(), responseSealed: new Uint8Array([9, 8, 7]), relayState: '/console', expiresAt: at(300), ...over };
}

async function rejectsWith(p: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(isStoreError(e), String(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, got success`);
}

export function consoleStoreContract(harness: StoreHarness): void {
  describe(`console store contract: ${harness.name}`, () => {
    const withStore = async (fn: (f: Awaited<ReturnType<StoreHarness['create']>>) => Promise<void>) => {
      const f = await harness.create();
      try {
        await fn(f);
      } finally {
        await f.dispose();
      }
    };

    it('creates a session and reads it back by hash until it expires', () =>
      withStore(async ({ store }) => {
        const s = consoleSession();
        const created = await store.consoleSessions.create(s);
        expect(created).toEqual(s);
        const got = await store.consoleSessions.get(s.sessionIdHash, at(10));
        expect(got).toEqual(s);
        expect(got?.credentialsSealed).toBeInstanceOf(Uint8Array);
        expect(await store.consoleSessions.get(s.sessionIdHash, at(3599))).toBeDefined();
        expect(await store.consoleSessions.get(s.sessionIdHash, at(3600))).toBeUndefined();
        expect(await store.consoleSessions.get(hash(), at(10))).toBeUndefined();
      }));

    it('returns new objects: changing one never changes the store', () =>
      withStore(async ({ store }) => {
        const s = consoleSession();
        await store.consoleSessions.create(s);
        const a = await store.consoleSessions.get(s.sessionIdHash, T0);
        (a?.sessionTags as { key: string; value: string }[]).push({ key: 'x', value: 'y' });
        (a?.credentialsSealed as Uint8Array)[0] = 99;
        const b = await store.consoleSessions.get(s.sessionIdHash, T0);
        expect(b?.sessionTags).toEqual(s.sessionTags);
        expect(b?.credentialsSealed[0]).toBe(1);
      }));

    it('refuses a second session with the same hash (ERR_STORE_CONFLICT)', () =>
      withStore(async ({ store }) => {
        const s = consoleSession();
        await store.consoleSessions.create(s);
        await rejectsWith(store.consoleSessions.create({ ...s, sessionName: 'other' }), 'ERR_STORE_CONFLICT');
      }));

    it('refuses malformed input (ERR_STORE_INVALID_INPUT)', () =>
      withStore(async ({ store }) => {
        await rejectsWith(store.consoleSessions.create(consoleSession({ sessionIdHash: '' })), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(store.consoleSessions.create(consoleSession({ assertionJson: '{not json' })), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(store.consoleSessions.create(consoleSession({ sessionTags: [{ key: 1 } as unknown as { key: string; value: string }] })), 'ERR_STORE_INVALID_INPUT');
        await rejectsWith(store.consoleSessions.create(consoleSession({ expiresAt: new Date(Number.NaN) })), 'ERR_STORE_INVALID_INPUT');
      }));

    it('deletes a session (sign-out) and says whether one existed', () =>
      withStore(async ({ store }) => {
        const s = consoleSession();
        await store.consoleSessions.create(s);
        expect(await store.consoleSessions.delete(s.sessionIdHash)).toBe(true);
        expect(await store.consoleSessions.delete(s.sessionIdHash)).toBe(false);
        expect(await store.consoleSessions.get(s.sessionIdHash, T0)).toBeUndefined();
      }));

    it('keeps one flash message per session, taken exactly once', () =>
      withStore(async ({ store }) => {
        const s = consoleSession();
        await store.consoleSessions.create(s);
        expect(await store.consoleSessions.takeFlash(s.sessionIdHash, T0)).toBeUndefined();
        expect(await store.consoleSessions.setFlash(s.sessionIdHash, 'first', T0)).toBe(true);
        expect(await store.consoleSessions.setFlash(s.sessionIdHash, 'second', T0)).toBe(true);
        expect(await store.consoleSessions.takeFlash(s.sessionIdHash, T0)).toBe('second');
        expect(await store.consoleSessions.takeFlash(s.sessionIdHash, T0)).toBeUndefined();
        // Expired or absent sessions take no message.
        expect(await store.consoleSessions.setFlash(s.sessionIdHash, 'late', at(3600))).toBe(false);
        expect(await store.consoleSessions.setFlash(hash(), 'nobody', T0)).toBe(false);
      }));

    it('a flash set on one node is taken once across two nodes', () =>
      withStore(async ({ store, openAnother }) => {
        const other = await openAnother();
        const s = consoleSession();
        await store.consoleSessions.create(s);
        expect(await other.consoleSessions.get(s.sessionIdHash, T0)).toEqual(s);
        await store.consoleSessions.setFlash(s.sessionIdHash, 'hello', T0);
        const taken = await Promise.all([store.consoleSessions.takeFlash(s.sessionIdHash, T0), other.consoleSessions.takeFlash(s.sessionIdHash, T0)]);
        expect(taken.filter((t) => t === 'hello')).toHaveLength(1);
      }));

    it('takes a pending role choice exactly once, and never after it expired', () =>
      withStore(async ({ store, openAnother }) => {
        const p = pending();
        await store.consoleSessions.putPending(p);
        await rejectsWith(store.consoleSessions.putPending(p), 'ERR_STORE_CONFLICT');
        const other = await openAnother();
        const taken = await Promise.all([store.consoleSessions.takePending(p.refHash, at(1)), other.consoleSessions.takePending(p.refHash, at(1))]);
        const winners = taken.filter((t) => t !== undefined);
        expect(winners).toHaveLength(1);
        expect(winners[0]).toEqual(p);
        expect(await store.consoleSessions.takePending(p.refHash, at(2))).toBeUndefined();
        const late = pending();
        await store.consoleSessions.putPending(late);
        expect(await store.consoleSessions.takePending(late.refHash, at(300))).toBeUndefined();
        // Taken (and gone) even though it had expired.
        expect(await store.consoleSessions.takePending(late.refHash, at(1))).toBeUndefined();
      }));

    it('sweeps expired sessions and pending choices, and only those', () =>
      withStore(async ({ store }) => {
        const live = consoleSession({ expiresAt: at(7200) });
        const dead = consoleSession({ expiresAt: at(60) });
        const p1 = pending({ expiresAt: at(30) });
        const p2 = pending({ expiresAt: at(9000) });
        await store.consoleSessions.create(live);
        await store.consoleSessions.create(dead);
        await store.consoleSessions.putPending(p1);
        await store.consoleSessions.putPending(p2);
        expect(await store.consoleSessions.sweep(at(60))).toBe(2);
        expect(await store.consoleSessions.sweep(at(60))).toBe(0);
        expect(await store.consoleSessions.get(live.sessionIdHash, at(61))).toBeDefined();
        expect(await store.consoleSessions.takePending(p2.refHash, at(61))).toBeDefined();
      }));

    it('works inside a transaction and rolls back with it', () =>
      withStore(async ({ store }) => {
        const kept = consoleSession();
        const dropped = consoleSession();
        await store.transaction(async (tx) => {
          await tx.consoleSessions.create(kept);
        });
        await expect(
          store.transaction(async (tx) => {
            await tx.consoleSessions.create(dropped);
            throw new Error('abort');
          }),
        ).rejects.toThrow('abort');
        expect(await store.consoleSessions.get(kept.sessionIdHash, T0)).toBeDefined();
        expect(await store.consoleSessions.get(dropped.sessionIdHash, T0)).toBeUndefined();
      }));
  });
}
