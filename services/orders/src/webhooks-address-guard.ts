import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Where a webhook must not reach unless allowed: this host, the private networks, link-local (cloud metadata) and the like. */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) FORBIDDEN.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  // IPv4-mapped addresses as a whole: one could name any address above.
  ['::', 128], ['::1', 128], ['::ffff:0:0', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) FORBIDDEN.addSubnet(net, prefix, 'ipv6');

export const isForbiddenAddress = (address: string): boolean => {
  const family = isIP(address);
  return family === 0 || FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

export class WebhookAddressError extends Error {}

/** Every address of `host` (an IP literal or a name); throws when one is forbidden, so a name cannot mix a public and a private one. */
export async function checkedAddresses(host: string, allowPrivate: boolean): Promise<{ address: string; family: number }[]> {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  let addresses: { address: string; family: number }[];
  if (isIP(bare) !== 0) {
    addresses = [{ address: bare, family: isIP(bare) }];
  } else {
    try {
      addresses = await lookup(bare, { all: true });
    } catch {
      throw new WebhookAddressError(`${bare} does not resolve`);
    }
  }
  if (addresses.length === 0) throw new WebhookAddressError(`${bare} does not resolve`);
  const forbidden = allowPrivate ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
  if (forbidden) throw new WebhookAddressError(`${bare} is a private, loopback or link-local address (${forbidden.address})`);
  return addresses;
}

/** Why `url` cannot receive webhooks, or undefined when it can: http(s), no credentials, a public host. */
export async function webhookUrlProblem(url: string, allowPrivate: boolean): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http and https URLs receive webhooks';
  if (parsed.username !== '' || parsed.password !== '') return 'credentials in the URL are not accepted';
  try {
    await checkedAddresses(parsed.hostname, allowPrivate);
    return undefined;
  } catch (error) {
    if (error instanceof WebhookAddressError) return error.message;
    throw error;
  }
}
