import { createConnection } from 'mysql2/promise';
import { testDatabaseServer } from './environment';

/** Drops whatever databases of this run a crashed suite left behind. */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.TEST_RUN_ID;
  if (!runId) return;
  const connection = await createConnection(testDatabaseServer());
  try {
    const [rows] = await connection.query<import('mysql2').RowDataPacket[]>('SHOW DATABASES LIKE ?', [`idt_${runId}_%`]);
    for (const row of rows) await connection.query(`DROP DATABASE IF EXISTS \`${Object.values(row)[0]}\``);
  } finally {
    await connection.end();
  }
}
