// Who is calling, for aws:SourceIp, aws:SecureTransport, the IdP's per-IP login limit and the audit
// log. By default the TCP peer and plain HTTP, and no header is believed. Behind load balancers
// (issue #8, docs/deploy.md) the operator names them (TESSERA_TRUSTED_PROXIES): only a request
// whose peer is one of them has its X-Forwarded-For / X-Forwarded-Proto read, and X-Forwarded-For
// is walked from the right — the hops the trusted proxies appended — to the first address that is
// not a trusted proxy.
//
// Attack stopped here: a caller who writes its own `X-Forwarded-For: 10.0.0.1` to pass an
// aws:SourceIp condition or to dodge the per-IP login limit. From an untrusted peer the header is
// ignored; through a trusted proxy the forged entries sit left of the address the proxy appended,
// and the walk stops before them.

import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

export interface TrustedProxies {
  /** The list as configured, for banners and logs. */
  readonly spec: string;
  has(address: string): boolean;
}

export const NO_TRUSTED_PROXIES: TrustedProxies = { spec: '', has: () => false };

/** IPv4-mapped IPv6 shown as IPv4. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * `10.0.0.0/8, 192.168.1.7, ::1, fd00::/8`: addresses and CIDR blocks, comma- or space-separated.
 * Throws (with the bad entry in backticks) on anything else.
 */
export function parseTrustedProxies(spec: string): TrustedProxies {
  const list = new BlockList();
  const entries = spec.split(/[\s,]+/).filter((e) => e !== '');
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined) throw new Error(`trusted proxy \`${entry}\` is not an IP address or CIDR block`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
    if (!(bits >= 0 && bits <= max)) throw new Error(`trusted proxy \`${entry}\`: the prefix length must be 0 to ${max}`);
    list.addSubnet(address, bits, type);
  }
  if (entries.length === 0) return NO_TRUSTED_PROXIES;
  return {
    spec: entries.join(','),
    has(address: string): boolean {
      const a = plain(address);
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

export interface ClientFacts {
  readonly ip: string;
  /** The client's own connection was TLS (aws:SecureTransport). */
  readonly secure: boolean;
}

function headerValues(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name];
  const joined = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return joined
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * One X-Forwarded-For entry as an address: `198.51.100.7`, `2001:db8::1`, and the forms with a port
 * some proxies write (`198.51.100.7:5555`, `[2001:db8::1]:443`); undefined for anything else
 * (`unknown`, an obfuscated identifier, garbage).
 */
export function forwardedAddress(entry: string): string | undefined {
  const port = (p: string | undefined) => p === undefined || Number(p) <= 65535;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracketed !== null) return isIP(bracketed[1] as string) === 6 && port(bracketed[2]) ? plain(bracketed[1] as string) : undefined;
  if (isIP(entry) !== 0) return plain(entry);
  const withPort = /^([0-9.]+):(\d{1,5})$/.exec(entry);
  if (withPort !== null && isIP(withPort[1] as string) === 4 && port(withPort[2])) return withPort[1] as string;
  return undefined;
}

/**
 * The client of `req` as the trusted proxies in front of this node report it; undefined when a
 * trusted proxy's X-Forwarded-For holds an entry that is not an address (`unknown`, garbage): the
 * request is refused rather than attributed to the proxy itself, whose internal address a policy
 * may well trust (fail closed).
 */
export function resolveClient(req: IncomingMessage, trusted: TrustedProxies): ClientFacts | undefined {
  const peer = plain(req.socket.remoteAddress ?? '0.0.0.0');
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  if (!trusted.has(peer)) return { ip: peer, secure: tls };
  const hops = headerValues(req, 'x-forwarded-for');
  const protos = headerValues(req, 'x-forwarded-proto');
  let ip = peer;
  // The proxy next to us appended the address it saw last; each trusted hop before it did the same.
  let i = hops.length - 1;
  for (; i >= 0; i--) {
    const hop = forwardedAddress(hops[i] as string);
    if (hop === undefined) return undefined;
    ip = hop;
    if (!trusted.has(hop)) break;
  }
  // X-Forwarded-Proto: the scheme the outermost trusted proxy was reached with — the last value
  // the nearest proxy wrote (a single proxy writes one).
  const proto = protos[protos.length - 1]?.toLowerCase();
  return { ip, secure: proto === undefined ? tls : proto === 'https' };
}

const remembered = new WeakMap<IncomingMessage, ClientFacts>();

/** Records the resolved client of `req` (the server does it once, before any handler runs). */
export function rememberClient(req: IncomingMessage, facts: ClientFacts): void {
  remembered.set(req, facts);
}

/** The client address of `req`: as resolved by the server, else the TCP peer. */
export function clientIp(req: IncomingMessage): string {
  return remembered.get(req)?.ip ?? plain(req.socket.remoteAddress ?? '0.0.0.0');
}

/** Whether the client's own connection was TLS (only ever true behind a trusted TLS proxy today). */
export function clientSecure(req: IncomingMessage): boolean {
  return remembered.get(req)?.secure ?? (req.socket as { encrypted?: boolean }).encrypted === true;
}
