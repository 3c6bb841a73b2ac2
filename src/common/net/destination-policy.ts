import ipaddr from 'ipaddr.js';
import type { AllowedDestinations } from '../../config/app-config';
import { nonPublicRangeOf, parseAddress } from './public-address';

/**
 * scheme: not http(s); credentials: a user name or password in the URL;
 * not-public: a local host name or an address that is not public unicast.
 */
export type RefusalKind = 'scheme' | 'credentials' | 'not-public';

export interface DestinationRefusal {
  kind: RefusalKind;
  /** Names the host and address only, never the URL's path or query (they may carry a secret). */
  reason: string;
}

const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private (RFC 1918) address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a shared (CGNAT, 100.64.0.0/10) address',
  uniqueLocal: 'a unique-local (fc00::/7) address',
  multicast: 'a multicast address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved or documentation address',
};

/**
 * Where an outgoing request to an address given by an API caller may go:
 * public unicast addresses, plus what the operator listed (host names,
 * trusted whatever they resolve to, and CIDR ranges). The URL check runs
 * when the address is stored and again before each request; the address
 * check runs in the connection itself, on what the host name resolved to.
 */
export class DestinationPolicy {
  private readonly hostNames: ReadonlySet<string>;
  private readonly ranges: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  constructor(allowed: AllowedDestinations) {
    this.hostNames = new Set(allowed.hostNames);
    this.ranges = allowed.ranges.map((range) => ipaddr.parseCIDR(range));
  }

  /** The URL as the WHATWG parser normalised it (2130706433 and 0x7f.1 are 127.0.0.1 by then). */
  refusalForUrl(url: URL): DestinationRefusal | undefined {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { kind: 'scheme', reason: `the endpoint must be an http:// or https:// URL, not ${url.protocol}` };
    }
    if (url.username || url.password) {
      return { kind: 'credentials', reason: 'the endpoint must not carry a user name or password (user:password@)' };
    }
    const host = hostNameOf(url.hostname);
    if (this.hostNames.has(host)) return undefined;
    if (parseAddress(host)) return this.refusalForAddress(host, host);
    if (host === 'localhost' || host.endsWith('.localhost')) {
      return { kind: 'not-public', reason: `the endpoint's host ${host} is a local name, not a public address` };
    }
    return undefined;
  }

  /** `address` is what `hostName` resolved to (the same string for an IP literal). */
  refusalForAddress(hostName: string, address: string): DestinationRefusal | undefined {
    if (this.hostNames.has(hostNameOf(hostName))) return undefined;
    const ip = parseAddress(address);
    if (ip && this.ranges.some((range) => ip.kind() === range[0].kind() && ip.match(range))) return undefined;
    const range = nonPublicRangeOf(address);
    if (range === undefined) return undefined;
    const what = RANGE_WORDS[range] ?? `in the ${range} range`;
    const subject = hostNameOf(hostName) === hostNameOf(address) ? `the endpoint's address ${ip ?? address}` : `${hostName} resolves to ${ip ?? address}, which`;
    return { kind: 'not-public', reason: `${subject} is ${what}, not a public address` };
  }
}

/** Lower case, no brackets around IPv6, no trailing dot (`localhost.` is `localhost`). */
function hostNameOf(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
}
