import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { dirname } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/app-config';
import { IdGenerator } from '../common/ids/id-generator';
import { ensurePrivateDir } from '../common/files/private-file';
import { SerialQueue } from '../common/persistence/serial-queue';
import { UnitOfWork } from '../common/persistence/unit-of-work';
import { OutageReporter } from '../common/errors/zitadel-error';
import { DatabaseAvailability } from './database-availability';
import { ensureDatabaseExists } from './ensure-database';
import { InstanceEntity } from './instance.entity';

/** The instance's id, read (or made) once at start-up. */
export abstract class InstanceContext {
  abstract readonly instanceId: string;
}

/** SQLite only: a read-only connection of its own, so reads see committed data only. */
const READ_DATA_SOURCE = Symbol('READ_DATA_SOURCE');

async function openDataSource(config: AppConfig): Promise<DataSource> {
  const logger = new Logger('Database');
  const database = config.database;
  if (database.kind === 'mysql') {
    await ensureDatabaseExists(database);
  } else {
    new Logger('EmbeddedDefaults').log(`no DATABASE_URL: using SQLite at ${database.path}; set DATABASE_URL to switch to production (MySQL)`);
    ensurePrivateDir(dirname(database.path));
  }
  const dataSource = await new DataSource(dataSourceOptions(database)).initialize();
  if (database.kind === 'sqlite') serializeTransactions(dataSource);
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length > 0) logger.log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
  return dataSource;
}

/**
 * TypeORM's better-sqlite3 driver gives every caller the same connection: two
 * transactions at once would interleave (the second becomes a savepoint of the
 * first). Every transaction opened through the DataSource therefore waits for
 * the previous one. A transaction must not open another one through the
 * DataSource from inside (it would wait for itself); nest with `em.transaction`.
 */
function serializeTransactions(dataSource: DataSource): void {
  const queue = new SerialQueue();
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = ((...args: unknown[]) => queue.run(() => transaction(...args))) as EntityManager['transaction'];
}

/** Injects the writer only to open after it created the file and ran the migrations. */
async function openReadDataSource(config: AppConfig, _migrated: DataSource): Promise<DataSource | undefined> {
  if (config.database.kind !== 'sqlite' || config.database.path === ':memory:') return undefined;
  return new DataSource(dataSourceOptions(config.database, { readonly: true })).initialize();
}

async function loadInstance(dataSource: DataSource, ids: IdGenerator): Promise<InstanceContext> {
  // INSERT IGNORE: when several instances start at once, the first one wins.
  await dataSource
    .createQueryBuilder()
    .insert()
    .orIgnore()
    .into(InstanceEntity)
    .values({ singleton: 1, id: ids.next(), createdAt: new Date() })
    .execute();
  const row = await dataSource.getRepository(InstanceEntity).findOneByOrFail({ singleton: 1 });
  return { instanceId: row.id };
}

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(READ_DATA_SOURCE) private readonly reader: DataSource | undefined,
  ) {}

  /** After the HTTP server drained (shutdown hooks run last), so in-flight requests still had their pool. */
  async onApplicationShutdown(): Promise<void> {
    if (this.reader?.isInitialized) await this.reader.destroy();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({
  providers: [
    { provide: IdGenerator, useValue: new IdGenerator() },
    { provide: DataSource, inject: [APP_CONFIG], useFactory: openDataSource },
    { provide: READ_DATA_SOURCE, inject: [APP_CONFIG, DataSource], useFactory: openReadDataSource },
    { provide: InstanceContext, inject: [DataSource, IdGenerator], useFactory: loadInstance },
    {
      provide: UnitOfWork,
      inject: [DataSource, READ_DATA_SOURCE],
      useFactory: (writer: DataSource, reader: DataSource | undefined) => new UnitOfWork(writer, (reader ?? writer).manager),
    },
    DataSourceCloser,
    DatabaseAvailability,
    { provide: OutageReporter, useExisting: DatabaseAvailability },
  ],
  exports: [DataSource, InstanceContext, UnitOfWork, IdGenerator, OutageReporter],
})
export class DatabaseModule {}
