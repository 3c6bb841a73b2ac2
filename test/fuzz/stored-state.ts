import { TestApp } from '../support/test-app';

/**
 * Everything a request can write, as one string, for "a refused request
 * changed nothing". Every table of the run's database is covered (a table
 * added later is covered without touching this file), except TypeORM's
 * migration bookkeeping and the columns that move on their own.
 *
 * Each table is summarised by MariaDB itself, as its row count and the sum of
 * a hash of every row's columns: reading the tables out whole made every batch
 * cost as much as all the rows accepted requests had written so far, which
 * made `npm run fuzz` (10,000 cases per endpoint) quadratic.
 */
export class StoredState {
  private readonly sql = new Map<string, string>();

  private constructor(private readonly columns: ReadonlyMap<string, readonly string[]>) {}

  static async of(t: TestApp): Promise<StoredState> {
    const columns = await t.query(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns
        WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position`,
    );
    const byTable = new Map<string, string[]>();
    for (const { t: table, c: column } of columns) {
      if (/migrations$/i.test(table)) continue;
      if (OWNED_BY_BACKGROUND[table]?.includes(column)) continue;
      byTable.set(table, [...(byTable.get(table) ?? []), column]);
    }
    return new StoredState(byTable);
  }

  get tables(): string[] {
    return [...this.columns.keys()];
  }

  /** The stored state; `ignore` names columns (table.column) a refused request of this kind may legitimately change. */
  async read(t: TestApp, ignore: readonly string[] = []): Promise<string> {
    const rows = (await t.query(this.sqlIgnoring(ignore))) as Array<{ t: string; n: number | string; digest: number | string | null }>;
    return rows.map((row) => `${row.t}: ${row.n} rows, digest ${row.digest ?? 0}`).join('\n');
  }

  private sqlIgnoring(ignore: readonly string[]): string {
    const key = ignore.join(',');
    let sql = this.sql.get(key);
    if (!sql) {
      sql = [...this.columns]
        .map(([table, cols]) => {
          const kept = cols.filter((column) => !ignore.includes(`${table}.${column}`));
          // QUOTE() spells NULL apart from the text 'NULL' and escapes separators.
          const row = `CONCAT_WS(',', ${kept.map((column) => `QUOTE(\`${column}\`)`).join(', ')})`;
          return `SELECT '${table}' AS t, COUNT(*) AS n, SUM(CAST(CONV(LEFT(MD5(${row}), 16), 16, 10) AS UNSIGNED)) AS digest FROM \`${table}\``;
        })
        .join(' UNION ALL ');
      this.sql.set(key, sql);
    }
    return sql;
  }
}

/**
 * The outbox's delivery columns belong to the relay, which updates them in
 * the background (state, attempts, errors, timestamps of sending); what a
 * request wrote is the rest of the row.
 */
const OWNED_BY_BACKGROUND: Record<string, readonly string[]> = {
  notification_outbox: ['state', 'attempts', 'last_error', 'provider_message_id', 'provider_id', 'updated_at', 'sent_at', 'next_attempt_at', 'locked_until', 'queued_at'],
};

/**
 * A wrong verification code is refused and still counted: five wrong attempts
 * invalidate the code (CONTRACT.md, OWASP ASVS V2.7), so the attempt counter
 * and the invalidated hash may change under a refused verify.
 */
export function legitimateChangesOfRefused(rpc: string): string[] {
  return /^Verify(ContactEmail|ContactPhone)$/.test(rpc) ? ['verification_codes.failed_attempts', 'verification_codes.code_hash'] : [];
}
