import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { DestinationPolicy } from './destination-policy';
import { HostResolver } from './host-resolver';

/** A connection the policy did not allow; nothing was sent, and sending again cannot help. */
export class DestinationRefusedError extends Error {
  override name = 'DestinationRefusedError';
  readonly code = 'ERR_DESTINATION_REFUSED';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An undici Agent whose connections may only reach what the policy allows.
 * The check sits in the connection itself: the socket's own `lookup` asks the
 * resolver and hands the socket only addresses that passed, so no second
 * resolution can swap in another address between check and connect (DNS
 * rebinding). IP literals are never looked up by the socket layer, so the
 * connector checks those before it connects. A name that resolves to any
 * refused address is refused as a whole.
 */
export function guardedAgent(policy: DestinationPolicy, resolver: HostResolver, options: Agent.Options = {}): Agent {
  const lookup = (hostName: string, lookupOptions: LookupOptions, callback: LookupCallback): void => {
    resolver.resolve(hostName).then(
      (found) => {
        for (const { address } of found) {
          const refusal = policy.refusalForAddress(hostName, address);
          if (refusal) return callback(new DestinationRefusedError(refusal.reason), '');
        }
        const family = familyOf(lookupOptions.family);
        const usable = family ? found.filter((entry) => entry.family === family) : found;
        if (usable.length === 0) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostName}`), { code: 'ENOTFOUND' }), '');
        if (lookupOptions.all) return callback(null, usable);
        callback(null, usable[0].address, usable[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
  const connect = buildConnector({ lookup, timeout: options.connectTimeout });
  return new Agent({
    ...options,
    connect: (connectOptions, callback) => {
      const refusal = isIP(connectOptions.hostname) !== 0 ? policy.refusalForAddress(connectOptions.hostname, connectOptions.hostname) : undefined;
      if (refusal) return callback(new DestinationRefusedError(refusal.reason), null);
      connect(connectOptions, callback);
    },
  });
}

/** The refusal behind an error of a request through a guarded agent (fetch wraps it in `cause`). */
export function destinationRefusalOf(error: unknown): DestinationRefusedError | undefined {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    if (current instanceof DestinationRefusedError) return current;
  }
  return undefined;
}

function familyOf(family: LookupOptions['family']): 4 | 6 | 0 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}
