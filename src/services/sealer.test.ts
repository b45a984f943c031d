import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SEALING_KEY_NAME, Sealer, unwrapKey, wrapKey } from './sealer.js';

describe('Sealer', () => {
  const sealer = new Sealer(randomBytes(32));

  it('opens what it sealed, for the same purpose and context', () => {
    const sealed = sealer.sealText('session-token', 'hello', 'ASIA1');
    expect(sealer.openText('session-token', sealed, 'ASIA1')).toBe('hello');
  });

  it('never opens a blob for another purpose or another context (swapping)', () => {
    const sealed = sealer.sealText('session-token', 'hello', 'ASIA1');
    expect(sealer.openText('authorization-message', sealed, 'ASIA1')).toBeUndefined();
    expect(sealer.openText('session-token', sealed, 'ASIA2')).toBeUndefined();
  });

  it('refuses every single flipped bit, truncation and foreign key (forgery)', () => {
    const sealed = sealer.seal('access-key-secret', Buffer.from('secret'), 'AKIA1');
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i] = (bad[i] as number) ^ 1;
      expect(sealer.open('access-key-secret', bad, 'AKIA1')).toBeUndefined();
    }
    expect(sealer.open('access-key-secret', sealed.subarray(0, sealed.length - 1), 'AKIA1')).toBeUndefined();
    expect(new Sealer(randomBytes(32)).open('access-key-secret', sealed, 'AKIA1')).toBeUndefined();
  });

  it('uses a fresh nonce each time', () => {
    expect(sealer.sealText('session-token', 'x', 'a')).not.toBe(sealer.sealText('session-token', 'x', 'a'));
  });

  it('refuses text that is not base64url and a root key of the wrong size', () => {
    expect(sealer.openText('session-token', 'a+b/c=', 'x')).toBeUndefined();
    expect(() => new Sealer(randomBytes(16))).toThrow(/32 bytes/);
  });

  describe('keyring wrapping', () => {
    const master = randomBytes(32);
    const dataKey = randomBytes(32);

    it('unwraps what it wrapped, with the same master key and name only', () => {
      const wrapped = wrapKey(master, SEALING_KEY_NAME, dataKey);
      expect(unwrapKey(master, SEALING_KEY_NAME, wrapped)).toEqual(dataKey);
      // A node started with another master key opens nothing.
      expect(unwrapKey(randomBytes(32), SEALING_KEY_NAME, wrapped)).toBeUndefined();
      // A row copied under another name opens nothing.
      expect(unwrapKey(master, 'other', wrapped)).toBeUndefined();
    });

    it('opens nothing from an altered or truncated wrapping', () => {
      const wrapped = wrapKey(master, SEALING_KEY_NAME, dataKey);
      for (let i = 0; i < wrapped.length; i++) {
        const bad = Buffer.from(wrapped);
        bad[i] = (bad[i] as number) ^ 0x01;
        expect(unwrapKey(master, SEALING_KEY_NAME, bad)).toBeUndefined();
      }
      expect(unwrapKey(master, SEALING_KEY_NAME, wrapped.subarray(0, wrapped.length - 1))).toBeUndefined();
    });

    it('wraps 32-byte keys only', () => {
      expect(() => wrapKey(master, SEALING_KEY_NAME, randomBytes(16))).toThrow(/32 bytes/);
      expect(() => wrapKey(randomBytes(16), SEALING_KEY_NAME, dataKey)).toThrow(/32 bytes/);
    });
  });
});
