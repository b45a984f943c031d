// IPv4 and IPv6 addresses and CIDR blocks (RFC 4632, RFC 4291 text forms) as 128-bit integers,
// written here because src/policy may not import node:net.

export interface Cidr {
  readonly v6: boolean;
  readonly network: bigint;
  readonly bits: number;
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseV6(text: string): bigint | undefined {
  let t = text;
  let tail: bigint[] = [];
  // An embedded IPv4 tail (::ffff:192.0.2.1) fills the last two groups.
  const lastColon = t.lastIndexOf(':');
  if (t.includes('.') && lastColon >= 0) {
    const v4 = parseV4(t.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    t = t.slice(0, lastColon + 1) + (t[lastColon - 1] === ':' ? '' : '0');
    if (t.endsWith(':0')) t = t.slice(0, -2);
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const read = (s: string): bigint[] | undefined => {
    if (s === '') return [];
    const groups: bigint[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      groups.push(BigInt(parseInt(g, 16)));
    }
    return groups;
  };
  const head = read(halves[0] as string);
  const rest = halves.length === 2 ? read(halves[1] as string) : [];
  if (head === undefined || rest === undefined) return undefined;
  const given = head.length + rest.length + tail.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (given > 7) return undefined;
    groups = [...head, ...new Array<bigint>(8 - given).fill(0n), ...rest, ...tail];
  } else {
    groups = [...head, ...tail];
    if (groups.length !== 8) return undefined;
  }
  let out = 0n;
  for (const g of groups) out = (out << 16n) | g;
  return out;
}

/** Reads `203.0.113.0/24`, `2001:DB8::/32` or a bare address (`/32` or `/128` implied). */
export function parseCidr(text: string): Cidr | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addr = slash < 0 ? t : t.slice(0, slash);
  const v6 = addr.includes(':');
  const value = v6 ? parseV6(addr) : parseV4(addr);
  if (value === undefined) return undefined;
  const width = v6 ? 128 : 32;
  let bits = width;
  if (slash >= 0) {
    const b = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b)) return undefined;
    bits = Number(b);
    if (bits > width) return undefined;
  }
  const shift = BigInt(width - bits);
  return { v6, network: (value >> shift) << shift, bits };
}

export function cidrContains(block: Cidr, address: Cidr): boolean {
  if (block.v6 !== address.v6 || address.bits < block.bits) return false;
  const width = block.v6 ? 128 : 32;
  const shift = BigInt(width - block.bits);
  return address.network >> shift === block.network >> shift;
}
