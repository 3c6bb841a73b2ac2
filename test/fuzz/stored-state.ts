import { TestApp } from '../support/test-app';

/**
 * Everything a request can write, as one string, for "a refused request
 * changed nothing". Every table of the run's database is read (a table added
 * later is covered without touching this file), except TypeORM's migration
 * bookkeeping and the columns that move on their own.
 */
export class StoredState {
  private constructor(private readonly selects: ReadonlyArray<{ table: string; sql: string }>) {}

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
    const selects = [...byTable].map(([table, cols]) => ({
      table,
      sql: `SELECT ${cols.map((c) => `\`${c}\``).join(', ')} FROM \`${table}\` ORDER BY ${cols.map((c) => `\`${c}\``).join(', ')}`,
    }));
    return new StoredState(selects);
  }

  get tables(): string[] {
    return this.selects.map((select) => select.table);
  }

  /** The stored state; `ignore` names columns (table.column) a refused request of this kind may legitimately change. */
  async read(t: TestApp, ignore: readonly string[] = []): Promise<string> {
    const parts: string[] = [];
    for (const { table, sql } of this.selects) {
      const rows = await t.query(sql);
      for (const ignored of ignore) {
        const [ignoredTable, column] = ignored.split('.');
        if (ignoredTable === table) for (const row of rows) delete (row as Record<string, unknown>)[column];
      }
      parts.push(`${table}: ${JSON.stringify(rows)}`);
    }
    return parts.join('\n');
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
