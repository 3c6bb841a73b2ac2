import 'reflect-metadata';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * The one TypeORM DataSource definition, used by the app (src/database) and by
 * the migration CLI (`npm run migration:run`). Schema changes go through
 * migrations only: `synchronize` stays off against MySQL.
 */
export function dataSourceOptions(database: DatabaseConfig, extra: { poolSize?: number } = {}): DataSourceOptions {
  return {
    type: 'mysql',
    host: database.host,
    port: database.port,
    username: database.username,
    password: database.password,
    database: database.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    poolSize: extra.poolSize ?? 20,
    extra: { connectionLimit: extra.poolSize ?? 20, enableKeepAlive: true },
  };
}
