import { describe, expect, it } from 'vitest';
import { addressBlock } from '../src/client-address';

describe('the address block a client is counted in', () => {
  it('is the address itself for IPv4, also when it arrives IPv4-mapped', () => {
    expect(addressBlock('203.0.113.9')).toBe('203.0.113.9');
    expect(addressBlock('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('is the /64 for IPv6, however the address is written', () => {
    const block = '2001:db8:1:2::/64';
    for (const ip of ['2001:db8:1:2::1', '2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2:0:0:0:0', '2001:db8:1:2::a%eth0', '2001:db8:1:2::192.0.2.1']) {
      expect(addressBlock(ip), ip).toBe(block);
    }
    expect(addressBlock('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressBlock('::1')).toBe('0:0:0:0::/64');
    expect(addressBlock('fe80::1')).toBe('fe80:0:0:0::/64');
  });
});
