import { lookup } from 'node:dns/promises';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Host name → addresses for outgoing connections that must be checked before
 * they are made (see guardedAgent). Injectable so that tests can make a name
 * resolve to an address of their choosing without touching the machine's DNS.
 */
export abstract class HostResolver {
  abstract resolve(hostName: string): Promise<ResolvedAddress[]>;
}

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), as net.connect would use it. */
export class SystemHostResolver extends HostResolver {
  resolve(hostName: string): Promise<ResolvedAddress[]> {
    return lookup(hostName, { all: true });
  }
}
