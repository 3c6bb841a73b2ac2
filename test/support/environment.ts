/**
 * Where the e2e suites find their real services. Defaults are the machine's
 * MariaDB and Redis; TEST_DATABASE_URL / TEST_REDIS_URL point elsewhere.
 */
export function testDatabaseServer(): { host: string; port: number; user: string; password: string } {
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306');
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
  };
}

export function testDatabaseUrl(database: string): string {
  const server = testDatabaseServer();
  const auth = server.password ? `${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}` : encodeURIComponent(server.user);
  return `mysql://${auth}@${server.host}:${server.port}/${database}`;
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export function runId(): string {
  const id = process.env.TEST_RUN_ID;
  if (!id) throw new Error('TEST_RUN_ID is not set: run the e2e suites through jest (global setup)');
  return id;
}
