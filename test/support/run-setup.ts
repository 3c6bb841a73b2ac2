import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { testDatabaseServer } from './environment';

/**
 * One id per test run: every suite's database and queue prefix starts with it,
 * so concurrent runs on one MariaDB/Redis never see each other's data.
 */
export async function startRun(): Promise<void> {
  process.env.TEST_RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const server = testDatabaseServer();
  const connection = await createConnection({ ...server, connectTimeout: 5_000 }).catch((error: Error) => {
    throw new Error(`these suites need MariaDB/MySQL at ${server.host}:${server.port} (TEST_DATABASE_URL): ${error.message}`);
  });
  await connection.end();
}
