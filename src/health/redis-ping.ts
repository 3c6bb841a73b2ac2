import { createRedisClient, describeRedisEndpoint, parseRedisUrl } from '../common/redis/redis-endpoint';

/**
 * PING on a short-lived ioredis connection (it does AUTH and SELECT from the
 * URL; with Sentinel it asks the sentinels for the master first). No retries
 * and no offline queue: readiness wants the answer of this moment, and the
 * caller's signal bounds the wait. Errors name the endpoint, never the password.
 */
export async function pingRedis(redisUrl: string, signal: AbortSignal): Promise<void> {
  const endpoint = parseRedisUrl(redisUrl);
  const client = createRedisClient(endpoint, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Without a listener ioredis reports connection errors as unhandled.
  client.on('error', () => undefined);
  const aborted = new Promise<never>((_resolve, reject) => {
    const onAbort = () => reject(new Error('redis did not answer in time'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        const answer = await client.ping();
        if (answer !== 'PONG') throw new Error('redis answered PING unexpectedly');
      })(),
      aborted,
    ]);
  } catch (error) {
    const where = describeRedisEndpoint(endpoint);
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message.split(' ')[0];
    throw new Error((error as Error).message === 'redis did not answer in time' ? `redis did not answer in time (${where})` : `redis unreachable or refusing at ${where} (${reason})`);
  } finally {
    client.disconnect();
  }
}
