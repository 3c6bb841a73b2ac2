import 'reflect-metadata';
import * as mysql2 from 'mysql2';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

/**
 * mysql2 with every pooled connection at READ COMMITTED from its first
 * statement on (the pool's `connection` event runs before the connection
 * serves a query), so that a transaction is one START TRANSACTION rather than
 * a SET TRANSACTION round trip first. UnitOfWork relies on this level.
 */
const readCommittedMysql = {
  ...mysql2,
  createPool(options: mysql2.PoolOptions): mysql2.Pool {
    const pool = mysql2.createPool(options);
    pool.on('connection', (connection) => {
      connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (error) => {
        // Its next query fails on the closed connection, and the pool replaces it.
        if (error) connection.destroy();
      });
    });
    return pool;
  },
};

/**
 * The one TypeORM DataSource definition, used by the app (src/database) and by
 * the migration CLI (`npm run migration:run`). Schema changes go through
 * migrations only (one set per dialect, same names): `synchronize` stays off.
 */
export function dataSourceOptions(database: DatabaseConfig, extra: { poolSize?: number; readonly?: boolean } = {}): DataSourceOptions {
  if (database.kind === 'sqlite') {
    return {
      type: 'better-sqlite3',
      database: database.path,
      readonly: extra.readonly ?? false,
      // WAL: readers (the read connection, `npm run token`, an operator's
      // sqlite3 shell) never block the writer, and the writer never blocks them.
      enableWAL: !extra.readonly,
      timeout: 5_000,
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('busy_timeout = 5000');
        if (!extra.readonly) db.pragma('synchronous = NORMAL');
      },
      entities: ENTITIES,
      migrations: SQLITE_MIGRATIONS,
      migrationsTableName: 'schema_migrations',
      migrationsRun: false,
      synchronize: false,
      logging: false,
    };
  }
  return {
    type: 'mysql',
    driver: readCommittedMysql,
    // No stack capture per query: mysql2's `trace` cost 4% of a request's CPU.
    trace: false,
    // A transaction sends its statements in as few round trips as it can
    // (src/common/persistence/mysql-direct.ts, which says why this is safe here).
    multipleStatements: true,
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
    // Nothing here prepares statements (TypeORM and the hand-written SQL send
    // text queries), yet mysql2 allocates each connection's prepared-statement
    // cache at its full size: 16,000 entries by default, half a megabyte of
    // heap per pooled connection, a tenth of the idle heap with 20.
    extra: { connectionLimit: extra.poolSize ?? 20, enableKeepAlive: true, maxPreparedStatements: 16 },
  };
}
