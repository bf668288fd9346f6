import ipaddr from 'ipaddr.js';

/**
 * The unit a client is counted in: an IPv4 address (also when it arrives IPv4-mapped), or the
 * /64 of an IPv6 one, since one subscriber commonly holds a whole /64 and could otherwise take a
 * fresh address per attempt. ipaddr.js is the parser Fastify's own proxy-addr trusts.
 */
export function addressBlock(ip: string): string {
  const bare = ip.split('%', 1)[0]!;
  if (!ipaddr.isValid(bare)) return ip;
  const address = ipaddr.process(bare);
  if (address.kind() === 'ipv4') return address.toString();
  return `${address.toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
}
