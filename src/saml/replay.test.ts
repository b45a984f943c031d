import { describe, expect, it } from 'vitest';
import { MemoryReplayGuard } from './replay.js';

describe('MemoryReplayGuard', () => {
  it('accepts an assertion once and refuses its replay until it expires', async () => {
    const g = new MemoryReplayGuard();
    expect(await g.claim('urn:idp', '_a1', 2_000, 1_000)).toBe(true);
    expect(await g.claim('urn:idp', '_a1', 2_000, 1_500)).toBe(false);
    expect(await g.claim('urn:other', '_a1', 2_000, 1_500)).toBe(true);
    expect(await g.claim('urn:idp', '_a1', 4_000, 2_001)).toBe(true);
  });

  it('keeps issuer and ID apart even when their text could be joined the same way', async () => {
    const g = new MemoryReplayGuard();
    expect(await g.claim('a:b', 'c', 9_000, 0)).toBe(true);
    expect(await g.claim('a', 'b:c', 9_000, 0)).toBe(true);
  });

  it('fails closed when full of live entries, and frees expired ones', async () => {
    const g = new MemoryReplayGuard(2);
    expect(await g.claim('i', '1', 100, 0)).toBe(true);
    expect(await g.claim('i', '2', 100, 0)).toBe(true);
    expect(await g.claim('i', '3', 100, 50)).toBe(false);
    expect(await g.claim('i', '3', 200, 150)).toBe(true);
  });
});
