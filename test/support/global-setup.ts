import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { testDatabaseServer } from './environment';

/**
 * One id per test run: every suite's database and queue prefix starts with it,
 * so concurrent runs on one MariaDB/Redis never see each other's data.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TEST_RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const server = testDatabaseServer();
  const connection = await createConnection({ ...server, connectTimeout: 5_000 }).catch((error: Error) => {
    throw new Error(`the e2e suites need MariaDB/MySQL at ${server.host}:${server.port} (TEST_DATABASE_URL): ${error.message}`);
  });
  await connection.end();

  // Some suites run the built server and `npm run token` as a newcomer would
  // (dist/): build first, as `npm run build` does (nest-cli.json), so that they never test a stale build.
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: root, stdio: 'inherit' });
}
