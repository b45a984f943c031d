// security.md V1: signatures are compared with crypto.timingSafeEqual on two equal-length buffers, for
// known and unknown keys alike (V10), and a malformed signature never reaches the comparison.

import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const { timingSafeEqual } = await import('node:crypto');
const { signRequest } = await import('./sign.js');
const { verifySigV4 } = await import('./verify.js');

const KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NOW = new Date('2026-01-15T10:00:00Z');
const request = signRequest(
  { method: 'POST', path: '/', headers: [['Host', 'localhost']], body: 'Action=GetCallerIdentity&Version=2011-06-15' },
  KEY,
  { region: 'us-east-1', service: 'sts', now: NOW },
);
const spy = vi.mocked(timingSafeEqual);

afterEach(() => spy.mockClear());

describe('signature comparison', () => {
  it('uses timingSafeEqual on two 32-byte buffers when the key is known', () => {
    const result = verifySigV4(request, { now: NOW, lookupSecret: () => ({ secretAccessKey: KEY.secretAccessKey }) });
    expect(result.ok).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0] as [Uint8Array, Uint8Array];
    expect([a.length, b.length]).toEqual([32, 32]);
  });

  it('still computes and compares when the key is unknown', () => {
    const result = verifySigV4(request, { now: NOW, lookupSecret: () => undefined });
    expect(result.ok ? 'verified' : result.code).toBe('InvalidClientTokenId');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('never compares a signature of the wrong length', () => {
    const bad = {
      ...request,
      headers: request.headers.map(([n, v]) => [n, n === 'Authorization' ? v.slice(0, -1) : v] as const),
    };
    const result = verifySigV4(bad, { now: NOW, lookupSecret: () => ({ secretAccessKey: KEY.secretAccessKey }) });
    expect(result.ok ? 'verified' : result.reason).toBe('ERR_SIGV4_SIGNATURE_MALFORMED');
    expect(spy).not.toHaveBeenCalled();
  });
});
