import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/app-config';
import { IdGenerator } from '../common/ids/id-generator';
import { UnitOfWork } from '../common/persistence/unit-of-work';
import { ensureDatabaseExists } from './ensure-database';
import { InstanceEntity } from './instance.entity';

/** The instance's id, read (or made) once at start-up. */
export abstract class InstanceContext {
  abstract readonly instanceId: string;
}

async function openDataSource(config: AppConfig): Promise<DataSource> {
  const logger = new Logger('Database');
  await ensureDatabaseExists(config.database);
  const dataSource = await new DataSource(dataSourceOptions(config.database)).initialize();
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length > 0) logger.log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
  return dataSource;
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
  constructor(private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({
  providers: [
    { provide: IdGenerator, useValue: new IdGenerator() },
    { provide: DataSource, inject: [APP_CONFIG], useFactory: openDataSource },
    { provide: InstanceContext, inject: [DataSource, IdGenerator], useFactory: loadInstance },
    UnitOfWork,
    DataSourceCloser,
  ],
  exports: [DataSource, InstanceContext, UnitOfWork, IdGenerator],
})
export class DatabaseModule {}
