import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/** 2000::/3, the only IPv6 block IANA hands out as global unicast. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Why an IP address is not a public unicast destination, as ipaddr.js names
 * its range ("loopback", "private", "linkLocal", "carrierGradeNat",
 * "uniqueLocal", "reserved", …), or undefined for a public address. An
 * IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address
 * it carries. IPv6 outside 2000::/3 counts as "reserved" even where ipaddr.js
 * says "unicast" (the deprecated IPv4-compatible ::a.b.c.d, unassigned space).
 */
export function nonPublicRangeOf(address: string): string | undefined {
  const ip = parseAddress(address);
  if (!ip) return 'not an IP address';
  const range = ip.range();
  if (range !== 'unicast') return range;
  if (ip.kind() === 'ipv6' && !ip.match(GLOBAL_UNICAST_V6)) return 'reserved';
  return undefined;
}

/**
 * The address as ipaddr.js parses it, an IPv4-mapped IPv6 one as its IPv4
 * address; undefined if it is none. Only the canonical forms count (dotted
 * decimal, RFC 4291 text, optionally in brackets): "0x7f.1" is a host name
 * here, as it is to the socket layer, and URLs reach this already normalised.
 */
export function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIP(bare) === 0) return undefined;
  return ipaddr.process(bare);
}
