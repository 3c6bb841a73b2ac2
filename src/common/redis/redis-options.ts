import { RedisOptions } from 'ioredis';

/** How long the very first connection may take before its caller is told that Redis is unreachable. */
export const FIRST_CONNECT_TIMEOUT_MS = 5000;

/**
 * Reconnect pauses grow to 2 s at most (ioredis' own default is the same
 * shape; BullMQ's is 20 s): codes are waiting. The blocking connection of a
 * worker must retry its commands forever (BullMQ requires
 * maxRetriesPerRequest: null); the producer must not buffer commands while
 * disconnected, so that the relay learns at once that Redis is down.
 */
export function redisOptions({ blocking }: { blocking: boolean }): RedisOptions {
  return {
    connectTimeout: FIRST_CONNECT_TIMEOUT_MS,
    retryStrategy: (times: number) => Math.min(2000, 50 * 2 ** Math.min(times, 6)),
    maxRetriesPerRequest: blocking ? null : 1,
    enableOfflineQueue: blocking,
    keepAlive: 10_000,
    noDelay: true,
  };
}
