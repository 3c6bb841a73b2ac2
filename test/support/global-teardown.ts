import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { testDatabaseServer, testRedisUrl } from './environment';

/**
 * Drops whatever of this run is left behind: databases a crashed suite did
 * not drop, and the Redis keys under the run's queue prefixes (TestApp uses
 * `idt-<run>-…`; BullMQ keeps a queue's meta and event keys after its
 * workers close).
 */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.TEST_RUN_ID;
  if (!runId) return;
  const connection = await createConnection(testDatabaseServer());
  try {
    const [rows] = await connection.query<import('mysql2').RowDataPacket[]>('SHOW DATABASES LIKE ?', [`idt_${runId}_%`]);
    for (const row of rows) await connection.query(`DROP DATABASE IF EXISTS \`${Object.values(row)[0]}\``);
  } finally {
    await connection.end();
  }
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `idt-${runId}-*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}
