import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { NO_TRUSTED_PROXIES, clientIp, clientSecure, forwardedAddress, parseTrustedProxies, rememberClient, resolveClient } from './client-address.js';

function req(peer: string, headers: Record<string, string | string[]> = {}, encrypted = false): IncomingMessage {
  return { socket: { remoteAddress: peer, encrypted }, headers } as unknown as IncomingMessage;
}

const lb = parseTrustedProxies('10.0.0.0/8, 192.168.1.7 fd00::/8');

describe('trusted proxies', () => {
  it('parses addresses and CIDR blocks of both families, and refuses anything else', () => {
    expect(lb.spec).toBe('10.0.0.0/8,192.168.1.7,fd00::/8');
    expect(lb.has('10.200.3.4')).toBe(true);
    expect(lb.has('::ffff:10.1.1.1')).toBe(true);
    expect(lb.has('192.168.1.7')).toBe(true);
    expect(lb.has('192.168.1.8')).toBe(false);
    expect(lb.has('fd00::1')).toBe(true);
    expect(lb.has('not-an-ip')).toBe(false);
    expect(parseTrustedProxies('')).toBe(NO_TRUSTED_PROXIES);
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '::1/129', '1.2.3.4/x']) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(/trusted proxy `/);
    }
  });
});

describe('resolveClient', () => {
  it('believes no header from a peer that is not a trusted proxy (forged X-Forwarded-For)', () => {
    const r = req('203.0.113.9', { 'x-forwarded-for': '10.0.0.1', 'x-forwarded-proto': 'https' });
    expect(resolveClient(r, lb)).toEqual({ ip: '203.0.113.9', secure: false });
    expect(resolveClient(r, NO_TRUSTED_PROXIES)).toEqual({ ip: '203.0.113.9', secure: false });
  });

  it('takes the address the trusted proxy appended, not the entries the client wrote before it', () => {
    // The client sent `X-Forwarded-For: 10.9.9.9, 1.1.1.1`; the load balancer appended the real peer.
    const r = req('10.0.0.5', { 'x-forwarded-for': '10.9.9.9, 1.1.1.1, 198.51.100.20', 'x-forwarded-proto': 'https' });
    expect(resolveClient(r, lb)).toEqual({ ip: '198.51.100.20', secure: true });
  });

  it('walks through a chain of trusted proxies to the first untrusted hop', () => {
    const r = req('10.0.0.5', { 'x-forwarded-for': ['198.51.100.20, 192.168.1.7', '10.3.3.3'] });
    expect(resolveClient(r, lb)?.ip).toBe('198.51.100.20');
  });

  it('refuses (undefined) an entry that is not an address rather than blaming the proxy for it', () => {
    for (const xff of ['198.51.100.20, garbage, 10.3.3.3', 'unknown', '198.51.100.20:99999', '10.0.0.1:80:80']) {
      expect(resolveClient(req('10.0.0.5', { 'x-forwarded-for': xff }), lb), xff).toBeUndefined();
    }
    // Entries left of the first untrusted hop are never read, malformed or not.
    expect(resolveClient(req('10.0.0.5', { 'x-forwarded-for': 'unknown, 198.51.100.20' }), lb)?.ip).toBe('198.51.100.20');
  });

  it('reads the forms with a port that some proxies write', () => {
    expect(forwardedAddress('198.51.100.7:5555')).toBe('198.51.100.7');
    expect(forwardedAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(forwardedAddress('[2001:db8::1]')).toBe('2001:db8::1');
    expect(forwardedAddress('2001:db8::1')).toBe('2001:db8::1');
    expect(forwardedAddress('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(forwardedAddress('[198.51.100.7]:1')).toBeUndefined();
    expect(resolveClient(req('10.0.0.5', { 'x-forwarded-for': '198.51.100.7:5555' }), lb)?.ip).toBe('198.51.100.7');
  });

  it('uses the peer when a trusted proxy sends no header, and reads X-Forwarded-Proto from it only', () => {
    expect(resolveClient(req('::ffff:10.0.0.5'), lb)).toEqual({ ip: '10.0.0.5', secure: false });
    expect(resolveClient(req('10.0.0.5', { 'x-forwarded-proto': 'http' }), lb)?.secure).toBe(false);
    expect(resolveClient(req('10.0.0.5', { 'x-forwarded-for': '[2001:db8::1]', 'x-forwarded-proto': 'HTTPS' }), lb)).toEqual({ ip: '2001:db8::1', secure: true });
  });

  it('is what clientIp and clientSecure answer once the server remembered it', () => {
    const r = req('10.0.0.5', { 'x-forwarded-for': '198.51.100.20', 'x-forwarded-proto': 'https' });
    expect(clientIp(r)).toBe('10.0.0.5');
    expect(clientSecure(r)).toBe(false);
    rememberClient(r, resolveClient(r, lb) as NonNullable<ReturnType<typeof resolveClient>>);
    expect(clientIp(r)).toBe('198.51.100.20');
    expect(clientSecure(r)).toBe(true);
  });
});
