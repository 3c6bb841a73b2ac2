import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../data-source-options';
import { MIGRATIONS } from '..';
import { SQLITE_MIGRATIONS } from '.';

const nameOf = (migration: new () => { name?: string }) => new migration().name;

describe('SQLite migrations (embedded database)', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await new DataSource(dataSourceOptions({ kind: 'sqlite', path: ':memory:' })).initialize();
    await db.runMigrations({ transaction: 'each' });
  });
  afterAll(() => db.destroy());

  it('mirror every MySQL migration, in order and by name', () => {
    expect(SQLITE_MIGRATIONS.map(nameOf)).toEqual(MIGRATIONS.map(nameOf));
  });

  it('create every column of every entity', async () => {
    for (const entity of db.entityMetadatas) {
      const columns = (await db.query(`PRAGMA table_info(${entity.tableName})`)) as Array<{ name: string }>;
      expect({ table: entity.tableName, columns: columns.map((c) => c.name).sort() }).toEqual({
        table: entity.tableName,
        columns: entity.columns.map((c) => c.databaseName).sort(),
      });
    }
  });

  it('leave nothing pending', async () => {
    expect(await db.showMigrations()).toBe(false);
  });
});
