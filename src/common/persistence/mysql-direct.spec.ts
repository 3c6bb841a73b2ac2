import { EntityManager, QueryFailedError, QueryRunner } from 'typeorm';
import { mysqlDeferWrite, mysqlRun, mysqlTransaction } from './mysql-direct';

/** A pooled connection that records each round trip and answers one result per statement. */
function fakeConnection(failOn?: RegExp) {
  const trips: string[] = [];
  const connection = {
    destroyed: false,
    query(sql: string, parameters: unknown[], callback: (error: unknown, result?: unknown) => void) {
      trips.push(sql);
      const statements = sql.split(';\n');
      setImmediate(() => {
        if (failOn && statements.some((statement) => failOn.test(statement))) return callback(Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' }));
        const results = statements.map((statement) => (statement.startsWith('SELECT') ? [{ statement, parameters }] : { affectedRows: 1 }));
        callback(null, results.length === 1 ? results[0] : results);
      });
    },
    destroy() {
      this.destroyed = true;
    },
  };
  return { connection, trips };
}

function fakeRunner(connection: object) {
  const runner = {
    isTransactionActive: false,
    released: false,
    typeormQueries: [] as string[],
    /** What entity subscribers were told, and whether the transaction still counted as active then. */
    broadcasts: [] as Array<{ event: string; active: boolean }>,
    broadcaster: {
      broadcast: async (event: string) => {
        runner.broadcasts.push({ event, active: runner.isTransactionActive });
      },
    },
    connect: async () => connection,
    release: async () => {
      runner.released = true;
    },
    query: async (sql: string) => {
      runner.typeormQueries.push(sql);
      return [];
    },
  } as unknown as QueryRunner & { released: boolean; typeormQueries: string[]; broadcasts: Array<{ event: string; active: boolean }> };
  (runner as { manager: unknown }).manager = { queryRunner: runner } as unknown as EntityManager;
  return runner;
}

describe('mysqlTransaction', () => {
  it('sends START TRANSACTION with the first read and the deferred writes with COMMIT: two round trips', async () => {
    const { connection, trips } = fakeConnection();
    const runner = fakeRunner(connection);
    const rows = await mysqlTransaction(runner, async (em) => {
      const locked = await mysqlRun<unknown[]>(em, 'SELECT * FROM users WHERE id = ? FOR UPDATE', ['u1']);
      await mysqlDeferWrite(em, 'INSERT INTO change_log VALUES (?)', ['c1']);
      await mysqlDeferWrite(em, 'UPDATE users SET data = ? WHERE id = ?', ['{}', 'u1']);
      return locked;
    });
    expect(trips).toEqual([
      'START TRANSACTION;\nSELECT * FROM users WHERE id = ? FOR UPDATE',
      'INSERT INTO change_log VALUES (?);\nUPDATE users SET data = ? WHERE id = ?;\nCOMMIT',
    ]);
    // The read's own result, not the START TRANSACTION's.
    expect(rows).toEqual([{ statement: 'SELECT * FROM users WHERE id = ? FOR UPDATE', parameters: ['u1'] }]);
    expect(runner.released).toBe(true);
    expect(runner.isTransactionActive).toBe(false);
  });

  it('tells entity subscribers after COMMIT, as a TypeORM transaction does (the outbox relay wakes on it)', async () => {
    const { connection, trips } = fakeConnection();
    const runner = fakeRunner(connection);
    await mysqlTransaction(runner, async (em) => {
      await mysqlDeferWrite(em, 'INSERT INTO notification_outbox VALUES (?)', [1]);
      expect(runner.broadcasts).toEqual([]);
    });
    expect(trips).toEqual(['START TRANSACTION;\nINSERT INTO notification_outbox VALUES (?);\nCOMMIT']);
    expect(runner.broadcasts).toEqual([{ event: 'AfterTransactionCommit', active: false }]);
  });

  it('tells entity subscribers after a rollback, and not of a commit', async () => {
    const { connection } = fakeConnection(/^INSERT/);
    const runner = fakeRunner(connection);
    await expect(
      mysqlTransaction(runner, async (em) => {
        await mysqlDeferWrite(em, 'INSERT INTO notification_outbox VALUES (?)', [1]);
      }),
    ).rejects.toThrow('Duplicate entry');
    expect(runner.broadcasts).toEqual([{ event: 'AfterTransactionRollback', active: false }]);
    expect(runner.released).toBe(true);
  });

  it('sends pending writes ahead of a later read, in the order they were issued', async () => {
    const { connection, trips } = fakeConnection();
    await mysqlTransaction(fakeRunner(connection), async (em) => {
      await mysqlDeferWrite(em, 'INSERT INTO a VALUES (?)', [1]);
      await mysqlRun(em, 'SELECT COUNT(*) FROM a', []);
    });
    expect(trips).toEqual(['START TRANSACTION;\nINSERT INTO a VALUES (?);\nSELECT COUNT(*) FROM a', 'COMMIT']);
  });

  it('flushes what is pending before a statement of TypeORM, which then runs in the transaction', async () => {
    const { connection, trips } = fakeConnection();
    const runner = fakeRunner(connection);
    let activeDuringTypeorm = false;
    await mysqlTransaction(runner, async (em) => {
      await mysqlDeferWrite(em, 'INSERT INTO a VALUES (?)', [1]);
      activeDuringTypeorm = runner.isTransactionActive;
      await runner.query('SELECT typeorm');
    });
    expect(trips).toEqual(['START TRANSACTION;\nINSERT INTO a VALUES (?)', 'COMMIT']);
    expect(runner.typeormQueries).toEqual(['SELECT typeorm']);
    expect(activeDuringTypeorm).toBe(true);
  });

  it('rolls back when a deferred write fails at COMMIT, and reports the driver error', async () => {
    const { connection, trips } = fakeConnection(/^INSERT/);
    const failure = mysqlTransaction(fakeRunner(connection), async (em) => {
      await mysqlRun(em, 'SELECT 1', []);
      await mysqlDeferWrite(em, 'INSERT INTO a VALUES (?)', [1]);
    });
    await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failure).rejects.toMatchObject({ driverError: { code: 'ER_DUP_ENTRY' } });
    expect(trips).toEqual(['START TRANSACTION;\nSELECT 1', 'INSERT INTO a VALUES (?);\nCOMMIT', 'ROLLBACK']);
  });

  it('rolls back a failed work only when something was sent, and drops what was pending', async () => {
    const { connection, trips } = fakeConnection();
    await expect(
      mysqlTransaction(fakeRunner(connection), async (em) => {
        await mysqlDeferWrite(em, 'INSERT INTO a VALUES (?)', [1]);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(trips).toEqual([]);

    await expect(
      mysqlTransaction(fakeRunner(connection), async (em) => {
        await mysqlRun(em, 'SELECT 1', []);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(trips).toEqual(['START TRANSACTION;\nSELECT 1', 'ROLLBACK']);
  });

  it('sends nothing for a transaction that did nothing', async () => {
    const { connection, trips } = fakeConnection();
    await expect(mysqlTransaction(fakeRunner(connection), async () => 'unchanged')).resolves.toBe('unchanged');
    expect(trips).toEqual([]);
  });

  it('does not pool a connection again whose ROLLBACK failed', async () => {
    const { connection } = fakeConnection(/^(SELECT|ROLLBACK)/);
    await expect(mysqlTransaction(fakeRunner(connection), (em) => mysqlRun(em, 'SELECT 1', []))).rejects.toBeInstanceOf(QueryFailedError);
    expect(connection.destroyed).toBe(true);
  });
});
