import { deferWrite, execute, selectRows } from '../src/common/persistence/raw-sql';
import { UnitOfWork } from '../src/common/persistence/unit-of-work';
import { TestApp } from './support/test-app';

/**
 * The MySQL pool's contract with UnitOfWork: transactions run at READ
 * COMMITTED without a SET TRANSACTION of their own, on every pooled connection,
 * and a transaction whose writes travel with its COMMIT (mysql-direct.ts) is
 * still all or nothing.
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

  describe('writes deferred to the next statement', () => {
    const count = async (): Promise<number> => Number((await t.app.get(UnitOfWork).reader.query('SELECT COUNT(*) AS n FROM tx_probe'))[0].n);

    beforeAll(async () => {
      await t.app.get(UnitOfWork).reader.query('CREATE TABLE tx_probe (id VARCHAR(20) PRIMARY KEY)');
    });
    beforeEach(async () => {
      await t.app.get(UnitOfWork).reader.query('DELETE FROM tx_probe');
    });

    it('are seen by the transaction\'s later reads, its TypeORM reads included, and committed with it', async () => {
      const seen = await t.app.get(UnitOfWork).run(async (em) => {
        await deferWrite(em, 'INSERT INTO tx_probe (id) VALUES (?)', ['a']);
        const raw = await selectRows<{ n: number }>(em, 'SELECT COUNT(*) AS n FROM tx_probe', []);
        await deferWrite(em, 'INSERT INTO tx_probe (id) VALUES (?)', ['b']);
        const typeorm = (await em.query('SELECT COUNT(*) AS n FROM tx_probe')) as Array<{ n: number }>;
        return [Number(raw[0].n), Number(typeorm[0].n)];
      });
      expect(seen).toEqual([1, 2]);
      expect(await count()).toBe(2);
    });

    it('that fail at COMMIT undo the whole transaction, the statements sent before them included', async () => {
      const failure = t.app.get(UnitOfWork).run(async (em) => {
        expect(await execute(em, 'INSERT INTO tx_probe (id) VALUES (?)', ['a'])).toBe(1);
        await deferWrite(em, 'INSERT INTO tx_probe (id) VALUES (?)', ['b']);
        await deferWrite(em, 'INSERT INTO tx_probe (id) VALUES (?)', ['a']);
      });
      await expect(failure).rejects.toMatchObject({ driverError: { code: 'ER_DUP_ENTRY' } });
      expect(await count()).toBe(0);
      // The connection went back to the pool without the transaction: the next one starts clean.
      await t.app.get(UnitOfWork).run((em) => deferWrite(em, 'INSERT INTO tx_probe (id) VALUES (?)', ['c']));
      expect(await count()).toBe(1);
    });

    it('are dropped when the work fails before they were sent', async () => {
      await expect(
        t.app.get(UnitOfWork).run(async (em) => {
          await selectRows(em, 'SELECT 1', []);
          await deferWrite(em, 'INSERT INTO tx_probe (id) VALUES (?)', ['a']);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await count()).toBe(0);
    });
  });
});
