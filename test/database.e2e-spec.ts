import { UnitOfWork } from '../src/common/persistence/unit-of-work';
import { TestApp } from './support/test-app';

/**
 * The MySQL pool's contract with UnitOfWork: transactions run at READ
 * COMMITTED without a SET TRANSACTION of their own, on every pooled connection.
 */
describe('database connections (MySQL)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({}, { topology: 'mysql' });
  });
  afterAll(() => t.close());

  it('runs every transaction at READ COMMITTED, on each of the pool\'s connections', async () => {
    const unitOfWork = t.app.get(UnitOfWork);
    // More transactions at once than the pool has connections, each holding its
    // connection for a moment, so that new connections are made and reused.
    const seen = await Promise.all(
      Array.from({ length: 30 }, () =>
        unitOfWork.run(async (em) => {
          const [row] = (await em.query('SELECT @@tx_isolation AS level, CONNECTION_ID() AS connection, SLEEP(0.05) AS pause')) as Array<{ level: string; connection: string }>;
          return row;
        }),
      ),
    );
    expect(new Set(seen.map((row) => row.level))).toEqual(new Set(['READ-COMMITTED']));
    expect(new Set(seen.map((row) => String(row.connection))).size).toBeGreaterThan(1);
  });
});
