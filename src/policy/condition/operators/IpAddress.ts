// IpAddress: the key's address lies in the policy's IPv4 or IPv6 CIDR block (no prefix = one host).
import { literalText } from '../../variables.js';
import { cidrContains, parseCidr } from './ip.js';
import type { PositiveOperator } from './types.js';

export const IpAddress: PositiveOperator = {
  name: 'IpAddress',
  family: 'IpAddress',
  variables: false,
  compile(value) {
    const text = literalText(value);
    const block = parseCidr(text);
    if (block === undefined) return { error: `\`${text}\` is not an IPv4 or IPv6 address or CIDR block` };
    return {
      test(v) {
        const address = parseCidr(v);
        return address === undefined ? 'error' : cidrContains(block, address);
      },
      describe: () => text,
    };
  },
};
