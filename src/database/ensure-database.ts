import { createConnection } from 'mysql2/promise';
import { MysqlDatabaseConfig } from '../config/app-config';

/** Creates the configured database when it does not exist yet. */
export async function ensureDatabaseExists(database: MysqlDatabaseConfig): Promise<void> {
  const connection = await createConnection({
    host: database.host,
    port: database.port,
    user: database.username,
    password: database.password,
    connectTimeout: 10_000,
  });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}
