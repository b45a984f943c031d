import { describe, expect, it } from 'vitest';
import { idRandomBytes } from './random.js';

describe('idRandomBytes', () => {
  it('hands out the requested number of bytes, never the same bytes twice across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const b = idRandomBytes(16);
      expect(b.length).toBe(16);
      const hex = b.toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
    expect(idRandomBytes(0).length).toBe(0);
    expect(idRandomBytes(256).length).toBe(256);
  });

  it('returns a copy: changing one id never changes the next', () => {
    const a = idRandomBytes(8);
    const before = a.toString('hex');
    a.fill(0);
    expect(idRandomBytes(8).toString('hex')).not.toBe('0000000000000000');
    expect(before).not.toBe('0000000000000000');
  });

  it('refuses sizes outside 0..256', () => {
    expect(() => idRandomBytes(257)).toThrow(RangeError);
    expect(() => idRandomBytes(-1)).toThrow(RangeError);
    expect(() => idRandomBytes(1.5)).toThrow(RangeError);
  });

  it('looks uniform: every byte value appears about equally often', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 1024; i++) for (const b of idRandomBytes(64)) counts[b] = (counts[b] ?? 0) + 1;
    // 65,536 bytes: 256 expected per value; a real CSPRNG stays well inside 160..360.
    expect(Math.min(...counts)).toBeGreaterThan(160);
    expect(Math.max(...counts)).toBeLessThan(360);
  });
});
